// Which OSHA and fire-safety obligations a site has, and every occurrence in a year (DOMAIN.md §5).
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { zodProblems } from '../../domain/errors';
import { applicableObligations, planSiteOccurrences, SiteProfileSchema, type SiteProfileInput } from '../../domain/osha';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const ambulatory: SiteProfileInput = {
  siteId: 'main',
  timeZone: 'America/New_York',
  occupancy: 'ambulatory_health_care',
  shifts: ['day', 'evening'],
  headcount: 14,
  occupationalExposure: true,
  extinguisherUse: true,
  accreditor: 'none',
};
const plan = (site: SiteProfileInput, from = '2026-01-01', to = '2026-12-31') => planSiteOccurrences(SiteProfileSchema.parse(site), from, to).occurrences;

describe('an ambulatory health care site with two shifts and exposed staff, 2026', () => {
  const year = plan({ ...ambulatory, lastCompleted: { ecp_review: '2025-05-20', extinguisher_maintenance: '2025-09-30', extinguisher_training: '2025-10-15' }, roster: [{ employeeId: 'e-17', lastBbpTraining: '2025-03-10' }] });
  const of = (o: string) => year.filter((x) => x.obligation === o);

  it('has a drill in every quarter on each shift, on business days, at times inside the shift', () => {
    const drills = of('fire_drill');
    expect(drills).toHaveLength(8);
    expect(drills.map((d) => `${d.period}/${d.shift}`).sort()).toEqual(
      ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'].flatMap((q) => [`${q}/day`, `${q}/evening`]).sort(),
    );
    for (const d of drills) {
      const quarter = Number(d.period.slice(-1));
      const month = Number(d.dueDate.slice(5, 7));
      expect(Math.ceil(month / 3)).toBe(quarter);
      expect(ny.isBusinessDay(d.dueDate)).toBe(true);
      const hour = Number(d.at!.slice(0, 2));
      if (d.shift === 'day') expect(hour >= 8 && hour < 16).toBe(true);
      else expect(hour >= 16 && hour < 22).toBe(true);
      expect(d.rule).toBe('NFPA 101 20.7.1.4');
    }
  });

  it('does not repeat one pattern: drill days and times vary between quarters and shifts', () => {
    const drills = of('fire_drill');
    const dayOfQuarter = drills.map((d) => ny.businessDaysBetween(`${d.dueDate.slice(0, 4)}-${String((Number(d.period.slice(-1)) - 1) * 3 + 1).padStart(2, '0')}-01`, d.dueDate));
    expect(new Set(dayOfQuarter).size).toBeGreaterThan(4);
    expect(new Set(drills.map((d) => d.at)).size).toBeGreaterThan(4);
  });

  it('is reproducible, and a new seed draws a different pattern', () => {
    expect(plan({ ...ambulatory })).toEqual(plan({ ...ambulatory }));
    const a = plan({ ...ambulatory }).filter((x) => x.obligation === 'fire_drill').map((d) => d.dueDate);
    const b = plan({ ...ambulatory, drillSeed: '2027 rotation' }).filter((x) => x.obligation === 'fire_drill').map((d) => d.dueDate);
    expect(a).not.toEqual(b);
  });

  it('inspects extinguishers monthly (by the last business day), maintains and trains annually', () => {
    expect(of('extinguisher_inspection').map((o) => o.dueDate)).toEqual([
      '2026-01-30', '2026-02-27', '2026-03-31', '2026-04-30', '2026-05-29', '2026-06-30',
      '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-30', '2026-11-30', '2026-12-31',
    ]);
    expect(of('extinguisher_maintenance')).toEqual([{ obligation: 'extinguisher_maintenance', dueDate: '2026-09-30', rule: '29 CFR 1910.157(e)(3)', period: '2026' }]);
    expect(of('extinguisher_training').map((o) => o.dueDate)).toEqual(['2026-10-15']);
  });

  it('reviews the exposure control plan within a year, and trains each exposed employee within 365 days of the last training', () => {
    expect(of('ecp_review').map((o) => [o.dueDate, o.rule])).toEqual([['2026-05-20', '29 CFR 1910.1030(c)(1)(iv)']]);
    expect(of('bbp_training')).toEqual([{ obligation: 'bbp_training', employeeId: 'e-17', dueDate: '2026-03-10', rule: '29 CFR 1910.1030(g)(2)(ii)(B)', period: '2026' }]);
    expect(of('ep_exercise')).toEqual([]); // not a CMS provider type
  });
});

describe('applicability', () => {
  it('gives a business-occupancy site without exposure none of the exposure obligations, and annual drills', () => {
    const site = SiteProfileSchema.parse({ ...ambulatory, occupancy: 'business', shifts: ['day'], occupationalExposure: false, extinguisherUse: false });
    expect(applicableObligations(site).map((o) => o.obligation)).toEqual(['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance']);
    expect(plan({ ...ambulatory, occupancy: 'business', shifts: ['day'], occupationalExposure: false, extinguisherUse: false }).filter((o) => o.obligation === 'fire_drill')).toHaveLength(1);
  });

  it('adds the emergency preparedness exercise for CMS provider types (an ASC)', () => {
    expect(plan({ ...ambulatory, cmsProviderType: 'asc' }).filter((o) => o.obligation === 'ep_exercise')).toHaveLength(1);
  });

  it('names the field and reason of a bad profile', () => {
    const bad = SiteProfileSchema.safeParse({ ...ambulatory, occupancy: 'hospital', shifts: [], timeZone: 'Eastern' });
    expect(bad.success).toBe(false);
    expect(zodProblems(bad.error!).map((p) => p.path)).toEqual(['timeZone', 'occupancy', 'shifts']);
  });
});
