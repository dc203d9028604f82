// The flagship flow under time skipping, with real Postgres and SMTP: a medical assistant
// starting on the Monday of Thanksgiving week gets every reminder and escalation at its exact
// time, the tasks are completed, the flow completes, and the audit chain verifies.
//
// The scenario is the issue's: start Monday 23 November 2026. The test server's clock starts at
// the real "now" and only moves forward, so the run happens in 2037, whose calendar is identical
// to 2026's (same weekdays, same federal holidays, same DST dates; checked in plan.test.ts).
// Expectations are written in 2026 dates and shifted by 11 years.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { bbpWorkflowIdOf } from '../../domain/osha';
import { untilQuery } from '../support/poll';
import { onboardingWorkflowId, planOnboarding, planView, type OnboardingFlowInput, type OnboardingRequest } from '../../domain/onboarding';
import type { onboardingFlow } from '../../workflows/onboarding/workflow';
import type { FlowView } from '../../domain/tasks/model';
import { changeStartDateUpdate, reverseHepBDeclinationUpdate } from '../../workflows/onboarding/definitions';
import { cancelFlowUpdate, checklistQuery, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { dana, NEW_YORK } from './fixtures';

const YEARS = 11;
/** A 2026 date or instant, moved to the same moment of 2037. */
const mirror = (s: string) => s.replace(/^2026/, String(2026 + YEARS)).replace(/^2027/, String(2027 + YEARS));
const MANAGER = 'manager@example.org';
const HIRE = 'dana@example.org';

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

function flowInput(request: OnboardingRequest): OnboardingFlowInput {
  return { request, practice: NEW_YORK, startedBy: MANAGER };
}

async function start(request: OnboardingRequest): Promise<WorkflowHandle<typeof onboardingFlow>> {
  return h.client.workflow.start<typeof onboardingFlow>('onboardingFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: onboardingWorkflowId(request.hireId),
    args: [flowInput(request)],
  });
}

/**
 * The final checklist once the flow has closed. Polled with queries rather than awaiting
 * `result()`, which lets the test server skip its clock far ahead and would break the absolute
 * times the next test relies on.
 */
async function settled(handle: WorkflowHandle): Promise<FlowView> {
  for (let i = 0; i < 300; i++) {
    if ((await handle.describe()).status.name !== 'RUNNING') return handle.query(checklistQuery);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} did not close`);
}

const complete = (handle: WorkflowHandle, taskKey: string, extra: Record<string, string> = {}) =>
  handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: extra.by ?? HIRE, ...extra }] });

describe('medical assistant starting Monday 23 November 2026', () => {
  it('runs every deadline, reminder and escalation at its exact time, to completion', async () => {
    const request = dana({ startDate: mirror('2026-11-23') });
    // The manager starts onboarding on Friday 13 November, 15:00 in New York.
    await h.advanceTo(mirror('2026-11-13T20:00:00Z'));
    const handle = await start(request);
    const flowId = onboardingWorkflowId('h-1042');

    // The flow's tasks are the plan's, due dates and rules included.
    const view = await handle.query(checklistQuery);
    expect(view.tasks.map((t) => [t.key, t.dueDate, t.rule?.citation])).toEqual(
      planView(planOnboarding(request, NEW_YORK)).tasks.map((t) => [t.key, t.dueDate, t.rule]),
    );
    expect(Object.fromEntries(view.tasks.map((t) => [t.key, t.dueDate]))).toEqual(
      Object.fromEntries(
        Object.entries({
          i9_section1: '2026-11-23',
          i9_section2: '2026-11-27',
          new_hire_report: '2026-12-13',
          hipaa_training: '2026-12-23',
          hazcom_training: '2026-11-23',
          eap_review: '2026-11-23',
          bbp_training: '2026-11-23',
          hepb_vaccine_offer: '2026-12-08',
          tb_screening: '2026-11-23',
        }).map(([k, d]) => [k, mirror(d)]),
      ),
    );

    // First day, noon: the hire completes the day-one tasks.
    await h.advanceTo(mirror('2026-11-23T17:00:00Z'));
    for (const key of ['i9_section1', 'hazcom_training', 'eap_review', 'bbp_training', 'tb_screening']) await complete(handle, key);

    // The manager misses the I-9 Section 2 deadline (Fri 27) and is escalated Monday 30 at 09:00.
    await h.advanceTo(mirror('2026-11-30T17:00:00Z'));
    const late = await complete(handle, 'i9_section2', { by: MANAGER, lateReason: 'List B document arrived after the holiday', note: 'Driver license + SS card' });
    expect(late.completion).toMatchObject({ late: true, lateReason: 'List B document arrived after the holiday' });

    // The hepatitis B offer on its due date (declined, Appendix A signed).
    await h.advanceTo(mirror('2026-12-08T17:00:00Z'));
    await complete(handle, 'hepb_vaccine_offer', { by: MANAGER, outcome: 'declined', note: 'Appendix A declination on file' });
    // The state report two days early, HIPAA training on its due date.
    await h.advanceTo(mirror('2026-12-11T17:00:00Z'));
    await complete(handle, 'new_hire_report', { by: MANAGER });
    await h.advanceTo(mirror('2026-12-23T17:00:00Z'));
    await complete(handle, 'hipaa_training');

    const result = await settled(handle);
    expect(result.status).toBe('completed');
    expect(result.tasks.every((t) => t.status === 'completed')).toBe(true);

    // Every message, at 09:00 New York time on business days, to the right person.
    const expected: [string, string, string, string[]][] = [];
    const at = (d: string) => mirror(`${d}T14:00:00.000Z`); // 09:00 EST
    for (const key of ['i9_section1', 'hazcom_training', 'eap_review', 'bbp_training', 'tb_screening']) {
      expected.push([key, 'remind_5bd', at('2026-11-16'), [HIRE]], [key, 'remind_1bd', at('2026-11-20'), [HIRE]], [key, 'due', at('2026-11-23'), [HIRE]]);
    }
    expected.push(
      ['i9_section2', 'remind_5bd', at('2026-11-19'), [MANAGER]],
      ['i9_section2', 'remind_1bd', at('2026-11-25'), [MANAGER]],
      ['i9_section2', 'due', at('2026-11-27'), [MANAGER]],
      ['i9_section2', 'escalation', at('2026-11-30'), [MANAGER]],
      ['hepb_vaccine_offer', 'remind_5bd', at('2026-12-01'), [MANAGER]],
      ['hepb_vaccine_offer', 'remind_1bd', at('2026-12-07'), [MANAGER]],
      ['hepb_vaccine_offer', 'due', at('2026-12-08'), [MANAGER]],
      ['new_hire_report', 'remind_5bd', at('2026-12-07'), [MANAGER]],
      ['new_hire_report', 'remind_1bd', at('2026-12-11'), [MANAGER]],
      ['hipaa_training', 'remind_5bd', at('2026-12-16'), [HIRE]],
      ['hipaa_training', 'remind_1bd', at('2026-12-22'), [HIRE]],
      ['hipaa_training', 'due', at('2026-12-23'), [HIRE]],
    );
    const received = h
      .mailFor(flowId)
      .map((m) => [m.headers['x-practiceflow-task']!, m.headers['x-practiceflow-step']!, m.headers['x-practiceflow-scheduled-at']!, m.to] as [string, string, string, string[]]);
    const order = (rows: [string, string, string, string[]][]) => [...rows].sort((a, b) => `${a[2]}${a[0]}`.localeCompare(`${b[2]}${b[0]}`));
    expect(order(received)).toEqual(order(expected));

    // Messages carry identifiers and rules, not the hire's medical information (the recorded
    // outcome and notes of the hepatitis B offer stay in the record, out of email).
    const offer = h.mailFor(flowId).find((m) => m.headers['x-practiceflow-task'] === 'hepb_vaccine_offer')!;
    expect(offer.text).toContain('29 CFR 1910.1030(f)(2)(i)');
    expect(h.mailFor(flowId).some((m) => /\bdeclined\b|Appendix A declination on file/.test(m.text))).toBe(false);

    // The ledger: who did what, against which rule; the chain verifies.
    const ledger = await h.prisma.auditEntry.findMany({ where: { workflowId: flowId }, orderBy: { seq: 'asc' } });
    expect(ledger[0]).toMatchObject({ action: 'flow.started', actor: MANAGER });
    expect(ledger.filter((e) => e.action === 'task.created')).toHaveLength(9);
    expect(ledger.find((e) => e.action === 'task.completed' && e.taskKey === 'i9_section2')).toMatchObject({ actor: MANAGER, rule: '8 CFR 274a.2(b)(1)(ii)' });
    expect(ledger.find((e) => e.action === 'task.completed' && e.taskKey === 'tb_screening')).toMatchObject({ actor: HIRE });
    expect(ledger.filter((e) => e.action.startsWith('notice.'))).toHaveLength(expected.length);
    expect(ledger.at(-1)).toMatchObject({ action: 'flow.completed' });
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
    expect(await h.prisma.flow.findUniqueOrThrow({ where: { workflowId: flowId } })).toMatchObject({ status: 'completed', subjectId: 'h-1042', flowType: 'onboarding' });
    // The initial BBP training started the hire's yearly cycle: due within 365 days of it.
    const cycle = await untilQuery(h.client.workflow.getHandle(bbpWorkflowIdOf('h-1042')), checklistQuery, (v: FlowView) => v.tasks.length === 1);
    expect(cycle.tasks[0]).toMatchObject({ key: 'bbp_training', dueDate: mirror('2027-11-23'), assignee: { email: HIRE }, status: 'open' });
    await recordHistory(handle, 'onboardingFlow-thanksgiving-week-completed');
  });
});

describe('changes to a running onboarding', () => {
  it('never starts a second flow for the same hire', async () => {
    const request = dana({ hireId: 'h-2001', startDate: mirror('2027-03-01') });
    await h.advanceTo(mirror('2027-02-22T15:00:00Z'));
    await start(request);
    await expect(start(request)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('moves only open tasks when the start date moves by a week, and audits it', async () => {
    const request = dana({ hireId: 'h-2002', startDate: mirror('2027-03-01') });
    const handle = await start(request);
    await complete(handle, 'i9_section1', { completedAt: mirror('2027-02-22T15:00:00Z') });
    const before = await handle.query(checklistQuery);

    const moved = await handle.executeUpdate(changeStartDateUpdate, {
      args: [{ startDate: mirror('2027-03-08'), by: MANAGER, reason: 'Hire asked to start a week later' }],
    });
    const expected = Object.fromEntries(planView(planOnboarding(request, NEW_YORK, mirror('2027-03-08'))).tasks.map((t) => [t.key, t.dueDate]));
    for (const task of moved.tasks) {
      if (task.key === 'i9_section1') {
        expect(task).toEqual(before.tasks.find((t) => t.key === 'i9_section1')); // done: kept as it was
      } else {
        expect([task.key, task.dueDate]).toEqual([task.key, expected[task.key]]);
      }
    }
    expect(moved.tasks.find((t) => t.key === 'i9_section2')!.dueDate).toBe(mirror('2027-03-11'));
    const entry = await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: onboardingWorkflowId('h-2002'), action: 'onboarding.start_date_changed' } });
    expect(entry).toMatchObject({ actor: MANAGER });
    expect(entry.detail).toMatchObject({ from: mirror('2027-03-01'), to: mirror('2027-03-08'), reason: 'Hire asked to start a week later' });
    expect((entry.detail as { moved: unknown[] }).moved).toHaveLength(8);

    const same = await handle.executeUpdate(changeStartDateUpdate, { args: [{ startDate: mirror('2027-03-08'), by: MANAGER, reason: 'again' }] }).catch((e: unknown) => e);
    expect(same).toBeInstanceOf(WorkflowUpdateFailedError);
  });

  it('reopens the hepatitis B vaccination when a declination is reversed', async () => {
    const handle = h.client.workflow.getHandle<typeof onboardingFlow>(onboardingWorkflowId('h-2002'));
    const premature = await handle.executeUpdate(reverseHepBDeclinationUpdate, { args: [{ by: MANAGER }] }).catch((e: unknown) => e);
    expect((premature as WorkflowUpdateFailedError).cause?.message).toMatch(/no recorded declination/);
    await complete(handle, 'hepb_vaccine_offer', { by: MANAGER, outcome: 'declined' });
    const vaccination = await handle.executeUpdate(reverseHepBDeclinationUpdate, { args: [{ by: MANAGER, note: 'Employee now accepts' }] });
    expect(vaccination).toMatchObject({ key: 'hepb_vaccination', status: 'open', rule: { citation: '29 CFR 1910.1030(f)(2)(iv)' } });
    expect(await h.prisma.auditEntry.count({ where: { workflowId: onboardingWorkflowId('h-2002'), action: 'onboarding.hepb_declination_reversed' } })).toBe(1);
    await recordHistory(handle, 'onboardingFlow-start-date-moved-hepb-reversed');
  });

  it('stops every reminder when the hire is withdrawn, with the reason audited', async () => {
    const handle = h.client.workflow.getHandle<typeof onboardingFlow>(onboardingWorkflowId('h-2001'));
    const sentBefore = h.mailFor(onboardingWorkflowId('h-2001')).length;
    await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'Hire withdrew' }] });
    const result = await settled(handle);
    expect(result.status).toBe('cancelled');
    await h.env.sleep('90 days');
    expect(h.mailFor(onboardingWorkflowId('h-2001'))).toHaveLength(sentBefore);
    expect(await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: onboardingWorkflowId('h-2001'), action: 'flow.cancelled' } })).toMatchObject({
      actor: MANAGER,
      detail: { reason: 'Hire withdrew' },
    });
    expect(await h.prisma.flow.findUniqueOrThrow({ where: { workflowId: onboardingWorkflowId('h-2001') } })).toMatchObject({ status: 'cancelled' });
    await recordHistory(handle, 'onboardingFlow-withdrawn');
  });
});
