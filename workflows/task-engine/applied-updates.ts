// Keyed Updates a flow applied before it continued as new. Temporal deduplicates an Update id
// within a run only; a flow that hands over right after an Update (a credential's renewal, an
// appeal decision that opens the next level) carries the ids of the keyed ones (an API request's
// Idempotency-Key: `<operationId>:<key>`, services/idempotency.ts) to the next run, which answers a
// client's retry with its state as it is instead of applying the change again (issue 18).
import { currentUpdateInfo } from '@temporalio/workflow';
import { z } from 'zod';

export const APPLIED_UPDATES_KEPT = 50;
export const AppliedUpdatesSchema = z.array(z.string().max(300)).max(APPLIED_UPDATES_KEPT);

/** A keyed Update's id (generated ids, UUIDs, have no operation prefix and are not kept). */
const keyedUpdateId = (): string | undefined => {
  const id = currentUpdateInfo()?.id;
  return id !== undefined && id.includes(':') ? id : undefined;
};

export class AppliedUpdates {
  private readonly ids: string[];

  constructor(carried: readonly string[] = []) {
    this.ids = [...carried];
  }

  /** Whether the Update being validated or handled was applied by an earlier run: a client's retry. */
  get isRetry(): boolean {
    const id = keyedUpdateId();
    return id !== undefined && this.ids.includes(id);
  }

  /** Remembers the keyed Update being handled, for the runs after this one. */
  remember(): void {
    const id = keyedUpdateId();
    if (id !== undefined && !this.ids.includes(id)) this.ids.push(id);
  }

  /** What the next run carries: the most recent ids, or nothing when there are none. */
  carried(): string[] | undefined {
    return this.ids.length > 0 ? this.ids.slice(-APPLIED_UPDATES_KEPT) : undefined;
  }
}
