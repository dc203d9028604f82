// Obtains the Temporal CLI (`temporal server start-dev`: dev server + Web UI) without downloading
// release binaries, which this project's machines cannot reach. Lookup order:
//   1. $TEMPORAL_CLI (must point at a working binary)
//   2. `temporal` on PATH
//   3. .tools/temporal-v1.5.1/temporal            (project-local, git-ignored)
//   4. $XDG_CACHE_HOME/practiceflow/tools/temporal-v1.5.1/temporal (survives fresh CI clones;
//      hard-linked or copied into .tools)
//   5. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` when Go is on PATH (minutes
//      on 2 cores the first time; Go's module and build caches make later builds quick)
//   6. undefined: callers then let @temporalio/testing download the CLI itself, which works
//      wherever the internet is reachable (see devstack/temporal.ts).
// v1.5.1 is pinned because later releases carry a `replace` directive that `go install` refuses.
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  defaultLog,
  formatDuration,
  isExecutableFile,
  isMainModule,
  projectToolsDir,
  run,
  tempSibling,
  userToolsCacheDir,
  which,
  withLock,
  type Log,
} from './common';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
const DIR_NAME = `temporal-v${TEMPORAL_CLI_VERSION}`;

export const projectCliPath = (): string => path.join(projectToolsDir, DIR_NAME, EXE);
export const cachedCliPath = (): string => path.join(userToolsCacheDir(), DIR_NAME, EXE);

export interface EnsureTemporalCliOptions {
  log?: Log;
  /** Build with Go when no binary is found (default true). */
  build?: boolean;
  /** Echo every `go install -v` line rather than a periodic summary. */
  verbose?: boolean;
}

/** Runs `<bin> --version`; returns its first line, or undefined when the binary does not run. */
export async function temporalCliVersion(bin: string): Promise<string | undefined> {
  try {
    const r = await run(bin, ['--version'], { timeoutMs: 30_000 });
    const line = r.stdout.trim().split('\n')[0] ?? '';
    return r.code === 0 && /temporal/i.test(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

export async function ensureTemporalCli(opts: EnsureTemporalCliOptions = {}): Promise<string | undefined> {
  const log = opts.log ?? defaultLog;

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    // An explicit choice that does not work is an error, not a reason to look elsewhere.
    if (!(await isExecutableFile(fromEnv))) {
      throw new Error(`TEMPORAL_CLI is set to "${fromEnv}", which is not an executable file. Unset TEMPORAL_CLI or point it at a Temporal CLI binary.`);
    }
    const version = await temporalCliVersion(fromEnv);
    if (!version) throw new Error(`TEMPORAL_CLI="${fromEnv}" does not run (\`${fromEnv} --version\` failed).`);
    log(`Temporal CLI from TEMPORAL_CLI: ${fromEnv} (${version})`);
    return fromEnv;
  }

  const onPath = await which('temporal');
  if (onPath) {
    const version = await temporalCliVersion(onPath);
    if (version) {
      log(`Temporal CLI on PATH: ${onPath} (${version})`);
      return onPath;
    }
    log(`Ignoring ${onPath} on PATH: \`temporal --version\` failed.`);
  }

  const found = await findInstalled(log);
  if (found) return found;

  if (opts.build === false) return undefined;
  const go = await which('go');
  if (!go) {
    log(
      `No Temporal CLI found and Go is not installed, so it cannot be built. ` +
        `The Temporal SDK's own download will be used instead (needs internet access). ` +
        `To provide one: install Go 1.25+ and rerun \`npm run tools:temporal\`, put \`temporal\` on PATH, or set TEMPORAL_CLI.`,
    );
    return undefined;
  }

  // One build at a time per user (parallel test workers, several clones): others wait and reuse.
  return withLock(
    path.join(userToolsCacheDir(), `${DIR_NAME}.lock`),
    async () => (await findInstalled(log)) ?? (await buildWithGo(go, log, opts.verbose ?? false)),
    { log, what: `building the Temporal CLI v${TEMPORAL_CLI_VERSION}` },
  );
}

/** Project-local copy first, then the user cache (linked into the project). */
async function findInstalled(log: Log): Promise<string | undefined> {
  const local = projectCliPath();
  if (await isExecutableFile(local)) {
    const version = await temporalCliVersion(local);
    if (version) return local;
    log(`${local} does not run; replacing it.`);
    await rm(local, { force: true });
  }
  const cached = cachedCliPath();
  if (await isExecutableFile(cached)) {
    if (await temporalCliVersion(cached)) {
      await placeFile(cached, local);
      log(`Temporal CLI v${TEMPORAL_CLI_VERSION} linked from user cache ${cached}`);
      return local;
    }
    log(`${cached} does not run; rebuilding.`);
    await rm(cached, { force: true });
  }
  return undefined;
}

/** Puts `src` at `dest` atomically: a hard link when on the same file system (the binary is ~250 MB), else a copy. */
async function placeFile(src: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  try {
    await link(src, tmp);
  } catch {
    await copyFile(src, tmp, fsConstants.COPYFILE_FICLONE);
  }
  await chmod(tmp, 0o755);
  await rename(tmp, dest);
}

async function buildWithGo(go: string, log: Log, verbose: boolean): Promise<string> {
  const local = projectCliPath();
  // Build into a private GOBIN, then rename: nobody ever sees a half-written binary.
  const gobin = tempSibling(path.join(projectToolsDir, DIR_NAME));
  await mkdir(gobin, { recursive: true });
  const started = Date.now();
  log(
    `Building Temporal CLI v${TEMPORAL_CLI_VERSION} with \`go install\` (first build: ~1 GB of Go modules and several minutes of compiling on 2 cores; later builds reuse Go's caches)…`,
  );

  let compiled = 0;
  let downloaded = 0;
  let lastPackage = '';
  const tail: string[] = [];
  const ticker = setInterval(() => {
    log(`  still building (${formatDuration(Date.now() - started)}): ${compiled} packages compiled, ${downloaded} modules downloaded${lastPackage ? `, last ${lastPackage}` : ''}`);
  }, 15_000);
  try {
    const r = await run(
      go,
      [
        'install',
        '-v',
        // Same flags as the CLI's release build, so `temporal --version` reports 1.5.1 and the binary is stripped.
        `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: gobin },
        onLine: (line) => {
          if (!line.trim()) return;
          tail.push(line);
          if (tail.length > 40) tail.shift();
          if (line.startsWith('go: downloading')) downloaded++;
          else if (!line.startsWith('go:') && !line.includes(' ')) {
            compiled++;
            lastPackage = line;
          }
          if (verbose) log(`  ${line}`);
        },
      },
    );
    if (r.code !== 0) {
      throw new Error(`go install ${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION} failed (exit ${r.code ?? r.signal}):\n${tail.join('\n')}`);
    }
  } finally {
    clearInterval(ticker);
  }

  const built = path.join(gobin, EXE);
  const version = await temporalCliVersion(built);
  if (!version) throw new Error(`The freshly built ${built} does not run (\`--version\` failed).`);
  await mkdir(path.dirname(local), { recursive: true });
  await rename(built, local);
  await rm(gobin, { recursive: true, force: true });
  // Keep a copy outside the clone for the next fresh clone (CI).
  await placeFile(local, cachedCliPath());
  log(`Built ${local} (${version}) in ${formatDuration(Date.now() - started)}; cached at ${cachedCliPath()}`);
  return local;
}

if (await isMainModule(import.meta.url)) {
  try {
    const bin = await ensureTemporalCli({ verbose: process.argv.includes('--verbose') });
    if (bin) {
      console.log(bin);
    } else {
      console.error('No Temporal CLI available; tests and `npm start` will rely on the Temporal SDK download.');
      process.exitCode = 1;
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
