// Appeal filing windows and Medicare timely filing (DOMAIN.md §4).
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { AppealPlanInputSchema, appealPlan, claimReceiptDate, isTimelyFiled, timelyFilingDeadline, type AppealPlanInput } from '../../domain/appeals';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const plan = (input: AppealPlanInput) => appealPlan(AppealPlanInputSchema.parse(input), ny);

describe('Medicare appeal levels', () => {
  it('gives a redetermination 120 days from presumed receipt (notice + 5 days), moved off a Sunday', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-09', dateOfService: '2026-01-12', amountInControversy: 450 })).toMatchObject({
      appealable: true,
      level: 'redetermination',
      receiptDate: '2026-02-14',
      receiptPresumed: true,
      rolledFrom: '2026-06-14',
      filingDeadline: '2026-06-15',
      rule: expect.stringMatching(/^42 CFR 405\.942\(a\)/),
      decisionDays: 60,
      nextLevel: 'reconsideration',
    });
  });

  it('moves a deadline on an observed federal holiday (Fri 3 July 2026) to the next business day', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-28' })).toMatchObject({ rolledFrom: '2026-07-03', filingDeadline: '2026-07-06' });
  });

  it('counts from the actual receipt date when it is known', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-09', receivedDate: '2026-02-20' })).toMatchObject({
      receiptPresumed: false,
      filingDeadline: '2026-06-22', // 20 Jun is a Saturday
    });
  });

  it('gives reconsideration 180 days and the ALJ 60 days, checking that year’s amount in controversy', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'reconsideration', noticeDate: '2026-06-01' })).toMatchObject({ filingDeadline: '2026-12-03', nextLevel: 'alj' });
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'alj', noticeDate: '2026-06-01', amountInControversy: 195 })).toMatchObject({
      filingDeadline: '2026-08-05',
      amountInControversy: { required: 200, year: 2026, meets: false },
    });
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'alj', noticeDate: '2025-06-02', amountInControversy: 195 })).toMatchObject({
      amountInControversy: { required: 190, year: 2025, meets: true },
    });
  });

  it('refuses to plan an appeal of a CO-29 timely-filing denial, with the reason', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-09', denialCodes: ['CO-29'] })).toMatchObject({
      appealable: false,
      reason: expect.stringMatching(/not an initial determination and cannot be appealed/),
    });
  });

  it('handles the 29 February receipt date', () => {
    expect(plan({ payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2028-02-24' })).toMatchObject({ receiptDate: '2028-02-29', filingDeadline: '2028-06-28' });
  });
});

describe('other payers', () => {
  it('counts Medicare Advantage reconsideration 60 days from the notice, without moving a weekend deadline', () => {
    const p = plan({ payer: { type: 'medicare_advantage' }, level: 'reconsideration', noticeDate: '2026-10-02' });
    expect(p).toMatchObject({ filingDeadline: '2026-12-01', receiptPresumed: false });
    const weekend = plan({ payer: { type: 'medicare_advantage' }, level: 'reconsideration', noticeDate: '2026-10-06' });
    expect(weekend).toMatchObject({ filingDeadline: '2026-12-05', deadlineOnNonBusinessDay: true });
  });

  it('uses commercial contract windows and the ACA internal/external levels', () => {
    expect(plan({ payer: { type: 'commercial', id: 'uhc' }, level: 'internal', noticeDate: '2026-03-02' })).toMatchObject({ filingDeadline: '2026-05-06', rule: expect.stringMatching(/UnitedHealthcare/) });
    expect(plan({ payer: { type: 'aca_individual' }, level: 'internal', noticeDate: '2026-03-02' })).toMatchObject({ filingDeadline: '2026-08-29', nextLevel: 'external' });
    expect(plan({ payer: { type: 'aca_individual' }, level: 'external', noticeDate: '2026-10-31' })).toMatchObject({ filingDeadline: '2027-02-28' });
  });

  it('names a level the payer does not have', () => {
    expect(() => plan({ payer: { type: 'medicare_ffs' }, level: 'internal', noticeDate: '2026-03-02' })).toThrow(/level: medicare_ffs appeals have no "internal" level/);
  });
});

describe('Medicare timely filing of the original claim', () => {
  it('allows 12 months from the date of service, 29 February to 28 February', () => {
    expect(timelyFilingDeadline('2028-02-29')).toMatchObject({ filingDeadline: '2029-02-28' });
    expect(timelyFilingDeadline('2024-02-29')).toMatchObject({ filingDeadline: '2025-02-28' });
  });

  it('moves a last day on a weekend and an observed holiday to the next business day', () => {
    // 4 July 2027 is a Sunday, observed Monday 5 July.
    expect(timelyFilingDeadline('2026-07-04')).toEqual({ legalLastDay: '2027-07-04', filingDeadline: '2027-07-06', rule: expect.stringMatching(/^42 CFR 424\.44/) });
  });

  it('counts a claim received after 6 p.m. Eastern, on a weekend or holiday as received the next business day', () => {
    expect(claimReceiptDate('2026-11-25T17:59:00-05:00')).toBe('2026-11-25');
    expect(claimReceiptDate('2026-11-25T18:30:00-05:00')).toBe('2026-11-27'); // Thanksgiving skipped
    expect(claimReceiptDate('2026-11-25T15:30:00-08:00')).toBe('2026-11-27'); // 18:30 Eastern
    expect(claimReceiptDate('2026-11-28T10:00:00-05:00')).toBe('2026-11-30'); // Saturday
    expect(isTimelyFiled('2025-11-25', '2026-11-25T18:30:00-05:00')).toMatchObject({ timely: false, receivedOn: '2026-11-27', filingDeadline: '2026-11-25' });
  });
});
