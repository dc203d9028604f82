// A practice's business calendar: which days count as business (working) days, and how dates
// map to instants in the practice's one IANA time zone. Pure and deterministic, so workflow
// code, the planner, the API and the tests all compute the same dates.
import { DateTime } from 'luxon';
import { federalHolidaysObservedIn, inaugurationDay, type Holiday } from './holidays';
import type { IsoDate } from './iso-date';

export interface CalendarSettings {
  /** IANA time zone of the practice, e.g. America/New_York. */
  timeZone: string;
  /** Days the practice is closed in addition to federal holidays (e.g. the day after Thanksgiving). */
  closureDays?: IsoDate[];
  /** Observe Inauguration Day (only practices in the Washington DC area, 5 U.S.C. 6103(c)). */
  observeInaugurationDay?: boolean;
}

export type NonBusinessReason = { kind: 'weekend' } | { kind: 'holiday'; holiday: Holiday } | { kind: 'closure' };

export class BusinessCalendar {
  readonly timeZone: string;
  private readonly closures: ReadonlySet<IsoDate>;
  private readonly inauguration: boolean;

  constructor(settings: CalendarSettings) {
    if (!DateTime.now().setZone(settings.timeZone).isValid) {
      throw new RangeError(`timeZone: "${settings.timeZone}" is not an IANA time zone`);
    }
    this.timeZone = settings.timeZone;
    this.closures = new Set(settings.closureDays ?? []);
    this.inauguration = settings.observeInaugurationDay ?? false;
  }

  holidayOn(date: IsoDate): Holiday | undefined {
    const year = Number(date.slice(0, 4));
    const federal = federalHolidaysObservedIn(year).find((h) => h.date === date);
    if (federal) return federal;
    if (this.inauguration) {
      const inaug = inaugurationDay(year);
      if (inaug?.date === date) return inaug;
    }
    return undefined;
  }

  /** Why a date is not a business day, or undefined when it is one. */
  nonBusinessReason(date: IsoDate): NonBusinessReason | undefined {
    const weekday = toDate(date).weekday; // 1 = Monday ... 7 = Sunday
    if (weekday >= 6) return { kind: 'weekend' };
    const holiday = this.holidayOn(date);
    if (holiday) return { kind: 'holiday', holiday };
    if (this.closures.has(date)) return { kind: 'closure' };
    return undefined;
  }

  isBusinessDay(date: IsoDate): boolean {
    return this.nonBusinessReason(date) === undefined;
  }

  /**
   * The date `n` business days after `date` (before it when n < 0). The start date itself is not
   * counted: a Monday start plus 3 business days is Thursday (8 CFR 274a.2(b)(1)(ii)).
   */
  addBusinessDays(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    let current = toDate(date);
    const step = n >= 0 ? 1 : -1;
    let remaining = Math.abs(n);
    while (remaining > 0) {
      current = current.plus({ days: step });
      if (this.isBusinessDay(fromDate(current))) remaining -= 1;
    }
    return fromDate(current);
  }

  addCalendarDays(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    return fromDate(toDate(date).plus({ days: n }));
  }

  /**
   * Calendar months later, clamped to the month's last day: 29 February + 12 months is
   * 28 February (the CMS timely-filing convention, Pub. 100-04 ch.1 §70.1).
   */
  addMonths(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    return fromDate(toDate(date).plus({ months: n }));
  }

  /** The date itself when it is a business day, else the next business day (deadline roll-forward). */
  rollForward(date: IsoDate): IsoDate {
    let current = date;
    while (!this.isBusinessDay(current)) current = this.addCalendarDays(current, 1);
    return current;
  }

  /** The date itself when it is a business day, else the business day before it. */
  rollBack(date: IsoDate): IsoDate {
    let current = date;
    while (!this.isBusinessDay(current)) current = this.addCalendarDays(current, -1);
    return current;
  }

  /** Business days in (from, to]: how many business days after `from` the date `to` is. */
  businessDaysBetween(from: IsoDate, to: IsoDate): number {
    if (to < from) return -this.businessDaysBetween(to, from);
    let count = 0;
    for (let d = this.addCalendarDays(from, 1); d <= to; d = this.addCalendarDays(d, 1)) {
      if (this.isBusinessDay(d)) count += 1;
    }
    return count;
  }

  /** The calendar date of an instant in the practice's time zone. */
  dateOf(epochMs: number): IsoDate {
    return DateTime.fromMillis(epochMs, { zone: this.timeZone }).toISODate()!;
  }

  /** The instant at local time `hhmm` on `date` in the practice's zone (DST-aware). */
  at(date: IsoDate, hhmm: string): number {
    const [h, m] = hhmm.split(':').map(Number);
    return DateTime.fromISO(date, { zone: this.timeZone }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toMillis();
  }

  /** The first instant after `date` ends in the practice's zone: a date-due task is late from then. */
  endOf(date: IsoDate): number {
    return DateTime.fromISO(date, { zone: this.timeZone }).plus({ days: 1 }).startOf('day').toMillis();
  }

  /** ISO 8601 with the practice's offset, for people and documents. */
  formatInstant(epochMs: number): string {
    return DateTime.fromMillis(epochMs, { zone: this.timeZone }).toISO({ suppressMilliseconds: true })!;
  }
}

function toDate(date: IsoDate): DateTime {
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  if (!dt.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD`);
  return dt;
}

function fromDate(dt: DateTime): IsoDate {
  return dt.toISODate()!;
}

function assertWhole(n: number, name: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be a whole number of days, got ${n}`);
}
