// The reminder ladder of one task: reminders before the due date, a notice on the due date,
// an escalation to the manager once overdue, then overdue notices at a fixed cadence until the
// task is done. Steps are a pure function of (due, policy, calendar, index), so the workflow
// keeps only an index, the planner prints the same times, and tests can compute them.
import type { BusinessCalendar } from '../calendar/business-calendar';
import type { Due, Offset, ReminderPolicy } from './model';

export type StepKind = 'reminder' | 'due' | 'escalation' | 'overdue';

export interface LadderStep {
  index: number;
  /** Stable within one due date: part of the email's idempotency key. */
  key: string;
  kind: StepKind;
  /** Epoch milliseconds. */
  at: number;
  /** Escalations and overdue notices also go to the manager. */
  toManager: boolean;
}

export function dueDateOf(due: Due, calendar: BusinessCalendar): string {
  return 'date' in due ? due.date : calendar.dateOf(Date.parse(due.at));
}

/** The instant from which a task counts as late: the end of its due date, or its due instant. */
export function lateFrom(due: Due, calendar: BusinessCalendar): number {
  return 'date' in due ? calendar.endOf(due.date) : Date.parse(due.at);
}

function offsetKey(o: Offset): string {
  const unit = o.unit === 'hours' ? 'h' : o.unit === 'business_days' ? 'bd' : 'cd';
  return `${o.amount}${unit}`;
}

/** Moves from the due moment by an offset; day offsets land at `sendAt` local time (date due) or the due time of day. */
function shift(due: Due, offset: Offset, sign: 1 | -1, calendar: BusinessCalendar, policy: ReminderPolicy, from?: string): number {
  if (offset.unit === 'hours') {
    const base = 'date' in due ? calendar.at(from ?? due.date, policy.sendAt) : Date.parse(due.at);
    return base + sign * offset.amount * 3_600_000;
  }
  const baseDate = from ?? dueDateOf(due, calendar);
  let date =
    offset.unit === 'business_days'
      ? calendar.addBusinessDays(baseDate, sign * offset.amount)
      : calendar.addCalendarDays(baseDate, sign * offset.amount);
  // Staff read reminders at work: a calendar-day reminder that lands on a closed day goes out on
  // the business day before it, an escalation on the business day after it.
  date = sign < 0 ? calendar.rollBack(date) : calendar.rollForward(date);
  if ('date' in due) return calendar.at(date, policy.sendAt);
  const dueLocal = calendar.formatInstant(Date.parse(due.at)).slice(11, 16);
  return calendar.at(date, dueLocal);
}

function fixedSteps(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar): Omit<LadderStep, 'index'>[] {
  const dueAt = 'date' in due ? calendar.at(due.date, policy.sendAt) : Date.parse(due.at);
  const before = policy.before
    .filter((o) => o.amount > 0)
    .map((o) => ({ key: `remind_${offsetKey(o)}`, kind: 'reminder' as const, at: shift(due, o, -1, calendar, policy), toManager: false }))
    .filter((s) => s.at < dueAt)
    .sort((a, b) => a.at - b.at)
    // Two offsets that land on the same moment (e.g. after roll-back) make one reminder.
    .filter((s, i, all) => i === 0 || all[i - 1]!.at !== s.at);
  const steps: Omit<LadderStep, 'index'>[] = [...before];
  if (policy.onDueDate) steps.push({ key: 'due', kind: 'due', at: dueAt, toManager: false });
  const escalationAt = Math.max(shift(due, policy.escalateAfter, 1, calendar, policy), lateFrom(due, calendar));
  steps.push({ key: 'escalation', kind: 'escalation', at: escalationAt, toManager: true });
  return steps;
}

/** The step at `index`; indexes past the fixed steps are the endless overdue notices. */
export function ladderStep(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar, index: number): LadderStep {
  const fixed = fixedSteps(due, policy, calendar);
  if (index < fixed.length) return { ...fixed[index]!, index };
  const escalation = fixed[fixed.length - 1]!;
  const n = index - fixed.length + 1;
  const every = policy.overdueEvery;
  let at: number;
  if (every.unit === 'hours') {
    at = escalation.at + n * every.amount * 3_600_000;
  } else {
    const escalationDate = calendar.dateOf(escalation.at);
    const date =
      every.unit === 'business_days'
        ? calendar.addBusinessDays(escalationDate, n * every.amount)
        : calendar.rollForward(calendar.addCalendarDays(escalationDate, n * every.amount));
    const timeOfDay = calendar.formatInstant(escalation.at).slice(11, 16);
    at = calendar.at(date, timeOfDay);
  }
  return { index, key: `overdue_${n}`, kind: 'overdue', at, toManager: true };
}

export function escalationIndex(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar): number {
  return fixedSteps(due, policy, calendar).length - 1;
}

/**
 * The first step at or after `now`. The overdue tail is infinite but strictly increasing; for a
 * task created long overdue (an expired credential entered today) its position is computed from
 * the elapsed time rather than by walking every missed notice.
 */
export function firstStepAtOrAfter(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar, now: number): number {
  const fixed = fixedSteps(due, policy, calendar);
  const inFixed = fixed.findIndex((s) => s.at >= now);
  if (inFixed >= 0) return inFixed;
  const escalation = fixed[fixed.length - 1]!;
  const every = policy.overdueEvery;
  const elapsed =
    every.unit === 'hours'
      ? (now - escalation.at) / 3_600_000
      : every.unit === 'business_days'
        ? calendar.businessDaysBetween(calendar.dateOf(escalation.at), calendar.dateOf(now))
        : (now - escalation.at) / 86_400_000;
  // An estimate at most a notice or two off; step back, then walk forward.
  let i = Math.max(fixed.length, fixed.length - 1 + Math.floor(elapsed / every.amount) - 1);
  while (i > fixed.length && ladderStep(due, policy, calendar, i - 1).at >= now) i -= 1;
  while (ladderStep(due, policy, calendar, i).at < now) i += 1;
  return i;
}

/**
 * Where a new (or rescheduled) task's ladder starts: reminders already in the past are skipped,
 * but a task that is already overdue escalates at once rather than waiting for the next notice.
 */
export function initialStepIndex(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar, now: number): number {
  return Math.min(firstStepAtOrAfter(due, policy, calendar, now), escalationIndex(due, policy, calendar));
}

/** The first n steps (for plans and reminder schedules shown to people). */
export function ladderPreview(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar, overdueNotices = 2): LadderStep[] {
  const count = fixedSteps(due, policy, calendar).length + overdueNotices;
  return Array.from({ length: count }, (_, i) => ladderStep(due, policy, calendar, i));
}
