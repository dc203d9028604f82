import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { LADDER } from '../engine/fixtures';
import { firstStepAtOrAfter, initialStepIndex, ladderPreview, ladderStep, ReminderPolicySchema } from '../../domain/tasks';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const policy = ReminderPolicySchema.parse(LADDER);

const iso = (ms: number) => new Date(ms).toISOString();

describe('reminder ladder', () => {
  // Monday 18 Nov 2030 + 30 business days, skipping Thanksgiving (28 Nov), Christmas (25 Dec)
  // and New Year's Day (1 Jan 2031): Thursday 2 January 2031.
  const due = { date: ny.addBusinessDays('2030-11-18', 30) };

  it('puts a task due in 30 business days on 2 January 2031', () => {
    expect(due.date).toBe('2031-01-02');
  });

  it('schedules reminders, due notice, escalation and overdue notices at 09:00 local on business days', () => {
    expect(ladderPreview(due, policy, ny, 3).map((s) => [s.key, s.kind, iso(s.at), s.toManager])).toEqual([
      ['remind_10bd', 'reminder', '2030-12-17T14:00:00.000Z', false],
      ['remind_5bd', 'reminder', '2030-12-24T14:00:00.000Z', false],
      ['remind_1bd', 'reminder', '2030-12-31T14:00:00.000Z', false],
      ['due', 'due', '2031-01-02T14:00:00.000Z', false],
      ['escalation', 'escalation', '2031-01-03T14:00:00.000Z', true],
      ['overdue_1', 'overdue', '2031-01-07T14:00:00.000Z', true],
      ['overdue_2', 'overdue', '2031-01-09T14:00:00.000Z', true],
      ['overdue_3', 'overdue', '2031-01-13T14:00:00.000Z', true],
    ]);
  });

  it('moves a calendar-day reminder that lands on a weekend to the business day before', () => {
    const weekly = ReminderPolicySchema.parse({ before: [{ amount: 7, unit: 'calendar_days' }] });
    // due Tue 2026-12-08; 7 days before is Tue 1 Dec (a business day)
    expect(iso(ladderStep({ date: '2026-12-08' }, weekly, ny, 0).at)).toBe('2026-12-01T14:00:00.000Z');
    // due Mon 2026-12-07; 2 days before is Saturday 5 Dec -> Friday 4 Dec
    const twoDays = ReminderPolicySchema.parse({ before: [{ amount: 2, unit: 'calendar_days' }] });
    expect(iso(ladderStep({ date: '2026-12-07' }, twoDays, ny, 0).at)).toBe('2026-12-04T14:00:00.000Z');
  });

  it('counts hour offsets continuously from a due instant (payer clocks)', () => {
    const hourly = ReminderPolicySchema.parse({
      before: [{ amount: 24, unit: 'hours' }],
      escalateAfter: { amount: 0, unit: 'hours' },
      overdueEvery: { amount: 12, unit: 'hours' },
    });
    const steps = ladderPreview({ at: '2026-03-09T22:00:00Z' }, hourly, ny, 1);
    expect(steps.map((s) => [s.key, iso(s.at)])).toEqual([
      ['remind_24h', '2026-03-08T22:00:00.000Z'],
      ['due', '2026-03-09T22:00:00.000Z'],
      ['escalation', '2026-03-09T22:00:00.000Z'],
      ['overdue_1', '2026-03-10T10:00:00.000Z'],
    ]);
  });

  it('skips reminders already past when a task is created, but escalates an overdue task at once', () => {
    const created = Date.parse('2030-12-26T15:00:00Z'); // after the 10bd and 5bd reminders
    expect(ladderStep(due, policy, ny, initialStepIndex(due, policy, ny, created)).key).toBe('remind_1bd');
    const late = Date.parse('2031-01-20T15:00:00Z'); // weeks after the due date
    expect(ladderStep(due, policy, ny, initialStepIndex(due, policy, ny, late)).key).toBe('escalation');
  });
});

describe('a task created long overdue', () => {
  it('finds the next overdue notice directly, equal to walking the ladder step by step', () => {
    const due = { date: '2020-01-06' };
    const now = Date.parse('2026-11-22T15:00:00Z');
    const index = initialStepIndex(due, policy, ny, now);
    expect(ladderStep(due, policy, ny, index).key).toBe('escalation');
    const next = firstStepAtOrAfter(due, policy, ny, now);
    const step = ladderStep(due, policy, ny, next);
    const previous = ladderStep(due, policy, ny, next - 1);
    expect(step.at).toBeGreaterThanOrEqual(now);
    expect(previous.at).toBeLessThan(now);
    expect(step.kind).toBe('overdue');
  });

  it('agrees with a step-by-step walk for hour and calendar-day cadences', () => {
    for (const overdueEvery of [
      { amount: 12, unit: 'hours' as const },
      { amount: 3, unit: 'calendar_days' as const },
      { amount: 1, unit: 'business_days' as const },
    ]) {
      const p = ReminderPolicySchema.parse({ overdueEvery });
      const due = { date: '2026-06-01' };
      for (const now of [Date.parse('2026-06-03T10:00:00Z'), Date.parse('2026-07-06T13:00:00Z'), Date.parse('2026-09-01T23:59:00Z')]) {
        let walked = 0;
        while (ladderStep(due, p, ny, walked).at < now) walked += 1;
        expect(firstStepAtOrAfter(due, p, ny, now)).toBe(walked);
      }
    }
  });
});
