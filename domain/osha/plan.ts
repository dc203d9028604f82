// Every occurrence a site's schedules would create in a date range (`practiceflow plan osha`).
// Drills happen at unexpected times (The Joint Commission EC.02.03.03 [S]): each quarter's drill
// day and time are drawn from a hash of the site, shift, period and seed, so the plan is
// reproducible yet does not repeat one pattern.
import { BusinessCalendar } from '../calendar/business-calendar';
import type { IsoDate } from '../calendar/iso-date';
import { applicableObligations, type ApplicableObligation, type Obligation, type SiteProfile } from './obligations';

export interface Occurrence {
  obligation: Obligation;
  dueDate: IsoDate;
  rule: string;
  shift?: string;
  employeeId?: string;
  /** For drills: the local time it is planned for (HH:mm), inside the shift. */
  at?: string;
  /** The period the occurrence belongs to (e.g. 2026-Q1, 2026-03). */
  period: string;
}

/** Local hours a drill may start in, per common shift name; other shifts use the day window. */
const SHIFT_HOURS: Record<string, [number, number]> = { day: [8, 16], evening: [16, 22], night: [22, 30] };

/** FNV-1a: a small, stable string hash (deterministic in workflow code and tests alike). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function quarterStart(year: number, q: number): IsoDate {
  return `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`;
}

function drillIn(site: SiteProfile, calendar: BusinessCalendar, shift: string, start: IsoDate, end: IsoDate, period: string): { date: IsoDate; at: string } {
  const days: IsoDate[] = [];
  for (let d = start; d <= end; d = calendar.addCalendarDays(d, 1)) if (calendar.isBusinessDay(d)) days.push(d);
  const h = hash(`${site.siteId}|${shift}|${period}|${site.drillSeed}`);
  const date = days[h % days.length]!;
  const [from, to] = SHIFT_HOURS[shift] ?? SHIFT_HOURS.day!;
  const minutes = from * 60 + (Math.floor(h / 7919) % ((to - from) * 60 - 60));
  const hh = Math.floor(minutes / 60) % 24;
  return { date, at: `${String(hh).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` };
}

function lastDayOfMonth(year: number, month: number): IsoDate {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function occurrencesOf(site: SiteProfile, calendar: BusinessCalendar, ob: ApplicableObligation, from: IsoDate, to: IsoDate, anchor: IsoDate): Occurrence[] {
  const out: Occurrence[] = [];
  const fromYear = Number(from.slice(0, 4));
  const toYear = Number(to.slice(0, 4));
  const inRange = (d: IsoDate) => d >= from && d <= to;
  switch (ob.cadence.kind) {
    case 'per_quarter_per_shift':
      for (let y = fromYear; y <= toYear; y++)
        for (let q = 0; q < 4; q++) {
          const start = quarterStart(y, q);
          const end = calendar.addCalendarDays(calendar.addMonths(start, 3), -1);
          for (const shift of site.shifts) {
            const drill = drillIn(site, calendar, shift, start, end, `${y}-Q${q + 1}`);
            if (inRange(drill.date)) out.push({ obligation: ob.obligation, shift, dueDate: drill.date, at: drill.at, rule: ob.rule, period: `${y}-Q${q + 1}` });
          }
        }
      break;
    case 'per_year':
      for (let y = fromYear; y <= toYear; y++) {
        const months = 12 / ob.cadence.times;
        for (let n = 0; n < ob.cadence.times; n++) {
          const start = `${y}-${String(Math.floor(n * months) + 1).padStart(2, '0')}-01`;
          const end = calendar.addCalendarDays(calendar.addMonths(start, Math.max(1, Math.floor(months))), -1);
          const period = ob.cadence.times === 1 ? `${y}` : `${y}-P${n + 1}`;
          for (const shift of site.shifts) {
            const drill = drillIn(site, calendar, shift, start, end, period);
            if (inRange(drill.date)) out.push({ obligation: ob.obligation, shift, dueDate: drill.date, at: drill.at, rule: ob.rule, period });
          }
        }
      }
      break;
    case 'monthly':
      for (let y = fromYear; y <= toYear; y++)
        for (let m = 1; m <= 12; m++) {
          // Due by the last business day of the month (the inspection is monthly, not on a date).
          const due = calendar.rollBack(lastDayOfMonth(y, m));
          if (inRange(due)) out.push({ obligation: ob.obligation, dueDate: due, rule: ob.rule, period: `${y}-${String(m).padStart(2, '0')}` });
        }
      break;
    case 'annual': {
      // At least annually: 12 months after the last completion, or from the anchor (the day the
      // site was registered; the plan's start for a preview) when none is on record.
      let due = site.lastCompleted[ob.obligation] ? calendar.addMonths(site.lastCompleted[ob.obligation]!, 12) : calendar.rollForward(anchor);
      while (due <= to) {
        if (due >= from) out.push({ obligation: ob.obligation, dueDate: due, rule: ob.rule, period: due.slice(0, 4) });
        due = calendar.addMonths(due, 12);
      }
      break;
    }
    case 'within_days_of_last':
      // Per employee: within 365 days of the previous training (the next cycle follows the actual
      // completion, so only the next one can be planned ahead).
      for (const employee of site.roster) {
        const due = calendar.addCalendarDays(employee.lastBbpTraining, ob.cadence.days);
        if (inRange(due)) out.push({ obligation: ob.obligation, employeeId: employee.employeeId, dueDate: due, rule: ob.rule, period: due.slice(0, 4) });
      }
      break;
  }
  return out;
}

/**
 * `anchor` fixes annual obligations with no completion on record (default: `from`); the site's
 * schedules pass the date the site was registered, so the dates do not move with the window.
 */
export function planSiteOccurrences(site: SiteProfile, from: IsoDate, to: IsoDate, anchor: IsoDate = from): { occurrences: Occurrence[] } {
  if (to < from) throw new RangeError('to: must not be before from');
  const calendar = new BusinessCalendar({ timeZone: site.timeZone });
  const occurrences = applicableObligations(site)
    .flatMap((ob) => occurrencesOf(site, calendar, ob, from, to, anchor))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.obligation.localeCompare(b.obligation) || (a.shift ?? '').localeCompare(b.shift ?? ''));
  return { occurrences };
}
