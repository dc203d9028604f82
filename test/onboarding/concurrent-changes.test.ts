// Concurrent Updates to one onboarding do not interleave (issue 18, risk "Concurrent Updates
// interleave"): each change runs after the one in flight and checks again what its validator
// checked. A second hepatitis B reversal accepted while the first is writing its records is
// refused; two start-date changes leave every open task on the dates of the start date the flow
// ends with. The ledger write that makes the first change wait is held by a gate (real activities).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { AuditEvent } from '../../activities/contracts';
import { BusinessCalendar } from '../../domain/calendar';
import { onboardingWorkflowId, planOnboarding, type OnboardingRequest } from '../../domain/onboarding';
import type { FlowView } from '../../domain/tasks/model';
import { changeStartDateUpdate, reverseHepBDeclinationUpdate } from '../../workflows/onboarding/definitions';
import type { onboardingFlow } from '../../workflows/onboarding/workflow';
import { checklistQuery, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { gate, type Gate } from '../support/gate';
import { recordHistory } from '../support/histories';
import { settled, untilQuery } from '../support/poll';
import { dana, NEW_YORK } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const MANAGER = 'manager@example.org';

/** Held ledger writes: the first event matching a key (action or action:taskKey) waits for its gate. */
const held = new Map<string, Gate>();
const keysOf = (e: AuditEvent) => [e.action, `${e.action}:${e.taskKey ?? ''}`];

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness({
    wrapActivities: (real) => ({
      ...real,
      recordAudit: async (events) => {
        for (const key of events.flatMap(keysOf)) await held.get(key)?.pass();
        return real.recordAudit(events);
      },
    }),
  });
});
afterAll(async () => {
  // A test that failed half-way must not leave an activity held: the worker could not stop.
  for (const g of held.values()) g.open();
  await h?.stop();
});

async function start(request: OnboardingRequest): Promise<WorkflowHandle<typeof onboardingFlow>> {
  const handle = await h.client.workflow.start<typeof onboardingFlow>('onboardingFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: onboardingWorkflowId(request.hireId),
    args: [{ request, practice: NEW_YORK, startedBy: MANAGER }],
  });
  await untilQuery(handle, checklistQuery, (v: FlowView) => v.tasks.length > 0);
  return handle;
}

/** Settles an Update's outcome: its result, or the message it failed with. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'applied',
    (e: { cause?: { type?: string; message?: string } }) => `${e.cause?.type}: ${e.cause?.message}`,
  );

describe('two changes to one onboarding at the same time', () => {
  it('applies one hepatitis B reversal and refuses the second, accepted while the first was being recorded', async () => {
    const today = ny.dateOf(await h.env.currentTimeMs());
    const handle = await start(dana({ hireId: 'h-conc-1', startDate: ny.addBusinessDays(today, 10) }));
    await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'hepb_vaccine_offer', by: MANAGER, outcome: 'declined' }] });

    const slow = gate();
    held.set('onboarding.hepb_declination_reversed', slow);
    const first = await handle.startUpdate(reverseHepBDeclinationUpdate, { args: [{ by: MANAGER, note: 'first click' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await slow.entered;
    const second = await handle.startUpdate(reverseHepBDeclinationUpdate, { args: [{ by: MANAGER, note: 'second click' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    // Both reversals get as far as they can (each may be held writing its ledger entry).
    await settled(handle, 2);
    slow.open();

    expect([await outcome(first.result()), await outcome(second.result())]).toEqual(['applied', 'Conflict: hepb_vaccine_offer: the declination was already reversed']);
    const created = await h.prisma.auditEntry.findMany({ where: { workflowId: handle.workflowId, action: 'task.created', taskKey: 'hepb_vaccination' } });
    expect(created).toHaveLength(1);
    await h.client.workflow.getHandle(handle.workflowId).executeUpdate('cancelFlow', { args: [{ by: MANAGER, reason: 'recorded for replay' }] });
    await recordHistory(handle, 'onboardingFlow-concurrent-hepb-reversals-cancelled');
  });

  it('leaves every open task on the dates of the final start date when two changes overlap', async () => {
    // A physician assistant hired before 17 May 2019: TB screening (CDC 2019) is not yet a task,
    // and a start date after it adds the task, so the first change awaits while adding it.
    const request = dana({ hireId: 'h-conc-2', role: 'physician_assistant', startDate: '2019-05-06' });
    const handle = await start(request);
    expect((await handle.query(checklistQuery)).tasks.map((t) => t.key)).not.toContain('tb_screening');

    const slow = gate();
    held.set('task.created:tb_screening', slow);
    const first = await handle.startUpdate(changeStartDateUpdate, { args: [{ startDate: '2019-05-20', by: MANAGER, reason: 'visa delayed' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await slow.entered;
    const second = await handle.startUpdate(changeStartDateUpdate, { args: [{ startDate: '2019-06-03', by: MANAGER, reason: 'visa delayed again' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await settled(handle);
    slow.open();
    expect([await outcome(first.result()), await outcome(second.result())]).toEqual(['applied', 'applied']);

    // The start date the flow ends with is the last change recorded; every open task is on its plan.
    const changes = await h.prisma.auditEntry.findMany({ where: { workflowId: handle.workflowId, action: 'onboarding.start_date_changed' }, orderBy: { seq: 'asc' } });
    const last = (changes.at(-1)!.detail as { to: string }).to;
    expect(last).toBe('2019-06-03');
    const planned = new Map(planOnboarding(request, NEW_YORK, last).tasks.map((t) => [t.key, 'date' in t.due ? t.due.date : '']));
    const view = await handle.query(checklistQuery);
    expect(view.tasks.filter((t) => t.status === 'open').map((t) => [t.key, t.dueDate])).toEqual(view.tasks.filter((t) => t.status === 'open').map((t) => [t.key, planned.get(t.key)]));
  });
});
