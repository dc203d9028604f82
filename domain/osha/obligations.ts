// OSHA and fire-safety obligations of a site (DOMAIN.md §5): which apply is decided by facts about
// the site (occupancy, shifts, exposure, extinguishers, CMS provider type), each with its cadence
// and citation. Pure: the planner, the schedules and the tests share it.
import { z } from 'zod';
import { IsoDateSchema } from '../calendar/iso-date';
import { isIanaTimeZone } from '../calendar/time-zone';
import { CLINICAL_ROLES, RoleSchema } from '../onboarding/roles';
import { identifierSchema } from '../identifiers';

export const OCCUPANCIES = ['business', 'ambulatory_health_care'] as const;
export const CMS_PROVIDER_TYPES = ['none', 'asc', 'rhc', 'fqhc', 'cmhc', 'orf', 'hospice', 'home_health'] as const;
export const OBLIGATIONS = ['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance', 'extinguisher_training', 'ecp_review', 'ep_exercise', 'bbp_training'] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

const ShiftSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a shift name such as day or evening');

export const SiteProfileSchema = z
  .object({
    siteId: identifierSchema('a site identifier', 'main'),
    timeZone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone such as America/New_York'),
    /** NFPA 101 occupancy: ambulatory health care when 4 or more patients at a time are incapable of self-preservation. */
    occupancy: z.enum(OCCUPANCIES, { error: `must be one of ${OCCUPANCIES.join(', ')}` }),
    shifts: z.array(ShiftSchema).min(1, 'must list at least one shift').max(6),
    headcount: z.number().int('must be a whole number').min(1).max(10_000),
    /**
     * Staff with reasonably anticipated contact with blood or OPIM (29 CFR 1910.1030(b)). When
     * left out, derived from `staffRoles` (any clinical role has exposure, 1910.1030(c)(2)).
     */
    occupationalExposure: z.boolean().optional(),
    /** The roles on the staff roster, from which exposure is derived unless overridden. */
    staffRoles: z.array(RoleSchema).max(100).default([]),
    /** Staff are expected to use portable fire extinguishers (29 CFR 1910.157(g)). */
    extinguisherUse: z.boolean(),
    /** Extinguishers are on site (inspection and maintenance apply even if staff evacuate instead). */
    extinguishersOnSite: z.boolean().default(true),
    accreditor: z.enum(['none', 'joint_commission', 'aaahc', 'other']).default('none'),
    cmsProviderType: z.enum(CMS_PROVIDER_TYPES).default('none'),
    /** Drills per year for a business occupancy (accreditor-dependent; often annual [S/U]). */
    businessDrillsPerYear: z.number().int().min(1).max(12).default(1),
    /** Last completion per obligation, so annual cadences continue from the real date. */
    lastCompleted: z.partialRecord(z.enum(OBLIGATIONS), IsoDateSchema).default({}),
    /** Employees with exposure and the date of their last BBP training (identifiers, not names). */
    roster: z
      .array(
        z
          .object({
            employeeId: identifierSchema('an employee identifier', 'h-1042'),
            lastBbpTraining: IsoDateSchema,
            /** Where the employee's training reminders go (else to the site's responsible person). */
            email: z.email('must be an email address').optional(),
          })
          .strict(),
      )
      .max(5_000)
      .default([]),
    /** Seed of the drill-time variation: change it to draw a different (still reproducible) pattern. */
    drillSeed: z.string().max(100).default(''),
  })
  .strict();
export type SiteProfile = z.infer<typeof SiteProfileSchema>;
export type SiteProfileInput = z.input<typeof SiteProfileSchema>;

export type Cadence = { kind: 'per_quarter_per_shift' } | { kind: 'per_year'; times: number } | { kind: 'monthly' } | { kind: 'annual' } | { kind: 'within_days_of_last'; days: number };

export interface ApplicableObligation {
  obligation: Obligation;
  cadence: Cadence;
  rule: string;
  why: string;
}

/** The profile's explicit answer, else derived from the roles on its roster. */
export function hasOccupationalExposure(site: SiteProfile): boolean {
  return site.occupationalExposure ?? site.staffRoles.some((r) => CLINICAL_ROLES.has(r));
}

/** The obligations a site's profile switches on, each with its cadence and rule. */
export function applicableObligations(site: SiteProfile): ApplicableObligation[] {
  const list: ApplicableObligation[] = [];
  if (site.occupancy === 'ambulatory_health_care') {
    list.push({ obligation: 'fire_drill', cadence: { kind: 'per_quarter_per_shift' }, rule: 'NFPA 101 20.7.1.4', why: 'ambulatory health care occupancy: quarterly on each shift' });
  } else {
    list.push({
      obligation: 'fire_drill',
      cadence: { kind: 'per_year', times: site.businessDrillsPerYear },
      rule: 'NFPA 101 39.7.1; accreditor standard [S/U]',
      why: 'business occupancy: drills as the authority having jurisdiction or accreditor requires (default annual)',
    });
  }
  if (site.extinguishersOnSite) {
    list.push({ obligation: 'extinguisher_inspection', cadence: { kind: 'monthly' }, rule: '29 CFR 1910.157(e)(2)', why: 'portable extinguishers on site: monthly visual inspection' });
    list.push({ obligation: 'extinguisher_maintenance', cadence: { kind: 'annual' }, rule: '29 CFR 1910.157(e)(3)', why: 'portable extinguishers on site: annual maintenance' });
  }
  if (site.extinguisherUse) {
    list.push({ obligation: 'extinguisher_training', cadence: { kind: 'annual' }, rule: '29 CFR 1910.157(g)(1)-(2)', why: 'staff expected to use extinguishers: training at hire and annually' });
  }
  if (hasOccupationalExposure(site)) {
    list.push({ obligation: 'ecp_review', cadence: { kind: 'annual' }, rule: '29 CFR 1910.1030(c)(1)(iv)', why: 'occupational exposure: exposure control plan reviewed at least annually' });
    list.push({ obligation: 'bbp_training', cadence: { kind: 'within_days_of_last', days: 365 }, rule: '29 CFR 1910.1030(g)(2)(ii)(B)', why: 'each exposed employee: within one year of the previous training' });
  }
  if (site.cmsProviderType !== 'none') {
    list.push({ obligation: 'ep_exercise', cadence: { kind: 'annual' }, rule: 'CMS emergency preparedness rule (e.g. 42 CFR 416.54(d), 491.12(d)) [S]', why: 'CMS provider type: an exercise every year' });
  }
  return list;
}

/** How each obligation is named to people (task titles, notices, the compliance calendar). */
export const OBLIGATION_TITLES: Record<Obligation, string> = {
  fire_drill: 'Fire drill',
  extinguisher_inspection: 'Monthly fire extinguisher inspection',
  extinguisher_maintenance: 'Annual fire extinguisher maintenance',
  extinguisher_training: 'Annual fire extinguisher training',
  ecp_review: 'Annual exposure control plan review',
  ep_exercise: 'Emergency preparedness exercise',
  bbp_training: 'Annual bloodborne pathogens training',
};
