// The prior-authorization flow under time skipping, with real Postgres and SMTP: a payer that
// never answers (escalation and ledger evidence at the exact deadline, across the March DST
// change, repeated every 2 business days), an approval with expiry reminders and unit tracking,
// a denial handed to an appeal, a pended request with a new clock on resubmission, and bad
// Update inputs refused by field with nothing changed.
//
// The test server's clock starts at the real "now" and only moves forward: the scenarios are in
// 2027, in time order (March, April-May, June, July, August).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { PriorAuthRequestSchema, priorAuthWorkflowId, type PriorAuthRequestInput } from '../../domain/prior-auth/request';
import type { PriorAuthView } from '../../domain/prior-auth/view';
import {
  chooseDenialPathUpdate,
  priorAuthQuery,
  recordDecisionUpdate,
  recordServiceRenderedUpdate,
  recordSubmissionUpdate,
} from '../../workflows/prior-auth/definitions';
import type { priorAuthFlow } from '../../workflows/prior-auth/workflow';
import { cancelFlowUpdate, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { appealQuery } from '../../workflows/appeal/definitions';
import { BusinessCalendar } from '../../domain/calendar';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });

const MANAGER = 'manager@example.org';
const STAFF = 'pa-staff@example.org';

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

function request(overrides: Partial<PriorAuthRequestInput> = {}): PriorAuthRequestInput {
  return {
    authorizationId: 'pa-0001',
    patientRef: 'mrn-004217',
    payer: { type: 'medicare_advantage', id: 'humana-ma', name: 'Humana Medicare Advantage' },
    service: { code: '72148', units: 1, scheduledDate: '2027-03-29' },
    urgency: 'expedited',
    orderingProvider: 'npi-1234567893',
    staffEmail: STAFF,
    managerEmail: MANAGER,
    practice: { timeZone: 'America/New_York' },
    startedBy: MANAGER,
    ...overrides,
  };
}

async function start(input: PriorAuthRequestInput): Promise<WorkflowHandle<typeof priorAuthFlow>> {
  return h.client.workflow.start<typeof priorAuthFlow>('priorAuthFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: priorAuthWorkflowId(input.authorizationId),
    args: [input],
  });
}

/** Polled rather than awaiting result(), which would let the test server skip its clock ahead. */
async function settled(handle: WorkflowHandle): Promise<PriorAuthView> {
  for (let i = 0; i < 300; i++) {
    if ((await handle.describe()).status.name !== 'RUNNING') return handle.query(priorAuthQuery);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} did not close`);
}

const completeChecklist = async (handle: WorkflowHandle) => {
  for (const taskKey of ['eligibility_check', 'documentation']) await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF }] });
};

const submit = (handle: WorkflowHandle, submittedAt: string, confirmationNumber: string) =>
  handle.executeUpdate(recordSubmissionUpdate, { args: [{ submittedAt, channel: 'portal', confirmationNumber, by: STAFF }] });

/** [step, scheduled-at, to] of the flow's mail for one task. */
const mailRows = (flowId: string, task: string) =>
  h
    .mailFor(flowId)
    .filter((m) => m.headers['x-practiceflow-task'] === task)
    .map((m) => [m.headers['x-practiceflow-step'], m.headers['x-practiceflow-scheduled-at'], m.to]);

/** The Update's failure message (validators reject before anything is recorded). */
async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

const ledger = (workflowId: string, action?: string) => h.prisma.auditEntry.findMany({ where: { workflowId, ...(action ? { action } : {}) }, orderBy: { seq: 'asc' } });

describe('a payer that never answers', () => {
  it('escalates at the exact deadline with the evidence in the ledger, then every 2 business days', async () => {
    // Thursday 11 March 2027, 10:00 in New York; clocks spring forward on Sunday 14 March.
    await h.advanceTo('2027-03-11T15:00:00Z');
    const expedited = await start(request({ authorizationId: 'pa-exp-1' }));
    const standard = await start(request({ authorizationId: 'pa-std-1', urgency: 'standard' }));
    const expId = priorAuthWorkflowId('pa-exp-1');
    const stdId = priorAuthWorkflowId('pa-std-1');

    // Submission targets: expedited the next business day; standard min(service - 5 bd, start + 3 bd).
    const first = await expedited.query(priorAuthQuery);
    expect(first).toMatchObject({ status: 'awaiting_submission', submissionTarget: { date: '2027-03-12' } });
    expect(first.tasks.map((t) => [t.key, t.dueDate, t.assignee.email])).toEqual([
      ['eligibility_check', '2027-03-12', STAFF],
      ['documentation', '2027-03-12', STAFF],
    ]);
    expect(first.tasks[0]!.rule!.citation).toMatch(/Practice policy.*42 CFR 422\.572\(a\)/);
    expect((await standard.query(priorAuthQuery)).submissionTarget.date).toBe('2027-03-16');

    // Friday evening: both requests go in on the payer portal.
    await h.advanceTo('2027-03-13T00:30:00Z');
    await completeChecklist(expedited);
    await completeChecklist(standard);
    const exp = await submit(expedited, '2027-03-12T17:00:00-05:00', 'HUM-778812');
    const std = await submit(standard, '2027-03-12T19:00:00-05:00', 'HUM-778813');
    // 72 hours run continuously across the DST change; 7 calendar days end the due day locally.
    expect(exp.clock).toMatchObject({ submission: 1, decisionDueAt: '2027-03-15T18:00:00-04:00', rule: '42 CFR 422.572(a)', amount: 72, unit: 'hours', escalations: 0 });
    expect(std.clock).toMatchObject({ decisionDueAt: '2027-03-19T23:59:59-04:00', decisionDueDate: '2027-03-19', rule: expect.stringMatching(/CMS-0057-F/), unit: 'calendar_days' });

    // One second before the deadline nothing has gone out; at the deadline the manager is escalated.
    await h.advanceTo('2027-03-15T21:59:59Z');
    expect(mailRows(expId, 'payer_decision')).toEqual([]);
    await h.advanceTo('2027-03-15T22:00:30Z');
    expect(mailRows(expId, 'payer_decision')).toEqual([['escalation_1', '2027-03-15T22:00:00.000Z', [MANAGER]]]);
    const mail = h.mailFor(expId).find((m) => m.headers['x-practiceflow-step'] === 'escalation_1')!;
    expect(mail.subject).toBe('Payer decision overdue: prior authorization pa-exp-1, CPT/HCPCS 72148');
    expect(mail.text).toContain('HUM-778812');
    expect(mail.text).toContain('mrn-004217');
    const [evidence] = await ledger(expId, 'prior_auth.decision_overdue');
    expect(evidence).toMatchObject({
      actor: 'system:practiceflow',
      rule: '42 CFR 422.572(a)',
      detail: {
        escalation: 1,
        scheduledAt: '2027-03-15T22:00:00.000Z',
        submittedAt: '2027-03-12T17:00:00-05:00',
        decisionDueAt: '2027-03-15T18:00:00-04:00',
        submission: { n: 1, channel: 'portal', confirmationNumber: 'HUM-778812', by: STAFF, proof: { portalConfirmationNumber: 'HUM-778812' } },
      },
    });
    const occurred = evidence!.occurredAt.getTime() - Date.parse('2027-03-15T22:00:00Z');
    expect(occurred).toBeGreaterThanOrEqual(0);
    expect(occurred).toBeLessThan(60_000);

    // Two business days later (Wednesday 09:00 EDT), again.
    await h.advanceTo('2027-03-17T13:00:30Z');
    expect(mailRows(expId, 'payer_decision').at(-1)).toEqual(['escalation_2', '2027-03-17T13:00:00.000Z', [MANAGER]]);
    expect((await expedited.query(priorAuthQuery)).clock).toMatchObject({ escalations: 2, overdue: true, nextEscalationAt: '2027-03-19T09:00:00-04:00' });

    // The standard request: at 23:59:59 on Friday 19 March, then Tuesday 23 March 09:00.
    await h.advanceTo('2027-03-20T03:59:58Z');
    expect(mailRows(stdId, 'payer_decision')).toEqual([]);
    await h.advanceTo('2027-03-23T13:00:30Z');
    expect(mailRows(stdId, 'payer_decision')).toEqual([
      ['escalation_1', '2027-03-20T03:59:59.000Z', [MANAGER]],
      ['escalation_2', '2027-03-23T13:00:00.000Z', [MANAGER]],
    ]);
    expect((await ledger(stdId, 'prior_auth.decision_overdue')).map((e) => (e.detail as { decisionDueAt: string }).decisionDueAt)).toEqual([
      '2027-03-19T23:59:59-04:00',
      '2027-03-19T23:59:59-04:00',
    ]);

    for (const handle of [expedited, standard]) {
      await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'Test over: payer complaint filed' }] });
      expect(await settled(handle)).toMatchObject({ flowStatus: 'cancelled' });
    }
    await recordHistory(expedited, 'priorAuthFlow-payer-silent-escalations');
  });
});

describe('an approved authorization', () => {
  it('reminds before it ends while no service is recorded, tracks units and warns when they run low', async () => {
    await h.advanceTo('2027-04-01T14:00:00Z');
    const input = request({
      authorizationId: 'pa-appr-1',
      payer: { type: 'commercial', id: 'aetna' },
      urgency: 'standard',
      service: { code: '97110', units: 10, scheduledDate: '2027-04-20' },
    });
    const handle = await start(input);
    const flowId = priorAuthWorkflowId('pa-appr-1');
    await completeChecklist(handle);
    await submit(handle, '2027-04-01T09:50:00-04:00', 'AET-1');
    await h.advanceTo('2027-04-05T14:00:00Z');
    const approved = await handle.executeUpdate(recordDecisionUpdate, {
      args: [{ outcome: 'approved', authorizationNumber: 'A99887766', validFrom: '2027-04-05', validTo: '2027-05-28', units: 10, by: STAFF }],
    });
    expect(approved).toMatchObject({ status: 'approved', units: { authorized: 10, used: 0, remaining: 10 }, clock: { overdue: false } });
    expect(approved.tasks.find((t) => t.key === 'render_service')).toMatchObject({ status: 'open', dueDate: '2027-05-28', nextNotice: { key: 'remind_14cd', at: '2027-05-14T13:00:00.000Z' } });

    // 14 days before the end, 09:00: the service has not happened yet.
    await h.advanceTo('2027-05-14T13:00:30Z');
    expect(mailRows(flowId, 'render_service')).toEqual([['remind_14cd', '2027-05-14T13:00:00.000Z', [STAFF]]]);

    // The service, 8 of 10 units: the reminders stop and the units-low notice goes out.
    const rendered = await handle.executeUpdate(recordServiceRenderedUpdate, { args: [{ on: '2027-05-14', unitsUsed: 8, by: STAFF }] });
    expect(rendered).toMatchObject({ units: { used: 8, remaining: 2, lowNoticeSent: true } });
    expect(rendered.tasks.find((t) => t.key === 'render_service')).toMatchObject({ status: 'completed' });
    const low = h.mailFor(flowId).filter((m) => m.headers['x-practiceflow-step'] === 'units_low');
    expect(low).toHaveLength(1);
    expect(low[0]!.subject).toBe('Authorized units running low: prior authorization pa-appr-1 (2 of 10 left)');
    expect(await refused(handle.executeUpdate(recordServiceRenderedUpdate, { args: [{ on: '2027-05-14', unitsUsed: 3, by: STAFF }] }))).toMatch(/^unitsUsed: must be at most 2/);

    // The authorization ends: the flow closes, with no further reminder.
    await h.advanceTo('2027-05-29T05:00:00Z');
    const closed = await settled(handle);
    expect(closed).toMatchObject({ flowStatus: 'completed', status: 'closed', units: { used: 8, remaining: 2 } });
    expect(mailRows(flowId, 'render_service')).toHaveLength(1);
    expect(await ledger(flowId, 'prior_auth.units_low')).toHaveLength(1);
    expect((await ledger(flowId)).at(-1)).toMatchObject({ action: 'flow.completed', detail: { reason: 'authorization ended', unitsRemaining: 2 } });
    expect(await h.prisma.flow.findUniqueOrThrow({ where: { workflowId: flowId } })).toMatchObject({ status: 'completed', flowType: 'prior_auth', subjectId: 'pa-appr-1' });
    await recordHistory(handle, 'priorAuthFlow-approved-units-low-ended');
  });
});

describe('a denied authorization', () => {
  it('gives the manager a next-step task and records the appeal request', async () => {
    await h.advanceTo('2027-06-01T14:00:00Z');
    const handle = await start(request({ authorizationId: 'pa-den-1', payer: { type: 'medicaid_managed_care' }, urgency: 'standard', service: { code: 'J1885', units: 4, scheduledDate: '2027-06-21' } }));
    const flowId = priorAuthWorkflowId('pa-den-1');
    await completeChecklist(handle);
    await submit(handle, '2027-06-01T09:45:00-04:00', 'MCD-55');
    const before = await handle.query(priorAuthQuery);

    // A denial without its specific reason is refused, and changes nothing.
    expect(await refused(handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', by: STAFF } as never] }))).toMatch(/^reason: is required/);
    expect(await refused(handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason: '  ', by: STAFF }] }))).toMatch(/^reason: must not be empty/);
    expect(await handle.query(priorAuthQuery)).toEqual(before);

    const reason = 'Conservative therapy for 6 weeks not documented';
    const denied = await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason, denialCodes: ['CO-197'], by: STAFF }] });
    expect(denied.status).toBe('denied');
    expect(denied.clock).toMatchObject({ stoppedAt: expect.any(String) });
    expect(denied.tasks.find((t) => t.key === 'denial_next_step')).toMatchObject({
      status: 'open',
      assignee: { email: MANAGER },
      dueDate: '2027-06-03',
      outcomes: ['peer_to_peer', 'appeal', 'accept'],
    });

    // The manager is reminded on the due date; the denial's reason stays out of email.
    await h.advanceTo('2027-06-03T13:00:30Z');
    expect(mailRows(flowId, 'denial_next_step')).toEqual([
      ['remind_1bd', '2027-06-02T13:00:00.000Z', [MANAGER]],
      ['due', '2027-06-03T13:00:00.000Z', [MANAGER]],
    ]);
    expect(h.mailFor(flowId).some((m) => m.text.includes(reason) || m.subject.includes(reason))).toBe(false);

    expect(await refused(handle.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'lawsuit' as never, by: MANAGER }] }))).toMatch(/^path: must be one of/);
    const chosen = await handle.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'appeal', by: MANAGER, note: 'Records show 8 weeks of PT' }] });
    expect(chosen).toMatchObject({
      status: 'appeal_requested',
      flowStatus: 'completed',
      denialPath: { path: 'appeal', by: MANAGER },
      appeal: { workflowId: 'appeal-pa-den-1-1', status: 'started' },
    });
    // The appeal runs as its own flow, from the denial: Medicaid managed care's first level.
    const appealFlow = await h.client.workflow.getHandle('appeal-pa-den-1-1').query(appealQuery);
    expect(appealFlow).toMatchObject({ level: 'internal', filingDeadline: ny.addCalendarDays(ny.dateOf(Date.parse(denied.decisions.at(-1)!.receivedAt)), 60), status: 'running' });
    expect(chosen.tasks.find((t) => t.key === 'denial_next_step')).toMatchObject({ status: 'completed', completion: { by: MANAGER, outcome: 'appeal' } });
    await settled(handle);
    const [requested] = await ledger(flowId, 'prior_auth.appeal_requested');
    expect(requested).toMatchObject({
      actor: MANAGER,
      detail: { appealWorkflowId: 'appeal-pa-den-1-1', appealStatus: 'started', appealWorkflowType: 'claimAppealFlow', patientRef: 'mrn-004217', denial: { reason, denialCodes: ['CO-197'] } },
    });
    expect(await ledger(flowId, 'prior_auth.denied')).toMatchObject([{ actor: STAFF, rule: 'CMS-0057-F (specific denial reason)', detail: { reason } }]);
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
    await recordHistory(handle, 'priorAuthFlow-denied-appeal-requested');
  });
});

describe('a pended authorization', () => {
  it('stops the clock, gives staff the payer\'s deadline and starts a new clock on resubmission', async () => {
    await h.advanceTo('2027-07-06T14:00:00Z');
    const handle = await start(request({ authorizationId: 'pa-pend-1', service: { code: '27447', units: 1, scheduledDate: '2027-07-20' } }));
    const flowId = priorAuthWorkflowId('pa-pend-1');
    await completeChecklist(handle);
    const first = await submit(handle, '2027-07-06T09:50:00-04:00', 'HUM-1');
    expect(first.clock).toMatchObject({ submission: 1, decisionDueAt: '2027-07-09T09:50:00-04:00' });

    await h.advanceTo('2027-07-07T14:00:00Z');
    const pended = await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'pended', infoRequested: 'Operative note and imaging report', respondBy: '2027-07-09', by: STAFF }] });
    expect(pended.status).toBe('pended');
    expect(pended.tasks.find((t) => t.key === 'pended_response')).toMatchObject({ status: 'open', dueDate: '2027-07-09', assignee: { email: STAFF } });

    await h.advanceTo('2027-07-08T15:00:00Z');
    const resubmitted = await submit(handle, '2027-07-08T10:45:00-04:00', 'HUM-2');
    expect(resubmitted).toMatchObject({ status: 'submitted', clock: { submission: 2, submittedAt: '2027-07-08T10:45:00-04:00', decisionDueAt: '2027-07-11T10:45:00-04:00', escalations: 0 } });
    expect(resubmitted.submissions.map((s) => s.confirmationNumber)).toEqual(['HUM-1', 'HUM-2']);
    expect(resubmitted.tasks.find((t) => t.key === 'pended_response')).toMatchObject({ status: 'completed', completion: { by: STAFF } });

    // The first clock was stopped by the pend: no escalation at its deadline; the new one escalates.
    await h.advanceTo('2027-07-11T14:45:30Z');
    expect(mailRows(flowId, 'payer_decision')).toEqual([['escalation_1', '2027-07-11T14:45:00.000Z', [MANAGER]]]);
    expect(await ledger(flowId, 'prior_auth.decision_overdue')).toMatchObject([{ detail: { submission: { n: 2, confirmationNumber: 'HUM-2' } } }]);
    expect((await ledger(flowId, 'prior_auth.resubmitted')).map((e) => e.actor)).toEqual([STAFF]);

    await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'approved', authorizationNumber: 'A-2', validFrom: '2027-07-11', validTo: '2027-07-31', units: 1, by: STAFF }] });
    await h.advanceTo('2027-07-12T14:00:00Z');
    const done = await handle.executeUpdate(recordServiceRenderedUpdate, { args: [{ on: '2027-07-12', unitsUsed: 1, by: STAFF }] });
    expect(done).toMatchObject({ flowStatus: 'completed', status: 'closed', units: { remaining: 0 } });
    await settled(handle);
    await recordHistory(handle, 'priorAuthFlow-pended-resubmitted-approved');
  });
});

describe('bad inputs', () => {
  it('refuses a patient name, a malformed code or an unknown field when the flow is started', () => {
    const problems = (input: unknown) => {
      const parsed = PriorAuthRequestSchema.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(problems(request())).toEqual([]);
    expect(problems(request({ patientRef: 'Jane Doe' }))).toEqual(['patientRef']);
    expect(problems(request({ patientRef: 'JaneDoe' }))).toEqual(['patientRef']);
    expect(problems(request({ service: { code: 'MRI', units: 0, scheduledDate: '2027-02-30' } }))).toEqual(['service.code', 'service.units', 'service.scheduledDate']);
    expect(problems({ ...request(), diagnosis: 'M54.5' })).toEqual(['']);
  });

  it('names the field of a bad Update and changes nothing', async () => {
    await h.advanceTo('2027-08-03T14:00:00Z');
    const handle = await start(request({ authorizationId: 'pa-bad-1', service: { code: '72148', units: 1, scheduledDate: '2027-08-20' } }));
    const before = await handle.query(priorAuthQuery);
    const sub = (extra: Record<string, unknown>) =>
      refused(handle.executeUpdate(recordSubmissionUpdate, { args: [{ submittedAt: '2027-08-03T09:00:00-04:00', channel: 'portal', confirmationNumber: 'X-1', by: STAFF, ...extra } as never] }));
    expect(await sub({ submittedAt: '2027-08-03T11:00:00-04:00' })).toMatch(/^submittedAt: must not be in the future/);
    expect(await sub({ submittedAt: '2027-08-03 09:00' })).toMatch(/^submittedAt: must be an ISO 8601 date-time with offset/);
    expect(await sub({ channel: 'fax' })).toMatch(/^channel: must be portal/);
    expect(await sub({ confirmationNumber: '' })).toMatch(/^confirmationNumber: must not be empty/);
    expect(await sub({ patientName: 'Jane Doe' })).toMatch(/patientName/);
    expect(await refused(handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'approved', authorizationNumber: 'A', validFrom: '2027-08-10', validTo: '2027-08-01', units: 1, by: STAFF }] }))).toMatch(
      /^validTo: must not be before validFrom/,
    );
    expect(await refused(handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason: 'x', by: STAFF }] }))).toMatch(/record the submission first/);
    expect(await refused(handle.executeUpdate(recordServiceRenderedUpdate, { args: [{ on: '2027-08-03', unitsUsed: 1, by: STAFF }] }))).toMatch(/^status: the request is awaiting_submission/);
    expect(await refused(handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'nope', by: STAFF }] }))).toMatch(/^taskKey: no task "nope"/);
    expect(await handle.query(priorAuthQuery)).toEqual(before);
    expect(await ledger(priorAuthWorkflowId('pa-bad-1'))).toHaveLength(3); // flow.started + two task.created

    const view = await submit(handle, '2027-08-03T09:30:00-04:00', 'HUM-9');
    expect(view.clock).toMatchObject({ decisionDueAt: '2027-08-06T09:30:00-04:00' });
    await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'Order withdrawn' }] });
    expect(await settled(handle)).toMatchObject({ flowStatus: 'cancelled', status: 'submitted' });
    await recordHistory(handle, 'priorAuthFlow-bad-inputs-cancelled');
  });
});

describe('an Update in the very first workflow task', () => {
  it('finds the checklist already there (Update-with-start)', async () => {
    const operation = new WithStartWorkflowOperation<typeof priorAuthFlow>('priorAuthFlow', {
      taskQueue: TASK_QUEUE,
      workflowId: priorAuthWorkflowId('pa-first-task'),
      args: [request({ authorizationId: 'pa-first-task' })],
      workflowIdConflictPolicy: 'FAIL',
    });
    const done = await h.client.workflow.executeUpdateWithStart(completeTaskUpdate, { args: [{ taskKey: 'eligibility_check', by: STAFF }], startWorkflowOperation: operation });
    expect(done).toMatchObject({ key: 'eligibility_check', status: 'completed' });
  });
});
