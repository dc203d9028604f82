// The fault suite: one fault stack (faults/stack.ts), each scenario's faults in turn while its
// load runs (faults/scenarios.ts), then time for every flow to finish, then the counts
// (faults/check.ts). Used by `npm run faults` (faults/main.ts) and, short, by `npm test`
// (test/faults/faults.test.ts).
import { delay } from '../devstack/process';
import { checkFlows, duplicateKeys, verifyChain, type ChainCheck } from './check';
import { pendingWork } from './pending';
import { SCENARIOS, type Injected } from './scenarios';
import type { Load } from './workload';
import { FaultStack } from './stack';

export interface SuiteOptions {
  /** Runs (kills or restarts) per scenario. */
  runs: number;
  /** Flows in flight at a time per scenario. Default 16. */
  concurrency?: number;
  /** Scenario ids to run (default all): smtp, ledger, update, can, postgres, temporal. */
  only?: string[];
  /**
   * How long flows may take to finish after the last fault. Default 10 min; longer (up to four
   * times this) while Temporal has a retry scheduled for an unfinished flow (faults/pending.ts).
   */
  settleMs?: number;
  workflowBundlePath?: string;
  keep?: boolean;
  /** Every line of the stack's output (the worker's among them). */
  log: (line: string) => void;
  /** Progress for a person. */
  say: (line: string) => void;
  /** Stops the faults early (Ctrl-C); what was done is still counted. */
  signal?: AbortSignal;
}

export interface ScenarioResult {
  id: string;
  name: string;
  requestedRuns: number;
  runs: number;
  flows: number;
  lost: number;
  emailsLost: number;
  duplicateRows: number;
  duplicateEmails: { inWindow: number; outside: number };
  /** Crossings of an armed crash point reported by the worker before it died. */
  crossings: number;
  /** The chain verified right after this scenario's faults. */
  chain: ChainCheck;
  seconds: number;
  notes: string[];
  details: string[];
}

export interface FaultReport {
  startedAt: string;
  finishedAt: string;
  runsPerPoint: number;
  scenarios: ScenarioResult[];
  /** Business keys twice anywhere in the database (ledger, outbox, flow, credential). */
  duplicateKeys: { count: number; details: string[] };
  /** The chain at the very end. */
  chain: ChainCheck;
  workerDeaths: { atCrashPoint: number; byRunner: number; otherwise: number };
  ok: boolean;
}

export async function runFaultSuite(options: SuiteOptions): Promise<FaultReport> {
  const startedAt = new Date().toISOString();
  const selected = options.only ? SCENARIOS.filter((s) => options.only!.includes(s.id)) : SCENARIOS;
  if (selected.length === 0) throw new Error(`no such scenario: ${options.only?.join(', ')} (scenarios: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  options.say('[faults] starting the fault stack (PostgreSQL, Temporal dev server, mail sink, worker)...');
  const stack = await FaultStack.start({ workflowBundlePath: options.workflowBundlePath, keep: options.keep, log: options.log });
  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort());
  try {
    const injected: { id: string; result: Injected; chain: ChainCheck; seconds: number; crossings: number }[] = [];
    for (const scenario of selected) {
      options.say(`[faults] ${scenario.id}: ${scenario.name}, ${options.runs} runs`);
      const began = Date.now();
      const crossingsBefore = stack.worker.crossings.length;
      let reported = 0;
      const result = await scenario.inject({
        stack,
        runs: options.runs,
        concurrency: options.concurrency ?? 16,
        signal: abort.signal,
        log: options.log,
        progress: (runs) => {
          if (runs - reported >= Math.max(1, Math.ceil(options.runs / 10)) || runs === options.runs) {
            reported = runs;
            options.say(`[faults] ${scenario.id}: ${runs}/${options.runs} runs (${Math.round((Date.now() - began) / 1000)} s)`);
          }
        },
      });
      const chain = await retrying(() => verifyChain(stack, { witness: 'skip' }));
      options.say(`[faults] ${scenario.id}: chain ${chain.ok ? 'OK' : 'BROKEN'} (${chain.message})`);
      injected.push({ id: scenario.id, result, chain, seconds: Math.round((Date.now() - began) / 1000), crossings: stack.worker.crossings.length - crossingsBefore });
    }
    options.say('[faults] faults over; waiting for every flow to finish...');
    const settled = await settle(stack, injected.map((i) => i.result.load), options.settleMs ?? 600_000, abort.signal, options.say);
    if (!settled) options.say('[faults] not every flow finished in time; those are counted as lost');
    abort.abort();
    // A driver blocked in a long poll notices the abort only when the poll returns: do not wait long.
    await Promise.race([Promise.all(injected.map((i) => i.result.load.finished())), delay(30_000)]);
    const scenarios: ScenarioResult[] = [];
    for (const { id, result, chain, seconds, crossings } of injected) {
      const scenario = selected.find((s) => s.id === id)!;
      const verdict = await retrying(() => checkFlows(stack, result.load.flows));
      scenarios.push({
        id,
        name: scenario.name,
        requestedRuns: options.runs,
        runs: result.runs,
        flows: verdict.flows,
        lost: verdict.lost,
        emailsLost: verdict.emailsLost,
        duplicateRows: verdict.duplicateRows,
        duplicateEmails: { inWindow: verdict.duplicateEmailsInWindow, outside: verdict.duplicateEmailsOutside },
        crossings,
        chain,
        seconds,
        notes: [...result.notes, ...(result.load.refusedAsDone > 0 ? [`${result.load.refusedAsDone} repeated Update(s) refused, the change already recorded by an earlier attempt`] : [])],
        details: verdict.details,
      });
    }
    const keys = await retrying(() => duplicateKeys(stack));
    const chain = await retrying(() => verifyChain(stack, { witness: 'wait' }));
    const ok =
      keys.count === 0 &&
      chain.ok &&
      scenarios.every((s) => s.runs >= s.requestedRuns && s.lost === 0 && s.emailsLost === 0 && s.duplicateRows === 0 && s.duplicateEmails.outside === 0 && s.chain.ok);
    return { startedAt, finishedAt: new Date().toISOString(), runsPerPoint: options.runs, scenarios, duplicateKeys: keys, chain, workerDeaths: { ...stack.worker.deaths }, ok };
  } finally {
    abort.abort();
    await stack.stop();
  }
}

/**
 * Waits for every load's flows to finish: at least `settleMs`, and beyond it (up to four times
 * it) while Temporal has a retry scheduled for an unfinished flow. True when all finished.
 */
async function settle(stack: FaultStack, loads: Load[], settleMs: number, signal: AbortSignal, say: (line: string) => void): Promise<boolean> {
  const finished = Promise.all(loads.map((l) => l.finished())).then(() => true);
  const since = Date.now();
  let deadline = since + settleMs;
  let told = 0;
  while (!signal.aborted) {
    if (await Promise.race([finished, delay(20_000).then(() => false)])) return true;
    const open = loads.flatMap((l) => l.flows).filter((f) => f.started && !f.done && f.problems.length === 0);
    const horizons = await Promise.all(open.map((f) => pendingWork(stack, f.workflowId).then((p) => p.horizon, () => 0)));
    const horizon = Math.max(0, ...horizons);
    if (horizon + 60_000 > deadline) {
      deadline = Math.min(since + settleMs * 4, horizon + 60_000);
      if (Date.now() - told > 120_000) {
        told = Date.now();
        say(`[faults] ${open.length} flow(s) still running: Temporal retries their last activities by ${new Date(horizon).toISOString()} (backoff after repeated faults); waiting until ${new Date(deadline).toISOString()}`);
      }
    }
    if (Date.now() > deadline) return false;
  }
  return false;
}

/** The stack may be between restarts when a check runs: try a few times. */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 10) throw err;
      await delay(2_000);
    }
  }
}
