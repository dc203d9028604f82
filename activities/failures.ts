// Which failures of an activity are permanent. Activities run at least once and Temporal retries
// them; that is right for an outage (the database restarting, a dropped connection, a deadlock),
// and wrong for a write the database will refuse every time (a value it cannot store, a broken
// constraint): retried forever, it wedges the flow silently (an audit write once did so for
// months' worth of retries on a NUL in a name). Those become non-retryable DataError failures,
// which the flow turns into an incident: recorded, escalated once, waiting for a fix
// (workflows/task-engine/incidents.ts). Anything not known to be permanent is retried as before.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '../domain/errors';

/**
 * SQLSTATE classes that no retry can fix (PostgreSQL Appendix A): 22 data exception (a value it
 * cannot store: NUL in text, out of range, bad date), 23 integrity constraint violation, 42 syntax
 * error or access rule violation (a bug or a missing migration). 08 connection, 40 transaction
 * rollback (serialization, deadlock), 53 insufficient resources, 57 operator intervention: transient.
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);
/** Prisma's codes for a value or constraint the database refuses (its error reference, P2xxx). */
const PERMANENT_PRISMA_CODES = new Set(['P2000', 'P2003', 'P2004', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2019', 'P2020', 'P2023', 'P2033']);

interface DbErrorShape {
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } };
}

/** Why a database error is permanent (its SQLSTATE or Prisma code), or undefined when it may pass. */
export function permanentDataError(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as DbErrorShape;
  const sqlstate = e.meta?.driverAdapterError?.cause?.originalCode ?? (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined);
  if (typeof sqlstate === 'string' && PERMANENT_SQLSTATE_CLASSES.has(sqlstate.slice(0, 2))) return `the database refused the write (SQLSTATE ${sqlstate})`;
  if (typeof e.code === 'string' && PERMANENT_PRISMA_CODES.has(e.code)) return `the database refused the write (${e.code})`;
  return undefined;
}

/**
 * The activities with their permanent database failures made non-retryable DataErrors (the
 * message names the activity and the code, never the refused value: it may be PHI).
 */
export function withPermanentFailures<A extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: A): A {
  const wrapped = Object.entries(activities).map(([name, fn]) => [
    name,
    async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const permanent = permanentDataError(err);
        if (permanent) throw ApplicationFailure.nonRetryable(`${name}: ${permanent}`, ErrorTypes.dataError);
        throw err;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as A;
}
