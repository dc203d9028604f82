// One exposed employee's bloodborne-pathogens training cycle: due within 365 days of the last
// training (29 CFR 1910.1030(g)(2)(ii)(B)), so it follows the employee's own completions, not the
// calendar. Each completion starts the next cycle (continue-as-new); onboarding's bbp_training
// task starts the first.
import { ApplicationFailure, condition, continueAsNew, log, setHandler } from '@temporalio/workflow';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { BBP_CYCLE_DAYS, BbpCycleInputSchema, BbpTrainingRecordedSchema, type BbpCycleInput, type BbpTrainingRecorded } from '../../domain/osha';
import type { FlowView } from '../../domain/tasks/model';
import { parseOrThrow } from '../task-engine/failures';
import { bbpTrainingRecordedSignal } from './definitions';
import { startSafetyOccurrence } from './occurrence';

export const BBP_RULE = '29 CFR 1910.1030(g)(2)(ii)(B)';

export async function bbpTrainingFlow(raw: BbpCycleInput): Promise<FlowView> {
  const input = parseOrThrow(BbpCycleInputSchema, raw);
  const calendar = new BusinessCalendar(input.practice);
  // Within one year means by that date: never rolled forward past a weekend or holiday.
  const dueDate = calendar.addCalendarDays(input.lastTraining, BBP_CYCLE_DAYS);
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
  });

  // A training recorded elsewhere (onboarding, a group session) completes this cycle; one on or
  // before the last training is already counted.
  const pending: (BbpTrainingRecorded & { lateReason?: string })[] = [];
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
      if (signal.completedOn <= input.lastTraining || !occurrence.isOpen()) continue;
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
        log.warn('bbpTrainingRecorded signal ignored', { signal, reason: err.message });
      }
    }
  })();

  const { view, record } = await occurrence.done;
  if (view.status !== 'completed' || !record) return view;
  const completedOn = calendar.dateOf(Date.parse(record.completedAt));
  return continueAsNew<typeof bbpTrainingFlow>({ ...input, lastTraining: completedOn, startedBy: record.by });
}
