// New-hire onboarding obligations (DOMAIN.md §1), as data: each with its citation, when it
// applies, how its due date is computed, and the date from which that version of the rule is in
// effect. A rule that changes gets a new version with a later `effectiveFrom`; a hire is planned
// under the versions in effect on the start date.
import type { BusinessCalendar } from '../calendar/business-calendar';
import type { IsoDate } from '../calendar/iso-date';
import type { PracticeProfile } from '../practice/profile';
import { newHireReportRule } from './state-new-hire';

export const ONBOARDING_TASK_KEYS = [
  'i9_section1',
  'i9_section2',
  'everify_case',
  'new_hire_report',
  'hipaa_training',
  'hazcom_training',
  'eap_review',
  'bbp_training',
  'hepb_vaccine_offer',
  'tb_screening',
  'credentialing',
] as const;
export type OnboardingTaskKey = (typeof ONBOARDING_TASK_KEYS)[number];

/** The facts about one hire that decide which obligations apply and when. */
export interface HireFacts {
  startDate: IsoDate;
  jobLengthDays?: number;
  occupationalExposure: boolean;
  provider: boolean;
  clinical: boolean;
  practice: PracticeProfile;
}

export interface DueDate {
  date: IsoDate;
  /** The citation when it differs from the rule's usual one (e.g. the short-job I-9 rule). */
  citation?: string;
}

export interface ObligationRule {
  key: OnboardingTaskKey;
  /** First start date this version applies to. */
  effectiveFrom: IsoDate;
  title: string;
  citation: string;
  summary: string;
  /** Who does it: the hire, or the manager on the practice's behalf. */
  assignee: 'hire' | 'manager';
  outcomes?: string[];
  appliesTo(facts: HireFacts): boolean;
  due(facts: HireFacts, calendar: BusinessCalendar): DueDate;
}

const always = (): boolean => true;
const onStartDate = (f: HireFacts): DueDate => ({ date: f.startDate });

export const ONBOARDING_RULES: readonly ObligationRule[] = [
  {
    key: 'i9_section1',
    effectiveFrom: '1986-11-06', // Immigration Reform and Control Act
    title: 'Form I-9 Section 1 (employee information and attestation)',
    citation: '8 CFR 274a.2(b)(1)(i)(A)',
    summary: 'completed by the employee no later than the first day of employment',
    assignee: 'hire',
    appliesTo: always,
    due: onStartDate,
  },
  {
    key: 'i9_section2',
    effectiveFrom: '1986-11-06',
    title: 'Form I-9 Section 2 (employer review of documents)',
    citation: '8 CFR 274a.2(b)(1)(ii)',
    summary: 'employer examines documents within 3 business days of the first day of employment',
    assignee: 'manager',
    appliesTo: always,
    due: (f, cal) =>
      f.jobLengthDays !== undefined && f.jobLengthDays < 3
        ? { date: f.startDate, citation: '8 CFR 274a.2(b)(1)(iii)' } // jobs under 3 days: both sections on day one
        : { date: cal.addBusinessDays(f.startDate, 3) },
  },
  {
    key: 'everify_case',
    effectiveFrom: '1997-01-01', // Basic Pilot, now E-Verify
    title: 'Create the E-Verify case',
    citation: 'USCIS E-Verify User Manual §2.1 (three-day rule)',
    summary: 'case created no later than the third business day after the employee starts work for pay',
    assignee: 'manager',
    appliesTo: (f) => f.practice.eVerify,
    due: (f, cal) => ({ date: cal.addBusinessDays(f.startDate, 3) }),
  },
  {
    key: 'new_hire_report',
    effectiveFrom: '1997-10-01', // PRWORA national new-hire reporting
    title: 'Report the new hire to the state directory of new hires',
    citation: '42 U.S.C. 653a(b)(2) (PRWORA)',
    summary: 'within 20 days of hire, or the shorter state window',
    assignee: 'manager',
    appliesTo: always,
    due: (f, cal) => {
      if (f.practice.newHireReportDays !== undefined) {
        return { date: cal.addCalendarDays(f.startDate, f.practice.newHireReportDays), citation: 'practice policy (state rule)' };
      }
      const rule = newHireReportRule(f.practice.state);
      return { date: cal.addCalendarDays(f.startDate, rule.days), citation: rule.citation };
    },
  },
  {
    key: 'hipaa_training',
    effectiveFrom: '2003-04-14', // HIPAA Privacy Rule compliance date
    title: 'HIPAA privacy and security training',
    citation: '45 CFR 164.530(b)(2)(i)(B)',
    summary: 'each new workforce member within a reasonable period after joining (practice policy sets the days)',
    assignee: 'hire',
    appliesTo: always,
    due: (f, cal) => ({ date: cal.addCalendarDays(f.startDate, f.practice.hipaaTrainingDays) }),
  },
  {
    key: 'hazcom_training',
    effectiveFrom: '1985-11-25',
    title: 'Hazard communication training',
    citation: '29 CFR 1910.1200(h)(1)',
    summary: 'at the time of initial assignment',
    assignee: 'hire',
    appliesTo: always,
    due: onStartDate,
  },
  {
    key: 'eap_review',
    effectiveFrom: '2002-12-07', // 1910.38 as revised (67 FR 67950)
    title: 'Review the emergency action plan',
    citation: '29 CFR 1910.38(f)(1)',
    summary: 'with each employee when initially assigned to a job',
    assignee: 'hire',
    appliesTo: always,
    due: onStartDate,
  },
  {
    key: 'bbp_training',
    effectiveFrom: '1992-03-06', // Bloodborne Pathogens Standard in force
    title: 'Bloodborne pathogens training (before any exposure)',
    citation: '29 CFR 1910.1030(g)(2)(ii)(A)',
    summary: 'at the time of initial assignment to tasks where occupational exposure may take place',
    assignee: 'hire',
    appliesTo: (f) => f.occupationalExposure,
    due: onStartDate,
  },
  {
    key: 'hepb_vaccine_offer',
    effectiveFrom: '1992-03-06',
    title: 'Offer the hepatitis B vaccination series',
    citation: '29 CFR 1910.1030(f)(2)(i)',
    summary: 'after BBP training and within 10 working days of initial assignment; a declination is recorded (Appendix A)',
    assignee: 'manager',
    outcomes: ['accepted', 'declined'],
    appliesTo: (f) => f.occupationalExposure,
    due: (f, cal) => ({ date: cal.addBusinessDays(f.startDate, 10) }),
  },
  {
    key: 'tb_screening',
    effectiveFrom: '2019-05-17', // CDC/NTCA recommendations, MMWR 2019;68(19):439-443
    title: 'Baseline TB screening (risk assessment, symptom evaluation, test)',
    citation: 'CDC, MMWR 2019;68(19):439-443',
    summary: 'baseline screening of health care personnel on hire',
    assignee: 'hire',
    appliesTo: (f) => f.clinical,
    due: onStartDate,
  },
  {
    key: 'credentialing',
    effectiveFrom: '1990-01-01',
    title: 'Start credentialing and payer enrollment for the new provider',
    citation: 'NCQA Credentialing Standards (CR); practice process',
    summary: 'a provider is credentialed and enrolled before seeing patients billed to a payer',
    assignee: 'manager',
    appliesTo: (f) => f.provider,
    due: onStartDate,
  },
];

/** For each obligation, the version in effect on `date` (none when the rule did not exist yet). */
export function rulesInEffect(date: IsoDate, rules: readonly ObligationRule[] = ONBOARDING_RULES): ObligationRule[] {
  const byKey = new Map<string, ObligationRule>();
  for (const rule of rules) {
    if (rule.effectiveFrom > date) continue;
    const current = byKey.get(rule.key);
    if (!current || current.effectiveFrom < rule.effectiveFrom) byKey.set(rule.key, rule);
  }
  return ONBOARDING_TASK_KEYS.flatMap((key) => byKey.get(key) ?? []);
}
