// Child processes of the local stack: liveness, their output by line, and a watchdog that stops
// them when this process dies abruptly.
import { spawn, type ChildProcess } from 'node:child_process';

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A detached shell whose stdin is a pipe from this process. The kernel closes the pipe however
 * this process ends, `cat` then returns and the shell stops the server: SIGTERM, SIGKILL after
 * the grace period. Unref'd so it never keeps this process alive. Not on Windows.
 */
export function spawnWatchdog(pid: number, graceMs: number): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const graceSeconds = Math.max(1, Math.ceil(graceMs / 1000));
  const script = `cat >/dev/null 2>&1; kill -TERM ${pid} 2>/dev/null || exit 0; i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt ${graceSeconds} ]; do sleep 1; i=$((i+1)); done; kill -KILL ${pid} 2>/dev/null; exit 0`;
  const watchdog = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.on('error', () => {}); // best effort: the exit handler still covers normal exits
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

export function pipeLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream.on('end', () => pending && onLine(pending));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
