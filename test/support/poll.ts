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

/**
 * Once the workflow has done all it can: closed, or waiting with no workflow task to run and only
 * `activities` activities in flight (e.g. the one a test holds). For a test that must let a flow
 * get as far as it will before it lets a held activity through.
 */
export async function settled(handle: WorkflowHandle, activities = 1): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return d.status.name;
    if (!d.raw.pendingWorkflowTask && (d.raw.pendingActivities?.length ?? 0) <= activities) return d.status.name;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} did not settle`);
}
