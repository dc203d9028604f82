// What the service accepts and returns, as zod schemas: the bodies are the domain's own schemas
// (the same ones the workflows validate with), narrowed where the URL carries a field and made
// strict, so a misspelt field (`late_reason`) is an error instead of being silently ignored.
// The result schemas describe the service's values for the OpenAPI document; the compile-time
// checks at the bottom keep them equal to the domain's TypeScript types.
import { z } from 'zod';
import { ChangeStartDateSchema, HepBReversalSchema, OnboardingRequestSchema } from '../domain/onboarding';
import { CredentialChangeSchema, credentialPlan, CredentialSchema, CredentialTypeSchema, RenewalSchema, RetireSchema } from '../domain/credentialing';
import {
  AddTaskSchema,
  CancelFlowSchema,
  ChangeDueSchema,
  CompleteTaskSchema,
  DueSchema,
  RuleRefSchema,
  type FlowView,
  type TaskView,
} from '../domain/tasks/model';
import type { CredentialView } from '../workflows/credential/definitions';
import { AppealPlanInputSchema, APPEAL_LEVELS } from '../domain/appeals/filing';
import { TimelyFilingInputSchema } from '../domain/appeals/timely-filing';
import { AppealDecisionSchema, AppealRequestSchema, CloseAppealSchema, SubmissionProofSchema } from '../domain/appeals/request';
import { IsoDateSchema } from '../domain/calendar/iso-date';
import { PayerSchema } from '../domain/payers/payer';
import { PriorAuthClockInputSchema } from '../domain/prior-auth/clock';
import { ChooseDenialPathSchema, PriorAuthRequestSchema, RecordDecisionSchema, ServiceRenderedSchema } from '../domain/prior-auth/request';
import { RecordSubmissionSchema } from '../domain/prior-auth/submitter';
import { ActorSchema } from '../domain/tasks/model';

// ---- Inputs ------------------------------------------------------------------------------------

export const StartOnboardingBodySchema = OnboardingRequestSchema;
/** The task key comes from the URL. */
export const CompleteTaskBodySchema = CompleteTaskSchema.omit({ taskKey: true }).strict();
export const ChangeDueBodySchema = ChangeDueSchema.omit({ taskKey: true }).strict();
export const AddTaskBodySchema = AddTaskSchema.strict();
export const CancelFlowBodySchema = CancelFlowSchema.strict();
export const ChangeStartDateBodySchema = ChangeStartDateSchema.strict();
/** The hepatitis B declination reversal (29 CFR 1910.1030(f)(2)(iv)), as the workflow validates it. */
export const HepBReversalBodySchema = HepBReversalSchema;

export const FLOW_STATUSES = ['running', 'completed', 'cancelled'] as const;
export const FlowStatusSchema = z.enum(FLOW_STATUSES, { error: `must be one of ${FLOW_STATUSES.join(', ')}` });

export const ListFlowsQuerySchema = z
  .object({
    /** Flow type, e.g. onboarding. */
    type: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a flow type such as onboarding').optional(),
    status: FlowStatusSchema.optional(),
    /** The identifier a flow is about (hire id, provider id). */
    subject: z.string().min(1).max(200).optional(),
    /** Words to find in the flow id, subject or title (case-insensitive; every word must match). */
    search: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(100),
  })
  .strict();
export type ListFlowsQuery = z.input<typeof ListFlowsQuerySchema>;

/** Any workflow id PracticeFlow creates: letters, digits and - _ . : (bounded). */
export const FlowIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/, 'must be a flow id such as onboarding-h-1042');

// ---- Results -----------------------------------------------------------------------------------

export const PlanViewSchema = z.object({
  tasks: z.array(z.object({ key: z.string(), title: z.string(), dueDate: z.string(), rule: z.string(), assignee: z.string() })),
});
export type PlanView = z.infer<typeof PlanViewSchema>;

export const StartResultSchema = z.object({ flowId: z.string(), plan: PlanViewSchema });
export type StartResult = z.infer<typeof StartResultSchema>;

export const FlowSummarySchema = z.object({
  flowId: z.string(),
  flowType: z.string(),
  subjectId: z.string(),
  title: z.string(),
  status: FlowStatusSchema,
  startedAt: z.string(),
  startedBy: z.string(),
  closedAt: z.string().nullable(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

export const FlowListSchema = z.object({ flows: z.array(FlowSummarySchema) });
export type FlowList = z.infer<typeof FlowListSchema>;

const TaskCompletionSchema = z.object({
  by: z.string(),
  at: z.string(),
  recordedAt: z.string(),
  note: z.string().optional(),
  lateReason: z.string().optional(),
  outcome: z.string().optional(),
  evidence: z.record(z.string(), z.string()).optional(),
  late: z.boolean(),
});

export const TaskViewSchema = z.object({
  key: z.string(),
  title: z.string(),
  assignee: z.object({ email: z.string(), label: z.string().optional() }),
  due: DueSchema,
  dueDate: z.string(),
  rule: RuleRefSchema.optional(),
  required: z.boolean(),
  outcomes: z.array(z.string()).optional(),
  status: z.enum(['open', 'completed', 'cancelled']),
  overdue: z.boolean(),
  completion: TaskCompletionSchema.optional(),
  nextNotice: z.object({ key: z.string(), kind: z.string(), at: z.string() }).optional(),
});

export const FlowViewSchema = z.object({
  flowId: z.string(),
  flowType: z.string(),
  title: z.string(),
  status: FlowStatusSchema,
  timeZone: z.string(),
  managerEmail: z.string(),
  startedAt: z.string(),
  startedBy: z.string(),
  cancelled: z.object({ by: z.string(), reason: z.string(), at: z.string() }).optional(),
  completedAt: z.string().optional(),
  tasks: z.array(TaskViewSchema),
});

export const HistoryEntrySchema = z.object({
  seq: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  task: z.string().nullable(),
  rule: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const FlowDetailSchema = FlowViewSchema.extend({
  subjectId: z.string().nullable(),
  /** temporal: the live checklist; ledger: rebuilt from the audit ledger (Temporal no longer has it). */
  source: z.enum(['temporal', 'ledger']),
  /** Why the ledger was used, when it was. */
  notice: z.string().optional(),
  /** The flow's most recent audit entries, oldest first. */
  history: z.array(HistoryEntrySchema),
});
export type FlowDetail = z.infer<typeof FlowDetailSchema>;

export const HealthSchema = z.object({
  ok: z.boolean(),
  temporal: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unavailable']),
});
export type Health = z.infer<typeof HealthSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    type: z.enum(['ValidationError', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'TooManyRequests', 'Unavailable', 'Internal']),
    message: z.string(),
    problems: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

// The result schemas above must describe exactly what the domain returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTaskView: Same<z.infer<typeof TaskViewSchema>, TaskView> = true;
const sameFlowView: Same<z.infer<typeof FlowViewSchema>, FlowView> = true;
void sameTaskView;
void sameFlowView;

// ---- Credentials -------------------------------------------------------------------------------
// Bodies are the credentialing domain's own schemas (the ones the credential workflow validates
// its input and Updates with), made strict.

export const CREDENTIAL_STATUSES = ['active', 'lapsed', 'new_application_required', 'retired'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];
export const CredentialStatusSchema = z.enum(CREDENTIAL_STATUSES, { error: `must be one of ${CREDENTIAL_STATUSES.join(', ')}` });

/** A new credential: the domain's CredentialSchema (already strict). */
export const AddCredentialBodySchema = CredentialSchema;
export const RenewCredentialBodySchema = RenewalSchema.strict();
export const ChangeCredentialBodySchema = CredentialChangeSchema.strict();
export const RetireCredentialBodySchema = RetireSchema.strict();
export const CredentialIdSchema = CredentialSchema.shape.credentialId;

/** `active,lapsed`: one status or several, comma-separated. */
const StatusListSchema = z.string().transform((value, ctx) => {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => !(CREDENTIAL_STATUSES as readonly string[]).includes(p));
  if (parts.length === 0 || bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must be one or more of ${CREDENTIAL_STATUSES.join(', ')} (comma-separated)${bad.length > 0 ? `, not ${bad.map((b) => `"${b}"`).join(', ')}` : ''}` });
    return z.NEVER;
  }
  return [...new Set(parts)] as CredentialStatus[];
});

export const ListCredentialsQuerySchema = z
  .object({
    /** Due between today and today + N days (the practice's time zone); lapsed ones too when `status` names them. */
    expiringWithinDays: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').max(3650).optional(),
    providerId: CredentialSchema.shape.providerId.optional(),
    type: CredentialTypeSchema.optional(),
    /** One or more of active, lapsed, new_application_required, retired (comma-separated). Default: all but retired. */
    status: StatusListSchema.optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(100),
  })
  .strict();
export type ListCredentialsQuery = z.input<typeof ListCredentialsQuerySchema>;

export const CredentialFlagsQuerySchema = z.object({ providerId: CredentialSchema.shape.providerId.optional() }).strict();

/** CSV import as JSON; the route also takes the file itself as `text/csv`. */
export const ImportCredentialsBodySchema = z.object({ csv: z.string() }).strict();

export const CredentialPlanSchema = z.object({
  credential: z.object({
    credentialId: z.string(),
    providerId: z.string(),
    type: CredentialTypeSchema,
    jurisdiction: z.string().optional(),
    issuer: z.string().optional(),
  }),
  dueDate: z.string(),
  /** Reminder dates (business days), the due-date notice last. */
  reminders: z.array(z.string()),
  /** The day the credential counts as lapsed. */
  lapsesOn: z.string(),
  /** Last day a renewal still restores a lapsed credential. */
  graceEndsOn: z.string().optional(),
  /** Earliest day a renewal may be filed (DEA: 60 days before expiry). */
  renewalOpensOn: z.string().optional(),
  rule: z.string(),
});
export type CredentialPlan = z.infer<typeof CredentialPlanSchema>;

const OnboardingLinkSchema = z.object({
  flowId: z.string(),
  taskKey: z.literal('credentialing'),
  /** Whether the onboarding's credentialing task was completed by this add (else see `warnings`). */
  completed: z.boolean(),
});

export const AddCredentialResultSchema = z.object({
  credentialId: z.string(),
  flowId: z.string(),
  plan: CredentialPlanSchema,
  /** The provider's onboarding, when its credentialing task was open. */
  onboarding: OnboardingLinkSchema.optional(),
  /** What did not work out beside the credential itself (it was added all the same). */
  warnings: z.array(z.string()),
});
export type AddCredentialResult = z.infer<typeof AddCredentialResultSchema>;

const LapseFlagSchema = z.object({ flag: z.string(), description: z.string() });

export const CredentialViewSchema = z.object({
  credential: CredentialSchema,
  status: CredentialStatusSchema,
  cycle: z.number(),
  /** Lapse consequences in force (none while active or retired). */
  flags: z.array(LapseFlagSchema),
  rule: z.string(),
  nextNotice: z.object({ key: z.string(), at: z.string() }).optional(),
});

export const CredentialDetailSchema = CredentialViewSchema.extend({
  flowId: z.string(),
  lapsesOn: z.string(),
  graceEndsOn: z.string().optional(),
  renewalOpensOn: z.string().optional(),
  /** temporal: the live credential flow; table: the credential table (Temporal no longer has or cannot reach the flow). */
  source: z.enum(['temporal', 'table']),
  notice: z.string().optional(),
  /** The credential's most recent audit entries, oldest first. */
  history: z.array(HistoryEntrySchema),
});
export type CredentialDetail = z.infer<typeof CredentialDetailSchema>;

export const CredentialSummarySchema = z.object({
  credentialId: z.string(),
  providerId: z.string(),
  type: z.string(),
  issuer: z.string().nullable(),
  jurisdiction: z.string().nullable(),
  number: z.string().nullable(),
  issueDate: z.string().nullable(),
  dueDate: z.string(),
  /** Days from today (practice time zone) to the due date; negative once past. */
  daysUntilDue: z.number(),
  status: CredentialStatusSchema,
  flags: z.array(z.string()),
  evidence: z.string().nullable(),
  providerEmail: z.string(),
  ownerEmail: z.string(),
  managerEmail: z.string(),
  flowId: z.string(),
  cycle: z.number(),
  updatedAt: z.string(),
});
export type CredentialSummary = z.infer<typeof CredentialSummarySchema>;

export const CredentialListSchema = z.object({
  /** Today in the practice's time zone, from which `expiringWithinDays` and `daysUntilDue` count. */
  today: z.string(),
  timeZone: z.string(),
  credentials: z.array(CredentialSummarySchema),
});
export type CredentialList = z.infer<typeof CredentialListSchema>;

export const CredentialFlagListSchema = z.object({
  flags: z.array(
    LapseFlagSchema.extend({
      providerId: z.string(),
      credentialId: z.string(),
      type: z.string(),
      status: CredentialStatusSchema,
      dueDate: z.string(),
      /** The day the lapse began. */
      since: z.string(),
    }),
  ),
});
export type CredentialFlagList = z.infer<typeof CredentialFlagListSchema>;

export const ImportRejectionSchema = z.object({
  /** Row number as a spreadsheet shows it (the header is row 1). */
  row: z.number(),
  field: z.string(),
  message: z.string(),
});
export type ImportRejection = z.infer<typeof ImportRejectionSchema>;

export const ImportResultSchema = z.object({
  /** Whether the file was applied; false when any row was rejected (then nothing was imported). */
  applied: z.boolean(),
  message: z.string(),
  /** Credential rows read (the header and blank rows not counted). */
  rows: z.number(),
  /** New credentials started. */
  imported: z.number(),
  /** Existing credentials changed through the changeCredential Update (audited, reason "CSV import"). */
  changed: z.number(),
  unchanged: z.number(),
  rejected: z.array(ImportRejectionSchema),
  /** Rows that were valid but could not be applied (e.g. Temporal stopped answering); importing the file again is safe. */
  failed: z.array(z.object({ row: z.number(), credentialId: z.string(), message: z.string() })),
  /** Per row, what happened. */
  results: z.array(z.object({ row: z.number(), credentialId: z.string(), outcome: z.enum(['imported', 'changed', 'unchanged', 'failed']), changes: z.array(z.string()).optional() })),
  warnings: z.array(z.string()),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

// The planner's result has `graceEndsOn: undefined` where JSON has no key: it must fit the schema.
type Fits<A, B> = [A] extends [B] ? true : false;
const samePlan: Fits<ReturnType<typeof credentialPlan>, CredentialPlan> = true;
const sameCredentialView: Same<z.infer<typeof CredentialViewSchema>, CredentialView> = true;
void samePlan;
void sameCredentialView;

// ---- Prior authorizations ----------------------------------------------------------------------
// Bodies are the prior-authorization domain's schemas (the ones priorAuthFlow validates with). The
// practice calendar comes from the configured profile and `startedBy` from the actor header.

/** The payer's decision clock for a submission: `{ payer, urgency, submittedAt }`. */
export const PriorAuthPlanBodySchema = PriorAuthClockInputSchema;
export const PriorAuthPlanSchema = z.object({
  /** ISO 8601 with the practice's offset: exact for hour clocks, 23:59:59 on the due day for day clocks. */
  decisionDueAt: z.string(),
  decisionDueDate: z.string(),
  rule: z.string(),
  amount: z.number(),
  unit: z.enum(['hours', 'calendar_days', 'business_days']),
  timeZone: z.string(),
});
export type PriorAuthPlan = z.infer<typeof PriorAuthPlanSchema>;

export const StartPriorAuthBodySchema = PriorAuthRequestSchema.omit({ practice: true, startedBy: true }).strict();
export const AuthorizationIdParamSchema = PriorAuthRequestSchema.shape.authorizationId;
export const RecordSubmissionBodySchema = RecordSubmissionSchema;
export const RecordDecisionBodySchema = RecordDecisionSchema;
export const ServiceRenderedBodySchema = ServiceRenderedSchema;
export const ChooseDenialPathBodySchema = ChooseDenialPathSchema;

export const StartPriorAuthResultSchema = z.object({
  flowId: z.string(),
  authorizationId: z.string(),
  /** When staff should submit to the payer (practice policy), with the rule. */
  submissionTarget: z.object({ date: z.string(), rule: z.string() }),
});
export type StartPriorAuthResult = z.infer<typeof StartPriorAuthResultSchema>;

export const ListByStatusQuerySchema = z
  .object({
    status: FlowStatusSchema.optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(100),
  })
  .strict();

/** The authorization as the priorAuth query returns it (PriorAuthView), or rebuilt from the ledger. */
export const PriorAuthDetailSchema = z.looseObject({
  flowId: z.string(),
  authorizationId: z.string(),
  flowStatus: FlowStatusSchema,
  /** awaiting_submission, submitted, pended, approved, denied, peer_to_peer, appeal_requested, denial_accepted, closed */
  status: z.string(),
  /** temporal: the live flow; ledger: rebuilt from the audit ledger (Temporal no longer has or cannot reach the flow). */
  source: z.enum(['temporal', 'ledger']),
  notice: z.string().optional(),
  history: z.array(HistoryEntrySchema),
});
export type PriorAuthDetail = z.infer<typeof PriorAuthDetailSchema>;
/** An Update's answer: the authorization's new state (PriorAuthView). */
export const PriorAuthViewSchema = z.looseObject({ flowId: z.string(), authorizationId: z.string(), flowStatus: FlowStatusSchema, status: z.string() });

// ---- Appeals -----------------------------------------------------------------------------------

/** `{ payer, level, noticeDate, receivedDate?, dateOfService?, amountInControversy?, denialCodes?, filingDate? }` */
/** As the domain's input, but `level` may be left out: the payer type's first level, as a start files. */
export const AppealPlanBodySchema = AppealPlanInputSchema.extend({ level: AppealPlanInputSchema.shape.level.optional() });
export const AppealPlanResultSchema = z.looseObject({
  appealable: z.boolean(),
  level: z.enum(APPEAL_LEVELS),
  rule: z.string(),
  filingDeadline: z.string().optional(),
  /** Why the denial cannot be appealed (appealable false). */
  reason: z.string().optional(),
});
export type AppealPlanResult = z.infer<typeof AppealPlanResultSchema>;

/** `{ dateOfService, submittedAt? }`: Medicare FFS timely filing of a claim (42 CFR 424.44). */
export const TimelyFilingBodySchema = TimelyFilingInputSchema;
export const TimelyFilingPlanResultSchema = z.object({
  dateOfService: z.string(),
  filingDeadline: z.string(),
  legalLastDay: z.string(),
  rule: z.string(),
  /** The receipt date Medicare assigns a claim submitted at `submittedAt` (6 p.m. Eastern cutoff). */
  receivedOn: z.string().optional(),
  timely: z.boolean().optional(),
});
export type TimelyFilingPlanResult = z.infer<typeof TimelyFilingPlanResultSchema>;

/** The domain's AppealRequestSchema without the calendar (configured) and startedBy (the actor header). */
export const StartAppealBodySchema = z.object(AppealRequestSchema.shape).omit({ calendar: true, startedBy: true }).strict();
export const AppealIdParamSchema = AppealRequestSchema.shape.appealId;
/** Completes submit_appeal with the proof of submission. */
export const SubmitAppealBodySchema = SubmissionProofSchema.extend({
  by: ActorSchema,
  note: z.string().max(2000).optional(),
  lateReason: z.string().trim().min(3, 'must say why the task was late').max(2000).optional(),
}).strict();
export const AppealDecisionBodySchema = AppealDecisionSchema;
export const CloseAppealBodySchema = CloseAppealSchema;

export const StartAppealResultSchema = z.object({ flowId: z.string(), appealId: z.string(), plan: AppealPlanResultSchema });
export type StartAppealResult = z.infer<typeof StartAppealResultSchema>;

export const AppealDetailSchema = z.looseObject({
  workflowId: z.string(),
  appealId: z.string(),
  status: FlowStatusSchema,
  source: z.enum(['temporal', 'ledger']),
  notice: z.string().optional(),
  history: z.array(HistoryEntrySchema),
});
export type AppealDetail = z.infer<typeof AppealDetailSchema>;
export const AppealViewSchema = z.looseObject({ workflowId: z.string(), appealId: z.string(), status: FlowStatusSchema, level: z.enum(APPEAL_LEVELS) });

// ---- Worklists and reports ---------------------------------------------------------------------

export const WorklistQuerySchema = z.object({ limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(200) }).strict();

export const AppealWorkItemSchema = z.object({
  flowId: z.string(),
  appealId: z.string(),
  claimId: z.string().nullable(),
  title: z.string(),
  payer: PayerSchema.nullable(),
  level: z.string().nullable(),
  /** filing: not yet submitted (ordered by the filing deadline); awaiting_decision: submitted (by the payer's decision due date). */
  stage: z.enum(['filing', 'awaiting_decision']),
  filingDeadline: z.string().nullable(),
  /** Days from today (practice time zone) to the filing deadline; negative once past. */
  daysLeft: z.number().nullable(),
  submittedAt: z.string().nullable(),
  decisionDue: z.string().nullable(),
  /** The date this item is ordered by: the filing deadline, or the decision due date once submitted. */
  dueDate: z.string().nullable(),
  daysUntilDue: z.number().nullable(),
  overdue: z.boolean(),
});
export const AppealWorklistSchema = z.object({ today: z.string(), timeZone: z.string(), items: z.array(AppealWorkItemSchema) });
export type AppealWorklist = z.infer<typeof AppealWorklistSchema>;
export type AppealWorkItem = z.infer<typeof AppealWorkItemSchema>;

export const PriorAuthWorkItemSchema = z.object({
  flowId: z.string(),
  authorizationId: z.string(),
  title: z.string(),
  payer: PayerSchema.nullable(),
  urgency: z.string().nullable(),
  /** submitted: the payer's clock runs; peer_to_peer: the payer's new decision after a peer-to-peer review is awaited. */
  status: z.enum(['submitted', 'peer_to_peer']),
  submission: z.number().nullable(),
  submittedAt: z.string().nullable(),
  confirmationNumber: z.string().nullable(),
  decisionDueAt: z.string().nullable(),
  decisionDueDate: z.string().nullable(),
  rule: z.string().nullable(),
  /** Hours until the payer's clock runs out; negative once past. */
  hoursLeft: z.number().nullable(),
  /** The payer has missed its decision clock. */
  pastClock: z.boolean(),
});
export const PriorAuthWorklistSchema = z.object({ now: z.string(), timeZone: z.string(), items: z.array(PriorAuthWorkItemSchema) });
export type PriorAuthWorklist = z.infer<typeof PriorAuthWorklistSchema>;
export type PriorAuthWorkItem = z.infer<typeof PriorAuthWorkItemSchema>;

export const PriorAuthMetricsQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .strict()
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' });

export const PriorAuthMetricsSchema = z.object({
  /** First submissions recorded in the period. */
  requests: z.number(),
  /** Payer decisions recorded in the period (approved + denied + pended). */
  decisions: z.number(),
  approved: z.number(),
  denied: z.number(),
  pended: z.number(),
  /** approved / decisions, 0..1 (null without decisions). */
  approvalRate: z.number().nullable(),
  denialRate: z.number().nullable(),
  /** Hours from the submission to the payer's approval or denial (pended requests are not determinations). */
  averageDecisionHours: z.number().nullable(),
  medianDecisionHours: z.number().nullable(),
  /** Approvals and denials received after the payer's decision clock ran out. */
  decidedAfterClock: z.number(),
});
export type PriorAuthMetrics = z.infer<typeof PriorAuthMetricsSchema>;
export const PriorAuthMetricsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  overall: PriorAuthMetricsSchema,
  payers: z.array(PriorAuthMetricsSchema.extend({ payer: PayerSchema, key: z.string() })),
});
export type PriorAuthMetricsReport = z.infer<typeof PriorAuthMetricsReportSchema>;
