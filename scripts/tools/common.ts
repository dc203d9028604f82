// Helpers shared by the tool installers: paths, PATH lookup, child processes, a cross-process lock.
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../../devstack/process';

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => console.error(line);

/** Repository root (this file lives in scripts/tools/). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Project-local, git-ignored tools folder. A fresh clone starts without it. */
export const projectToolsDir = path.join(projectRoot, '.tools');

/**
 * Per-user tools cache outside the clone: CI runs in a fresh clone on the same machine, so only a
 * cache out here survives between runs.
 */
export function userToolsCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'practiceflow', 'tools');
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Like `command -v`: the first executable named `name` on PATH. */
export async function which(name: string): Promise<string | undefined> {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion. `onLine` sees every stdout/stderr line as it arrives, so long
 * builds can show progress instead of going quiet for minutes.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const pending = { out: '', err: '' };
    const feed = (key: 'out' | 'err', chunk: string) => {
      if (!opts.onLine) return;
      const lines = (pending[key] + chunk).split(/\r?\n/);
      pending[key] = lines.pop() ?? '';
      for (const line of lines) opts.onLine(line);
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      feed('out', c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      feed('err', c);
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (opts.onLine) {
        if (pending.out) opts.onLine(pending.out);
        if (pending.err) opts.onLine(pending.err);
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}


/**
 * Serialises `fn` across processes (parallel test workers, two clones building at once) with a
 * lock directory: mkdir is atomic. A lock left by a dead process is taken over.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, opts: { log?: Log; what?: string } = {}): Promise<T> {
  const log = opts.log ?? defaultLog;
  await mkdir(path.dirname(lockDir), { recursive: true });
  const ownerFile = path.join(lockDir, 'owner');
  let lastNotice = 0;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(ownerFile, `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(ownerFile, 'utf8').catch(() => ''), 10);
    if (Number.isFinite(owner) && !pidAlive(owner)) {
      log(`Removing stale lock ${lockDir} (process ${owner} is gone)`);
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!Number.isFinite(owner)) {
      // Owner file not written yet, or the owner died between mkdir and writeFile: give it a
      // moment, then treat a lock that stays ownerless for a minute as stale.
      const s = await stat(lockDir).catch(() => undefined);
      if (s && Date.now() - s.mtimeMs > 60_000) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
    }
    if (Date.now() - lastNotice > 30_000) {
      log(`Waiting for another process${Number.isFinite(owner) ? ` (pid ${owner})` : ''} to finish ${opts.what ?? 'its work'}…`);
      lastNotice = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Unique sibling name for write-then-rename, so readers never see a half-written file. */
export function tempSibling(target: string): string {
  return `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** True when the module at `metaUrl` is the script node was started with. */
export async function isMainModule(metaUrl: string): Promise<boolean> {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return (await realpath(entry)) === (await realpath(fileURLToPath(metaUrl)));
  } catch {
    return false;
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
