// How a site's obligations become Temporal Schedules and occurrence flows (issue 6). Pure: the
// site workflow builds each schedule's spec from `scheduleFirings`, the obligation workflow a
// schedule starts opens `occurrencesOpenAt`, and the tests drive the same functions.
//
// Each occurrence has a notice instant, when its flow opens and the responsible person is told:
// - drills: the drill's own (varied, unannounced) date and time, so the schedule fires at it;
// - monthly inspections: the first day of the month, 08:00 local;
// - annual obligations: 30 days before the due date, 08:00 local.
import { BusinessCalendar } from '../calendar/business-calendar';
import type { IsoDate } from '../calendar/iso-date';
import { applicableObligations, type Obligation, type SiteProfile } from './obligations';
import { planSiteOccurrences, type Occurrence } from './plan';
import { temporalId } from '../identifiers';

/** Local time of the non-drill notices. */
export const NOTICE_TIME = '08:00';
/** Annual obligations open this many calendar days before they are due. */
export const ANNUAL_LEAD_DAYS = 30;
/**
 * A missed firing (worker or server down, a profile change) is caught up by the next firing of the
 * same schedule while the occurrence is at most this many days past due; older ones are reported
 * as missed by the compliance calendar instead of being opened late.
 */
export const CATCH_UP_DAYS = 31;

/** Obligations run by a schedule; BBP training follows each employee's own last completion. */
export type ScheduledObligation = Exclude<Obligation, 'bbp_training'>;

export function scheduledObligations(site: SiteProfile): ScheduledObligation[] {
  return applicableObligations(site)
    .map((o) => o.obligation)
    .filter((o): o is ScheduledObligation => o !== 'bbp_training');
}

/** One schedule per obligation and site. */
export function scheduleIdOf(siteId: string, obligation: ScheduledObligation): string {
  return temporalId('osha', { siteId, obligation });
}

export function siteWorkflowIdOf(siteId: string): string {
  return temporalId('osha-site', { siteId });
}

/** The business key of an occurrence: the id of its flow and of its record row. */
export function occurrenceKeyOf(siteId: string, occ: Occurrence): string {
  if (occ.employeeId) return `${siteId}:${occ.obligation}:${occ.employeeId}:${occ.dueDate}`;
  return `${siteId}:${occ.obligation}:${occ.period}${occ.shift ? `:${occ.shift}` : ''}`;
}

export function occurrenceWorkflowIdOf(occurrenceKey: string): string {
  return temporalId('osha-occurrence', Object.fromEntries(occurrenceKey.split(':').map((part, i) => [`occurrenceKey.${i}`, part])));
}

export interface Notice {
  date: IsoDate;
  time: string;
}

export function noticeOf(occ: Occurrence, calendar: BusinessCalendar): Notice {
  if (occ.at) return { date: occ.dueDate, time: occ.at };
  if (/^\d{4}-\d{2}$/.test(occ.period)) return { date: `${occ.period}-01`, time: NOTICE_TIME };
  return { date: calendar.addCalendarDays(occ.dueDate, -ANNUAL_LEAD_DAYS), time: NOTICE_TIME };
}

export interface Firing extends Notice {
  obligation: ScheduledObligation;
  /** Occurrence keys opened by this firing (two shifts' drills may share an instant). */
  occurrences: string[];
}

function occurrencesOf(site: SiteProfile, obligation: ScheduledObligation, from: IsoDate, to: IsoDate, anchor: IsoDate): Occurrence[] {
  return planSiteOccurrences(site, from, to, anchor).occurrences.filter((o) => o.obligation === obligation);
}

/** The instants (local date and time) a schedule fires at from `from` to `to`, in order. */
export function scheduleFirings(site: SiteProfile, obligation: ScheduledObligation, from: IsoDate, to: IsoDate, anchor: IsoDate): Firing[] {
  const calendar = new BusinessCalendar({ timeZone: site.timeZone });
  // Notices precede due dates by at most ANNUAL_LEAD_DAYS: plan that much further out.
  const planned = occurrencesOf(site, obligation, from, calendar.addCalendarDays(to, ANNUAL_LEAD_DAYS + 1), anchor);
  const byInstant = new Map<string, Firing>();
  for (const occ of planned) {
    const notice = noticeOf(occ, calendar);
    if (notice.date < from || notice.date > to) continue;
    const key = `${notice.date}T${notice.time}`;
    const firing = byInstant.get(key) ?? { obligation, ...notice, occurrences: [] };
    firing.occurrences.push(occurrenceKeyOf(site.siteId, occ));
    byInstant.set(key, firing);
  }
  return [...byInstant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, f]) => f);
}

export interface OpenOccurrence extends Occurrence {
  key: string;
  notice: Notice;
}

/**
 * The occurrences of one obligation whose notice instant has come by `atMs` and that are not more
 * than CATCH_UP_DAYS past due: what a schedule firing opens (already-open ones are skipped by
 * their flow id). Nothing due before `anchor` (the day the site was registered) is opened.
 */
export function occurrencesOpenAt(site: SiteProfile, obligation: ScheduledObligation, atMs: number, anchor: IsoDate): OpenOccurrence[] {
  const calendar = new BusinessCalendar({ timeZone: site.timeZone });
  const today = calendar.dateOf(atMs);
  const oldestDue = calendar.addCalendarDays(today, -CATCH_UP_DAYS);
  const planned = occurrencesOf(site, obligation, oldestDue, calendar.addCalendarDays(today, ANNUAL_LEAD_DAYS + 1), anchor);
  return planned
    .map((occ) => ({ ...occ, key: occurrenceKeyOf(site.siteId, occ), notice: noticeOf(occ, calendar) }))
    .filter((occ) => calendar.at(occ.notice.date, occ.notice.time) <= atMs && occ.dueDate >= oldestDue && occ.dueDate >= anchor);
}

/** The schedules' horizon: explicit firings through the end of next year, refreshed each December. */
export function scheduleHorizon(today: IsoDate): { from: IsoDate; to: IsoDate; refreshOn: IsoDate } {
  const year = Number(today.slice(0, 4));
  return { from: today, to: `${year + 1}-12-31`, refreshOn: `${year}-12-01` > today ? `${year}-12-01` : `${year + 1}-12-01` };
}

/** How long a completion record is kept, per obligation (the longer of rule and practice policy). */
export interface RetentionRule {
  years: number;
  /** `completion`: from the record's date; `year_end`: from the end of its calendar year. */
  from: 'completion' | 'year_end';
  rule: string;
}

export const RETENTION: Record<Obligation | 'sharps_injury', RetentionRule> = {
  bbp_training: { years: 3, from: 'completion', rule: '29 CFR 1910.1030(h)(2)(ii): training records kept 3 years from the date of training' },
  sharps_injury: { years: 5, from: 'year_end', rule: '29 CFR 1910.1030(h)(5) with 29 CFR 1904.33(a): 5 years after the end of the calendar year' },
  extinguisher_maintenance: { years: 1, from: 'completion', rule: '29 CFR 1910.157(e)(3): 1 year after the last entry (or the life of the shell, if less)' },
  // No federal retention period is stated for these; surveyors ask for at least the last cycles.
  // Practice policy: 3 years, the BBP period [S/U].
  fire_drill: { years: 3, from: 'completion', rule: 'practice policy [S/U]: drill records available for survey (NFPA 101 4.7.7 requires drills be documented)' },
  extinguisher_inspection: { years: 3, from: 'completion', rule: 'practice policy [S/U]: inspection records (29 CFR 1910.157(e)(2))' },
  extinguisher_training: { years: 3, from: 'completion', rule: 'practice policy [S/U]: training records (29 CFR 1910.157(g))' },
  ecp_review: { years: 3, from: 'completion', rule: 'practice policy [S/U]: reviews of the exposure control plan (29 CFR 1910.1030(c)(1)(iv))' },
  ep_exercise: { years: 3, from: 'completion', rule: 'CMS emergency preparedness documentation [S]; practice policy 3 years' },
};

export function retainUntil(kind: Obligation | 'sharps_injury', recordDate: IsoDate): IsoDate {
  const r = RETENTION[kind];
  const start = r.from === 'year_end' ? `${recordDate.slice(0, 4)}-12-31` : recordDate;
  const calendar = new BusinessCalendar({ timeZone: 'UTC' });
  return calendar.addMonths(start, 12 * r.years);
}
