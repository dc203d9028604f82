// A year of one ambulatory health care site under time skipping, with real Postgres, SMTP and
// the real workflows and activities: every schedule firing of the year, at its instant, opens its
// occurrences; each is recorded (one drill late, with its reason, after its escalation); each
// exposed employee's BBP training follows their own last completion.
//
// The time-skipping test server has no Schedules API, so the test fires what the schedules would:
// the same firings (siteScheduleSync, which builds the real schedules' specs) start the same
// obligation workflow with the same arguments. That the dev server's schedules carry exactly these
// firings is proven in site-schedules.test.ts. The year is 2037, whose calendar equals 2026's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage } from '@temporalio/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { startBbpCycle } from '../../activities/osha/schedules';
import { BusinessCalendar } from '../../domain/calendar';
import { bbpWorkflowIdOf, occurrenceWorkflowIdOf, planSiteOccurrences, SiteContactsSchema, SiteProfileSchema, type SiteProfileInput } from '../../domain/osha';
import type { FlowView } from '../../domain/tasks/model';
import { recordOccurrenceUpdate } from '../../workflows/osha/definitions';
import { siteScheduleSync } from '../../workflows/osha/site-schedules';
import { checklistQuery, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { closedStatus, untilQuery } from '../support/poll';

const TZ = 'America/New_York';
const ny = new BusinessCalendar({ timeZone: TZ });
const SAFETY = 'safety@clinic.example';
const MANAGER = 'manager@clinic.example';
const practice = { timeZone: TZ, closureDays: [], observeInaugurationDay: false };
const contacts = SiteContactsSchema.parse({ responsibleEmail: SAFETY, managerEmail: MANAGER, participantEmails: { extinguisher_training: ['staff@clinic.example'] } });
const siteInput: SiteProfileInput = {
  siteId: 'main',
  timeZone: TZ,
  occupancy: 'ambulatory_health_care',
  shifts: ['day', 'evening'],
  headcount: 14,
  occupationalExposure: true,
  extinguisherUse: true,
  accreditor: 'none',
  lastCompleted: { ecp_review: '2036-05-20', extinguisher_maintenance: '2036-09-30', extinguisher_training: '2036-10-15' },
  roster: [
    { employeeId: 'e-1', lastBbpTraining: '2036-03-10', email: 'e1@clinic.example' },
    { employeeId: 'e-2', lastBbpTraining: '2036-08-20', email: 'e2@clinic.example' },
  ],
  drillSeed: 'simulated-year',
};
const profile = SiteProfileSchema.parse(siteInput);
const REGISTERED_ON = '2037-01-01';
const sync = siteScheduleSync({ profile, contacts, practice, registeredOn: REGISTERED_ON, version: 1 }, '2037-01-01', false, '2037-12-31');
const STAFF = ['e-1', 'e-2', 'e-3', 'e-4'];

/** Inspections and reviews are done by the responsible person; drills and trainings name who took part. */
const PARTICIPANTS: Record<string, string[]> = { extinguisher_inspection: [], extinguisher_maintenance: [], ecp_review: [], bbp_training: ['e-1'] };

type Step = { at: number; run: () => Promise<void> };

let h: EngineHarness;
let lateDrillKey = '';
let lateDrillEscalatedBeforeRecord = false;
const bbpFirstRuns = new Map<string, string>();

beforeAll(async () => {
  h = await startEngineHarness();
}, 120_000);
afterAll(async () => h?.stop());

async function record(workflowId: string, late?: string): Promise<void> {
  const handle = h.client.workflow.getHandle(workflowId);
  const view = await untilQuery(handle, checklistQuery, (v: FlowView) => v.tasks.length === 1);
  // Accepted, then watched by query: the test server's long poll for an Update's outcome does
  // not always return when the flow closes in the same workflow task.
  await handle.startUpdate(recordOccurrenceUpdate, {
    waitForStage: WorkflowUpdateStage.ACCEPTED,
    args: [
      {
        by: SAFETY,
        participants: PARTICIPANTS[view.tasks[0]!.key] ?? STAFF,
        durationMinutes: 15,
        findings: 'all exits clear',
        correctiveActions: view.tasks[0]!.key === 'fire_drill' ? [{ action: 'replace the exit sign bulb at the rear door', owner: SAFETY }] : [],
        ...(late ? { lateReason: late } : {}),
      },
    ],
  });
  await untilQuery(handle, checklistQuery, (v: FlowView) => v.tasks[0]!.status === 'completed' || v.tasks[0]!.dueDate !== view.tasks[0]!.dueDate);
}

describe('a simulated year of an ambulatory site with two shifts and exposed staff (2037)', () => {
  it('runs every occurrence of the year on time, one drill late with its reason, BBP within 365 days of the last', async () => {
    await h.advanceTo(new Date(ny.at(REGISTERED_ON, '06:00')).toISOString());
    const temporal = { client: h.client, taskQueue: TASK_QUEUE };
    // What the site flow does on registration for each exposed employee on the roster.
    for (const e of profile.roster) {
      const { workflowId } = await startBbpCycle(temporal, {
        input: { employeeId: e.employeeId, siteId: 'main', lastTraining: e.lastBbpTraining, employeeEmail: e.email!, managerEmail: MANAGER, practice, startedBy: MANAGER },
      });
      bbpFirstRuns.set(e.employeeId, (await h.client.workflow.getHandle(workflowId).describe()).runId);
    }

    const steps: Step[] = [];
    const drills = sync.schedules.find((s) => s.obligation === 'fire_drill')!;
    // The Q3 evening drill is missed on the day and recorded two business days later.
    const q3Evening = drills.firings.find((f) => f.occurrences.some((k) => k.endsWith(':2037-Q3:evening')))!;
    lateDrillKey = q3Evening.occurrences.find((k) => k.endsWith(':2037-Q3:evening'))!;
    for (const schedule of sync.schedules) {
      for (const firing of schedule.firings) {
        steps.push({
          at: ny.at(firing.date, firing.time),
          run: async () => {
            const handle = await h.client.workflow.start('oshaObligationFlow', {
              taskQueue: TASK_QUEUE,
              workflowId: `${schedule.scheduleId}-${firing.date}T${firing.time}`,
              args: [schedule.args],
            });
            expect(await closedStatus(handle)).toBe('COMPLETED');
            for (const key of firing.occurrences) if (key !== lateDrillKey) await record(occurrenceWorkflowIdOf(key));
          },
        });
      }
    }
    steps.push({
      at: ny.at(ny.addBusinessDays(q3Evening.date, 2), '11:00'),
      run: async () => {
        const id = occurrenceWorkflowIdOf(lateDrillKey);
        lateDrillEscalatedBeforeRecord = h.mailFor(id).some((m) => m.headers['x-practiceflow-step'] === 'escalation');
        // The engine refuses a late record without its reason, and the generic completion.
        const handle = h.client.workflow.getHandle(id);
        const refusal = (re: RegExp) => expect.objectContaining({ cause: expect.objectContaining({ message: expect.stringMatching(re) }) });
        await expect(handle.executeUpdate(recordOccurrenceUpdate, { args: [{ by: SAFETY, participants: STAFF, durationMinutes: 12 }] })).rejects.toEqual(refusal(/lateReason: is required/));
        await expect(handle.executeUpdate(recordOccurrenceUpdate, { args: [{ by: SAFETY, durationMinutes: 12, lateReason: 'staff shortage' }] })).rejects.toEqual(refusal(/participants: must list who took part/));
        await expect(handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'fire_drill', by: SAFETY, lateReason: 'x'.repeat(5) }] })).rejects.toEqual(refusal(/recordOccurrence/));
        await record(id, 'evening shift short-staffed on the planned day; drill run two days later');
      },
    });
    // e-1 trains early through the occurrence itself; e-2's training is recorded elsewhere
    // (as onboarding does) and reaches the cycle as a signal.
    steps.push({
      at: ny.at('2037-02-20', '15:00'),
      run: () => record(bbpWorkflowIdOf('e-1')),
    });
    steps.push({
      at: ny.at('2037-08-01', '15:00'),
      run: async () => {
        await startBbpCycle(temporal, {
          input: { employeeId: 'e-2', siteId: 'main', lastTraining: '2036-08-20', employeeEmail: 'e2@clinic.example', managerEmail: MANAGER, practice, startedBy: MANAGER },
          recorded: { completedOn: '2037-08-01', by: MANAGER },
        });
      },
    });
    steps.sort((a, b) => a.at - b.at);
    for (const step of steps) {
      const label = new Date(step.at).toISOString();
      await h.advanceTo(label);
      // A step that stalls fails here, named, rather than as the whole test's timeout.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([step.run(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the step at ${label} did not finish in 2 minutes`)), 120_000)))]).finally(() =>
        clearTimeout(timer),
      );
    }
    // Both cycles restarted from the actual training dates.
    const next = async (employeeId: string) =>
      (await untilQuery(h.client.workflow.getHandle(bbpWorkflowIdOf(employeeId)), checklistQuery, (v: FlowView) => v.tasks[0]!.dueDate >= '2038-01-01')).tasks[0]!.dueDate;
    expect(await next('e-1')).toBe('2038-02-20');
    expect(await next('e-2')).toBe('2038-08-01');
    await h.advanceTo(new Date(ny.at('2037-12-31', '20:00')).toISOString());

    if (process.env.PRACTICEFLOW_RECORD_HISTORIES === '1') {
      await recordHistory(h.client.workflow.getHandle(occurrenceWorkflowIdOf(lateDrillKey)), 'oshaOccurrenceFlow-drill-late-escalated-recorded');
      await recordHistory(h.client.workflow.getHandle(`${drills.scheduleId}-${q3Evening.date}T${q3Evening.time}`), 'oshaObligationFlow-drill-firing');
      await recordHistory(h.client.workflow.getHandle(bbpWorkflowIdOf('e-1'), bbpFirstRuns.get('e-1')), 'bbpTrainingFlow-recorded-continued');
      await recordHistory(h.client.workflow.getHandle(bbpWorkflowIdOf('e-2'), bbpFirstRuns.get('e-2')), 'bbpTrainingFlow-signalled-continued');
    }
  }, 600_000);

  it('has eight drills, each in its quarter and shift, at varying days and times, one late with its reason', async () => {
    const drills = await h.prisma.safetyOccurrence.findMany({ where: { siteId: 'main', obligation: 'fire_drill' }, orderBy: { dueDate: 'asc' } });
    expect(drills).toHaveLength(8);
    expect(drills.every((d) => d.status === 'completed')).toBe(true);
    for (const d of drills) {
      const due = d.dueDate.toISOString().slice(0, 10);
      expect(Math.ceil(Number(due.slice(5, 7)) / 3)).toBe(Number(d.period.slice(-1)));
      expect(d.participants).toEqual(STAFF);
      expect(d.correctiveActions).toEqual([{ action: 'replace the exit sign bulb at the rear door', owner: SAFETY }]);
    }
    expect(new Set(drills.map((d) => `${d.period}:${d.shift}`)).size).toBe(8);
    expect(new Set(drills.map((d) => d.plannedAt)).size).toBe(8);
    // Never the same pattern: not one weekday, not one day of the quarter.
    expect(new Set(drills.map((d) => d.dueDate.getUTCDay())).size).toBeGreaterThan(1);
    expect(new Set(drills.map((d) => d.dueDate.getUTCDate())).size).toBeGreaterThan(1);
    const late = drills.filter((d) => d.late);
    expect(late.map((d) => d.occurrenceKey)).toEqual([lateDrillKey]);
    expect(late[0]!.lateReason).toMatch(/short-staffed/);
    expect(lateDrillEscalatedBeforeRecord).toBe(true);
    // The unannounced drill's notice went to the person running it only.
    const opened = h.mailFor(occurrenceWorkflowIdOf(lateDrillKey)).find((m) => m.headers['x-practiceflow-step'] === 'opened')!;
    expect(opened.to).toEqual([SAFETY]);
    expect(opened.text).toMatch(/unannounced/);
  });

  it('has twelve monthly extinguisher inspections, one ECP review, and every planned occurrence recorded', async () => {
    const rows = await h.prisma.safetyOccurrence.findMany({ where: { siteId: 'main' } });
    const of = (o: string) => rows.filter((r) => r.obligation === o && r.dueDate.toISOString() < '2038');
    expect(of('extinguisher_inspection').map((r) => r.period).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `2037-${String(i + 1).padStart(2, '0')}`));
    expect(of('ecp_review').map((r) => r.dueDate.toISOString().slice(0, 10))).toEqual(['2037-05-20']);
    // Nothing missed: every occurrence the plan has for 2037 has a completed record.
    const planned = planSiteOccurrences(profile, '2037-01-01', '2037-12-31', REGISTERED_ON).occurrences.filter((o) => o.obligation !== 'bbp_training');
    const completed = new Set(rows.filter((r) => r.status === 'completed').map((r) => `${r.obligation}:${r.period}:${r.shift ?? ''}`));
    expect(planned.filter((o) => !completed.has(`${o.obligation}:${o.period}:${o.shift ?? ''}`))).toEqual([]);
    expect(rows.filter((r) => r.status === 'open' && r.obligation !== 'bbp_training')).toEqual([]);
    // Extinguisher training notices reach the trainees; retention follows the rule per record.
    const training = of('extinguisher_training')[0]!;
    expect(h.mailFor(training.workflowId).find((m) => m.headers['x-practiceflow-step'] === 'opened')!.cc).toEqual(['staff@clinic.example']);
    const maintenance = of('extinguisher_maintenance')[0]!;
    expect(maintenance.retainUntil!.getUTCFullYear() - maintenance.completedAt!.getUTCFullYear()).toBe(1);
  });

  it("keeps each employee's BBP training within 365 days of the previous one", async () => {
    const bbp = await h.prisma.safetyOccurrence.findMany({ where: { obligation: 'bbp_training' }, orderBy: { dueDate: 'asc' } });
    const byEmployee = (id: string) => bbp.filter((r) => r.employeeId === id);
    for (const [id, last, done] of [
      ['e-1', '2036-03-10', '2037-02-20'],
      ['e-2', '2036-08-20', '2037-08-01'],
    ] as const) {
      const [first, second] = byEmployee(id);
      expect(first!.status).toBe('completed');
      expect(first!.dueDate.toISOString().slice(0, 10)).toBe(ny.addCalendarDays(last, 365));
      expect(ny.dateOf(first!.completedAt!.getTime())).toBe(done);
      expect(first!.late).toBe(false);
      // Training records are kept three years (29 CFR 1910.1030(h)(2)(ii)).
      expect(first!.retainUntil!.toISOString().slice(0, 10)).toBe(ny.addMonths(done, 36));
      expect(second!.status).toBe('open');
      expect(second!.dueDate.toISOString().slice(0, 10)).toBe(ny.addCalendarDays(done, 365));
    }
    // e-1 was reminded 30 days before the first due date, before training.
    const reminders = h.mailFor(bbpWorkflowIdOf('e-1')).filter((m) => m.headers['x-practiceflow-step'] === 'remind_30cd');
    expect(reminders.length).toBeGreaterThanOrEqual(1);
  });

  it('leaves a ledger whose chain verifies', async () => {
    const verdict = await verifyAuditChain(h.prisma);
    expect(verdict.ok).toBe(true);
    const recorded = await h.prisma.auditEntry.count({ where: { action: 'osha.occurrence_recorded' } });
    expect(recorded).toBe(8 + 12 + 1 + 1 + 1 + 2);
  });
});
