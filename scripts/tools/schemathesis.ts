// Schemathesis, the schema-driven API fuzzer the fuzz test (test/api/fuzz.test.ts) runs against the
// OpenAPI document. It comes from PyPI with pip into a virtualenv of its own, pinned to one
// version, in the user's tools cache (outside the clone: CI's fresh clone reuses it; the version is
// in the folder name, so bumping it installs beside the old one). Lookup order:
//   1. $SCHEMATHESIS (must point at a working `schemathesis` executable)
//   2. <user cache>/schemathesis-<version>/venv/bin/schemathesis, when its install completed
//   3. python3 -m venv + pip install schemathesis==<version> there (python 3.11+ and pip needed)
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultLog, formatDuration, isExecutableFile, isMainModule, run, userToolsCacheDir, which, withLock, type Log } from './common';

/** Pinned: its CLI flags and report formats are what the fuzz test reads. */
export const SCHEMATHESIS_VERSION = '4.32.5';

const isWindows = process.platform === 'win32';
export const schemathesisDir = (version = SCHEMATHESIS_VERSION): string => path.join(userToolsCacheDir(), `schemathesis-${version}`);
const venvDir = (version: string): string => path.join(schemathesisDir(version), 'venv');
const venvBin = (version: string, name: string): string => path.join(venvDir(version), isWindows ? 'Scripts' : 'bin', isWindows ? `${name}.exe` : name);
/**
 * Written last: a virtualenv cannot be built elsewhere and renamed into place (its scripts name
 * their interpreter by absolute path), so this file is what says the install is complete.
 */
const doneMarker = (version: string): string => path.join(schemathesisDir(version), 'installed');

export interface EnsureSchemathesisOptions {
  log?: Log;
  version?: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** `schemathesis --version` output ("schemathesis, version 4.32.5"), or undefined when it does not run. */
export async function schemathesisVersion(bin: string): Promise<string | undefined> {
  try {
    const r = await run(bin, ['--version'], { timeoutMs: 60_000 });
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** The installed executable, without installing anything; undefined when there is none yet. */
export async function findSchemathesis(version = SCHEMATHESIS_VERSION): Promise<string | undefined> {
  const fromEnv = process.env.SCHEMATHESIS?.trim();
  if (fromEnv) {
    if (!(await isExecutableFile(fromEnv))) throw new Error(`SCHEMATHESIS is set to "${fromEnv}", which is not an executable file`);
    return fromEnv;
  }
  const bin = venvBin(version, 'schemathesis');
  const marker = await readFile(doneMarker(version), 'utf8').catch(() => '');
  return marker.trim() === version && (await isExecutableFile(bin)) ? bin : undefined;
}

export async function ensureSchemathesis(opts: EnsureSchemathesisOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const version = opts.version ?? SCHEMATHESIS_VERSION;
  const found = await findSchemathesis(version);
  if (found) return found;
  // Two test runs (or clones) installing at once would share one pip target: one at a time.
  return withLock(path.join(userToolsCacheDir(), `schemathesis-${version}.lock`), async () => (await findSchemathesis(version)) ?? install(version, log), {
    log,
    what: `installing schemathesis ${version}`,
  });
}

async function findPython(): Promise<string> {
  const candidates = [process.env.PYTHON?.trim(), await which('python3'), await which('python')].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    // Schemathesis 4.32 needs Python 3.11 or later (its Requires-Python); venv and pip must be there too.
    const r = await run(python, ['-c', 'import sys, venv, ensurepip; print(sys.version_info >= (3, 11))'], { timeoutMs: 60_000 }).catch(() => undefined);
    if (r?.code === 0 && r.stdout.trim() === 'True') return python;
  }
  throw new Error(
    'schemathesis needs Python 3.11+ with venv and pip (Debian: apt-get install python3 python3-venv python3-pip), or set SCHEMATHESIS to an installed schemathesis executable',
  );
}

async function install(version: string, log: Log): Promise<string> {
  const started = Date.now();
  const python = await findPython();
  const dir = schemathesisDir(version);
  // Whatever an interrupted install left is not trusted: start over.
  if (await exists(dir)) await rm(dir, { recursive: true, force: true });
  log(`Installing schemathesis ${version} with pip into ${venvDir(version)} (once per machine)…`);
  const venv = await run(python, ['-m', 'venv', venvDir(version)], { timeoutMs: 5 * 60_000 });
  if (venv.code !== 0) throw new Error(`${python} -m venv failed (exit ${venv.code ?? venv.signal}): ${venv.stderr.trim().split('\n').slice(-3).join(' ')}`);
  let last = 0;
  const pip = await run(
    venvBin(version, 'python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', `schemathesis==${version}`],
    {
      // Not the user's pip configuration's --user or --target: into this virtualenv only.
      env: { ...process.env, PIP_USER: '0', PIP_REQUIRE_VIRTUALENV: '1' },
      onLine: (line) => {
        // Progress at most every 2 s (pip prints a line per package), errors always.
        if (/^(Collecting|Installing|Successfully)/.test(line) && Date.now() - last > 2_000) {
          last = Date.now();
          log(`  pip: ${line.slice(0, 160)}`);
        } else if (/^ERROR/.test(line)) log(`  pip: ${line}`);
      },
      timeoutMs: 15 * 60_000,
    },
  );
  if (pip.code !== 0) throw new Error(`pip install schemathesis==${version} failed (exit ${pip.code ?? pip.signal}); see the pip output above`);
  const bin = venvBin(version, 'schemathesis');
  const reported = await schemathesisVersion(bin);
  if (!reported?.includes(version)) throw new Error(`schemathesis was installed but \`${bin} --version\` says ${reported ?? 'nothing'}`);
  await writeFile(doneMarker(version), `${version}\n`);
  log(`schemathesis ${version} ready at ${bin} (${formatDuration(Date.now() - started)})`);
  return bin;
}

if (await isMainModule(import.meta.url)) {
  try {
    console.log(await ensureSchemathesis());
  } catch (err) {
    console.error(`[schemathesis] ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
