// A prior-authorization request and the messages that move it (DOMAIN.md §3). Identifiers only:
// the patient is a reference into the practice's system, never a name or a diagnosis, so the
// workflow id, its history, emails and the ledger carry no PHI beyond what the payer rule needs.
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar';
import { IsoDateSchema, type IsoDate, instantSchema } from '../calendar/iso-date';
import { PayerSchema } from '../payers/payer';
import { PracticeCalendarSchema } from '../practice/calendar-settings';
import { ActorSchema, EmailSchema, type TaskSpec } from '../tasks/model';
import { identifierSchema, temporalId } from '../identifiers';

/** The practice's identifier for one authorization request, e.g. pa-2027-0042. */
export const AuthorizationIdSchema = identifierSchema('an authorization request identifier', 'pa-2027-0042');

/**
 * A patient reference (MRN or practice-system id): PHI. It travels only inside encrypted payloads
 * and the ledger's detail, never in an id (domain/identifiers.ts). It must look like an identifier, not a name:
 * no spaces and at least one digit, so "Jane Doe" or "JaneDoe" are refused.
 */
export const PatientRefSchema = z
  .string()
  .regex(/^(?=[^\d]*\d)[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be an identifier with digits (letters, digits, - or _, e.g. mrn-001234), never a patient name');

/** CPT (5 digits, or 4 digits + F/T for categories II/III) or HCPCS Level II (a letter A-V + 4 digits). */
export const ServiceCodeSchema = z
  .string()
  .regex(/^(\d{5}|\d{4}[FT]|[A-V]\d{4})$/, 'must be a CPT or HCPCS code such as 72148 or J1885');

export const ServiceSchema = z
  .object({
    code: ServiceCodeSchema,
    units: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
    scheduledDate: IsoDateSchema,
  })
  .strict();

const ProviderIdSchema = identifierSchema('a provider identifier (NPI or practice id)', '1234567893');

/** What starts a prior-authorization flow (API body, CLI file), with the practice calendar and the actor. */
export const PriorAuthRequestSchema = z
  .object({
    authorizationId: AuthorizationIdSchema,
    patientRef: PatientRefSchema,
    payer: PayerSchema,
    service: ServiceSchema,
    urgency: z.enum(['expedited', 'standard'], { error: 'must be expedited or standard' }),
    orderingProvider: ProviderIdSchema,
    staffEmail: EmailSchema,
    managerEmail: EmailSchema,
    practice: PracticeCalendarSchema,
    startedBy: ActorSchema,
  })
  .strict();
export type PriorAuthRequest = z.infer<typeof PriorAuthRequestSchema>;
export type PriorAuthRequestInput = z.input<typeof PriorAuthRequestSchema>;

export const priorAuthWorkflowId = (authorizationId: string): string => temporalId('prior-auth', { authorizationId });
/**
 * The appeal id a denied authorization hands over to (its n-th appeal): `<authorizationId>-<n>`.
 * Its flow id is the appeals' own appealWorkflowId (domain/appeals/request.ts), the one function
 * that names appeal flows: `appeal-<authorizationId>-<n>`, as live flows already have it.
 */
export const denialAppealId = (authorizationId: string, n = 1): string => `${authorizationId}-${n}`;

const OffsetDateTime = (what: string) =>
  instantSchema('2027-03-12T17:00:00-05:00', what);

// ---- Decisions ---------------------------------------------------------------------------------

export const ApprovedDecisionSchema = z
  .object({
    outcome: z.literal('approved'),
    authorizationNumber: z.string().trim().min(1, 'must not be empty').max(100),
    validFrom: IsoDateSchema,
    validTo: IsoDateSchema,
    units: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
    by: ActorSchema,
    /** When the payer's decision arrived, if earlier than now (never in the future). */
    receivedAt: OffsetDateTime('when the decision arrived').optional(),
  })
  .strict()
  .refine((d) => d.validTo >= d.validFrom, { path: ['validTo'], message: 'must not be before validFrom' });

export const DeniedDecisionSchema = z
  .object({
    outcome: z.literal('denied'),
    /** CMS-0057-F: from 2026 impacted payers must give a specific reason for a denial. */
    reason: z
      .string({ error: 'is required: a denial must state the payer\'s specific reason (CMS-0057-F)' })
      .trim()
      .min(1, 'must not be empty: a denial must state the payer\'s specific reason (CMS-0057-F)')
      .max(2000),
    denialCodes: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,20}$/, 'must be a payer reason code such as CO-197')).max(20).optional(),
    by: ActorSchema,
    receivedAt: OffsetDateTime('when the decision arrived').optional(),
  })
  .strict();

export const PendedDecisionSchema = z
  .object({
    outcome: z.literal('pended'),
    /** What the payer asked for, in the payer's words (kept in the record, never emailed). */
    infoRequested: z.string().trim().min(1, 'must say what the payer requested').max(2000),
    respondBy: IsoDateSchema,
    by: ActorSchema,
    receivedAt: OffsetDateTime('when the request arrived').optional(),
  })
  .strict();

export const RecordDecisionSchema = z.discriminatedUnion('outcome', [ApprovedDecisionSchema, DeniedDecisionSchema, PendedDecisionSchema], {
  error: 'outcome: must be approved, denied or pended',
});
export type RecordDecisionInput = z.input<typeof RecordDecisionSchema>;
export type Decision = z.infer<typeof RecordDecisionSchema>;

export const ServiceRenderedSchema = z
  .object({
    on: IsoDateSchema,
    unitsUsed: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
    by: ActorSchema,
  })
  .strict();
export type ServiceRenderedInput = z.infer<typeof ServiceRenderedSchema>;

export const DENIAL_PATHS = ['peer_to_peer', 'appeal', 'accept'] as const;
export const ChooseDenialPathSchema = z
  .object({
    path: z.enum(DENIAL_PATHS, { error: `must be one of ${DENIAL_PATHS.join(', ')}` }),
    by: ActorSchema,
    note: z.string().max(2000).optional(),
  })
  .strict();
export type ChooseDenialPathInput = z.infer<typeof ChooseDenialPathSchema>;

// ---- Planning ----------------------------------------------------------------------------------

export const PRACTICE_POLICY_SUBMISSION = 'Practice policy: submit expedited requests the next business day and standard requests at least 5 business days before the service (within 3 business days of the order)';

export interface SubmissionTarget {
  date: IsoDate;
  rule: string;
}

/**
 * When the request should reach the payer. Expedited: the next business day (the payer's 72-hour
 * clock only starts on receipt, so every day of delay is the patient's). Standard: 5 business
 * days before the service, so a 7-day payer clock (CMS-0057-F) can finish before it, and at the
 * latest 3 business days after the order; never before today.
 */
export function submissionTarget(request: Pick<PriorAuthRequest, 'urgency' | 'service'>, today: IsoDate, calendar: BusinessCalendar): SubmissionTarget {
  if (request.urgency === 'expedited') {
    return { date: calendar.addBusinessDays(today, 1), rule: `${PRACTICE_POLICY_SUBMISSION}; payer expedited clock 72 hours from receipt (42 CFR 422.572(a); CMS-0057-F)` };
  }
  const beforeService = calendar.addBusinessDays(request.service.scheduledDate, -5);
  const fromOrder = calendar.addBusinessDays(today, 3);
  const earliest = beforeService < fromOrder ? beforeService : fromOrder;
  return {
    date: earliest < today ? today : earliest,
    rule: `${PRACTICE_POLICY_SUBMISSION}; payer standard clock up to 7 calendar days (CMS-0057-F, 42 CFR 422.568(b)(1))`,
  };
}

/** The staff tasks before submission: eligibility and documentation, both due by the submission target. */
export function prePlanTasks(request: PriorAuthRequest, target: SubmissionTarget): TaskSpec[] {
  const assignee = { email: request.staffEmail, label: 'prior-authorization staff' };
  return [
    {
      key: 'eligibility_check',
      title: `Verify eligibility and PA requirement: ${request.authorizationId} (CPT/HCPCS ${request.service.code})`,
      assignee,
      due: { date: target.date },
      rule: { citation: target.rule, summary: 'payer requirement: coverage and prior-authorization requirement confirmed before submission (eligibility inquiry, X12 270/271, or the payer portal)' },
      required: true,
    },
    {
      key: 'documentation',
      title: `Gather clinical documentation: ${request.authorizationId} (CPT/HCPCS ${request.service.code})`,
      assignee,
      due: { date: target.date },
      rule: { citation: target.rule, summary: 'payer requirement: documentation supporting medical necessity attached to the request' },
      required: true,
    },
  ];
}
