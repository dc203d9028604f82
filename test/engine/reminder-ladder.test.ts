// The reminder ladder with real durations under time skipping: a task due in 30 business days
// gets each reminder, the escalation and the overdue notices at the exact configured instants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { BusinessCalendar } from '../../domain/calendar';
import type { checklistFlow } from '../../workflows/checklist/workflow';
import { cancelFlowUpdate, checklistQuery, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { ASSIGNEE, MANAGER, oneTaskFlow } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
  // Monday 18 November 2030, 08:00 in New York: the flow starts the week before Thanksgiving.
  await h.advanceTo('2030-11-18T13:00:00Z');
});
afterAll(async () => h?.stop());

describe('a task due in 30 business days', () => {
  const dueDate = ny.addBusinessDays('2030-11-18', 30);

  it('is due on Thursday 2 January 2031 (Thanksgiving, Christmas and New Year skipped)', () => {
    expect(dueDate).toBe('2031-01-02');
  });

  it('gets reminders, escalation and overdue notices at the exact times, then stops when completed', async () => {
    const workflowId = 'checklist-ladder-30bd';
    const handle = await h.client.workflow.start<typeof checklistFlow>('checklistFlow', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [oneTaskFlow(dueDate)],
    });

    // Ten days after the due date, past two overdue notices.
    await h.advanceTo('2031-01-10T15:00:00Z');

    const mails = h.mailFor(workflowId);
    expect(mails.map((m) => [m.headers['x-practiceflow-step'], m.headers['x-practiceflow-scheduled-at'], m.to, m.cc])).toEqual([
      ['remind_10bd', '2030-12-17T14:00:00.000Z', [ASSIGNEE], []],
      ['remind_5bd', '2030-12-24T14:00:00.000Z', [ASSIGNEE], []],
      ['remind_1bd', '2030-12-31T14:00:00.000Z', [ASSIGNEE], []],
      ['due', '2031-01-02T14:00:00.000Z', [ASSIGNEE], []],
      ['escalation', '2031-01-03T14:00:00.000Z', [MANAGER], [ASSIGNEE]],
      ['overdue_1', '2031-01-07T14:00:00.000Z', [MANAGER], [ASSIGNEE]],
      ['overdue_2', '2031-01-09T14:00:00.000Z', [MANAGER], [ASSIGNEE]],
    ]);
    expect(mails[0]!.subject).toBe('Reminder: Review the exposure control plan due 2031-01-02');
    expect(mails[4]!.subject).toMatch(/^Overdue: /);

    // The ledger records when each notice actually went out, in workflow time.
    const notices = await h.prisma.auditEntry.findMany({ where: { workflowId, action: { startsWith: 'notice.' } }, orderBy: { seq: 'asc' } });
    expect(notices).toHaveLength(7);
    for (const entry of notices) {
      const scheduled = Date.parse((entry.detail as { scheduledAt: string }).scheduledAt);
      expect(entry.occurredAt.getTime() - scheduled).toBeGreaterThanOrEqual(0);
      expect(entry.occurredAt.getTime() - scheduled).toBeLessThan(60_000);
      expect(entry.rule).toBe('29 CFR 1910.1030(c)(1)(iv)');
    }

    const before = await handle.query(checklistQuery);
    expect(before.tasks[0]).toMatchObject({ status: 'open', overdue: true, nextNotice: { key: 'overdue_3', at: '2031-01-13T14:00:00.000Z' } });

    // Late completion without a reason is refused and changes nothing.
    const refused = await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'policy_review', by: ASSIGNEE }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/lateReason: is required/);
    expect((await handle.query(checklistQuery)).tasks[0]!.status).toBe('open');

    const done = await handle.executeUpdate(completeTaskUpdate, {
      args: [{ taskKey: 'policy_review', by: ASSIGNEE, lateReason: 'Reviewer was on leave over the holidays', note: 'Reviewed with two MAs' }],
    });
    expect(done).toMatchObject({ status: 'completed', completion: { by: ASSIGNEE, late: true } });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    await recordHistory(handle, 'checklistFlow-30bd-ladder-completed-late');

    // Nothing more after completion (awaiting a result lets the test server skip ahead freely,
    // so from here on time is relative).
    await h.env.sleep('40 days');
    expect(h.mailFor(workflowId)).toHaveLength(7);

    const actions = (await h.prisma.auditEntry.findMany({ where: { workflowId }, orderBy: { seq: 'asc' } })).map((e) => [e.action, e.actor]);
    expect(actions[0]).toEqual(['flow.started', MANAGER]);
    expect(actions).toContainEqual(['task.completed', ASSIGNEE]);
    expect(actions.at(-1)).toEqual(['flow.completed', 'system:practiceflow']);
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
  });

  it('stops every pending reminder when the flow is cancelled', async () => {
    const workflowId = 'checklist-ladder-cancelled';
    const start = await h.env.currentTimeMs();
    const due = ny.addBusinessDays(ny.dateOf(start), 30);
    const handle = await h.client.workflow.start<typeof checklistFlow>('checklistFlow', { taskQueue: TASK_QUEUE, workflowId, args: [oneTaskFlow(due)] });
    const first = (await handle.query(checklistQuery)).tasks[0]!.nextNotice!;
    expect(first.key).toBe('remind_10bd');

    await h.advanceTo(new Date(Date.parse(first.at) + 3_600_000).toISOString());
    expect(h.mailFor(workflowId).map((m) => m.headers['x-practiceflow-step'])).toEqual(['remind_10bd']);

    const view = await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'Hire withdrew before the start date' }] });
    expect(view.status).toBe('cancelled');
    expect(view.tasks[0]!.status).toBe('cancelled');
    expect((await handle.result()).status).toBe('cancelled');
    await recordHistory(handle, 'checklistFlow-cancelled');

    // Long past the due date and every overdue notice: still only the one reminder.
    await h.env.sleep('120 days');
    expect(h.mailFor(workflowId)).toHaveLength(1);
    const cancelled = await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId, action: 'flow.cancelled' } });
    expect(cancelled.actor).toBe(MANAGER);
    expect(cancelled.detail).toEqual({ reason: 'Hire withdrew before the start date' });
  });
});
