// One exposed employee's bloodborne-pathogens training cycle: due within 365 days of the last
// training (29 CFR 1910.1030(g)(2)(ii)(B)), so it follows the employee's own completions, not the
// calendar. Each completion starts the next cycle (continue-as-new); onboarding's bbp_training
// task starts the first.
//
// A training recorded elsewhere arrives as a signal. It completes the cycle through the same
// change as the Update (the flow closes only after its record is written), and a training that
// arrives while a cycle is closing, or is still waiting when the run hands over, is carried into
// the next run rather than dropped (issue 18).
import { ApplicationFailure, condition, continueAsNew, log, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { BBP_CYCLE_DAYS, BbpCycleInputSchema, BbpTrainingRecordedSchema, type BbpCycleInput, type BbpTrainingRecorded } from '../../domain/osha';
import type { FlowView } from '../../domain/tasks/model';
import { EngineCarriedSchema } from '../task-engine/carried';
import { parseOrThrow } from '../task-engine/failures';
import { bbpTrainingRecordedSignal } from './definitions';
import { startSafetyOccurrence } from './occurrence';

export const BBP_RULE = '29 CFR 1910.1030(g)(2)(ii)(B)';

type TrainingSignal = BbpTrainingRecorded & { lateReason?: string };

/** What a run hands to the next: trainings not yet counted, and the open cycle's checklist when the run hands over mid-cycle. */
export const BbpCarriedSchema = z.object({
  /** As they arrived (each is checked when its turn comes, like a fresh signal). */
  trainings: z.array(z.object({ completedOn: z.string(), by: z.string(), lateReason: z.string().optional() })),
  engine: EngineCarriedSchema.optional(),
});
export type BbpCarried = z.input<typeof BbpCarriedSchema>;

export async function bbpTrainingFlow(raw: BbpCycleInput, rawCarried?: BbpCarried): Promise<FlowView> {
  const input = parseOrThrow(BbpCycleInputSchema, raw);
  const carried = rawCarried === undefined ? undefined : parseOrThrow(BbpCarriedSchema, rawCarried);
  const calendar = new BusinessCalendar(input.practice);
  // Within one year means by that date: never rolled forward past a weekend or holiday.
  const dueDate = calendar.addCalendarDays(input.lastTraining, BBP_CYCLE_DAYS);
  // Trainings waiting to be counted: those carried from the last run first, then signals.
  const pending: TrainingSignal[] = [...(carried?.trainings ?? [])];
  /** Trainings for a later cycle: they arrived once this cycle was already done. */
  const later: TrainingSignal[] = [];
  const handOver = () => [...later, ...pending];

  const occurrence = startSafetyOccurrence({
    flowType: 'bbp_training',
    siteId: input.siteId,
    timeZone: input.practice.timeZone,
    occurrence: {
      key: `${input.siteId}:bbp_training:${input.employeeId}:${dueDate}`,
      obligation: 'bbp_training',
      period: `after ${input.lastTraining}`,
      dueDate,
      rule: BBP_RULE,
      employeeId: input.employeeId,
    },
    assignee: { email: input.employeeEmail, label: `employee ${input.employeeId}` },
    managerEmail: input.managerEmail,
    participantEmails: [],
    practice: input.practice,
    startedBy: input.startedBy,
    reminders: {
      before: [
        { amount: 30, unit: 'calendar_days' },
        { amount: 14, unit: 'calendar_days' },
        { amount: 5, unit: 'business_days' },
      ],
      escalateAfter: { amount: 1, unit: 'business_days' },
      overdueEvery: { amount: 5, unit: 'business_days' },
    },
    // Every cycle runs under the employee's one workflow id: its ledger and email keys carry the cycle.
    cycle: dueDate,
    resume: carried?.engine,
    continueAsNew: (engine) => continueAsNew<typeof bbpTrainingFlow>(input, { trainings: handOver(), engine }),
  });

  // A training recorded elsewhere (onboarding, a group session) completes this cycle; one on or
  // before the last training is already counted.
  setHandler(bbpTrainingRecordedSignal, (signal) => void pending.push(signal));
  void (async () => {
    for (;;) {
      await condition(() => pending.length > 0);
      const signal = pending.shift()!;
      // Signals cannot be refused: a malformed or impossible one is logged and dropped.
      if (!BbpTrainingRecordedSchema.safeParse({ completedOn: signal.completedOn, by: signal.by }).success) {
        log.warn('bbpTrainingRecorded signal ignored: malformed', { signal });
        continue;
      }
      if (signal.completedOn <= input.lastTraining) continue;
      if (!occurrence.isOpen()) {
        later.push(signal);
        continue;
      }
      const late = signal.completedOn > dueDate;
      const noon = Math.min(calendar.at(signal.completedOn, '12:00'), Date.now());
      try {
        await occurrence.record({
          by: signal.by,
          completedAt: new Date(noon).toISOString(),
          participants: [input.employeeId],
          lateReason: late ? (signal.lateReason ?? 'recorded late through another flow (see its record for the reason)') : undefined,
        });
      } catch (err) {
        if (!(err instanceof ApplicationFailure)) throw err;
        // Completed meanwhile (by the Update): it counts for the next cycle.
        if (!occurrence.isOpen()) later.push(signal);
        else log.warn('bbpTrainingRecorded signal ignored', { signal, reason: err.message });
      }
    }
  })();

  const { view, record } = await occurrence.done;
  if (view.status !== 'completed' || !record) return view;
  const completedOn = calendar.dateOf(Date.parse(record.completedAt));
  const next = { ...input, lastTraining: completedOn, startedBy: record.by };
  const trainings = handOver().filter((t) => t.completedOn > completedOn);
  // Before this existed the next cycle took the input alone: keep that shape when nothing is carried.
  return trainings.length > 0 ? continueAsNew<typeof bbpTrainingFlow>(next, { trainings }) : continueAsNew<typeof bbpTrainingFlow>(next);
}
