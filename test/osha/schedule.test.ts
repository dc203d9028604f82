// How a site's obligations become schedule firings and open occurrences (pure rules shared by
// the site workflow, the obligation workflow and the API), exposure derived from roles, and
// record retention per rule.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import {
  applicableObligations,
  BBP_CYCLE_DAYS,
  hasOccupationalExposure,
  noticeOf,
  occurrencesOpenAt,
  retainUntil,
  scheduleFirings,
  scheduleHorizon,
  SiteProfileSchema,
  type SiteProfileInput,
} from '../../domain/osha';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const base: SiteProfileInput = {
  siteId: 'main',
  timeZone: 'America/New_York',
  occupancy: 'ambulatory_health_care',
  shifts: ['day', 'evening'],
  headcount: 14,
  occupationalExposure: true,
  extinguisherUse: true,
  lastCompleted: { ecp_review: '2026-05-20' },
};
const site = (extra: Partial<SiteProfileInput> = {}) => SiteProfileSchema.parse({ ...base, ...extra });

describe('schedule firings', () => {
  it('fire each drill at its own planned date and time, two shifts a quarter, none at the same instant', () => {
    const firings = scheduleFirings(site(), 'fire_drill', '2026-01-01', '2026-12-31', '2026-01-01');
    expect(firings.flatMap((f) => f.occurrences)).toHaveLength(8);
    expect(new Set(firings.map((f) => `${f.date}T${f.time}`)).size).toBe(firings.length);
    for (const f of firings) expect(ny.isBusinessDay(f.date)).toBe(true);
  });

  it('open monthly inspections on the 1st at 08:00, annual obligations 30 days before they are due', () => {
    const inspections = scheduleFirings(site(), 'extinguisher_inspection', '2026-01-01', '2026-12-31', '2026-01-01');
    expect(inspections.map((f) => `${f.date} ${f.time}`)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}-01 08:00`));
    const ecp = scheduleFirings(site(), 'ecp_review', '2026-01-01', '2027-12-31', '2026-01-01');
    expect(ecp.map((f) => f.date)).toEqual(['2027-04-20']);
    expect(ecp[0]!.occurrences).toEqual(['main:ecp_review:2027']);
  });

  it('are planned through the end of next year and refreshed each December', () => {
    expect(scheduleHorizon('2026-11-22')).toEqual({ from: '2026-11-22', to: '2027-12-31', refreshOn: '2026-12-01' });
    expect(scheduleHorizon('2026-12-05')).toEqual({ from: '2026-12-05', to: '2027-12-31', refreshOn: '2027-12-01' });
  });
});

describe('what a firing opens', () => {
  it('opens an occurrence once its notice time has come, and catches up one missed within a month', () => {
    const s = site();
    const jan1 = ny.at('2026-01-01', '08:00');
    expect(occurrencesOpenAt(s, 'extinguisher_inspection', jan1 - 60_000, '2025-06-01').map((o) => o.key)).toEqual(['main:extinguisher_inspection:2025-12']);
    expect(occurrencesOpenAt(s, 'extinguisher_inspection', jan1, '2025-06-01').map((o) => o.key)).toEqual(['main:extinguisher_inspection:2025-12', 'main:extinguisher_inspection:2026-01']);
    // More than CATCH_UP_DAYS past due: no longer opened (the calendar reports it missed).
    expect(occurrencesOpenAt(s, 'extinguisher_inspection', ny.at('2026-02-01', '08:00'), '2025-06-01').map((o) => o.key)).toEqual(['main:extinguisher_inspection:2026-01', 'main:extinguisher_inspection:2026-02']);
  });

  it('opens nothing due before the site was registered', () => {
    expect(occurrencesOpenAt(site(), 'extinguisher_inspection', ny.at('2026-01-01', '08:00'), '2026-01-01').map((o) => o.key)).toEqual(['main:extinguisher_inspection:2026-01']);
  });

  it('gives a drill the planned instant as its notice', () => {
    const s = site();
    const drill = occurrencesOpenAt(s, 'fire_drill', ny.at('2026-12-31', '23:00'), '2026-01-01').at(-1)!;
    expect(noticeOf(drill, ny)).toEqual({ date: drill.dueDate, time: drill.at });
  });
});

describe('occupational exposure', () => {
  it('is derived from the roster roles unless the profile says', () => {
    expect(hasOccupationalExposure(site({ occupationalExposure: undefined, staffRoles: ['front_desk', 'billing'] }))).toBe(false);
    expect(hasOccupationalExposure(site({ occupationalExposure: undefined, staffRoles: ['front_desk', 'medical_assistant'] }))).toBe(true);
    expect(hasOccupationalExposure(site({ occupationalExposure: false, staffRoles: ['nurse'] }))).toBe(false);
  });

  it('gives a business occupancy with front-office roles none of the exposure obligations', () => {
    const obligations = applicableObligations(site({ occupancy: 'business', occupationalExposure: undefined, staffRoles: ['front_desk', 'office_manager'], extinguisherUse: false })).map((o) => o.obligation);
    expect(obligations).toEqual(['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance']);
  });
});

describe('retention and the BBP cycle', () => {
  it('keeps training records 3 years, extinguisher maintenance 1 year, the sharps log 5 years after the year ends', () => {
    expect(retainUntil('bbp_training', '2026-02-20')).toBe('2029-02-20');
    expect(retainUntil('bbp_training', '2028-02-29')).toBe('2031-02-28');
    expect(retainUntil('extinguisher_maintenance', '2026-09-30')).toBe('2027-09-30');
    expect(retainUntil('sharps_injury', '2026-03-04')).toBe('2031-12-31');
  });

  it('is due within 365 calendar days, across 29 February, never rolled past a weekend', () => {
    expect(ny.addCalendarDays('2027-03-01', BBP_CYCLE_DAYS)).toBe('2028-02-29');
    expect(ny.addCalendarDays('2028-02-29', BBP_CYCLE_DAYS)).toBe('2029-02-28');
    // 2026-11-28 + 365 = Saturday 2027-11-27: due that Saturday, so reminders come before it.
    expect(ny.isBusinessDay(ny.addCalendarDays('2026-11-28', BBP_CYCLE_DAYS))).toBe(false);
  });
});
