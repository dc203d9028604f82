// The BBP training cycle never ends silently (issue 18, defect 1 and the risk of signals buffered
// before continue-as-new): a training recorded by signal while the ledger write is slow completes
// the cycle with its record, the ledger shows the completion before the flow's close, the cycle
// continues as new from the training, and a second training that arrives meanwhile is carried
// into the next cycle rather than dropped. Real activities; the ledger write is held by a gate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../activities/contracts';
import { startBbpCycle } from '../../activities/osha/schedules';
import { BusinessCalendar } from '../../domain/calendar';
import { bbpWorkflowIdOf } from '../../domain/osha';
import type { FlowView } from '../../domain/tasks/model';
import { checklistQuery } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { gate, type Gate } from '../support/gate';
import { recordHistory } from '../support/histories';
import { closedStatus, settled, untilQuery } from '../support/poll';

const TZ = 'America/New_York';
const ny = new BusinessCalendar({ timeZone: TZ });
const MANAGER = 'manager@clinic.example';
const practice = { timeZone: TZ, closureDays: [], observeInaugurationDay: false };

/** The ledger writes of one flow's task completion are held by this gate while it is set. */
const held = new Map<string, Gate>();
const completionOf = (events: AuditEvent[]) => events.find((e) => e.action === 'task.completed')?.workflowId;

let h: EngineHarness;
let today: string;
beforeAll(async () => {
  h = await startEngineHarness({
    wrapActivities: (real) => ({
      ...real,
      recordAudit: async (events) => {
        const workflowId = completionOf(events);
        if (workflowId) await held.get(workflowId)?.pass();
        return real.recordAudit(events);
      },
    }),
  });
  today = ny.dateOf(await h.env.currentTimeMs());
});
afterAll(async () => {
  // A test that failed half-way must not leave an activity held: the worker could not stop.
  for (const g of held.values()) g.open();
  await h?.stop();
});

const temporal = () => ({ client: h.client, taskQueue: TASK_QUEUE });
const cycleInput = (employeeId: string) => ({
  employeeId,
  siteId: 'main',
  lastTraining: '2026-03-01',
  employeeEmail: `${employeeId}@clinic.example`,
  managerEmail: MANAGER,
  practice,
  startedBy: MANAGER,
});

async function startCycle(employeeId: string): Promise<string> {
  const { workflowId } = await startBbpCycle(temporal(), { input: cycleInput(employeeId) });
  await untilQuery(h.client.workflow.getHandle(workflowId), checklistQuery, (v: FlowView) => v.tasks.length === 1);
  return (await h.client.workflow.getHandle(workflowId).describe()).runId;
}

const nextDue = (employeeId: string, due: string) =>
  untilQuery(h.client.workflow.getHandle(bbpWorkflowIdOf(employeeId)), checklistQuery, (v: FlowView) => v.status === 'running' && v.tasks[0]!.dueDate === due);

describe('a BBP cycle completed by a signal', () => {
  it('continues as new from the training even while the completion is still being written to the ledger', async () => {
    const id = bbpWorkflowIdOf('e-9');
    const firstRun = await startCycle('e-9');
    const slow = gate();
    held.set(id, slow);
    await startBbpCycle(temporal(), { input: cycleInput('e-9'), recorded: { completedOn: today, by: MANAGER } });
    await slow.entered;
    // The flow goes as far as it can while its completion is being written.
    await settled(h.client.workflow.getHandle(id, firstRun));
    slow.open();

    expect(await closedStatus(h.client.workflow.getHandle(id, firstRun))).toBe('CONTINUED_AS_NEW');
    await nextDue('e-9', ny.addCalendarDays(today, 365));
    const firstCycle = await h.prisma.auditEntry.findMany({ where: { workflowId: id, runId: firstRun }, orderBy: { seq: 'asc' } });
    const actions = firstCycle.map((e) => e.action);
    expect(actions).toContain('task.completed');
    expect(actions).toContain('osha.occurrence_recorded');
    expect(actions.indexOf('task.completed')).toBeLessThan(actions.indexOf('flow.completed'));
    expect(actions.indexOf('osha.occurrence_recorded')).toBeLessThan(actions.indexOf('flow.completed'));
    const record = await h.prisma.safetyOccurrence.findFirstOrThrow({ where: { employeeId: 'e-9', status: 'completed' } });
    expect(ny.dateOf(record.completedAt!.getTime())).toBe(today);
    await recordHistory(h.client.workflow.getHandle(id, firstRun), 'bbpTrainingFlow-signal-under-slow-ledger-continued');
  });

  it('carries a training that arrives while the cycle is closing into the next cycle', async () => {
    const id = bbpWorkflowIdOf('e-10');
    const firstRun = await startCycle('e-10');
    const slow = gate();
    held.set(id, slow);
    const first = ny.addCalendarDays(today, -3);
    const second = ny.addCalendarDays(today, -1);
    await startBbpCycle(temporal(), { input: cycleInput('e-10'), recorded: { completedOn: first, by: MANAGER } });
    await slow.entered;
    // The first training is being recorded; the second reaches the flow meanwhile.
    await startBbpCycle(temporal(), { input: cycleInput('e-10'), recorded: { completedOn: second, by: MANAGER } });
    await settled(h.client.workflow.getHandle(id, firstRun));
    slow.open();

    expect(await closedStatus(h.client.workflow.getHandle(id, firstRun))).toBe('CONTINUED_AS_NEW');
    await nextDue('e-10', ny.addCalendarDays(second, 365));
    // Both trainings are on record, each with its own cycle, and both cycles are in the ledger.
    const records = await h.prisma.safetyOccurrence.findMany({ where: { employeeId: 'e-10', status: 'completed' }, orderBy: { dueDate: 'asc' } });
    expect(records.map((r) => ny.dateOf(r.completedAt!.getTime()))).toEqual([first, second]);
    const completions = await h.prisma.auditEntry.findMany({ where: { workflowId: id, action: 'task.completed' }, orderBy: { seq: 'asc' } });
    expect(completions.map((e) => (e.detail as { at: string }).at.slice(0, 10))).toEqual([first, second]);
    // The run that started with the carried training and completed its cycle with it.
    const secondRun = completions.at(-1)!.runId!;
    await recordHistory(h.client.workflow.getHandle(id, secondRun), 'bbpTrainingFlow-carried-training-continued');
  });
});
