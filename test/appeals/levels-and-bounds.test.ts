// Once a level is decided and the next one opened, the level takes no second decision and no
// close (issue 18, defect 4): a double-clicked partial win is recorded once (amountRecovered is
// not added twice) and a close sent meanwhile is refused rather than audited as a cancellation of
// a flow that goes on to the next level. The first decision's ledger write is held by a gate, so
// the second click and the close arrive while it is in flight. And a forgotten appeal's overdue
// notices stop at the cap (defect 6; README, "History bound"). Real activities otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage, type WorkflowHandle, type WorkflowUpdateHandle } from '@temporalio/client';
import { BusinessCalendar } from '../../domain/calendar';
import { appealWorkflowId, type AppealRequestInput } from '../../domain/appeals/request';
import { appealQuery, closeAppealUpdate, recordAppealDecisionUpdate, type AppealView } from '../../workflows/appeal/definitions';
import type { claimAppealFlow } from '../../workflows/appeal/workflow';
import { cancelFlowUpdate, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { MAX_OVERDUE_NOTICES } from '../../workflows/task-engine/overdue-cap';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { gate, type Gate } from '../support/gate';
import { recordHistory } from '../support/histories';
import { closedStatus, settled, untilQuery } from '../support/poll';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const STAFF = 'billing@example.org';
const MANAGER = 'manager@example.org';

const held: Gate[] = [];
let h: EngineHarness;
let today: string;
beforeAll(async () => {
  h = await startEngineHarness({
    wrapActivities: (real) => ({
      ...real,
      recordAudit: async (events) => {
        if (events.some((e) => e.action === 'appeal.decision_recorded')) await held.at(-1)?.pass();
        return real.recordAudit(events);
      },
    }),
  });
  today = ny.dateOf(await h.env.currentTimeMs());
});
afterAll(async () => {
  for (const g of held) g.open();
  await h?.stop();
});

function appealRequest(appealId: string, dates: { dateOfService: string; noticeDate: string }): AppealRequestInput {
  return {
    appealId,
    claimId: `CLM-${appealId}`,
    patientRef: 'PT-77001',
    payer: { type: 'medicare_ffs', name: 'Jurisdiction L MAC' },
    ...dates,
    denialCodes: ['CO-50'],
    billedAmount: 1200,
    deniedAmount: 800,
    staffEmail: STAFF,
    managerEmail: MANAGER,
    calendar: { timeZone: 'America/New_York' },
    startedBy: MANAGER,
  };
}

/** Whether the flow accepted an Update (an accepted one is in its history; a refused one is not). */
async function accepted(handle: WorkflowHandle, updateId: string): Promise<boolean> {
  const history = await handle.fetchHistory();
  return history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId) ?? false;
}

async function refusedWith(handle: WorkflowHandle, update: WorkflowUpdateHandle<unknown>): Promise<string> {
  expect(await accepted(handle, update.updateId)).toBe(false);
  return update.result().then(
    () => 'applied',
    (e: { cause?: { type?: string; message?: string } }) => `${e.cause?.type}: ${e.cause?.message}`,
  );
}

describe('a decided level', () => {
  it('records a double-clicked decision once and refuses a close sent meanwhile; the next level starts with one decision', async () => {
    const req = appealRequest('A-dbl', { dateOfService: ny.addCalendarDays(today, -60), noticeDate: ny.addCalendarDays(today, -10) });
    const workflowId = appealWorkflowId(req.appealId!);
    const started = await h.client.workflow.start<typeof claimAppealFlow>('claimAppealFlow', { taskQueue: TASK_QUEUE, workflowId, args: [req] });
    const handle = h.client.workflow.getHandle<typeof claimAppealFlow>(workflowId);
    await untilQuery(handle, appealQuery, () => true);
    for (const taskKey of ['gather_records', 'draft_letter']) await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF }] });
    await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'submit_appeal', by: STAFF, evidence: { confirmationNumber: 'MAC-1', channel: 'portal' } }] });

    const slow = gate();
    held.push(slow);
    const decision = { outcome: 'partially_won', amountRecovered: 300, noticeDate: today, by: STAFF } as const;
    const firstRun = h.client.workflow.getHandle(workflowId, started.firstExecutionRunId);
    const first = await firstRun.startUpdate(recordAppealDecisionUpdate, { updateId: 'decision-1', args: [decision], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await slow.entered;
    const again = await firstRun.startUpdate(recordAppealDecisionUpdate, { updateId: 'decision-2', args: [decision], waitForStage: WorkflowUpdateStage.ACCEPTED });
    const close = await firstRun.startUpdate(closeAppealUpdate, { updateId: 'close-1', args: [{ by: STAFF, reason: 'settled with the payer' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    const cancel = await firstRun.startUpdate(cancelFlowUpdate, { updateId: 'cancel-1', args: [{ by: STAFF, reason: 'settled with the payer' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await settled(firstRun);

    expect(await refusedWith(firstRun, again)).toMatch(/^Conflict: the redetermination is decided/);
    expect(await refusedWith(firstRun, close)).toMatch(/^Conflict: /);
    expect(await refusedWith(firstRun, cancel)).toMatch(/^Conflict: /);
    slow.open();
    expect(await first.result()).toMatchObject({ amountRecovered: 300 });

    expect(await closedStatus(firstRun)).toBe('CONTINUED_AS_NEW');
    const next: AppealView = await untilQuery(handle, appealQuery, (v) => v.level === 'reconsideration');
    expect(next).toMatchObject({ status: 'running', amountRecovered: 300, amountInControversy: 500 });
    expect(next.decisions).toHaveLength(1);
    const ledger = await h.prisma.auditEntry.findMany({ where: { workflowId }, select: { action: true } });
    expect(ledger.filter((e) => e.action === 'appeal.decision_recorded')).toHaveLength(1);
    expect(ledger.filter((e) => e.action === 'flow.cancelled')).toHaveLength(0);
    await recordHistory(firstRun, 'claimAppealFlow-redetermination-partly-won-next-level');
  });
});

describe('an appeal nobody works on', () => {
  it('stops its overdue notices at the cap: every filing task stays open and overdue, and the history stays bounded', async () => {
    // Filed late in its 120 days: the filing tasks fall due within the next three weeks.
    const req = appealRequest('A-forgotten', { dateOfService: ny.addCalendarDays(today, -150), noticeDate: ny.addCalendarDays(today, -100) });
    const workflowId = appealWorkflowId(req.appealId!);
    await h.client.workflow.start<typeof claimAppealFlow>('claimAppealFlow', { taskQueue: TASK_QUEUE, workflowId, args: [req] });
    const handle = h.client.workflow.getHandle<typeof claimAppealFlow>(workflowId);
    await untilQuery(handle, appealQuery, () => true);
    let at = await h.env.currentTimeMs();
    for (let month = 1; month <= 5; month++) {
      at = ny.at(ny.addMonths(ny.dateOf(at), 1), '12:00');
      await h.advanceTo(new Date(at).toISOString());
    }
    const view = await handle.query(appealQuery);
    for (const task of view.tasks) {
      const overdue = h.mailFor(workflowId).filter((m) => m.headers['x-practiceflow-task'] === task.key && String(m.headers['x-practiceflow-step']).startsWith('overdue_'));
      expect(overdue, task.key).toHaveLength(MAX_OVERDUE_NOTICES);
      expect(task).toMatchObject({ status: 'open', overdue: true });
      expect(task.nextNotice).toBeUndefined();
    }
    expect((await handle.describe()).historyLength).toBeLessThan(2_000);
  });
});
