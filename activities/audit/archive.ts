// Temporal deletes a closed run's history after the namespace retention period (as little as one
// day); the archive keeps it beside the ledger for as long as the ledger (45 CFR 164.316(b)(2)).
// A daily schedule archives every run that closed in the last days, continued-as-new runs
// included, so a credential's or appeal's earlier cycles are kept too. Idempotent per run.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { historyAsJson, historySha256, workflowTypeOf } from './history';
import { appendAuditEvents } from './ledger';

export const HISTORY_ARCHIVED_ACTION = 'audit.history_archived';
export const ARCHIVE_ACTOR = 'system:history-archive';
export const ARCHIVE_SCHEDULE_ID = 'practiceflow-archive-histories';
export const ARCHIVE_WORKFLOW_TYPE = 'historyArchiveFlow';

export interface CapturedHistory {
  flowId: string;
  runId: string;
  workflowType: string | null;
  closed: boolean;
  events: number;
  sha256: string;
  history: unknown;
}

/** Stores one run's history and records its sha256 in the ledger (the same run twice: one row, one entry). */
export async function storeHistory(prisma: PrismaClient, captured: CapturedHistory, by: string): Promise<{ ledgerSeq: string }> {
  const { flowId, runId, events } = captured;
  const data = { workflowType: captured.workflowType ?? '', capturedAt: new Date(), capturedBy: by, eventCount: events, closed: captured.closed, sha256: captured.sha256, history: captured.history as Prisma.InputJsonValue };
  await prisma.auditHistory.upsert({ where: { workflowId_runId: { workflowId: flowId, runId } }, create: { workflowId: flowId, runId, ...data }, update: data });
  const flow = await prisma.flow.findUnique({ where: { workflowId: flowId }, select: { flowType: true } });
  const [entry] = await appendAuditEvents(prisma, [
    {
      businessKey: `${HISTORY_ARCHIVED_ACTION}:${flowId}:${runId}:${events}`,
      occurredAt: new Date().toISOString(),
      actor: by,
      action: HISTORY_ARCHIVED_ACTION,
      flowType: flow?.flowType,
      workflowId: flowId,
      runId,
      rule: '45 CFR 164.316(b)(2)',
      detail: { runId, workflowType: captured.workflowType, eventCount: events, sha256: captured.sha256, closed: captured.closed },
    },
  ]);
  return { ledgerSeq: entry!.seq.toString() };
}

/**
 * Archives the closed runs (completed, failed, cancelled, terminated, timed out, continued as new)
 * that closed since `since` and are not archived yet; at most `limit` per call.
 */
export async function archiveClosedRuns(deps: { client: Client; prisma: PrismaClient }, opts: { since: string; limit: number }): Promise<{ archived: number; more: boolean }> {
  const query = `ExecutionStatus != "Running" AND CloseTime > "${new Date(opts.since).toISOString()}"`;
  let archived = 0;
  for await (const run of deps.client.workflow.list({ query })) {
    // The archiving workflows themselves are not flows: their histories are not kept.
    if (run.type === ARCHIVE_WORKFLOW_TYPE) continue;
    const known = await deps.prisma.auditHistory.findUnique({ where: { workflowId_runId: { workflowId: run.workflowId, runId: run.runId } }, select: { closed: true } });
    if (known?.closed) continue;
    if (archived >= opts.limit) return { archived, more: true };
    const history = await deps.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const json = historyAsJson(history);
    await storeHistory(
      deps.prisma,
      { flowId: run.workflowId, runId: run.runId, workflowType: workflowTypeOf(history) ?? run.type, closed: true, events: history.events?.length ?? 0, sha256: historySha256(json), history: json },
      ARCHIVE_ACTOR,
    );
    archived += 1;
  }
  return { archived, more: false };
}

/** The daily archive schedule (02:30 in the practice's zone), created or brought up to date at worker start. */
export async function ensureArchiveSchedule(client: Client, taskQueue: string, timeZone: string): Promise<'created' | 'updated'> {
  const spec = { calendars: [{ hour: 2, minute: 30, comment: 'daily, before the business day' }], timezone: timeZone };
  const action = { type: 'startWorkflow' as const, workflowType: ARCHIVE_WORKFLOW_TYPE, taskQueue, workflowId: ARCHIVE_SCHEDULE_ID, args: [{ lookbackDays: 7 }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } as const;
  try {
    await client.schedule.create({ scheduleId: ARCHIVE_SCHEDULE_ID, spec, action, policies, state: { note: "Archives closed runs' Temporal histories beside the audit ledger (they outlive Temporal's retention)" } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(ARCHIVE_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  }
}
