// Waiting on workflows in time-skipping tests by polling (queries and describe), never by awaiting
// result(), which lets the test server skip its clock far ahead of the absolute times tests use.
import type { QueryDefinition } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';

/** The query's answer once `check` accepts it (queries may fail while a run continues as new). */
export async function untilQuery<T>(handle: WorkflowHandle, query: QueryDefinition<T, []>, check: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await handle.query(query).catch(() => undefined);
    if (v !== undefined && check(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} did not reach the expected state`);
}

/** The workflow's close status (COMPLETED, FAILED, ...) once it is no longer running. */
export async function closedStatus(handle: WorkflowHandle): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const s = (await handle.describe()).status.name;
    if (s !== 'RUNNING') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} did not close`);
}
