// The claim appeal flow under time skipping, with real Postgres and SMTP: a Medicare denial
// appealed level by level (redetermination lost, reconsideration won), a MAC that does not decide
// in 60 days, a CO-29 denial and an ALJ request below the amount in controversy refused at start,
// and bad Update inputs that name the field and change nothing. The run happens in 2027.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { appealWorkflowId, type AppealRequestInput } from '../../domain/appeals/request';
import { appealQuery, closeAppealUpdate, recordAppealDecisionUpdate, type AppealView } from '../../workflows/appeal/definitions';
import type { claimAppealFlow } from '../../workflows/appeal/workflow';
import { completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { closedStatus, untilQuery } from '../support/poll';

const STAFF = 'billing@example.org';
const MANAGER = 'manager@example.org';
const PATIENT_REF = 'PT-55501';

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

function request(overrides: Partial<AppealRequestInput> = {}): AppealRequestInput {
  return {
    appealId: 'A-100',
    claimId: 'CLM-2027-0042',
    patientRef: PATIENT_REF,
    payer: { type: 'medicare_ffs', name: 'Jurisdiction L MAC' },
    dateOfService: '2027-01-12',
    noticeDate: '2027-02-08',
    denialCodes: ['CO-50', 'N115'],
    billedAmount: 1200,
    deniedAmount: 800,
    staffEmail: STAFF,
    managerEmail: MANAGER,
    calendar: { timeZone: 'America/New_York' },
    startedBy: MANAGER,
    ...overrides,
  };
}

async function start(req: AppealRequestInput): Promise<WorkflowHandle<typeof claimAppealFlow>> {
  await h.client.workflow.start<typeof claimAppealFlow>('claimAppealFlow', { taskQueue: TASK_QUEUE, workflowId: appealWorkflowId(req.appealId!), args: [req] });
  // Without a run id the handle follows the flow across continue-as-new.
  return h.client.workflow.getHandle<typeof claimAppealFlow>(appealWorkflowId(req.appealId!));
}

const until = (handle: WorkflowHandle, check: (v: AppealView) => boolean): Promise<AppealView> => untilQuery(handle, appealQuery, check);

const complete = (handle: WorkflowHandle, taskKey: string, extra: Record<string, unknown> = {}) =>
  handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF, ...extra }] });

async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

describe('a Medicare denial appealed level by level', () => {
  it('redetermination lost, reconsideration from the new notice won, flow completed', async () => {
    await h.advanceTo('2027-02-10T15:00:00Z');
    const handle = await start(request());
    const flowId = appealWorkflowId('A-100');

    const first = await until(handle, () => true);
    expect(first).toMatchObject({
      status: 'running',
      level: 'redetermination',
      receiptDate: '2027-02-13',
      filingDeadline: '2027-06-14', // 13 June 2027 is a Sunday
      decisionDays: 60,
      nextLevel: 'reconsideration',
      amountInControversy: 800,
      decisions: [],
    });
    expect(first.rule).toMatch(/^42 CFR 405\.942\(a\)/);
    expect(first.tasks.map((t) => [t.key, t.dueDate])).toEqual([
      ['gather_records', '2027-05-21'],
      ['draft_letter', '2027-05-28'],
      ['submit_appeal', '2027-06-07'],
    ]);
    expect(first.letter.text).toContain('Claim number: CLM-2027-0042');
    expect(first.letter.text).toContain('filed on or before 2027-06-14');

    await h.advanceTo('2027-03-01T15:00:00Z');
    await complete(handle, 'gather_records');
    await complete(handle, 'draft_letter');
    // Submission without proof is refused, naming the field, and changes nothing.
    const before = await handle.query(appealQuery);
    expect(await failure(complete(handle, 'submit_appeal', { evidence: { channel: 'portal' } }))).toMatch(/evidence\.confirmationNumber/);
    expect(await failure(complete(handle, 'submit_appeal', { evidence: { confirmationNumber: 'X', channel: 'pigeon' } }))).toMatch(/evidence\.channel/);
    expect(await failure(handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'lost', noticeDate: '2027-03-01', by: STAFF }] }))).toMatch(/not been submitted/);
    expect(await handle.query(appealQuery)).toEqual(before);

    const submitted = await complete(handle, 'submit_appeal', { evidence: { confirmationNumber: 'MAC-778812', channel: 'portal' } });
    expect(submitted.status).toBe('completed');
    const waiting = await handle.query(appealQuery);
    expect(waiting.submission).toMatchObject({ confirmationNumber: 'MAC-778812', channel: 'portal', submittedAt: expect.stringMatching(/^2027-03-01T15:00:00/), timely: true, by: STAFF });
    expect(waiting.decisionDue).toBe('2027-04-30'); // 60 days after submission
    expect(waiting.tasks.find((t) => t.key === 'payer_decision')).toMatchObject({ status: 'open', dueDate: '2027-04-30', nextNotice: { kind: 'escalation', at: '2027-05-03T13:00:00.000Z' } });

    // The MAC upholds the denial (notice dated 20 April).
    await h.advanceTo('2027-04-22T15:00:00Z');
    const beforeDecision = await handle.query(appealQuery);
    expect(await failure(handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'lost', by: STAFF } as never] }))).toMatch(/noticeDate/);
    expect(await failure(handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'won', amountRecovered: 5000, by: STAFF }] }))).toMatch(/amountRecovered/);
    expect(await failure(handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'lost', noticeDate: '2027-02-20', by: STAFF }] }))).toMatch(/noticeDate: must not be before the submission/);
    expect(await failure(handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'tied', by: STAFF } as never] }))).toMatch(/outcome/);
    expect(await handle.query(appealQuery)).toEqual(beforeDecision);
    await handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'lost', noticeDate: '2027-04-20', by: STAFF, note: 'MAC upheld' }] });

    // The reconsideration's 180 days run from presumed receipt of the new notice.
    const second = await until(handle, (v) => v.level === 'reconsideration');
    expect(second).toMatchObject({
      status: 'running',
      noticeDate: '2027-04-20',
      receiptDate: '2027-04-25',
      filingDeadline: '2027-10-22',
      nextLevel: 'alj',
      decisions: [{ level: 'redetermination', outcome: 'lost', noticeDate: '2027-04-20', by: STAFF }],
      previousLevels: [{ level: 'redetermination', filingDeadline: '2027-06-14', submission: { confirmationNumber: 'MAC-778812' } }],
    });
    expect(second.rule).toMatch(/^42 CFR 405\.962\(a\)/);
    expect(second.tasks.map((t) => [t.key, t.status])).toEqual([
      ['gather_records', 'open'],
      ['draft_letter', 'open'],
      ['submit_appeal', 'open'],
    ]);
    expect(second.tasks.every((t) => t.dueDate < '2027-10-22')).toBe(true);

    await h.advanceTo('2027-05-10T14:00:00Z');
    await complete(handle, 'gather_records');
    await complete(handle, 'draft_letter');
    await complete(handle, 'submit_appeal', { evidence: { confirmationNumber: 'QIC-1234', channel: 'mail', submittedAt: '2027-05-10T13:30:00Z' } });
    expect((await handle.query(appealQuery)).decisionDue).toBe('2027-07-09');

    await h.advanceTo('2027-06-15T15:00:00Z');
    await handle.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'won', amountRecovered: 800, by: STAFF }] });
    expect(await closedStatus(handle)).toBe('COMPLETED');
    const done = await handle.query(appealQuery);
    expect(done).toMatchObject({ status: 'completed', level: 'reconsideration', amountRecovered: 800, outcome: { kind: 'won' } });
    expect(done.decisions.map((d) => [d.level, d.outcome])).toEqual([
      ['redetermination', 'lost'],
      ['reconsideration', 'won'],
    ]);

    // Mail: the two draft letters, identifiers only.
    const mail = h.mailFor(flowId);
    expect(mail.map((m) => [m.headers['x-practiceflow-task'], m.to])).toEqual([
      ['draft_letter', [STAFF]],
      ['draft_letter', [STAFF]],
    ]);
    expect(mail[0]!.subject).toBe('Draft redetermination letter: appeal A-100, claim CLM-2027-0042 (file by 2027-06-14)');
    expect(mail[1]!.text).toContain('Request for Reconsideration');
    expect(mail.some((m) => m.text.includes(PATIENT_REF) || m.subject.includes(PATIENT_REF))).toBe(false);

    const ledger = await h.prisma.auditEntry.findMany({ where: { workflowId: flowId }, orderBy: { seq: 'asc' } });
    const actions = ledger.map((e) => e.action);
    expect(actions[0]).toBe('flow.started');
    expect(actions.filter((a) => a === 'appeal.level_started')).toHaveLength(2);
    expect(actions.filter((a) => a === 'task.created')).toHaveLength(8); // 3 + decision, twice
    expect(actions.filter((a) => a === 'appeal.submitted')).toHaveLength(2);
    expect(actions.at(-1)).toBe('flow.completed');
    expect(ledger.find((e) => e.action === 'appeal.letter_drafted')!.detail).toMatchObject({ template: 'default', letter: expect.stringContaining('CLM-2027-0042') });
    expect(ledger.find((e) => e.action === 'appeal.submitted')).toMatchObject({ actor: STAFF, detail: { confirmationNumber: 'MAC-778812', channel: 'portal' } });
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
    expect(await h.prisma.flow.findUniqueOrThrow({ where: { workflowId: flowId } })).toMatchObject({ status: 'completed', flowType: 'appeal', subjectId: 'A-100' });
    await recordHistory(handle, 'claimAppealFlow-reconsideration-won');
  });
});

describe('a MAC that does not decide within 60 days', () => {
  it('escalates to the manager the day after the decision was due, then weekly, until closed', async () => {
    await h.advanceTo('2027-06-16T15:00:00Z');
    const handle = await start(request({ appealId: 'A-200', claimId: 'CLM-2027-0077', noticeDate: '2027-06-14', dateOfService: '2027-05-03' }));
    const flowId = appealWorkflowId('A-200');
    await until(handle, () => true);
    await h.advanceTo('2027-06-17T15:00:00Z');
    for (const key of ['gather_records', 'draft_letter']) await complete(handle, key);
    await complete(handle, 'submit_appeal', { evidence: { confirmationNumber: 'MAC-900001', channel: 'fax' } });
    expect((await handle.query(appealQuery)).decisionDue).toBe('2027-08-16'); // Monday

    await h.advanceTo('2027-08-17T12:59:00Z');
    expect(h.mailFor(flowId).filter((m) => m.headers['x-practiceflow-task'] === 'payer_decision')).toEqual([]);
    await h.advanceTo('2027-08-25T12:00:00Z');
    await until(handle, (v) => v.tasks.find((t) => t.key === 'payer_decision')?.nextNotice?.key === 'overdue_2');
    const notices = h.mailFor(flowId).filter((m) => m.headers['x-practiceflow-task'] === 'payer_decision');
    expect(notices.map((m) => [m.headers['x-practiceflow-step'], m.headers['x-practiceflow-scheduled-at'], m.to, m.cc])).toEqual([
      ['escalation', '2027-08-17T13:00:00.000Z', [MANAGER], [STAFF]], // Tuesday 09:00 New York
      ['overdue_1', '2027-08-24T13:00:00.000Z', [MANAGER], [STAFF]],
    ]);
    expect(notices[0]!.subject).toBe('Payer decision late: appeal A-200 (redetermination, due 2027-08-16)');
    expect(notices.some((m) => m.text.includes(PATIENT_REF))).toBe(false);

    expect(await failure(handle.executeUpdate(closeAppealUpdate, { args: [{ by: MANAGER, reason: '' }] }))).toMatch(/reason/);
    await handle.executeUpdate(closeAppealUpdate, { args: [{ by: MANAGER, reason: 'Claim rebilled with a corrected modifier' }] });
    expect(await closedStatus(handle)).toBe('COMPLETED');
    const sent = h.mailFor(flowId).length;
    await h.env.sleep('30 days');
    expect(h.mailFor(flowId)).toHaveLength(sent);
    expect(await handle.query(appealQuery)).toMatchObject({ status: 'cancelled', outcome: { kind: 'closed', detail: 'Claim rebilled with a corrected modifier' } });
    expect(await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: flowId, action: 'flow.cancelled' } })).toMatchObject({ actor: MANAGER });
    expect(await h.prisma.flow.findUniqueOrThrow({ where: { workflowId: flowId } })).toMatchObject({ status: 'cancelled' });
    await recordHistory(handle, 'claimAppealFlow-mac-late-escalated-closed');
  });
});

describe('denials that cannot be appealed', () => {
  async function startFailure(req: AppealRequestInput): Promise<ApplicationFailure> {
    const handle = await start(req);
    expect(await closedStatus(handle)).toBe('FAILED');
    const err = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }

  it('rejects a CO-29 (timely filing) denial at start with the reason', async () => {
    const cause = await startFailure(request({ appealId: 'A-300', denialCodes: ['CO-29'], noticeDate: '2027-09-01', dateOfService: '2027-08-01' }));
    expect(cause.type).toBe('ValidationError');
    expect(cause.message).toMatch(/^denialCodes: not appealable: a CO-29 \(timely filing\) denial/);
    expect(cause.message).toContain('42 CFR 405.926(n)');
    expect(await h.prisma.auditEntry.count({ where: { workflowId: appealWorkflowId('A-300') } })).toBe(0);
  });

  it('rejects an ALJ request below that year’s amount in controversy, with the rule', async () => {
    const cause = await startFailure(request({ appealId: 'A-301', level: 'alj', deniedAmount: 150, noticeDate: '2027-09-01', dateOfService: '2027-08-01' }));
    expect(cause.type).toBe('ValidationError');
    expect(cause.message).toMatch(/^deniedAmount: not appealable at the alj level: the amount in controversy \$150 is below the 2027 threshold of \$200/);
    expect(cause.message).toContain('42 CFR 405.1006(b)');
  });
});
