// A prior authorization's later paths (issue 18): the appeal of a denial whose appeal flow already
// exists (started by hand under the id the denial would use) is linked to it and recorded, not
// left half-changed (defect 5); the peer-to-peer path to a new decision (recorded for replay); a
// payer that never answers and a checklist nobody completes stop being escalated at their caps,
// so the flow's history stays bounded (defect 6; README, "History bound"). Real activities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { BusinessCalendar } from '../../domain/calendar';
import { appealWorkflowId, type AppealRequestInput } from '../../domain/appeals/request';
import { denialAppealId, priorAuthWorkflowId, type PriorAuthRequestInput } from '../../domain/prior-auth/request';
import { appealQuery } from '../../workflows/appeal/definitions';
import type { claimAppealFlow } from '../../workflows/appeal/workflow';
import { chooseDenialPathUpdate, priorAuthQuery, recordDecisionUpdate, recordServiceRenderedUpdate, recordSubmissionUpdate } from '../../workflows/prior-auth/definitions';
import { MAX_CLOCK_ESCALATIONS, type priorAuthFlow } from '../../workflows/prior-auth/workflow';
import { MAX_OVERDUE_NOTICES } from '../../workflows/task-engine/overdue-cap';
import { completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { closedStatus, untilQuery } from '../support/poll';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const MANAGER = 'manager@example.org';
const STAFF = 'pa-staff@example.org';

let h: EngineHarness;
let today: string;
beforeAll(async () => {
  h = await startEngineHarness();
  today = ny.dateOf(await h.env.currentTimeMs());
});
afterAll(async () => h?.stop());

function request(authorizationId: string, overrides: Partial<PriorAuthRequestInput> = {}): PriorAuthRequestInput {
  return {
    authorizationId,
    patientRef: 'mrn-004217',
    payer: { type: 'medicaid_managed_care' },
    service: { code: 'J1885', units: 4, scheduledDate: ny.addCalendarDays(today, 30) },
    urgency: 'standard',
    orderingProvider: 'npi-1234567893',
    staffEmail: STAFF,
    managerEmail: MANAGER,
    practice: { timeZone: 'America/New_York' },
    startedBy: MANAGER,
    ...overrides,
  };
}

async function start(input: PriorAuthRequestInput): Promise<WorkflowHandle<typeof priorAuthFlow>> {
  const handle = await h.client.workflow.start<typeof priorAuthFlow>('priorAuthFlow', { taskQueue: TASK_QUEUE, workflowId: priorAuthWorkflowId(input.authorizationId), args: [input] });
  await untilQuery(handle, priorAuthQuery, () => true);
  return handle;
}

/** A minute ago, as the practice writes instants (ISO 8601 with offset). */
const justNow = async () => ny.formatInstant((await h.env.currentTimeMs()) - 60_000);

async function submittedAndDenied(handle: WorkflowHandle<typeof priorAuthFlow>): Promise<void> {
  for (const taskKey of ['eligibility_check', 'documentation']) await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF }] });
  await handle.executeUpdate(recordSubmissionUpdate, { args: [{ submittedAt: await justNow(), channel: 'portal', confirmationNumber: 'MCD-1', by: STAFF }] });
  await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason: 'Step therapy not documented', denialCodes: ['CO-197'], by: STAFF }] });
}

describe('a denial handed to an appeal that already exists', () => {
  it('links the existing appeal flow and records the choice, instead of failing half-changed', async () => {
    // The practice started the appeal by hand, under the id the denial's appeal would take.
    const existing: AppealRequestInput = {
      appealId: denialAppealId('pa-ex-1'),
      claimId: 'pa-ex-1',
      patientRef: 'mrn-004217',
      payer: { type: 'medicaid_managed_care' },
      dateOfService: ny.addCalendarDays(today, 30),
      noticeDate: today,
      denialCodes: ['CO-197'],
      billedAmount: 0,
      deniedAmount: 0,
      priorAuthorizationId: 'pa-ex-1',
      staffEmail: STAFF,
      managerEmail: MANAGER,
      calendar: { timeZone: 'America/New_York' },
      startedBy: MANAGER,
    };
    const appealId = appealWorkflowId(denialAppealId('pa-ex-1'));
    const manual = await h.client.workflow.start<typeof claimAppealFlow>('claimAppealFlow', { taskQueue: TASK_QUEUE, workflowId: appealId, args: [existing] });
    await untilQuery(manual, appealQuery, () => true);

    const handle = await start(request('pa-ex-1'));
    await submittedAndDenied(handle);
    const chosen = await handle.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'appeal', by: MANAGER, note: 'appeal already filed' }] });
    expect(chosen).toMatchObject({ status: 'appeal_requested', flowStatus: 'completed', appeal: { workflowId: appealId, status: 'existing' } });
    expect(chosen.tasks.find((t) => t.key === 'denial_next_step')).toMatchObject({ status: 'completed', completion: { outcome: 'appeal' } });
    const requested = await h.prisma.auditEntry.findMany({ where: { workflowId: handle.workflowId, action: 'prior_auth.appeal_requested' } });
    expect(requested).toMatchObject([{ actor: MANAGER, detail: { appealWorkflowId: appealId, appealStatus: 'existing' } }]);
    // The appeal flow is the one started by hand, untouched.
    expect((await manual.describe()).runId).toBe(manual.firstExecutionRunId);
    expect(await closedStatus(handle)).toBe('COMPLETED');
  });
});

describe('a denial whose appeal is chosen twice at once', () => {
  it('starts one appeal and refuses the second choice while the first is starting it', async () => {
    const handle = await start(request('pa-dbl-1'));
    await submittedAndDenied(handle);
    const choose = () =>
      handle.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'appeal', by: MANAGER }] }).then(
        (v) => `applied: ${v.appeal?.status}`,
        (e: { cause?: { type?: string } }) => `refused: ${e.cause?.type}`,
      );
    expect((await Promise.all([choose(), choose()])).sort()).toEqual(['applied: started', 'refused: Conflict']);
    expect((await handle.query(priorAuthQuery)).appeal).toMatchObject({ status: 'started' });
    expect(await h.prisma.auditEntry.count({ where: { workflowId: handle.workflowId, action: 'prior_auth.appeal_requested' } })).toBe(1);
  });
});

describe('a denial taken to peer-to-peer', () => {
  it('opens the review task, and the payer\'s new decision after it approves the request', async () => {
    const handle = await start(request('pa-p2p-1'));
    await submittedAndDenied(handle);
    const p2p = await handle.executeUpdate(chooseDenialPathUpdate, { args: [{ path: 'peer_to_peer', by: MANAGER }] });
    expect(p2p).toMatchObject({ status: 'peer_to_peer', flowStatus: 'running' });
    expect(p2p.tasks.find((t) => t.key === 'peer_to_peer_review')).toMatchObject({ status: 'open', assignee: { email: MANAGER } });
    const approved = await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'approved', authorizationNumber: 'P2P-1', validFrom: today, validTo: ny.addCalendarDays(today, 60), units: 4, by: STAFF }] });
    expect(approved.status).toBe('approved');
    expect(approved.tasks.find((t) => t.key === 'peer_to_peer_review')).toMatchObject({ status: 'completed' });
    const done = await handle.executeUpdate(recordServiceRenderedUpdate, { args: [{ on: today, unitsUsed: 4, by: STAFF }] });
    expect(done).toMatchObject({ flowStatus: 'completed', status: 'closed' });
    expect(await closedStatus(handle)).toBe('COMPLETED');
    await recordHistory(handle, 'priorAuthFlow-denied-peer-to-peer-approved');
  });
});

describe('a payer that never answers and a checklist nobody completes', () => {
  it('stops escalating at the caps, so the history stays bounded', async () => {
    const handle = await start(request('pa-silent-1', { payer: { type: 'medicare_advantage', id: 'humana-ma' }, urgency: 'expedited' }));
    await handle.executeUpdate(recordSubmissionUpdate, { args: [{ submittedAt: await justNow(), channel: 'portal', confirmationNumber: 'HUM-1', by: STAFF }] });
    let at = await h.env.currentTimeMs();
    for (let month = 1; month <= 8; month++) {
      at = ny.at(ny.addMonths(ny.dateOf(at), 1), '12:00');
      await h.advanceTo(new Date(at).toISOString());
    }
    const steps = (task: string) => h.mailFor(handle.workflowId).filter((m) => m.headers['x-practiceflow-task'] === task).map((m) => String(m.headers['x-practiceflow-step']));
    expect(steps('payer_decision')).toEqual(Array.from({ length: MAX_CLOCK_ESCALATIONS }, (_, i) => `escalation_${i + 1}`));
    for (const task of ['eligibility_check', 'documentation']) expect(steps(task).filter((s) => s.startsWith('overdue_'))).toHaveLength(MAX_OVERDUE_NOTICES);
    const view = await handle.query(priorAuthQuery);
    expect(view).toMatchObject({ flowStatus: 'running', status: 'submitted', clock: { escalations: MAX_CLOCK_ESCALATIONS, overdue: true } });
    expect(view.clock?.nextEscalationAt).toBeUndefined();
    expect(view.tasks.every((t) => t.status === 'open' && t.overdue && t.nextNotice === undefined)).toBe(true);
    // Still decided when the payer finally answers.
    const decided = await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'denied', reason: 'Not medically necessary', by: STAFF }] });
    expect(decided.status).toBe('denied');
    expect((await handle.describe()).historyLength).toBeLessThan(2_000);
  });
});
