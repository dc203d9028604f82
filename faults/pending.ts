// What Temporal still has scheduled for a flow that has not finished: its pending activities and
// when each will next run. An activity that died with the worker waits for its start-to-close
// timeout and then its retry interval, which doubles with every lost attempt (an email's: 30 s,
// 1, 2, 4, 8 min...), so a message caught by several faults in a row may run again only many
// minutes after the last fault. Such a flow is late, not lost: the suite waits for it (up to a cap).
import { optionalTsToMs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import type { FaultStack } from './stack';

export interface PendingWork {
  /** Temporal's status of the flow, or NOT FOUND. */
  status: string;
  /** When the last of its scheduled work is due to run (ms since the epoch); now when nothing waits. */
  horizon: number;
  /** e.g. "sendEmail attempt 5, next run 19:12:05" */
  summary: string;
}

const { PENDING_ACTIVITY_STATE_STARTED } = proto.temporal.api.enums.v1.PendingActivityState;

export async function pendingWork(stack: FaultStack, workflowId: string): Promise<PendingWork> {
  const now = Date.now();
  let described;
  try {
    described = await stack.client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    return { status: (err as Error).name === 'WorkflowNotFoundError' ? 'NOT FOUND' : 'UNKNOWN', horizon: now, summary: (err as Error).message };
  }
  let horizon = now;
  const parts: string[] = [];
  for (const activity of described.raw.pendingActivities ?? []) {
    const retryMs = optionalTsToMs(activity.currentRetryInterval) ?? 0;
    let next: number;
    if (activity.state === PENDING_ACTIVITY_STATE_STARTED) {
      // Held by a worker that may be dead: it times out, then waits its retry interval.
      const timeoutMs = optionalTsToMs(activity.activityOptions?.startToCloseTimeout) ?? 60_000;
      next = (optionalTsToMs(activity.lastStartedTime) ?? now) + timeoutMs + retryMs;
    } else {
      next = optionalTsToMs(activity.nextAttemptScheduleTime) ?? now;
    }
    horizon = Math.max(horizon, next);
    parts.push(`${activity.activityType?.name ?? 'activity'} attempt ${activity.attempt ?? 1}, next run by ${new Date(next).toISOString()}`);
  }
  if (described.raw.pendingWorkflowTask) parts.push('a workflow task pending');
  return { status: described.status.name, horizon, summary: parts.join('; ') || 'nothing pending' };
}
