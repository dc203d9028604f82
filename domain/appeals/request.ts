// What starts a claim appeal (DOMAIN.md §4) and what the practice sends it while it runs. Inputs
// carry identifiers only: a patient is a reference (patientRef), never a name. The schemas are the
// single source of the input types for the API, the CLI, the prior-authorization flow that starts
// appeals as children, and the claimAppealFlow workflow.
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar';
import { IsoDateSchema, type IsoDate, instantSchema } from '../calendar/iso-date';
import type { FieldProblem } from '../errors';
import { PayerSchema, type Payer } from '../payers/payer';
import { PracticeCalendarSchema } from '../practice/calendar-settings';
import { ActorSchema, EmailSchema } from '../tasks/model';
import { DenialCodeSchema } from './denial-codes';
import { APPEAL_LEVELS, APPEAL_RULES, appealPlan, type AppealLevel, type AppealPlan } from './filing';
import { identifierSchema, temporalId } from '../identifiers';

/** An identifier from the practice's systems (appeal, claim, patient reference): never a name. */
export const AppealIdentifierSchema = identifierSchema('an appeal identifier', 'A-1042');

export { CLAIM_ADJUSTMENT_GROUPS, DenialCodeSchema } from './denial-codes';

const MoneySchema = z.number().min(0, 'must not be negative').max(100_000_000, 'must be at most 100,000,000');

export const AppealLevelSchema = z.enum(APPEAL_LEVELS, { error: `must be one of ${APPEAL_LEVELS.join(', ')}` });

export const AppealRequestSchema = z
  .object({
    appealId: AppealIdentifierSchema,
    claimId: AppealIdentifierSchema,
    /** The practice's reference for the patient (never a name; kept out of email). */
    patientRef: AppealIdentifierSchema,
    payer: PayerSchema,
    dateOfService: IsoDateSchema,
    /** Date on the denial (initial determination) notice. */
    noticeDate: IsoDateSchema,
    /** When the notice actually arrived, if known and provable; otherwise receipt is presumed. */
    receivedDate: IsoDateSchema.optional(),
    /** CARC/RARC codes of a claim denial; a pre-service (prior-authorization) denial may have none. */
    denialCodes: z.array(DenialCodeSchema).max(20),
    billedAmount: MoneySchema,
    deniedAmount: MoneySchema,
    /** The level to file; defaults to the first level for the payer type. */
    level: AppealLevelSchema.optional(),
    /** The prior-authorization flow this denial belongs to, when there is one. */
    priorAuthorizationId: AppealIdentifierSchema.optional(),
    staffEmail: EmailSchema,
    managerEmail: EmailSchema,
    calendar: PracticeCalendarSchema.strict(),
    startedBy: ActorSchema,
    /** The practice's own letter template ({{placeholders}}, see domain/appeals/letter.ts). */
    letterTemplate: z.string().trim().min(20, 'must be a letter template of at least 20 characters').max(20_000).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.deniedAmount > r.billedAmount) ctx.addIssue({ code: 'custom', path: ['deniedAmount'], message: 'must not exceed billedAmount' });
    // A claim is denied after the service; a prior authorization is denied before it.
    const preService = r.priorAuthorizationId !== undefined;
    if (!preService && r.denialCodes.length === 0) ctx.addIssue({ code: 'custom', path: ['denialCodes'], message: 'must list the denial codes (CARC/RARC)' });
    if (!preService && r.noticeDate < r.dateOfService) ctx.addIssue({ code: 'custom', path: ['noticeDate'], message: 'must not be before dateOfService' });
    if (r.receivedDate && r.receivedDate < r.noticeDate) ctx.addIssue({ code: 'custom', path: ['receivedDate'], message: 'must not be before noticeDate' });
  });
export type AppealRequest = z.infer<typeof AppealRequestSchema>;
export type AppealRequestInput = z.input<typeof AppealRequestSchema>;

export const appealWorkflowId = (appealId: string): string => temporalId('appeal', { appealId });

/** The first appeal level of a payer type (Medicare FFS: redetermination). */
export function firstAppealLevel(payer: Payer): AppealLevel {
  const rule = APPEAL_RULES.find((r) => r.payerTypes.includes(payer.type));
  if (!rule) throw new RangeError(`payer.type: no appeal rules for ${payer.type}`);
  return rule.level;
}

export type AppealablePlan = Extract<AppealPlan, { appealable: true }>;

/**
 * The filing plan of one level, or the problems that make it not appealable: CO-29 denials, a
 * level the payer type does not have, an ALJ request below that year's amount in controversy.
 */
export function planAppealLevel(
  facts: { payer: Payer; level: AppealLevel; noticeDate: IsoDate; receivedDate?: IsoDate; dateOfService?: IsoDate; denialCodes?: string[]; amountInControversy: number },
  calendar: BusinessCalendar,
): { ok: true; plan: AppealablePlan } | { ok: false; problems: FieldProblem[] } {
  let plan: AppealPlan;
  try {
    plan = appealPlan(
      {
        payer: facts.payer,
        level: facts.level,
        noticeDate: facts.noticeDate,
        receivedDate: facts.receivedDate,
        dateOfService: facts.dateOfService,
        denialCodes: facts.denialCodes,
        amountInControversy: facts.amountInControversy,
      },
      calendar,
    );
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { ok: false, problems: [{ path: 'level', message: err.message.replace(/^level: /, '') }] };
  }
  if (!plan.appealable) {
    return { ok: false, problems: [{ path: 'denialCodes', message: `not appealable: ${plan.reason} (${plan.rule})` }] };
  }
  const aic = plan.amountInControversy;
  if (aic && aic.meets === false) {
    return {
      ok: false,
      problems: [
        {
          path: 'deniedAmount',
          message: `not appealable at the ${plan.level} level: the amount in controversy $${facts.amountInControversy} is below the ${aic.year} threshold of $${aic.required} (${aic.rule})`,
        },
      ],
    };
  }
  return { ok: true, plan };
}

/** Proof of submission, recorded with the submit_appeal task (it wins timely-filing disputes). */
export const SUBMISSION_CHANNELS = ['portal', 'fax', 'mail', 'edi', 'email', 'in_person'] as const;
export const SubmissionProofSchema = z.object({
  confirmationNumber: z.string().trim().min(1, 'is required: the payer’s confirmation, tracking or fax receipt number').max(200),
  channel: z.enum(SUBMISSION_CHANNELS, { error: `must be one of ${SUBMISSION_CHANNELS.join(', ')}` }),
  submittedAt: instantSchema().optional(),
});
export type SubmissionProof = z.infer<typeof SubmissionProofSchema>;

export const APPEAL_OUTCOMES = ['won', 'partially_won', 'lost'] as const;

/** The payer's decision on the current level. */
export const AppealDecisionSchema = z.discriminatedUnion(
  'outcome',
  [
    z.object({ outcome: z.literal('won'), amountRecovered: MoneySchema, by: ActorSchema, note: z.string().max(2000).optional() }).strict(),
    z
      .object({
        outcome: z.literal('partially_won'),
        amountRecovered: MoneySchema,
        by: ActorSchema,
        /** With the notice date, the unrecovered rest goes to the next level; without it the appeal ends. */
        noticeDate: IsoDateSchema.optional(),
        receivedDate: IsoDateSchema.optional(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    z
      .object({
        outcome: z.literal('lost'),
        /** Date on the decision notice: the next level's window counts from it. */
        noticeDate: IsoDateSchema,
        receivedDate: IsoDateSchema.optional(),
        by: ActorSchema,
        note: z.string().max(2000).optional(),
      })
      .strict(),
  ],
  { error: `outcome: must be one of ${APPEAL_OUTCOMES.join(', ')}` },
);
export type AppealDecisionInput = z.infer<typeof AppealDecisionSchema>;

export const CloseAppealSchema = z
  .object({
    by: ActorSchema,
    reason: z.string().trim().min(3, 'must say why the appeal is closed').max(2000),
  })
  .strict();
export type CloseAppealInput = z.infer<typeof CloseAppealSchema>;
