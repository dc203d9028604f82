// Credential types and their renewal rules (DOMAIN.md §2), as effective-dated data. Each rule
// says how long a cycle lasts, when reminders go out, when renewal may be filed, what grace or
// reinstatement period follows expiry, and what a lapse means for the practice.
import type { IsoDate } from '../calendar/iso-date';

export const CREDENTIAL_TYPES = [
  'state_license',
  'dea_registration',
  'board_certification',
  'caqh_attestation',
  'payer_recredentialing',
  'medicare_revalidation',
  'hospital_privileges',
  'malpractice_insurance',
  'bls_card',
  'acls_card',
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** A cycle length: calendar months (clamped at month end) or calendar days. */
export type Cycle = { months: number } | { days: number };

/** What a lapse stops, as a flag other parts of the system read (e.g. claims to hold). */
export interface LapseConsequence {
  /** Machine-readable flag; `{jurisdiction}`/`{payer}`/`{issuer}` are filled from the credential. */
  flag: string;
  description: string;
}

export interface CredentialRule {
  type: CredentialType;
  /** Jurisdiction this version is for (US state), or '*' for all. */
  jurisdiction: string;
  effectiveFrom: IsoDate;
  title: string;
  citation: string;
  /** Default cycle when the next due date is not given explicitly. */
  cycle: Cycle;
  /** Whether the cycle ends at the end of a month (e.g. California: end of birth month). */
  endOfMonth?: boolean;
  /** Reminders, in calendar days before the due date. */
  reminderDays: number[];
  /** Reminders at or inside this many days before the due date also go to the manager. */
  managerWithinDays: number;
  /** Earliest renewal, in days before the due date (DEA: 60). */
  renewalOpensDaysBefore?: number;
  /** After expiry, how long a renewal still restores the credential (DEA: 1 calendar month; NCQA: 30 days). */
  grace?: Cycle;
  /** After the grace period: renewal is no longer possible, a new application is required. */
  graceEndsMeans?: 'new_application' | 'initial_credentialing';
  consequences: LapseConsequence[];
  /** Repeated lapse escalations to the manager, in calendar days. */
  lapsedEscalationEveryDays: number;
}

const standardReminders = [90, 60, 30, 14, 7];

export const CREDENTIAL_RULES: readonly CredentialRule[] = [
  {
    type: 'dea_registration',
    jurisdiction: '*',
    effectiveFrom: '1971-05-01',
    title: 'DEA controlled-substance registration',
    citation: '21 CFR 1301.13',
    cycle: { months: 36 },
    reminderDays: [90, 60, 30, 14, 7],
    managerWithinDays: 30,
    renewalOpensDaysBefore: 60,
    grace: { months: 1 },
    graceEndsMeans: 'new_application',
    consequences: [{ flag: 'no_controlled_substances:{jurisdiction}', description: 'may not prescribe, administer or handle controlled substances in {jurisdiction}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'state_license',
    jurisdiction: 'CA',
    effectiveFrom: '1990-01-01',
    title: 'California medical license',
    citation: 'Cal. Bus. & Prof. Code 2423 (expires end of birth month, 2-year cycle); 16 CCR 1336 (50 CME hours)',
    cycle: { months: 24 },
    endOfMonth: true,
    reminderDays: standardReminders,
    managerWithinDays: 30,
    consequences: [{ flag: 'may_not_practice:{jurisdiction}', description: 'may not practice medicine in {jurisdiction}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'state_license',
    jurisdiction: 'NY',
    effectiveFrom: '1990-01-01',
    title: 'New York medical license registration',
    citation: 'N.Y. Educ. Law 6502 (3-year registration) [S]',
    cycle: { months: 36 },
    reminderDays: standardReminders,
    managerWithinDays: 30,
    consequences: [{ flag: 'may_not_practice:{jurisdiction}', description: 'may not practice medicine in {jurisdiction}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'state_license',
    jurisdiction: '*',
    effectiveFrom: '1990-01-01',
    title: 'State medical license',
    citation: 'state medical board (TX, FL: 2-year cycle [S]); set the expiry date from the license',
    cycle: { months: 24 },
    reminderDays: standardReminders,
    managerWithinDays: 30,
    consequences: [{ flag: 'may_not_practice:{jurisdiction}', description: 'may not practice medicine in {jurisdiction}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'board_certification',
    jurisdiction: '*',
    effectiveFrom: '2018-01-01',
    title: 'Board certification (maintenance of certification)',
    citation: 'ABIM MOC: activity every 2 years, 100 points every 5 years, assessment every 10 years',
    cycle: { months: 24 },
    reminderDays: [180, 90, 30, 14],
    managerWithinDays: 30,
    consequences: [{ flag: 'board_certification_lapsed', description: 'board certification must not be represented as current' }],
    lapsedEscalationEveryDays: 14,
  },
  {
    type: 'caqh_attestation',
    jurisdiction: '*',
    effectiveFrom: '2010-01-01',
    title: 'CAQH ProView re-attestation',
    citation: 'CAQH ProView: re-attest every 120 days; "Expired" the day after the due date',
    cycle: { days: 120 },
    reminderDays: [15, 10, 5], // as CAQH itself reminds
    managerWithinDays: 5,
    consequences: [{ flag: 'caqh_expired', description: 'payers may not see a current CAQH profile; credentialing and claims can stall' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'caqh_attestation',
    jurisdiction: 'IL',
    effectiveFrom: '2010-01-01',
    title: 'CAQH ProView re-attestation (Illinois)',
    citation: 'CAQH ProView: re-attest every 180 days in Illinois',
    cycle: { days: 180 },
    reminderDays: [15, 10, 5],
    managerWithinDays: 5,
    consequences: [{ flag: 'caqh_expired', description: 'payers may not see a current CAQH profile; credentialing and claims can stall' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'payer_recredentialing',
    jurisdiction: '*',
    effectiveFrom: '2000-01-01',
    title: 'Payer recredentialing',
    citation: 'NCQA Credentialing Standards CR 6: at least every 36 months from the committee decision',
    cycle: { months: 36 },
    reminderDays: [180, 120, 90, 60, 30, 14],
    managerWithinDays: 60,
    grace: { days: 30 }, // completion within 30 days of the due date may still count
    graceEndsMeans: 'initial_credentialing',
    consequences: [{ flag: 'claims_hold:{payer}', description: 'hold claims to {payer} for this provider' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'medicare_revalidation',
    jurisdiction: '*',
    effectiveFrom: '2011-03-25',
    title: 'Medicare enrollment revalidation',
    citation: '42 CFR 424.515 (every 5 years; due dates posted about 7 months ahead; no extensions)',
    cycle: { months: 60 },
    reminderDays: [210, 120, 90, 60, 30, 14],
    managerWithinDays: 60,
    consequences: [{ flag: 'claims_hold:medicare', description: 'Medicare billing privileges deactivated: hold Medicare claims' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'hospital_privileges',
    jurisdiction: '*',
    effectiveFrom: '2022-11-01',
    title: 'Hospital privileges reappointment',
    citation: 'The Joint Commission MS.06.01.07 (reappointment up to 3 years since Nov 2022) [S]',
    cycle: { months: 36 },
    reminderDays: [120, 90, 60, 30, 14],
    managerWithinDays: 30,
    consequences: [{ flag: 'no_privileges:{issuer}', description: 'no privileges at {issuer}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'hospital_privileges',
    jurisdiction: 'CA',
    effectiveFrom: '2000-01-01',
    title: 'Hospital privileges reappointment (California)',
    citation: '22 CCR 70703 (reappointment every 2 years) [S]',
    cycle: { months: 24 },
    reminderDays: [120, 90, 60, 30, 14],
    managerWithinDays: 30,
    consequences: [{ flag: 'no_privileges:{issuer}', description: 'no privileges at {issuer}' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'malpractice_insurance',
    jurisdiction: '*',
    effectiveFrom: '1990-01-01',
    title: 'Malpractice insurance policy',
    citation: 'policy expiry (practice process)',
    cycle: { months: 12 },
    reminderDays: [60, 30, 14, 7],
    managerWithinDays: 30,
    consequences: [{ flag: 'no_malpractice_coverage', description: 'no malpractice coverage: do not schedule patients' }],
    lapsedEscalationEveryDays: 3,
  },
  {
    type: 'bls_card',
    jurisdiction: '*',
    effectiveFrom: '1990-01-01',
    title: 'BLS provider card',
    citation: 'card expiry (AHA cards are valid 2 years)',
    cycle: { months: 24 },
    endOfMonth: true,
    reminderDays: [60, 30, 14],
    managerWithinDays: 14,
    consequences: [{ flag: 'bls_expired', description: 'BLS certification expired' }],
    lapsedEscalationEveryDays: 7,
  },
  {
    type: 'acls_card',
    jurisdiction: '*',
    effectiveFrom: '1990-01-01',
    title: 'ACLS provider card',
    citation: 'card expiry (AHA cards are valid 2 years)',
    cycle: { months: 24 },
    endOfMonth: true,
    reminderDays: [60, 30, 14],
    managerWithinDays: 14,
    consequences: [{ flag: 'acls_expired', description: 'ACLS certification expired' }],
    lapsedEscalationEveryDays: 7,
  },
];

/** The rule for a credential: its jurisdiction's version in effect on `date`, else the general one. */
export function credentialRule(type: CredentialType, jurisdiction: string | undefined, date: IsoDate, rules: readonly CredentialRule[] = CREDENTIAL_RULES): CredentialRule {
  const inEffect = rules.filter((r) => r.type === type && r.effectiveFrom <= date);
  const pick = (j: string) => inEffect.filter((r) => r.jurisdiction === j).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  const rule = (jurisdiction ? pick(jurisdiction) : undefined) ?? pick('*');
  if (!rule) throw new RangeError(`no ${type} rule in effect on ${date}`);
  return rule;
}
