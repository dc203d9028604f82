// What the service accepts and returns, as zod schemas: the bodies are the domain's own schemas
// (the same ones the workflows validate with), narrowed where the URL carries a field and made
// strict, so a misspelt field (`late_reason`) is an error instead of being silently ignored.
// The result schemas describe the service's values for the OpenAPI document; the compile-time
// checks at the bottom keep them equal to the domain's TypeScript types.
import { z } from 'zod';
import { ChangeStartDateSchema, HepBReversalSchema, OnboardingRequestSchema } from '../domain/onboarding';
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
    type: z.enum(['ValidationError', 'NotFound', 'Conflict', 'Unavailable', 'Internal']),
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
