// The fault suite's one seam in production code (`npm run faults`, README "Fault suite").
//
//   PRACTICEFLOW_FAULT_POINT=<point>[:<n> | :<probability>]
//
// read once when the worker starts (worker/main.ts) makes the worker process kill itself with
// SIGKILL at a named point of an activity: no cleanup, no flush, no transaction end, exactly as a
// power cut or the OOM killer would stop it. `<n>` (a whole number, default 1) dies at the n-th
// time the point is reached in this process; `<probability>` (0 < p < 1) dies each time with that
// chance. Points:
//   after-smtp-accept  the SMTP server accepted a message; its outbox row is not marked sent yet
//                      (activities/email/outbox.ts): the README's "one window that cannot be closed"
//   ledger-append      audit rows and the head row are written; the transaction is not committed
//                      (activities/audit/ledger.ts appendInTransaction)
// Refused under NODE_ENV=production: the variable is ignored there, with a warning.
// Before dying it writes one line to stderr (FAULT_MARKER ...) so the fault runner can count the
// crossings and name what was in flight.
import { writeSync } from 'node:fs';

export const FAULT_POINTS = ['after-smtp-accept', 'ledger-append'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export const FAULT_POINT_VARIABLE = 'PRACTICEFLOW_FAULT_POINT';
/** The first words of the line written just before the process kills itself. */
export const FAULT_MARKER = '[fault-injection] SIGKILL at';

export interface FaultPlan {
  point: FaultPoint;
  /** Die at the n-th crossing of the point (1-based). */
  nth?: number;
  /** Or die at each crossing with this chance. */
  probability?: number;
}

/** Parses the variable's value; a malformed value is an error naming the variable. */
export function parseFaultPlan(text: string): FaultPlan {
  const [name = '', arg, ...rest] = text.trim().split(':');
  const point = FAULT_POINTS.find((p) => p === name);
  const problem = (why: string) => new Error(`${FAULT_POINT_VARIABLE}="${text}": ${why} (expected <point>[:<n>|:<probability>], points: ${FAULT_POINTS.join(', ')})`);
  if (!point) throw problem(`unknown point "${name}"`);
  if (rest.length > 0) throw problem('too many parts');
  if (arg === undefined || arg === '') return { point, nth: 1 };
  const value = Number(arg);
  if (Number.isInteger(value) && value >= 1) return { point, nth: value };
  if (Number.isFinite(value) && value > 0 && value < 1) return { point, probability: value };
  throw problem(`"${arg}" is neither a whole number from 1 nor a probability between 0 and 1`);
}

let armed: (FaultPlan & { crossings: number }) | undefined;

/**
 * Arms the seam from the environment, once, at worker start. Returns a line for the worker to
 * print, or undefined when the variable is unset. Never arms under NODE_ENV=production.
 */
export function armFaultPointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const text = env[FAULT_POINT_VARIABLE]?.trim();
  if (!text) return undefined;
  if (env.NODE_ENV === 'production') {
    return `WARNING: ${FAULT_POINT_VARIABLE} is set but ignored: fault injection is refused when NODE_ENV=production`;
  }
  const plan = parseFaultPlan(text);
  armed = { ...plan, crossings: 0 };
  const when = plan.probability !== undefined ? `with probability ${plan.probability} at each crossing` : `at crossing ${plan.nth}`;
  return `fault injection armed (${FAULT_POINT_VARIABLE}): this process dies with SIGKILL at ${plan.point} ${when}`;
}

/** Disarms (tests of the seam itself). */
export function disarmFaultPoint(): void {
  armed = undefined;
}

/**
 * A named crash point. Unarmed (every process but a fault-suite worker) it returns at once; armed
 * for this point and its turn come, the process dies here. Synchronous on purpose: nothing after
 * the call may run, not even a pending promise.
 */
export function crashPoint(point: FaultPoint, detail: string): void {
  if (!armed || armed.point !== point) return;
  armed.crossings += 1;
  const hit = armed.probability !== undefined ? Math.random() < armed.probability : armed.crossings === armed.nth;
  if (!hit) return;
  try {
    writeSync(2, `${FAULT_MARKER} ${point} (crossing ${armed.crossings}): ${detail}\n`);
  } catch {
    // A full or closed stderr must not keep the process alive.
  }
  process.kill(process.pid, 'SIGKILL');
}
