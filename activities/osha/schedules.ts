// Effects on Temporal itself: a site's schedules (one per obligation, explicit firings in the
// site's time zone) and the start of an employee's BBP cycle. Both are idempotent: the schedule
// set converges on what the site workflow asks for, and the cycle is signal-with-start on an id
// derived from the employee.
import { MONTHS, WorkflowUpdateFailedError, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type CalendarSpec, type Client, type ScheduleOptionsStartWorkflowAction, type Workflow } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { applicableObligations, bbpWorkflowIdOf, OBLIGATIONS, scheduleIdOf, SiteProfileSchema, type Obligation, type ScheduledObligation } from '../../domain/osha';
import type { PrismaClient } from '../../generated/prisma/client';
import type { BbpCycleStart, SiteScheduleResult, SiteScheduleSync } from '../contracts';

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
}

/** The workflow type names, as registered by workflows/index.ts (activities may not import workflow code). */
export const OBLIGATION_WORKFLOW_TYPE = 'oshaObligationFlow';
export const OCCURRENCE_WORKFLOW_TYPE = 'oshaOccurrenceFlow';
export const BBP_WORKFLOW_TYPE = 'bbpTrainingFlow';
export const BBP_SIGNAL = 'bbpTrainingRecorded';

function calendarsOf(firings: SiteScheduleSync['schedules'][number]['firings']): CalendarSpec[] {
  return firings.map((f) => {
    const [y, m, d] = f.date.split('-').map(Number) as [number, number, number];
    const [hh, mm] = f.time.split(':').map(Number) as [number, number];
    return { year: y, month: MONTHS[m - 1]!, dayOfMonth: d, hour: hh, minute: mm, second: 0, comment: f.occurrences.join(' ') };
  });
}

async function exists(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

export async function syncSiteSchedules(deps: TemporalDeps, sync: SiteScheduleSync): Promise<SiteScheduleResult> {
  const result: SiteScheduleResult = { created: [], updated: [], deleted: [] };
  const every = OBLIGATIONS.filter((o): o is ScheduledObligation => o !== 'bbp_training').map((o) => scheduleIdOf(sync.siteId, o));
  for (const scheduleId of every) {
    const desired = sync.schedules.find((s) => s.scheduleId === scheduleId);
    const handle = deps.client.schedule.getHandle(scheduleId);
    const present = await exists(deps.client, scheduleId);
    if (!desired || desired.firings.length === 0) {
      if (present) {
        await handle.delete();
        result.deleted.push(scheduleId);
      }
      continue;
    }
    const spec = { calendars: calendarsOf(desired.firings), timezone: desired.timeZone };
    const action: ScheduleOptionsStartWorkflowAction<Workflow> = {
      type: 'startWorkflow',
      workflowType: OBLIGATION_WORKFLOW_TYPE,
      taskQueue: deps.taskQueue,
      workflowId: scheduleId,
      args: [desired.args],
    };
    // A firing missed while Temporal was down is caught up within a month; the obligation
    // workflow opens each occurrence once whatever the overlap.
    const policies = { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '31 days' } as const;
    let created = false;
    if (!present) {
      try {
        await deps.client.schedule.create({ scheduleId, spec, action, policies, state: { note: desired.note } });
        created = true;
        result.created.push(scheduleId);
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
    }
    if (!created) {
      await handle.update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, note: desired.note } }));
      result.updated.push(scheduleId);
    }
    if (sync.triggerNow) await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  }
  return result;
}

export async function startBbpCycle(deps: TemporalDeps, start: BbpCycleStart): Promise<{ workflowId: string }> {
  const workflowId = bbpWorkflowIdOf(start.input.employeeId);
  if (start.recorded) {
    // Running: the signal restarts its cycle from this training. Not running: it starts from it.
    await deps.client.workflow.signalWithStart(BBP_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [start.input],
      signal: BBP_SIGNAL,
      signalArgs: [start.recorded],
    });
  } else {
    try {
      await deps.client.workflow.start(BBP_WORKFLOW_TYPE, { workflowId, taskQueue: deps.taskQueue, args: [start.input], workflowIdConflictPolicy: 'USE_EXISTING' });
    } catch (err) {
      // Started by an earlier attempt, or already running for this employee: nothing to do.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return { workflowId };
}

export async function startOccurrenceFlow(
  deps: TemporalDeps,
  prisma: PrismaClient,
  start: { workflowId: string; input: unknown },
): Promise<'started' | 'already_open' | 'already_recorded' | 'not_applicable'> {
  // A firing already in flight when the site was retired or the obligation dropped opens nothing.
  const { siteId, occurrence } = start.input as { siteId: string; occurrence: { key: string; obligation: Obligation } };
  const site = await prisma.site.findUnique({ where: { siteId }, select: { status: true, profile: true } });
  if (site && (site.status !== 'active' || !applicableObligations(SiteProfileSchema.parse(site.profile)).some((o) => o.obligation === occurrence.obligation))) return 'not_applicable';
  // Its own record first: once Temporal's retention has deleted a closed run, REJECT_DUPLICATE no
  // longer stops a catch-up firing or a trigger from opening the occurrence again (issue 18). The
  // record (kept for years, see retainUntil) says it is done or was cancelled.
  const recorded = await prisma.safetyOccurrence.findUnique({ where: { occurrenceKey: occurrence.key }, select: { status: true } });
  if (recorded && recorded.status !== 'open') return 'already_recorded';
  try {
    await deps.client.workflow.start(OCCURRENCE_WORKFLOW_TYPE, {
      workflowId: start.workflowId,
      taskQueue: deps.taskQueue,
      args: [start.input],
      // A closed occurrence is never opened again: its record stands.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already_open';
    throw err;
  }
}

/**
 * Cancels the open occurrences of obligations that no longer apply (through each flow's own
 * audited cancelFlow Update), so nobody is reminded of a drill or inspection the site no longer
 * owes. One that has just closed is left as it is.
 */
export async function closeOccurrences(deps: TemporalDeps, prisma: PrismaClient, close: { siteId: string; obligations: string[]; by: string; reason: string }): Promise<string[]> {
  const open = await prisma.safetyOccurrence.findMany({ where: { siteId: close.siteId, status: 'open', obligation: { in: close.obligations } }, select: { occurrenceKey: true, workflowId: true } });
  const cancelled: string[] = [];
  for (const occ of open) {
    try {
      await deps.client.workflow.getHandle(occ.workflowId).executeUpdate('cancelFlow', { args: [{ by: close.by, reason: close.reason }] });
      cancelled.push(occ.occurrenceKey);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError)) throw err;
    }
  }
  return cancelled;
}
