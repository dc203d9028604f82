// Payer decision clocks (DOMAIN.md §3) with their effective dates and counting units.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { decisionDeadline, PriorAuthClockInputSchema, type PriorAuthClockInput } from '../../domain/prior-auth/clock';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const due = (input: PriorAuthClockInput) => decisionDeadline(PriorAuthClockInputSchema.parse(input), ny);

describe('payer decision deadlines', () => {
  it('runs a 72-hour expedited clock exactly across the March daylight-saving change', () => {
    // Friday 6 March 2026, 17:00 EST; clocks spring forward Sunday 8 March.
    expect(due({ payer: { type: 'medicare_advantage', name: 'Humana MA' }, urgency: 'expedited', submittedAt: '2026-03-06T17:00:00-05:00' })).toEqual({
      decisionDueAt: '2026-03-09T18:00:00-04:00',
      decisionDueDate: '2026-03-09',
      rule: '42 CFR 422.572(a)',
      amount: 72,
      unit: 'hours',
    });
  });

  it('gives CMS-impacted payers 7 calendar days from 1 January 2026 (14 for MA before), ending the due day in the practice zone', () => {
    expect(due({ payer: { type: 'medicaid_managed_care' }, urgency: 'standard', submittedAt: '2026-03-06T17:00:00-05:00' })).toMatchObject({
      decisionDueAt: '2026-03-13T23:59:59-04:00',
      decisionDueDate: '2026-03-13',
    });
    expect(due({ payer: { type: 'medicare_advantage' }, urgency: 'standard', submittedAt: '2025-12-31T10:00:00-05:00' })).toMatchObject({
      decisionDueDate: '2026-01-14',
      rule: expect.stringMatching(/14 days before 2026/),
    });
    expect(due({ payer: { type: 'medicare_advantage' }, urgency: 'standard', submittedAt: '2026-01-01T10:00:00-05:00' })).toMatchObject({
      decisionDueDate: '2026-01-08',
      rule: expect.stringMatching(/CMS-0057-F/),
    });
  });

  it('switches Medicare outpatient prior authorization from 10 business days to 7 calendar days on 1 January 2025', () => {
    expect(due({ payer: { type: 'medicare_ffs' }, urgency: 'standard', submittedAt: '2024-12-31T10:00:00-05:00' })).toMatchObject({
      decisionDueDate: '2025-01-15', // New Year's Day skipped
      unit: 'business_days',
    });
    expect(due({ payer: { type: 'medicare_ffs' }, urgency: 'standard', submittedAt: '2025-01-01T10:00:00-05:00' })).toMatchObject({
      decisionDueDate: '2025-01-08',
      unit: 'calendar_days',
    });
  });

  it('counts the 2-business-day expedited outpatient clock across Thanksgiving', () => {
    expect(due({ payer: { type: 'medicare_ffs' }, urgency: 'expedited', submittedAt: '2026-11-25T16:00:00-05:00' })).toMatchObject({ decisionDueDate: '2026-11-30' });
  });

  it('uses the receipt date in the practice zone for day clocks, whatever offset the timestamp carries', () => {
    // 23:30 in Los Angeles is already the 7th in New York.
    expect(due({ payer: { type: 'chip' }, urgency: 'standard', submittedAt: '2026-03-06T23:30:00-08:00' })).toMatchObject({ decisionDueDate: '2026-03-14' });
  });

  it('gives plans outside CMS-0057-F the ERISA clocks', () => {
    expect(due({ payer: { type: 'ffe_qhp' }, urgency: 'standard', submittedAt: '2026-03-06T10:00:00-05:00' })).toMatchObject({ decisionDueDate: '2026-03-21' });
    expect(due({ payer: { type: 'commercial', id: 'aetna' }, urgency: 'expedited', submittedAt: '2026-03-06T10:00:00-05:00' })).toMatchObject({
      decisionDueAt: '2026-03-09T11:00:00-04:00',
    });
  });

  it('names the field and reason of bad input', () => {
    const bad = PriorAuthClockInputSchema.safeParse({ payer: { type: 'medicare' }, urgency: 'urgent', submittedAt: '2026-03-06 17:00' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['payer.type', 'urgency', 'submittedAt']);
  });
});
