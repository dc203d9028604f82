// `npm start`'s process supervision: each part of the local stack (PostgreSQL, the Temporal dev
// server and UI, the mail sink, the worker, the API) is its own process. When one dies it is
// reported and started again with backoff (1 s, doubling to 30 s, back to 1 s once it has run for
// a minute), and the others go on: a killed worker is back within seconds while the API keeps
// answering. Stopping goes in a fixed order: the API first (no new requests), then the worker
// (it drains), then the services it needs.
import { spawn } from 'node:child_process';
import { delay, pipeLines, spawnWatchdog } from './process';

export interface RunningPart {
  /** Resolves when the part stops by itself (a crash), never on stop(). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface PartSpec {
  name: string;
  /** Lower stops first. */
  stopOrder: number;
  /** Starts it; resolves once it is ready. */
  start(): Promise<RunningPart>;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** First restart delay; doubles up to maxBackoffMs. Default 1 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A part that ran this long is healthy again: its next crash restarts after the first delay. Default 60 s. */
  stableAfterMs?: number;
}

interface Watched {
  spec: PartSpec;
  current: RunningPart | undefined;
  restarts: number;
}

export class Supervisor {
  private readonly parts: Watched[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts the part (a failure to start is thrown: the stack cannot come up) and watches it. */
  async add(spec: PartSpec): Promise<void> {
    const watched: Watched = { spec, current: await spec.start(), restarts: 0 };
    this.parts.push(watched);
    void this.watch(watched);
  }

  /** Restarts of each part so far (for the summary and tests). */
  restarts(): Record<string, number> {
    return Object.fromEntries(this.parts.map((p) => [p.spec.name, p.restarts]));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const part of [...this.parts].sort((a, b) => a.spec.stopOrder - b.spec.stopOrder)) {
      try {
        await part.current?.stop();
      } catch (err) {
        this.options.log(`stopping ${part.spec.name}: ${(err as Error).message}`);
      }
      part.current = undefined;
    }
  }

  private async watch(part: Watched): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 30_000;
    const stableAfter = this.options.stableAfterMs ?? 60_000;
    let backoff = initial;
    let startedAt = Date.now();
    while (part.current && !this.stopping) {
      const how = await part.current.exited;
      if (this.stopping) return;
      part.current = undefined;
      if (Date.now() - startedAt >= stableAfter) backoff = initial;
      for (;;) {
        part.restarts += 1;
        this.options.log(`${part.spec.name} stopped unexpectedly (${how}); restarting in ${Math.round(backoff / 1000)} s (restart ${part.restarts})`);
        await delay(backoff);
        backoff = Math.min(backoff * 2, max);
        if (this.stopping) return;
        try {
          part.current = await part.spec.start();
          startedAt = Date.now();
          this.options.log(`${part.spec.name} is running again`);
          break;
        } catch (err) {
          this.options.log(`${part.spec.name} did not start: ${(err as Error).message}`);
        }
      }
    }
  }
}

export interface NodePartOptions {
  name: string;
  /** The TypeScript entry point, run with this process's own loader flags (tsx). */
  script: string;
  env: Record<string, string>;
  /** A line of its output that says it is ready. */
  readyLine: RegExp;
  /** How long it may take to be ready. Default 120 s. */
  readyTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping. Default 40 s (the worker drains). */
  stopGraceMs?: number;
  /** Its output lines, prefixed with its name. */
  log: (line: string) => void;
  /** Called with its pid each time it starts. */
  onStart?: (pid: number) => void;
}

/** A Node process of the stack (the worker, the API, the mail sink) as a supervised part. */
export function nodePart(o: NodePartOptions & { stopOrder: number }): PartSpec {
  return {
    name: o.name,
    stopOrder: o.stopOrder,
    async start() {
      const child = spawn(process.execPath, [...process.execArgv, o.script], { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let ready: () => void = () => {};
      const isReady = new Promise<void>((resolve) => (ready = resolve));
      const tail: string[] = [];
      pipeLines(child, (line) => {
        if (!line.trim()) return;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        o.log(`[${o.name}] ${line}`);
        if (o.readyLine.test(line)) ready();
      });
      let stopping = false;
      const exit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)));
      // If this supervisor dies abruptly, the watchdog stops the child (no orphan keeps a port).
      const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid, o.stopGraceMs ?? 40_000) : undefined;
      void exit.then(() => watchdog?.kill('SIGKILL'));
      const stop = async (): Promise<void> => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          if (!(await Promise.race([exit.then(() => true), delay(o.stopGraceMs ?? 40_000).then(() => false)]))) child.kill('SIGKILL');
          await exit;
        }
      };
      const outcome = await Promise.race([
        isReady.then(() => 'ready' as const),
        exit.then((how) => `exited during start-up (${how})`),
        delay(o.readyTimeoutMs ?? 120_000).then(() => 'not ready in time'),
      ]);
      if (outcome !== 'ready') {
        await stop();
        throw new Error(`${o.name} ${outcome}:\n${tail.join('\n')}`);
      }
      if (child.pid !== undefined) o.onStart?.(child.pid);
      // A stop() we asked for is not a crash: `exited` then never resolves.
      return { exited: exit.then((how) => (stopping ? new Promise<string>(() => {}) : how)), stop };
    },
  };
}
