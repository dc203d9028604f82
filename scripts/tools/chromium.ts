// The Chromium the web console's browser tests drive (through playwright-core, which downloads no
// browser here). Found at CHROMIUM_PATH, /usr/bin/chromium or on PATH; when missing on Debian and
// running as root, Debian's `chromium` package is installed with apt-get (progress shown).
import { access, readFile } from 'node:fs/promises';
import { defaultLog, formatDuration, isExecutableFile, isMainModule, run, which, type Log } from './common';

/** How the tests launch it: headless, no sandbox (containers, root), nothing in the background. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] as const;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** An existing Chromium, or undefined. CHROMIUM_PATH, when set, must point at one. */
export async function findChromium(): Promise<string | undefined> {
  const fromEnv = process.env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (await isExecutableFile(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH: ${fromEnv} is not an executable file`);
  }
  for (const candidate of CANDIDATES) if (await isExecutableFile(candidate)) return candidate;
  return (await which('chromium')) ?? (await which('chromium-browser'));
}

async function isDebian(): Promise<boolean> {
  try {
    await access('/etc/debian_version');
    return true;
  } catch {
    try {
      return /^ID(_LIKE)?=.*debian/m.test(await readFile('/etc/os-release', 'utf8'));
    } catch {
      return false;
    }
  }
}

async function aptGet(args: string[], log: Log): Promise<void> {
  log(`apt-get ${args.join(' ')}`);
  let last = 0;
  const result = await run('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    onLine: (line) => {
      // The interesting lines only, at most one every 2 s, so the log stays readable.
      if (/^(Get|Unpacking|Setting up|E:|Err)/.test(line) && (Date.now() - last > 2_000 || /^(E:|Err)/.test(line))) {
        last = Date.now();
        log(`  ${line.slice(0, 160)}`);
      }
    },
    timeoutMs: 20 * 60_000,
  });
  if (result.code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.code ?? result.signal}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/**
 * The path of a Chromium, installing Debian's package when there is none and this process may
 * (root on Debian). Otherwise an error that says how to provide one.
 */
export async function ensureChromium(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const found = await findChromium();
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !(await isDebian())) {
    throw new Error('no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to its executable');
  }
  const started = Date.now();
  log("Chromium not found: installing Debian's chromium package (once per machine)...");
  try {
    await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], log);
  } catch {
    // Usually a stale or empty package index (fresh containers have none).
    log('updating the package index first...');
    await aptGet(['update'], log);
    await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], log);
  }
  const installed = await findChromium();
  if (!installed) throw new Error('apt-get installed chromium but no chromium executable was found');
  log(`installed ${installed} in ${formatDuration(Date.now() - started)}`);
  return installed;
}

if (await isMainModule(import.meta.url)) {
  try {
    console.log(await ensureChromium());
  } catch (err) {
    console.error(`[chromium] ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
