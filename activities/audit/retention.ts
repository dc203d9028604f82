// How long each class of record in the audit ledger must be kept, as data with its citation, and
// the pure computation of the day an entry may be purged. The ledger (and the archived Temporal
// histories) are the long-term record: Temporal deletes closed histories after the namespace
// retention period (at most 90 days on Temporal Cloud).
//
// An entry is never purged while its retention cannot be computed: a running flow (its record is
// still in effect), an I-9 or medical record whose person has no recorded separation date, an
// entry of a flow type no rule covers yet. Purging too early is the one unrecoverable mistake.
import { DateTime } from 'luxon';

export type RecordClass = 'audit_control' | 'hipaa_documentation' | 'i9' | 'bbp_training' | 'exposure_medical';

export type RetentionBasis =
  /** The later of creation and the date the record was last in effect (the flow's close). */
  | { kind: 'after_last_effective'; years: number }
  /** The later of N years after the hire date and M years after the separation. */
  | { kind: 'later_of_hire_and_separation'; yearsAfterHire: number; yearsAfterSeparation: number }
  /** N years from the date on which the training occurred. */
  | { kind: 'after_training'; years: number }
  /** The duration of employment plus N years. */
  | { kind: 'after_separation'; years: number }
  /** Kept for as long as the ledger is (the purge and separation records that prove the others). */
  | { kind: 'permanent' };

export interface RetentionRule {
  recordClass: RecordClass;
  description: string;
  citation: string;
  basis: RetentionBasis;
  /** Which entries the rule covers; the first rule that matches an entry applies. */
  match: { actions?: readonly string[]; flowTypes?: readonly string[]; taskKeys?: readonly string[] };
}

/** Flow types whose records hold no medical or I-9 content beyond what the task rules below pick out. */
export const DOCUMENTATION_FLOW_TYPES = [
  'onboarding',
  'checklist',
  'credential',
  'prior_auth',
  'appeal',
  // OSHA records: their own periods (drills 3 years by policy, sharps log 5 years after the year,
  // 29 CFR 1904.33) are shorter than the HIPAA 6 years, so the ledger keeps them 6.
  'osha_site',
  'osha_occurrence',
  'osha_sharps_log',
  'bbp_training',
] as const;

export const SEPARATION_ACTION = 'workforce.separated';

/** Access granted and withdrawn (services/users.ts writes them), under 45 CFR 164.308(a)(4)(ii)(C). */
export const ACCESS_ACTIONS = {
  userCreated: 'access.user_created',
  userDisabled: 'access.user_disabled',
  userEnabled: 'access.user_enabled',
  serviceAccountCreated: 'access.service_account_created',
  tokenCreated: 'access.token_created',
  tokenRevoked: 'access.token_revoked',
} as const;
export const ACCESS_RULE = '45 CFR 164.308(a)(4)(ii)(C)';

/**
 * Log-in monitoring (services/sign-in-throttle.ts writes them): sign-in locked after repeated
 * failures, and an admin lifting a lock. 45 CFR 164.308(a)(5)(ii)(C); NIST SP 800-63B 5.2.2.
 */
export const SIGN_IN_ACTIONS = { locked: 'access.sign_in_locked', unlocked: 'access.sign_in_unlocked' } as const;
export const SIGN_IN_RULE = '45 CFR 164.308(a)(5)(ii)(C)';

export const RETENTION_RULES: readonly RetentionRule[] = [
  {
    recordClass: 'audit_control',
    description: 'Purge and separation records: the proof that other records were removed on time',
    citation: '45 CFR 164.312(b); 45 CFR 164.316(b)(2)',
    basis: { kind: 'permanent' },
    match: { actions: ['audit.purged', 'audit.histories_purged', SEPARATION_ACTION] },
  },
  {
    recordClass: 'i9',
    description: 'Form I-9 and E-Verify records of a hire',
    citation: '8 CFR 274a.2(b)(2)(i)(A)',
    basis: { kind: 'later_of_hire_and_separation', yearsAfterHire: 3, yearsAfterSeparation: 1 },
    match: { flowTypes: ['onboarding'], taskKeys: ['i9_section1', 'i9_section2', 'everify_case'] },
  },
  {
    recordClass: 'bbp_training',
    description: 'Bloodborne pathogens training records',
    citation: '29 CFR 1910.1030(h)(2)(ii)',
    basis: { kind: 'after_training', years: 3 },
    match: { flowTypes: ['onboarding', 'bbp_training'], taskKeys: ['bbp_training'] },
  },
  {
    recordClass: 'exposure_medical',
    description: 'Employee exposure and medical records (hepatitis B vaccination status, TB screening)',
    citation: '29 CFR 1910.1020(d)(1)(i); 29 CFR 1910.1030(h)(1)(iv)',
    basis: { kind: 'after_separation', years: 30 },
    match: { flowTypes: ['onboarding'], taskKeys: ['hepb_vaccine_offer', 'hepb_vaccination', 'tb_screening'] },
  },
  {
    recordClass: 'hipaa_documentation',
    description: 'Compliance documentation and audit records (HIPAA policies, actions, activities, assessments)',
    citation: '45 CFR 164.316(b)(2)(i)',
    basis: { kind: 'after_last_effective', years: 6 },
    match: { flowTypes: DOCUMENTATION_FLOW_TYPES },
  },
  {
    recordClass: 'hipaa_documentation',
    description: 'Reads of the audit record (access log) and other entries outside any flow',
    citation: '45 CFR 164.316(b)(2)(i); 45 CFR 164.312(b)',
    basis: { kind: 'after_last_effective', years: 6 },
    match: { actions: ['audit.accessed', 'audit.history_archived'] },
  },
  {
    // Not a grant: a record of an event, kept the six years of HIPAA documentation from when it
    // happened (a lock attempt for any typed email would otherwise be kept for ever).
    recordClass: 'hipaa_documentation',
    description: 'Log-in monitoring: sign-in locked after repeated failures, and locks lifted by an admin',
    citation: `${SIGN_IN_RULE}; 45 CFR 164.316(b)(2)(i)`,
    basis: { kind: 'after_last_effective', years: 6 },
    match: { actions: Object.values(SIGN_IN_ACTIONS) },
  },
  {
    // A grant is in effect for as long as the user or token is (164.316(b)(2)(i) counts six years
    // from then), which can be decades: kept permanently rather than purged while still in effect.
    recordClass: 'audit_control',
    description: 'Access granted and withdrawn: users and service accounts created, disabled and enabled, API tokens issued and revoked',
    citation: `${ACCESS_RULE}; 45 CFR 164.316(b)(2)(i)`,
    basis: { kind: 'permanent' },
    match: { actions: Object.values(ACCESS_ACTIONS) },
  },
];

/** The facts retention is computed from, for the flow an entry belongs to. */
export interface FlowFacts {
  /** When the flow closed (completed, cancelled, retired); undefined while it runs. */
  closedAt?: string;
  /** The hire's start date (onboarding). */
  hireDate?: string;
  /** The person the flow is about (hire id), for their separation date. */
  subjectId?: string;
  /** When each task's training occurred (its completion), by task key. */
  completedAt: Record<string, string>;
}

export interface RetentionEntry {
  action: string;
  flowType: string | null;
  workflowId: string | null;
  taskKey: string | null;
  occurredAt: Date;
}

export type RetentionDecision =
  | { recordClass: RecordClass; citation: string; retainUntil: string }
  | { recordClass: RecordClass | 'unclassified'; citation: string | null; retainUntil: null; keptBecause: string };

export function ruleFor(entry: RetentionEntry): RetentionRule | undefined {
  return RETENTION_RULES.find((rule) => {
    const m = rule.match;
    if (m.actions && !m.actions.includes(entry.action)) return false;
    if (m.flowTypes && !(entry.flowType && m.flowTypes.includes(entry.flowType))) return false;
    if (m.taskKeys && !(entry.taskKey && m.taskKeys.includes(entry.taskKey))) return false;
    return true;
  });
}

const plusYears = (iso: string, years: number, zone: string): string => DateTime.fromISO(iso, { zone }).plus({ years }).toISODate()!;
const dateOf = (instant: Date | string, zone: string): string =>
  (typeof instant === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(instant) ? DateTime.fromISO(instant, { zone }) : DateTime.fromJSDate(new Date(instant)).setZone(zone)).toISODate()!;
const later = (a: string, b: string): string => (a > b ? a : b);

/**
 * The last day an entry must be kept (it may be purged from the day after), or why it is kept
 * for now. Dates are in the practice's time zone.
 */
export function retentionOf(entry: RetentionEntry, facts: FlowFacts | undefined, separations: ReadonlyMap<string, string>, zone: string): RetentionDecision {
  const rule = ruleFor(entry);
  if (!rule) return { recordClass: 'unclassified', citation: null, retainUntil: null, keptBecause: `no retention rule covers ${entry.flowType ?? 'entries'} of action ${entry.action} yet` };
  const keep = (keptBecause: string): RetentionDecision => ({ recordClass: rule.recordClass, citation: rule.citation, retainUntil: null, keptBecause });
  const created = dateOf(entry.occurredAt, zone);
  const basis = rule.basis;
  if (basis.kind === 'permanent') return keep('kept permanently (it proves other records were handled on time)');
  if (entry.workflowId && !facts?.closedAt) return keep('the flow is still running: its record is in effect');
  const separation = facts?.subjectId ? separations.get(facts.subjectId) : undefined;
  let until: string;
  switch (basis.kind) {
    case 'after_last_effective':
      until = plusYears(later(created, facts?.closedAt ? dateOf(facts.closedAt, zone) : created), basis.years, zone);
      break;
    case 'later_of_hire_and_separation': {
      if (!separation) return keep('no separation date is recorded for this person (practiceflow audit separation)');
      const hire = facts?.hireDate ?? created;
      until = later(plusYears(hire, basis.yearsAfterHire, zone), plusYears(separation, basis.yearsAfterSeparation, zone));
      break;
    }
    case 'after_training': {
      const trained = entry.taskKey ? facts?.completedAt[entry.taskKey] : undefined;
      // A training that never took place: its reminders are kept as long as the training record would have been.
      until = plusYears(later(created, trained ? dateOf(trained, zone) : created), basis.years, zone);
      break;
    }
    case 'after_separation':
      if (!separation) return keep('no separation date is recorded for this person: employment has not ended');
      until = plusYears(separation, basis.years, zone);
      break;
  }
  return { recordClass: rule.recordClass, citation: rule.citation, retainUntil: until };
}
