// US federal holidays as observed by federal offices: the basis of "business day" and
// "working day" in the rules PracticeFlow encodes (I-9 "3 business days", hepatitis B
// "10 working days", CMS roll-forward of deadlines to the next business day).
//
// Source: 5 U.S.C. 6103(a) lists the holidays; 6103(b) and Executive Order 11582 move a holiday
// falling on Saturday to the Friday before and one falling on Sunday to the Monday after.
// The dates come from 18F's @18f/us-federal-holidays (maintained by a federal digital-services
// team, it follows OPM's published calendar, including Juneteenth from 2021).
// Inauguration Day (5 U.S.C. 6103(c)) is a holiday only for the Washington DC area, so it is
// opt-in per practice.
import federalHolidays from '@18f/us-federal-holidays';
import type { IsoDate } from './iso-date';

export interface Holiday {
  date: IsoDate;
  name: string;
  rule: string;
}

export const FEDERAL_HOLIDAY_RULE = '5 U.S.C. 6103(a)-(b); E.O. 11582 (weekend observance)';
export const INAUGURATION_DAY_RULE = '5 U.S.C. 6103(c) (Washington DC area only)';

const byYear = new Map<number, Holiday[]>();

/** Observed federal holidays whose observed date falls in `year` (New Year's Day of year+1 may be observed on 31 December). */
export function federalHolidaysObservedIn(year: number): Holiday[] {
  const cached = byYear.get(year);
  if (cached) return cached;
  const found: Holiday[] = [];
  for (const y of [year, year + 1]) {
    for (const h of federalHolidays.allForYear(y, { shiftSaturdayHolidays: true, shiftSundayHolidays: true })) {
      const date = normaliseDateString(h.dateString);
      if (date.startsWith(`${year}-`)) found.push({ date, name: h.name, rule: FEDERAL_HOLIDAY_RULE });
    }
  }
  found.sort((a, b) => a.date.localeCompare(b.date));
  byYear.set(year, found);
  return found;
}

/** Inauguration Day: 20 January after a presidential election (years ≡ 1 mod 4); moved to the 21st when the 20th is a Sunday. */
export function inaugurationDay(year: number): Holiday | undefined {
  if (year < 1965 || year % 4 !== 1) return undefined;
  const sunday = new Date(Date.UTC(year, 0, 20)).getUTCDay() === 0;
  return { date: `${year}-01-${sunday ? '21' : '20'}`, name: 'Inauguration Day', rule: INAUGURATION_DAY_RULE };
}

function normaliseDateString(s: string): IsoDate {
  const [y, m, d] = s.split('-');
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}
