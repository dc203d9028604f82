// The fault suite's scenarios: each runs its own load (faults/workload.ts) and breaks the stack
// `runs` times while it runs. How each crash point is reached:
//   smtp      the worker arms PRACTICEFLOW_FAULT_POINT=after-smtp-accept:<1..3> and kills itself
//             between the SMTP server's 250 and the outbox row's `sent` (faults/seam.ts)
//   ledger    ledger-append:<1..6>: rows and head written, the transaction not committed
//   update    the runner SIGKILLs the worker 0-1.5 s after a client sent a completeTask Update
//   can       the runner SIGKILLs the worker 0-2.5 s after a credential renewal Update, whose
//             workflow records the renewal, emails a confirmation and continues as new
//   postgres  PostgreSQL restarted under load: fast shutdown and immediate (crash-like) in turn,
//             down for 0-2 s
//   temporal  SIGKILL of the Temporal dev server, restarted on the same SQLite file and port
// A run is one kill or one restart. The worker is restarted at once after each death.
import { delay } from '../devstack/process';
import { Load, type FlowKind } from './workload';
import type { FaultStack } from './stack';

export interface ScenarioContext {
  stack: FaultStack;
  runs: number;
  /** Flows in flight at a time. */
  concurrency: number;
  /** Aborted when the whole suite gives up. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called after each run with the number done so far. */
  progress: (runs: number) => void;
}

export interface Injected {
  load: Load;
  runs: number;
  notes: string[];
}

export interface Scenario {
  id: string;
  name: string;
  kind: FlowKind;
  inject(ctx: ScenarioContext): Promise<Injected>;
}

/** No run for this long: the scenario stops where it is (and the report says so). */
const STALL_MS = 180_000;

const randomInt = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/** The worker kills itself at an armed crash point, `runs` times, a different crossing each life. */
function crashPointScenario(id: string, name: string, point: string, maxNth: number): Scenario {
  return {
    id,
    name,
    kind: 'checklist',
    async inject(ctx) {
      const { worker } = ctx.stack;
      const base = worker.deaths.atCrashPoint;
      const done = () => worker.deaths.atCrashPoint - base;
      // Read at every start: armed while runs remain, so the start after the last death is clean.
      worker.setFaultPoint(() => (done() < ctx.runs ? `${point}:${randomInt(1, maxNth)}` : undefined));
      await worker.restart();
      const load = startLoad(ctx, id, 'checklist');
      const notes: string[] = [];
      let last = done();
      let lastAt = Date.now();
      while (done() < ctx.runs && !ctx.signal.aborted) {
        if (done() !== last) {
          [last, lastAt] = [done(), Date.now()];
          ctx.progress(last);
        }
        if (Date.now() - lastAt > STALL_MS) {
          notes.push(`stopped after ${done()} runs: no crossing for ${STALL_MS / 1000} s`);
          break;
        }
        await delay(200);
      }
      if (done() !== last) ctx.progress(done());
      await load.stopStarting();
      worker.setFaultPoint(undefined);
      if (done() < ctx.runs) await worker.restart(); // still armed: start it clean
      await worker.whenReady();
      return { load, runs: done(), notes };
    },
  };
}

/** The runner kills the worker a moment after a client sent an Update. */
function killDuringUpdateScenario(id: string, name: string, kind: FlowKind, maxDelayMs: number): Scenario {
  return {
    id,
    name,
    kind,
    async inject(ctx) {
      let sent: () => void = () => {};
      let nextSent = new Promise<void>((resolve) => (sent = resolve));
      const load = startLoad(ctx, id, kind, () => sent());
      const notes: string[] = [];
      let runs = 0;
      while (runs < ctx.runs && !ctx.signal.aborted) {
        const got = await Promise.race([nextSent.then(() => true), delay(STALL_MS).then(() => false)]);
        if (!got) {
          notes.push(`stopped after ${runs} runs: no Update sent for ${STALL_MS / 1000} s`);
          break;
        }
        await delay(randomInt(0, maxDelayMs));
        await ctx.stack.worker.kill();
        runs += 1;
        ctx.progress(runs);
        nextSent = new Promise<void>((resolve) => (sent = resolve));
      }
      await load.stopStarting();
      return { load, runs, notes };
    },
  };
}

function serviceRestartScenario(id: string, name: string, restart: (ctx: ScenarioContext, run: number) => Promise<void>): Scenario {
  return {
    id,
    name,
    kind: 'checklist',
    async inject(ctx) {
      const load = startLoad(ctx, id, 'checklist');
      let runs = 0;
      while (runs < ctx.runs && !ctx.signal.aborted) {
        await delay(randomInt(1_000, 3_000)); // under load
        await restart(ctx, runs);
        runs += 1;
        ctx.progress(runs);
      }
      await load.stopStarting();
      await ctx.stack.worker.whenReady();
      return { load, runs, notes: [] };
    },
  };
}

function startLoad(ctx: ScenarioContext, id: string, kind: FlowKind, onUpdateSent?: () => void): Load {
  const load = new Load(ctx.stack, `fault-${id}`, kind, ctx.concurrency, ctx.signal, { onUpdateSent });
  load.start();
  return load;
}

export const SCENARIOS: Scenario[] = [
  crashPointScenario('smtp', 'worker kill -9 after SMTP accepted, before the outbox row is marked', 'after-smtp-accept', 3),
  crashPointScenario('ledger', 'worker kill -9 inside a ledger append (written, not committed)', 'ledger-append', 6),
  killDuringUpdateScenario('update', 'worker kill -9 during an Update (task completion)', 'checklist', 1_500),
  killDuringUpdateScenario('can', 'worker kill -9 during continue-as-new (credential renewal)', 'credential', 2_500),
  serviceRestartScenario('postgres', 'PostgreSQL restart mid-load (fast / immediate in turn)', (ctx, run) => ctx.stack.restartPostgres(run % 2 === 0 ? 'fast' : 'immediate', randomInt(0, 2_000))),
  serviceRestartScenario('temporal', 'Temporal dev server kill -9, restarted on its SQLite file', (ctx) => ctx.stack.killTemporal(randomInt(0, 1_000))),
];
