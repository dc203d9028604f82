import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });

describe('federal holidays and observance (5 U.S.C. 6103, E.O. 11582)', () => {
  it('observes a Saturday holiday on the Friday before: 4 July 2026', () => {
    expect(ny.nonBusinessReason('2026-07-03')).toMatchObject({ kind: 'holiday', holiday: { name: 'Independence Day' } });
    expect(ny.nonBusinessReason('2026-07-04')).toEqual({ kind: 'weekend' });
    expect(ny.isBusinessDay('2026-07-06')).toBe(true);
  });

  it('observes a Sunday holiday on the Monday after: Juneteenth 2022', () => {
    expect(ny.holidayOn('2022-06-20')?.name).toMatch(/Juneteenth/);
    expect(ny.isBusinessDay('2022-06-20')).toBe(false);
  });

  it("observes New Year's Day 2022 (a Saturday) on Friday 31 December 2021", () => {
    expect(ny.holidayOn('2021-12-31')?.name).toBe("New Year's Day");
    expect(ny.isBusinessDay('2021-12-31')).toBe(false);
    expect(ny.isBusinessDay('2022-01-03')).toBe(true);
  });

  it('has no Juneteenth before it became a federal holiday in 2021', () => {
    expect(ny.isBusinessDay('2020-06-19')).toBe(true);
  });

  it('observes Inauguration Day only when the practice opts in (DC area), moving a Sunday 20 January to the 21st', () => {
    const dc = new BusinessCalendar({ timeZone: 'America/New_York', observeInaugurationDay: true });
    expect(ny.isBusinessDay('2013-01-21')).toBe(false); // MLK Day 2013 anyway
    expect(dc.holidayOn('2017-01-20')?.name).toBe('Inauguration Day');
    expect(ny.isBusinessDay('2017-01-20')).toBe(true);
    expect(dc.isBusinessDay('2017-01-20')).toBe(false);
    expect(dc.isBusinessDay('2018-01-22')).toBe(true);
  });
});

describe('business-day arithmetic', () => {
  it('counts a Monday start plus 3 business days as Thursday (8 CFR 274a.2(b)(1)(ii) example)', () => {
    expect(ny.addBusinessDays('2026-11-02', 3)).toBe('2026-11-05');
  });

  it('skips Thanksgiving: Monday 23 November 2026 + 3 business days is Friday 27 November', () => {
    expect(ny.addBusinessDays('2026-11-23', 3)).toBe('2026-11-27');
    expect(ny.businessDaysBetween('2026-11-20', '2026-12-01')).toBe(6);
    expect(ny.businessDaysBetween('2026-12-01', '2026-11-20')).toBe(-6);
  });

  it('skips a practice closure day', () => {
    const closedFriday = new BusinessCalendar({ timeZone: 'America/New_York', closureDays: ['2026-11-27'] });
    expect(closedFriday.nonBusinessReason('2026-11-27')).toEqual({ kind: 'closure' });
    expect(closedFriday.addBusinessDays('2026-11-23', 3)).toBe('2026-11-30');
  });

  it('counts 10 working days (hepatitis B offer, 29 CFR 1910.1030(f)(2)) across Thanksgiving', () => {
    expect(ny.addBusinessDays('2026-11-23', 10)).toBe('2026-12-08');
  });

  it('counts backwards', () => {
    expect(ny.addBusinessDays('2026-11-30', -3)).toBe('2026-11-24');
    expect(ny.addBusinessDays('2026-11-30', 0)).toBe('2026-11-30');
  });

  it('rolls a deadline on a weekend or holiday forward to the next business day (Pub. 100-04 ch.1 §70)', () => {
    expect(ny.rollForward('2026-07-03')).toBe('2026-07-06');
    expect(ny.rollForward('2026-11-26')).toBe('2026-11-27');
    expect(ny.rollForward('2026-11-27')).toBe('2026-11-27');
    expect(ny.rollBack('2026-11-29')).toBe('2026-11-27');
  });

  it('maps 29 February plus 12 months to 28 February', () => {
    expect(ny.addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(ny.addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('rejects fractional day counts and malformed dates', () => {
    expect(() => ny.addBusinessDays('2026-11-23', 1.5)).toThrow(/whole number/);
    expect(() => ny.addBusinessDays('2026-13-01', 1)).toThrow(/YYYY-MM-DD/);
    expect(() => new BusinessCalendar({ timeZone: 'Mars/Olympus' })).toThrow(/IANA/);
  });
});

describe('local times in the practice zone', () => {
  it('places 09:00 correctly on both sides of the March 2026 daylight-saving change', () => {
    expect(new Date(ny.at('2026-03-07', '09:00')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(new Date(ny.at('2026-03-09', '09:00')).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('reads the local date of an instant', () => {
    expect(ny.dateOf(Date.parse('2026-11-24T03:30:00Z'))).toBe('2026-11-23');
    const la = new BusinessCalendar({ timeZone: 'America/Los_Angeles' });
    expect(la.dateOf(Date.parse('2026-11-24T07:30:00Z'))).toBe('2026-11-23');
  });

  it('makes a date-due task late from midnight after its due date', () => {
    expect(new Date(ny.endOf('2026-11-27')).toISOString()).toBe('2026-11-28T05:00:00.000Z');
  });
});
