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
  private readonly closures: ReadonlySet<number>;
  private readonly inauguration: boolean;
  /** Day numbers of observed holidays, per year: business-day loops must stay cheap over years. */
  private readonly holidayDays = new Map<number, Map<number, Holiday>>();

  constructor(settings: CalendarSettings) {
    if (!DateTime.now().setZone(settings.timeZone).isValid) {
      throw new RangeError(`timeZone: "${settings.timeZone}" is not an IANA time zone`);
    }
    this.timeZone = settings.timeZone;
    this.closures = new Set((settings.closureDays ?? []).map(toDayNumber));
    this.inauguration = settings.observeInaugurationDay ?? false;
  }

  private holidaysOfYear(year: number): Map<number, Holiday> {
    let days = this.holidayDays.get(year);
    if (!days) {
      const list = [...federalHolidaysObservedIn(year)];
      const inaug = this.inauguration ? inaugurationDay(year) : undefined;
      if (inaug && !list.some((h) => h.date === inaug.date)) list.push(inaug);
      days = new Map(list.map((h) => [toDayNumber(h.date), h]));
      this.holidayDays.set(year, days);
    }
    return days;
  }

  private holidayOnDay(day: number): Holiday | undefined {
    return this.holidaysOfYear(yearOfDay(day)).get(day);
  }

  private isBusinessDayNumber(day: number): boolean {
    const weekday = weekdayOfDay(day);
    return weekday !== 0 && weekday !== 6 && !this.holidayOnDay(day) && !this.closures.has(day);
  }

  holidayOn(date: IsoDate): Holiday | undefined {
    return this.holidayOnDay(toDayNumber(date));
  }

  /** Why a date is not a business day, or undefined when it is one. */
  nonBusinessReason(date: IsoDate): NonBusinessReason | undefined {
    const day = toDayNumber(date);
    const weekday = weekdayOfDay(day);
    if (weekday === 0 || weekday === 6) return { kind: 'weekend' };
    const holiday = this.holidayOnDay(day);
    if (holiday) return { kind: 'holiday', holiday };
    if (this.closures.has(day)) return { kind: 'closure' };
    return undefined;
  }

  isBusinessDay(date: IsoDate): boolean {
    return this.isBusinessDayNumber(toDayNumber(date));
  }

  /**
   * The date `n` business days after `date` (before it when n < 0). The start date itself is not
   * counted: a Monday start plus 3 business days is Thursday (8 CFR 274a.2(b)(1)(ii)).
   */
  addBusinessDays(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    let day = toDayNumber(date);
    const step = n >= 0 ? 1 : -1;
    let remaining = Math.abs(n);
    while (remaining > 0) {
      day += step;
      if (this.isBusinessDayNumber(day)) remaining -= 1;
    }
    return fromDayNumber(day);
  }

  addCalendarDays(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    return fromDayNumber(toDayNumber(date) + n);
  }

  /**
   * Calendar months later, clamped to the month's last day: 29 February + 12 months is
   * 28 February (the CMS timely-filing convention, Pub. 100-04 ch.1 §70.1).
   */
  addMonths(date: IsoDate, n: number): IsoDate {
    assertWhole(n, 'n');
    toDayNumber(date); // validates
    return DateTime.fromISO(date, { zone: 'UTC' }).plus({ months: n }).toISODate()!;
  }

  /** The date itself when it is a business day, else the next business day (deadline roll-forward). */
  rollForward(date: IsoDate): IsoDate {
    let day = toDayNumber(date);
    while (!this.isBusinessDayNumber(day)) day += 1;
    return fromDayNumber(day);
  }

  /** The date itself when it is a business day, else the business day before it. */
  rollBack(date: IsoDate): IsoDate {
    let day = toDayNumber(date);
    while (!this.isBusinessDayNumber(day)) day -= 1;
    return fromDayNumber(day);
  }

  /** Business days in (from, to]: how many business days after `from` the date `to` is. */
  businessDaysBetween(from: IsoDate, to: IsoDate): number {
    const a = toDayNumber(from);
    const b = toDayNumber(to);
    if (b < a) return -this.businessDaysBetween(to, from);
    let count = 0;
    for (let day = a + 1; day <= b; day += 1) if (this.isBusinessDayNumber(day)) count += 1;
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

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date; rejects malformed and impossible dates. */
function toDayNumber(date: IsoDate): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(y, m - 1, d);
    const check = new Date(ms);
    if (y >= 1000 && check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) return ms / DAY_MS;
  }
  throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD`);
}

function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function assertWhole(n: number, name: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be a whole number of days, got ${n}`);
}
