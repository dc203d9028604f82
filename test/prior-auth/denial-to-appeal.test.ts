// The chain the issue names, under time skipping with real Postgres and SMTP: a Medicaid managed
// care prior authorization is denied, the manager takes it to appeal (the appeal flow starts as a
// child), the plan's internal appeal is lost, the state fair hearing's window opens from the new
// notice, and the hearing is won.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { priorAuthWorkflowId, type PriorAuthRequestInput } from '../../domain/prior-auth/request';
import { appealQuery, recordAppealDecisionUpdate, type AppealView } from '../../workflows/appeal/definitions';
import { chooseDenialPathUpdate, priorAuthQuery, recordDecisionUpdate, recordSubmissionUpdate } from '../../workflows/prior-auth/definitions';
import type { priorAuthFlow } from '../../workflows/prior-auth/workflow';
import { completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { closedStatus, untilQuery } from '../support/poll';

const MANAGER = 'manager@example.org';
const STAFF = 'pa-staff@example.org';
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

const input: PriorAuthRequestInput = {
  authorizationId: 'pa-chain-1',
  patientRef: 'mrn-009911',
  payer: { type: 'medicaid_managed_care', id: 'fidelis', name: 'Fidelis Care' },
  service: { code: '97110', units: 12, scheduledDate: '2027-09-20' },
  urgency: 'standard',
  orderingProvider: 'npi-1234567893',
  staffEmail: STAFF,
  managerEmail: MANAGER,
  practice: { timeZone: 'America/New_York' },
  startedBy: MANAGER,
};

const until = (handle: WorkflowHandle, check: (v: AppealView) => boolean): Promise<AppealView> => untilQuery(handle, appealQuery, check);

const complete = (handle: WorkflowHandle, taskKey: string, extra: Record<string, unknown> = {}) =>
  handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF, ...extra }] });

describe('deny -> appeal -> lost -> next level -> won', () => {
  it('runs the whole chain, each level with its own window, all in the ledger', async () => {
    await h.advanceTo('2027-08-30T14:00:00Z'); // Monday 10:00 in New York
    const pa = await h.client.workflow.start<typeof priorAuthFlow>('priorAuthFlow', { taskQueue: TASK_QUEUE, workflowId: priorAuthWorkflowId('pa-chain-1'), args: [input] });
    for (const taskKey of ['eligibility_check', 'documentation']) await complete(pa, taskKey);
    await pa.executeUpdate(recordSubmissionUpdate, { args: [{ submittedAt: '2027-08-30T09:45:00-04:00', channel: 'portal', confirmationNumber: 'FID-5501', by: STAFF }] });

    // Denied on Thursday 2 September; the manager takes it to appeal.
    await h.advanceTo('2027-09-02T15:00:00Z');
    await pa.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason: 'Medical necessity not established for 12 visits', denialCodes: ['CO-50'], by: STAFF }] });
    const chosen = await pa.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'appeal', by: MANAGER }] });
    expect(chosen.appeal).toEqual({ workflowId: 'appeal-pa-chain-1-1', status: 'started' });

    // Level 1: the plan's internal appeal, 60 days from the denial notice (42 CFR 438.402(c)(2)(ii)).
    const appeal = h.client.workflow.getHandle('appeal-pa-chain-1-1');
    const internal = await until(appeal, () => true);
    expect(internal).toMatchObject({ level: 'internal', noticeDate: '2027-09-02', filingDeadline: '2027-11-01', nextLevel: 'external', status: 'running' });
    expect(internal.rule).toBe('42 CFR 438.402(c)(2)(ii)');

    await h.advanceTo('2027-09-13T14:00:00Z');
    await complete(appeal, 'gather_records');
    await complete(appeal, 'draft_letter');
    await complete(appeal, 'submit_appeal', { evidence: { confirmationNumber: 'FID-APL-77', channel: 'fax' } });
    expect((await appeal.query(appealQuery)).decisionDue).toBe('2027-10-13'); // 30 days (42 CFR 438.408(b)(2))

    // The plan upholds the denial; the state fair hearing's 120 days run from that notice.
    await h.advanceTo('2027-10-06T14:00:00Z');
    await appeal.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'lost', noticeDate: '2027-10-05', by: STAFF }] });
    const hearing = await until(appeal, (v) => v.level === 'external');
    expect(hearing).toMatchObject({ level: 'external', noticeDate: '2027-10-05', filingDeadline: '2028-02-02', status: 'running' });
    expect(hearing.rule).toMatch(/^42 CFR 438\.408\(f\)\(2\)/);

    await h.advanceTo('2027-10-18T14:00:00Z');
    await complete(appeal, 'gather_records');
    await complete(appeal, 'draft_letter');
    await complete(appeal, 'submit_appeal', { evidence: { confirmationNumber: 'NY-OTDA-3141', channel: 'mail' } });
    expect((await appeal.query(appealQuery)).decisionDue).toBe('2028-01-16'); // 90 days (42 CFR 431.244(f)(1))

    await h.advanceTo('2027-12-01T15:00:00Z');
    await appeal.executeUpdate(recordAppealDecisionUpdate, { args: [{ outcome: 'won', amountRecovered: 0, by: STAFF, note: 'Hearing officer reversed the denial' }] });
    expect(await closedStatus(appeal)).toBe('COMPLETED');
    const done = await appeal.query(appealQuery);
    expect(done.decisions.map((d) => [d.level, d.outcome])).toEqual([
      ['internal', 'lost'],
      ['external', 'won'],
    ]);

    expect((await pa.query(priorAuthQuery)).status).toBe('appeal_requested');
    const actions = (await h.prisma.auditEntry.findMany({ where: { workflowId: 'appeal-pa-chain-1-1' }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions[0]).toBe('flow.started');
    expect(actions.at(-1)).toBe('flow.completed');
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
    // Identifiers only in email: the patient reference and the denial reason stay out.
    const mail = [...h.mailFor('appeal-pa-chain-1-1'), ...h.mailFor(priorAuthWorkflowId('pa-chain-1'))];
    expect(mail.length).toBeGreaterThan(0);
    expect(mail.some((m) => m.text.includes('mrn-009911') || m.text.includes('Medical necessity'))).toBe(false);
    await recordHistory(appeal, 'claimAppealFlow-pre-service-internal-lost-hearing-won');
  });
});
