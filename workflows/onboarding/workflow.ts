// New-hire onboarding: the tasks of DOMAIN.md §1 planned from the hire's role and start date,
// carried to completion by the task engine (reminders, escalations, audit). A forgotten
// onboarding can run for years: once its history reaches the budget it continues as new with its
// checklist and start date (README, "History bound").
import { continueAsNew, patched, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import { IsoDateSchema } from '../../domain/calendar/iso-date';
import {
  ChangeStartDateSchema,
  HepBReversalSchema,
  OnboardingFlowInputSchema,
  planOnboarding,
  type ChangeStartDateInput,
  type HepBReversalInput,
  type OnboardingFlowInput,
} from '../../domain/onboarding';
import type { FlowView } from '../../domain/tasks/model';
import { startBbpCycle } from '../task-engine/activities';
import { EngineCarriedSchema } from '../task-engine/carried';
import { TaskEngine } from '../task-engine/engine';
import { conflictFailure, notFoundFailure, parseOrThrow } from '../task-engine/failures';
import { changeStartDateUpdate, reverseHepBDeclinationUpdate } from './definitions';

/** Patch id: completing bbp_training starts the employee's yearly BBP cycle (added while onboardings ran). */
export const PATCH_ONBOARDING_BBP_CYCLE = 'onboarding-starts-bbp-cycle';

/** What a run hands to the next (continue-as-new): the checklist and the start date as changed. */
export const OnboardingCarriedSchema = z.object({
  engine: EngineCarriedSchema,
  startDate: IsoDateSchema,
  startDateChanges: z.number().int().min(0),
});
export type OnboardingCarried = z.input<typeof OnboardingCarriedSchema>;

export async function onboardingFlow(raw: OnboardingFlowInput, rawCarried?: OnboardingCarried): Promise<FlowView> {
  const input = parseOrThrow(OnboardingFlowInputSchema, raw);
  const { request, practice, startedBy } = input;
  const carried = rawCarried === undefined ? undefined : parseOrThrow(OnboardingCarriedSchema, rawCarried);
  let startDate = carried?.startDate ?? request.startDate;
  let startDateChanges = carried?.startDateChanges ?? 0;
  const plan = planOnboarding(request, practice);
  const engine = new TaskEngine({
    flowType: 'onboarding',
    subjectId: request.hireId,
    title: `Onboarding ${request.hireId} ${request.name} (${request.role})`,
    managerEmail: request.managerEmail,
    startedBy,
    calendar: practice,
    reminders: practice.reminders,
    tasks: plan.tasks,
    startDetail: { hireId: request.hireId, role: request.role, startDate, facts: plan.facts, practice: { state: practice.state, eVerify: practice.eVerify } },
    resume: carried?.engine,
    continueAsNew: (checklist) => continueAsNew<typeof onboardingFlow>(input, { engine: checklist, startDate, startDateChanges }),
    afterCompletion: async (task) => {
      // The initial training starts the cycle: the next is due within 365 days of it
      // (29 CFR 1910.1030(g)(2)(ii)(B)), and each later completion restarts it.
      if (task.key !== 'bbp_training' || !task.completion || !patched(PATCH_ONBOARDING_BBP_CYCLE)) return;
      const completedOn = engine.calendarInUse.dateOf(Date.parse(task.completion.at));
      await startBbpCycle({
        input: {
          employeeId: request.hireId,
          siteId: request.siteId ?? 'practice',
          lastTraining: completedOn,
          employeeEmail: request.email,
          managerEmail: request.managerEmail,
          practice: { timeZone: practice.timeZone, closureDays: practice.closureDays, observeInaugurationDay: practice.observeInaugurationDay },
          startedBy: task.completion.by,
        },
        recorded: { completedOn, by: task.completion.by },
      });
    },
  });

  // Both Updates run as one change each (the engine's turn order): a change that had to wait for
  // another makes its checks again when its turn comes, so a second start date or reversal
  // accepted while the first was writing its records sees what the first did.
  const validateStartDate = (rawChange: ChangeStartDateInput) => {
    const change = parseOrThrow(ChangeStartDateSchema, rawChange);
    engine.assertRunning();
    if (change.startDate === startDate) throw conflictFailure(`startDate: the start date is already ${startDate}`);
    return change;
  };
  setHandler(
    changeStartDateUpdate,
    (rawChange) =>
      engine.change(async ({ waited }) => {
        const change = waited ? validateStartDate(rawChange) : parseOrThrow(ChangeStartDateSchema, rawChange);
        const next = planOnboarding(request, practice, change.startDate);
        const moved: { task: string; from: string; to: string }[] = [];
        const added: string[] = [];
        for (const spec of next.tasks) {
          if (!engine.hasTask(spec.key)) {
            await engine.addTaskBy(spec, change.by);
            added.push(spec.key);
            continue;
          }
          const moveResult = engine.rescheduleTask(spec.key, spec.due);
          if (moveResult) moved.push({ task: spec.key, ...moveResult });
        }
        const previous = startDate;
        startDate = change.startDate;
        startDateChanges += 1;
        // Completed tasks keep their dates and evidence: only open tasks move.
        await engine.recordEvent('onboarding.start_date_changed', change.by, {
          key: String(startDateChanges),
          rule: '8 CFR 274a.2(b)(1)(ii); 29 CFR 1910.1030(f)(2)(i) (dates recomputed from the new start date)',
          detail: { from: previous, to: change.startDate, reason: change.reason, moved, added },
        });
        return engine.view();
      }),
    { validator: (rawChange) => void validateStartDate(rawChange) },
  );

  const validateReversal = (rawReversal: HepBReversalInput) => {
    const reversal = parseOrThrow(HepBReversalSchema, rawReversal);
    engine.assertRunning();
    const offer = engine.taskViewOf('hepb_vaccine_offer');
    if (!offer) throw notFoundFailure('taskKey: this hire has no hepatitis B offer (no occupational exposure)');
    if (offer.completion?.outcome !== 'declined') throw conflictFailure('hepb_vaccine_offer: there is no recorded declination to reverse');
    if (engine.hasTask('hepb_vaccination')) throw conflictFailure('hepb_vaccine_offer: the declination was already reversed');
    return reversal;
  };
  setHandler(
    reverseHepBDeclinationUpdate,
    (rawReversal) =>
      engine.change(async ({ waited }) => {
        const reversal = waited ? validateReversal(rawReversal) : parseOrThrow(HepBReversalSchema, rawReversal);
        const calendar = engine.calendarInUse;
        const today = calendar.dateOf(Date.now());
        await engine.recordEvent('onboarding.hepb_declination_reversed', reversal.by, {
          key: 'hepb_vaccine_offer',
          taskKey: 'hepb_vaccine_offer',
          rule: '29 CFR 1910.1030(f)(2)(iv)',
          detail: { note: reversal.note },
        });
        return engine.addTaskBy(
          {
            key: 'hepb_vaccination',
            title: 'Make the hepatitis B vaccination series available (declination reversed)',
            assignee: { email: request.managerEmail, label: 'manager' },
            due: { date: calendar.rollForward(today) },
            rule: { citation: '29 CFR 1910.1030(f)(2)(iv)', summary: 'vaccine made available at the time the employee decides to accept' },
            required: true,
            reminders: practice.reminders,
          },
          reversal.by,
        );
      }),
    { validator: (rawReversal) => void validateReversal(rawReversal) },
  );

  return engine.run();
}
