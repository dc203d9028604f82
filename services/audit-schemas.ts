// The auditor's API: query and body schemas (validated before anything is read) and the result
// schemas the OpenAPI document is generated from.
import { z } from 'zod';
import { IsoDateSchema } from '../domain/calendar/iso-date';
import { ActorSchema } from '../domain/tasks/model';
import { FlowStatusSchema, FlowSummarySchema } from './schemas';

/** Who reads the audit record (X-PracticeFlow-Actor / --as), until sign-in exists. */
export const AuditActorSchema = ActorSchema;

const FlowTypeSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a flow type such as onboarding');
const Limit = (max: number, dflt: number) => z.coerce.number().int('must be a whole number').min(1).max(max).default(dflt);
const period = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ from: IsoDateSchema, to: IsoDateSchema, ...shape })
    .strict()
    .refine((q) => (q as { to: string }).to >= (q as { from: string }).from, { path: ['to'], message: 'must not be before from' });
const optionalPeriod = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ from: IsoDateSchema.optional(), to: IsoDateSchema.optional(), ...shape })
    .strict()
    .refine((q) => {
      const { from, to } = q as { from?: string; to?: string };
      return !from || !to || to >= from;
    }, { path: ['to'], message: 'must not be before from' });

export const AuditLateQuerySchema = period({});
export const AuditCompletionsQuerySchema = optionalPeriod({ by: ActorSchema, limit: Limit(5000, 1000) });
export const AuditFlowsQuerySchema = period({ type: FlowTypeSchema.optional(), status: FlowStatusSchema.optional(), limit: Limit(5000, 1000) });
export const AuditOverdueQuerySchema = z.object({ limit: Limit(5000, 1000) }).strict();
export const AuditAccessQuerySchema = optionalPeriod({ flowId: z.string().min(1).max(200).optional(), by: ActorSchema.optional(), limit: Limit(5000, 500) });

export const EXPORT_FORMATS = ['json', 'csv', 'html'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` });
export const FlowExportQuerySchema = z.object({ format: ExportFormatSchema.default('json') }).strict();
export const PersonExportQuerySchema = optionalPeriod({ format: ExportFormatSchema.default('json') });
export const PeriodExportQuerySchema = period({ format: ExportFormatSchema.default('json') });

export const VerifyExportBodySchema = z.object({ content: z.string().min(1, 'must be the text of a JSON or CSV audit export') }).strict();

/** A ledger seq as an export carries it: digits, below PostgreSQL's bigint (so the lookup cannot overflow). */
const ExportedSeqSchema = z.string().regex(/^\d{1,18}$/, 'must be a ledger sequence number (digits)');
const ExportedInstantSchema = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 instant');
const nullableText = z.string().nullable();
/**
 * What verify-export reads of an export handed back (the JSON document or the CSV file, parsed):
 * each entry's hashed fields and the chain head, shaped so that its hash can be recomputed and the
 * entry looked up. A file edited into another shape is a 400 naming the field (`content.entries.3.seq`),
 * not a 500; an edit that keeps the shape is what verification itself reports (export_edited).
 */
export const ParsedExportSchema = z.object({
  entries: z.array(
    z.looseObject({
      seq: ExportedSeqSchema,
      businessKey: z.string(),
      occurredAt: ExportedInstantSchema,
      recordedAt: ExportedInstantSchema,
      actor: z.string(),
      action: z.string(),
      flowType: nullableText,
      workflowId: nullableText,
      runId: nullableText,
      taskKey: nullableText,
      rule: nullableText,
      detail: z.unknown(),
      prevHash: z.string(),
      hash: z.string(),
      purgedBy: ExportedSeqSchema.nullable(),
    }),
  ),
  headSeq: ExportedSeqSchema.nullable(),
  headHash: nullableText,
});
export const PurgeBodySchema = z.object({ dryRun: z.boolean().default(true), reason: z.string().trim().min(3).max(500).optional() }).strict();
export const SeparationBodySchema = z
  .object({
    /** The person's id as flows name them (the hire id). */
    subjectId: z.string().trim().min(1).max(200),
    separatedOn: IsoDateSchema,
    note: z.string().max(2000).optional(),
  })
  .strict();

// ---- Results -----------------------------------------------------------------------------------

const ChainVerdictSchema = z.looseObject({ ok: z.boolean(), entries: z.number() });
export const AuditVerifyResultSchema = ChainVerdictSchema;

export const TimelineLineSchema = z.object({
  seq: z.string(),
  at: z.string(),
  local: z.string(),
  actor: z.string(),
  actorIsPerson: z.boolean(),
  action: z.string(),
  flowId: z.string().nullable(),
  flowType: z.string().nullable(),
  task: z.string().nullable(),
  taskTitle: z.string().nullable(),
  rule: z.string().nullable(),
  dueDate: z.string().nullable(),
  text: z.string(),
  purged: z.boolean(),
  prevHash: z.string(),
  hash: z.string(),
});
export type TimelineLineView = z.infer<typeof TimelineLineSchema>;

export const ObligationSchema = z.object({
  task: z.string(),
  title: z.string(),
  rule: z.string().nullable(),
  assignee: z.string(),
  dueDate: z.string(),
  status: z.string(),
  completedBy: z.string().nullable(),
  completedAt: z.string().nullable(),
  late: z.boolean(),
  lateReason: z.string().nullable(),
});
export type Obligation = z.infer<typeof ObligationSchema>;

export const TimelineSchema = z.object({
  flow: FlowSummarySchema,
  timeZone: z.string(),
  obligations: z.array(ObligationSchema),
  lines: z.array(TimelineLineSchema),
});
export type Timeline = z.infer<typeof TimelineSchema>;

export const LateCompletionSchema = z.object({
  flowId: z.string(),
  flowType: z.string().nullable(),
  task: z.string(),
  title: z.string(),
  rule: z.string().nullable(),
  dueDate: z.string().nullable(),
  completedAt: z.string(),
  completedBy: z.string(),
  daysLate: z.number().nullable(),
  lateReason: z.string().nullable(),
  seq: z.string(),
  hash: z.string(),
});
export const OpenObligationSchema = z.object({
  flowId: z.string(),
  flowType: z.string(),
  subjectId: z.string(),
  task: z.string(),
  title: z.string(),
  assignee: z.string(),
  dueDate: z.string(),
  daysOverdue: z.number(),
  rule: z.string().nullable(),
});
export type OpenObligation = z.infer<typeof OpenObligationSchema>;

export const LateReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  /** Tasks completed after their due date within the period, with the reason recorded. */
  lateCompletions: z.array(LateCompletionSchema),
  /** Open tasks whose due date fell in the period and has passed (no reason recorded yet). */
  stillOpen: z.array(OpenObligationSchema),
  /** Other lateness the flows recorded in the period (a payer past its decision clock, a lapsed credential). */
  otherEvents: z.array(TimelineLineSchema),
});
export type LateReport = z.infer<typeof LateReportSchema>;

export const CompletionsSchema = z.object({ by: z.string(), timeZone: z.string(), completions: z.array(LateCompletionSchema.extend({ late: z.boolean(), note: z.string().nullable(), outcome: z.string().nullable() })) });
export type Completions = z.infer<typeof CompletionsSchema>;

export const AuditFlowsSchema = z.object({ from: z.string(), to: z.string(), timeZone: z.string(), flows: z.array(FlowSummarySchema) });
export type AuditFlows = z.infer<typeof AuditFlowsSchema>;

export const OverdueSchema = z.object({ today: z.string(), timeZone: z.string(), obligations: z.array(OpenObligationSchema) });
export type Overdue = z.infer<typeof OverdueSchema>;

export const AccessLogSchema = z.object({
  timeZone: z.string(),
  reads: z.array(z.object({ seq: z.string(), at: z.string(), local: z.string(), actor: z.string(), operation: z.string(), subject: z.object({ kind: z.string(), id: z.string().nullable() }), hash: z.string() })),
});
export type AccessLog = z.infer<typeof AccessLogSchema>;

/** A JSON export is the document itself; CSV and HTML come as text in this envelope. */
export const ExportResultSchema = z.looseObject({
  format: z.string(),
  contentType: z.string().optional(),
  filename: z.string().optional(),
  content: z.string().optional(),
});
export const ExportVerdictSchema = z.looseObject({ ok: z.boolean(), entries: z.number(), matched: z.number(), purgedSince: z.number(), chain: ChainVerdictSchema, problems: z.array(z.looseObject({ seq: z.string(), problem: z.string(), message: z.string() })) });

export const HistoryResultSchema = z.looseObject({
  flowId: z.string(),
  runId: z.string().nullable(),
  workflowType: z.string().nullable(),
  /** temporal: fetched now; archive: the copy archived beside the ledger (Temporal no longer has it). */
  source: z.enum(['temporal', 'archive']),
  events: z.number(),
  sha256: z.string(),
  history: z.unknown(),
});
export const ArchiveResultSchema = z.looseObject({ flowId: z.string(), runId: z.string(), events: z.number(), sha256: z.string(), ledgerSeq: z.string() });
export const ReplayResultSchema = z.looseObject({ ok: z.boolean(), workflowId: z.string(), workflowType: z.string().nullable(), events: z.number(), source: z.string() });
export const PurgeResultSchema = z.looseObject({ asOf: z.string(), dryRun: z.boolean(), purged: z.number(), purgeEntries: z.array(z.string()), classes: z.array(z.looseObject({ recordClass: z.string() })) });
export const SeparationResultSchema = z.looseObject({ subjectId: z.string(), separatedOn: z.string(), seq: z.string() });
