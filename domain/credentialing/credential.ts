// A provider credential and its schedule: due date, reminders, lapse and grace, renewal rules.
// Pure functions shared by the credential workflow, the planner, the API, CSV import and tests.
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar';
import { IsoDateSchema, type IsoDate } from '../calendar/iso-date';
import { ActorSchema, EmailSchema } from '../tasks/model';
import { CREDENTIAL_TYPES, credentialRule, type CredentialRule, type Cycle } from './rules';
import { identifierSchema, temporalId } from '../identifiers';
import { UsStateSchema } from '../practice/us-states';

const IdSchema = identifierSchema('an identifier', 'dea-1234567893');

export const CredentialTypeSchema = z.enum(CREDENTIAL_TYPES, { error: `must be one of ${CREDENTIAL_TYPES.join(', ')}` });

export const CredentialSchema = z
  .object({
    credentialId: IdSchema,
    providerId: IdSchema,
    type: CredentialTypeSchema,
    /** Issuing body: state board, DEA, ABIM, the payer, the hospital, the insurer. */
    issuer: z.string().trim().min(1).max(200).optional(),
    /** US state, for licenses, DEA registrations and state-specific rules (e.g. CAQH in Illinois). */
    jurisdiction: UsStateSchema.optional(),
    number: z.string().trim().min(1).max(100).optional(),
    issueDate: IsoDateSchema.optional(),
    /** Expiry or next due date (CAQH: next attestation due; payer: recredentialing due). */
    dueDate: IsoDateSchema,
    /** A reference to the evidence on file (document id or file name), never the document. */
    evidence: z.string().trim().max(500).optional(),
    providerEmail: EmailSchema,
    /** The credentialing owner (coordinator) who files renewals. */
    ownerEmail: EmailSchema,
    managerEmail: EmailSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.type === 'dea_registration' || c.type === 'state_license') && !c.jurisdiction) {
      ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: `is required for ${c.type} (the state it is valid in)` });
    }
    if ((c.type === 'payer_recredentialing' || c.type === 'hospital_privileges') && !c.issuer) {
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: `is required for ${c.type} (the ${c.type === 'payer_recredentialing' ? 'payer' : 'hospital'})` });
    }
    if (c.issueDate && c.issueDate > c.dueDate) ctx.addIssue({ code: 'custom', path: ['issueDate'], message: 'must not be after dueDate' });
  });
export type Credential = z.infer<typeof CredentialSchema>;

export const RenewalSchema = z.object({
  /** When the renewal was filed or the attestation done (defaults to today). */
  renewedOn: IsoDateSchema.optional(),
  /** The new expiry/due date from the renewed document; computed from the rule's cycle when omitted. */
  newDueDate: IsoDateSchema.optional(),
  number: z.string().trim().min(1).max(100).optional(),
  evidence: z.string().trim().min(1, 'must reference the renewal evidence (document id or file)').max(500),
  by: ActorSchema,
  note: z.string().max(2000).optional(),
});
export type RenewalInput = z.infer<typeof RenewalSchema>;

export const CredentialChangeSchema = z.object({
  changes: z
    .object({
      dueDate: IsoDateSchema,
      issuer: z.string().trim().min(1).max(200),
      number: z.string().trim().min(1).max(100),
      evidence: z.string().trim().max(500),
      providerEmail: EmailSchema,
      ownerEmail: EmailSchema,
      managerEmail: EmailSchema,
    })
    .partial()
    .strict()
    .refine((c) => Object.keys(c).length > 0, 'must change at least one field'),
  by: ActorSchema,
  reason: z.string().trim().min(3, 'must say why the credential changed').max(2000),
});
export type CredentialChange = z.infer<typeof CredentialChangeSchema>;

export const RetireSchema = z.object({ by: ActorSchema, reason: z.string().trim().min(3, 'must say why the credential is retired').max(2000) });
export type RetireInput = z.infer<typeof RetireSchema>;

export const credentialWorkflowId = (credentialId: string): string => temporalId('credential', { credentialId });

export function ruleFor(credential: Pick<Credential, 'type' | 'jurisdiction' | 'dueDate'>): CredentialRule {
  return credentialRule(credential.type, credential.jurisdiction, credential.dueDate);
}

function addCycle(calendar: BusinessCalendar, date: IsoDate, cycle: Cycle, endOfMonth = false): IsoDate {
  const next = 'months' in cycle ? calendar.addMonths(date, cycle.months) : calendar.addCalendarDays(date, cycle.days);
  if (!endOfMonth) return next;
  // Licenses that expire at the end of a month (California: the birth month) stay there.
  const [y, m] = next.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export interface ScheduledNotice {
  /** Stable key within one due date: part of the email's idempotency key. */
  key: string;
  kind: 'reminder' | 'due' | 'lapsed' | 'grace_ended';
  date: IsoDate;
  toManager: boolean;
}

export interface CredentialSchedule {
  dueDate: IsoDate;
  /** Reminders and the due-date notice, in date order. */
  notices: ScheduledNotice[];
  /** The day the credential counts as lapsed (the day after the due date). */
  lapsesOn: IsoDate;
  /** Last day a renewal still restores it (after which: new application / initial credentialing). */
  graceEndsOn?: IsoDate;
  /** Earliest day a renewal may be filed. */
  renewalOpensOn?: IsoDate;
}

/**
 * Reminders go out on business days: one that falls on a weekend or holiday goes out the
 * business day before. A due date on a weekend stays the legal date; its notice is sent on the
 * last business day before it.
 */
export function credentialSchedule(credential: Pick<Credential, 'type' | 'jurisdiction' | 'dueDate'>, calendar: BusinessCalendar): CredentialSchedule {
  const rule = ruleFor(credential);
  const due = credential.dueDate;
  const notices: ScheduledNotice[] = [];
  for (const days of [...rule.reminderDays].sort((a, b) => b - a)) {
    const date = calendar.rollBack(calendar.addCalendarDays(due, -days));
    if (notices.some((n) => n.date === date)) continue;
    notices.push({ key: `remind_${days}d`, kind: 'reminder', date, toManager: days <= rule.managerWithinDays });
  }
  const dueNotice = calendar.rollBack(due);
  const last = notices.at(-1);
  if (last && last.date === dueNotice) notices.pop();
  notices.push({ key: 'due', kind: 'due', date: dueNotice, toManager: true });
  const lapsesOn = calendar.addCalendarDays(due, 1);
  return {
    dueDate: due,
    notices,
    lapsesOn,
    graceEndsOn: rule.grace ? addCycle(calendar, due, rule.grace) : undefined,
    renewalOpensOn: rule.renewalOpensDaysBefore !== undefined ? calendar.addCalendarDays(due, -rule.renewalOpensDaysBefore) : undefined,
  };
}

/** The n-th lapse escalation (n >= 1) after a credential lapsed, on a business day. */
export function lapseEscalationDate(credential: Pick<Credential, 'type' | 'jurisdiction' | 'dueDate'>, calendar: BusinessCalendar, n: number): IsoDate {
  const rule = ruleFor(credential);
  const lapsesOn = calendar.addCalendarDays(credential.dueDate, 1);
  return calendar.rollForward(calendar.addCalendarDays(lapsesOn, (n - 1) * rule.lapsedEscalationEveryDays));
}

/**
 * The next due date after a renewal: from the document when given, else by the rule's cycle.
 * CAQH counts from the attestation itself; other credentials from the previous due date.
 */
export function nextDueDate(credential: Credential, renewal: Pick<RenewalInput, 'renewedOn' | 'newDueDate'>, renewedOn: IsoDate, calendar: BusinessCalendar): IsoDate {
  if (renewal.newDueDate) return renewal.newDueDate;
  const rule = ruleFor(credential);
  const base = credential.type === 'caqh_attestation' ? renewedOn : credential.dueDate;
  return addCycle(calendar, base, rule.cycle, rule.endOfMonth);
}

export type RenewalVerdict = { ok: true; kind: 'renewal' | 'reinstatement' | 'new_application' } | { ok: false; field: string; message: string };

/** Whether a renewal filed on `renewedOn` is allowed by the rule (e.g. DEA: not more than 60 days early). */
export function checkRenewal(credential: Credential, renewal: Pick<RenewalInput, 'newDueDate'>, renewedOn: IsoDate, calendar: BusinessCalendar): RenewalVerdict {
  const rule = ruleFor(credential);
  const schedule = credentialSchedule(credential, calendar);
  if (schedule.renewalOpensOn && renewedOn < schedule.renewalOpensOn) {
    return {
      ok: false,
      field: 'renewedOn',
      message: `${rule.title} renewal opens ${rule.renewalOpensDaysBefore} days before expiry (${rule.citation}): earliest ${schedule.renewalOpensOn}, not ${renewedOn}`,
    };
  }
  if (renewal.newDueDate && renewal.newDueDate <= credential.dueDate) {
    return { ok: false, field: 'newDueDate', message: `must be after the current due date ${credential.dueDate}` };
  }
  if (renewedOn < schedule.lapsesOn) return { ok: true, kind: 'renewal' };
  if (schedule.graceEndsOn && renewedOn <= schedule.graceEndsOn) return { ok: true, kind: 'reinstatement' };
  if (rule.graceEndsMeans) {
    if (!renewal.newDueDate) {
      return { ok: false, field: 'newDueDate', message: `is required: past the grace period a ${rule.graceEndsMeans.replace('_', ' ')} was needed; give the new expiry date` };
    }
    return { ok: true, kind: 'new_application' };
  }
  return { ok: true, kind: 'renewal' };
}

/** Lapse flags with the credential's jurisdiction, payer or issuer filled in. */
export function lapseFlags(credential: Credential): { flag: string; description: string }[] {
  const fill = (s: string) =>
    s
      .replaceAll('{jurisdiction}', credential.jurisdiction ?? 'all states')
      .replaceAll('{payer}', credential.issuer ?? 'the payer')
      .replaceAll('{issuer}', credential.issuer ?? 'the issuer');
  return ruleFor(credential).consequences.map((c) => ({ flag: fill(c.flag), description: fill(c.description) }));
}

/** The plan printed by `practiceflow plan credential`: due date and reminder dates. */
export function credentialPlan(credential: Credential, calendar: BusinessCalendar) {
  const schedule = credentialSchedule(credential, calendar);
  const rule = ruleFor(credential);
  return {
    credential: { credentialId: credential.credentialId, providerId: credential.providerId, type: credential.type, jurisdiction: credential.jurisdiction, issuer: credential.issuer },
    dueDate: schedule.dueDate,
    reminders: schedule.notices.map((n) => n.date),
    lapsesOn: schedule.lapsesOn,
    graceEndsOn: schedule.graceEndsOn,
    renewalOpensOn: schedule.renewalOpensOn,
    rule: rule.citation,
  };
}
