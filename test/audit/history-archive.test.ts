// The daily history archive against a real dev server: a closed run is archived beside the ledger
// (its sha256 recorded in the ledger, by the archive's system actor), once; the archive schedule is
// created at worker start and brought up to date at the next.
import { describe, expect, it } from 'vitest';
import { ARCHIVE_ACTOR, ARCHIVE_SCHEDULE_ID, ensureArchiveSchedule, HISTORY_ARCHIVED_ACTION } from '../../activities/audit/archive';
import { historyAsJson, historySha256 } from '../../activities/audit/history';
import type { ChecklistFlowInput } from '../../workflows/checklist/workflow';
import { cancelFlowUpdate } from '../../workflows/task-engine/definitions';
import { eventually, isoDay, TASK_QUEUE, TIME_ZONE, useApiStack } from '../api/stack';
import { recordHistory } from '../support/histories';

const MANAGER = 'manager@clinic.example';
const stack = useApiStack();

const checklist = (title: string): ChecklistFlowInput => ({
  title,
  managerEmail: MANAGER,
  startedBy: MANAGER,
  practice: { timeZone: TIME_ZONE },
  tasks: [{ key: 'sign_policy', title: 'Sign the updated policy', assignee: { email: MANAGER }, due: { date: isoDay(10) } }],
});

async function runArchive(id: string): Promise<number> {
  const result = await stack.client.workflow.execute('historyArchiveFlow', { taskQueue: TASK_QUEUE, workflowId: id, args: [{ lookbackDays: 1 }] });
  return (result as { archived: number }).archived;
}

describe('the history archive', () => {
  it('archives a closed run once, with its sha256 in the ledger', async () => {
    const flowId = 'checklist-archive-1';
    const handle = await stack.client.workflow.start('checklistFlow', { taskQueue: TASK_QUEUE, workflowId: flowId, args: [checklist('Policy sign-off')] });
    await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'policy withdrawn' }] });
    await handle.result();
    let n = 0;
    // Visibility is eventually consistent: run the archive until it has seen the closed run.
    const row = await eventually(async () => {
      await runArchive(`archive-test-${n++}`);
      return stack.prisma.auditHistory.findUnique({ where: { workflowId_runId: { workflowId: flowId, runId: handle.firstExecutionRunId } } });
    }, 'the archived run', 30_000);
    const json = historyAsJson(await handle.fetchHistory());
    expect(row).toMatchObject({ closed: true, capturedBy: ARCHIVE_ACTOR, workflowType: 'checklistFlow', sha256: historySha256(json) });
    const entries = await stack.prisma.auditEntry.findMany({ where: { action: HISTORY_ARCHIVED_ACTION, workflowId: flowId } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: ARCHIVE_ACTOR, detail: expect.objectContaining({ sha256: row!.sha256, closed: true }) });

    // Again: nothing new for that run (the archiving workflows themselves are never archived).
    await runArchive('archive-test-again');
    expect(await stack.prisma.auditEntry.count({ where: { action: HISTORY_ARCHIVED_ACTION, workflowId: flowId } })).toBe(1);
    expect(await stack.prisma.auditHistory.count({ where: { workflowId: { startsWith: 'archive-test' } } })).toBe(0);
    await recordHistory(stack.client.workflow.getHandle('archive-test-again'), 'historyArchiveFlow-nothing-new');
  }, 60_000);

  it('has a daily schedule in the practice time zone, created once and updated after', async () => {
    expect(await ensureArchiveSchedule(stack.client, TASK_QUEUE, TIME_ZONE)).toBe('created');
    expect(await ensureArchiveSchedule(stack.client, TASK_QUEUE, TIME_ZONE)).toBe('updated');
    const info = await stack.client.schedule.getHandle(ARCHIVE_SCHEDULE_ID).describe();
    expect(info.action.workflowType).toBe('historyArchiveFlow');
    expect(info.spec.timezone).toBe(TIME_ZONE);
    const next = info.info.nextActionTimes[0]!;
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(next)).toBe('02:30');
  });
});
