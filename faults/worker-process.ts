// The worker of the fault stack: worker/main.ts as a child process, as `npm start` runs it, that
// the fault runner can SIGKILL from outside or arm to SIGKILL itself at a crash point
// (faults/seam.ts). Whenever it dies it is started again at once (no backoff: the runner wants
// the next run, not a gentle recovery) until stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { delay, pipeLines, spawnWatchdog } from '../devstack/process';
import { FAULT_MARKER, FAULT_POINT_VARIABLE } from './seam';

const WORKER_MAIN = fileURLToPath(new URL('../worker/main.ts', import.meta.url));
const READY_LINE = /^PracticeFlow worker polling /;
const READY_TIMEOUT_MS = 120_000;

export interface WorkerDeaths {
  /** Killed itself at an armed crash point (its marker line seen). */
  atCrashPoint: number;
  /** Killed by the runner (kill()). */
  byRunner: number;
  /** Died any other way (e.g. Temporal unreachable at start). */
  otherwise: number;
}

export interface CrashPointCrossing {
  point: string;
  detail: string;
}

export class WorkerProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> = Promise.resolve();
  private stopping = false;
  private killedByRunner = false;
  private sawMarker = false;
  private fault: (() => string | undefined) | undefined;
  private watching: Promise<void> | undefined;
  readonly deaths: WorkerDeaths = { atCrashPoint: 0, byRunner: 0, otherwise: 0 };
  /** Every crossing the worker reported before killing itself, in order. */
  readonly crossings: CrashPointCrossing[] = [];
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly options: { env: Record<string, string>; log: (line: string) => void }) {}

  /** Starts the worker (resolves once it polls) and keeps it running until stop(). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.spawnUntilReady();
    this.watching = this.watch();
  }

  /**
   * What PRACTICEFLOW_FAULT_POINT each start gets (e.g. "after-smtp-accept:2"), asked at every
   * start, so each life can die at a different crossing; undefined disarms. Applies from the next start.
   */
  setFaultPoint(plan: (() => string | undefined) | undefined): void {
    this.fault = plan;
  }

  /** Stops it gracefully and starts it again with the current fault point; resolves when ready. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** SIGKILL from outside; resolves once the next worker is ready. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.whenReady();
    this.killedByRunner = true;
    const next = this.nextReady();
    child.kill('SIGKILL');
    await next;
  }

  /** Resolves when a worker is polling (at once if one is). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Resolves at the next time a worker becomes ready (after a death). */
  nextReady(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), delay(15_000).then(() => false)]))) child.kill('SIGKILL');
      await exited;
    }
    await this.watching;
    this.watching = undefined;
  }

  private async watch(): Promise<void> {
    while (!this.stopping) {
      const child = this.child!;
      const how = await new Promise<string>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(describeExit(child.exitCode, child.signalCode));
        else child.once('exit', (code, signal) => resolve(describeExit(code, signal)));
      });
      if (this.stopping) return;
      if (this.sawMarker) this.deaths.atCrashPoint += 1;
      else if (this.killedByRunner) this.deaths.byRunner += 1;
      else {
        this.deaths.otherwise += 1;
        this.options.log(`[faults] worker died unexpectedly (${how}); starting it again`);
      }
      for (;;) {
        try {
          await this.spawnUntilReady();
          break;
        } catch (err) {
          if (this.stopping) return;
          this.options.log(`[faults] worker did not start (${(err as Error).message.split('\n')[0]}); trying again in 1 s`);
          await delay(1_000);
        }
      }
    }
  }

  private async spawnUntilReady(): Promise<void> {
    this.killedByRunner = false;
    this.sawMarker = false;
    const env = { ...this.options.env };
    const fault = this.fault?.();
    if (fault) env[FAULT_POINT_VARIABLE] = fault;
    else delete env[FAULT_POINT_VARIABLE];
    // tsx as an import hook: the worker's TypeScript runs as `npm run worker` runs it, whatever
    // loader flags this process (tsx or vitest) was started with.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // If the runner itself dies abruptly, the watchdog stops the worker (no orphan polls the queue).
    const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid, 5_000) : undefined;
    child.once('exit', () => watchdog?.kill('SIGKILL'));
    let markReady: () => void = () => {};
    const isReady = new Promise<void>((resolve) => (markReady = resolve));
    pipeLines(child, (line) => {
      if (!line.trim()) return;
      this.options.log(`[worker ${child.pid}] ${line}`);
      const marker = line.indexOf(FAULT_MARKER);
      if (marker >= 0) {
        this.sawMarker = true;
        const rest = line.slice(marker + FAULT_MARKER.length).trim();
        const point = rest.split(' ')[0] ?? '';
        this.crossings.push({ point, detail: rest.slice(rest.indexOf(':') + 1).trim() });
      }
      if (READY_LINE.test(line)) markReady();
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(describeExit(code, signal))));
    this.ready = isReady;
    const outcome = await Promise.race([
      isReady.then(() => 'ready' as const),
      exited.then((how) => `exited during start-up (${how})`),
      delay(READY_TIMEOUT_MS).then(() => 'not ready in time'),
    ]);
    if (outcome !== 'ready') {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw new Error(`worker ${outcome}`);
    }
    for (const wake of this.readyWaiters.splice(0)) wake();
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}
