// The shared task model: what a flow's checklist holds and what the manager may send it.
// These zod schemas are the single source of the input types for the API, CLI and workflows.
import { z } from 'zod';
import { IsoDateSchema, LocalTimeSchema, instantSchema } from '../calendar/iso-date';

export const TaskKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case letters, digits and _ (max 64), starting with a letter');

/** Who did something: an email-like identity of a person, or `system:<component>`. */
export const ActorSchema = z
  .string()
  .trim()
  .min(3, 'must identify who acted (an email or user id)')
  .max(200, 'must be at most 200 characters');

export const EmailSchema = z.email('must be an email address');

export const RuleRefSchema = z.object({
  /** Citation as printed to people and auditors, e.g. "8 CFR 274a.2(b)(1)(ii)". */
  citation: z.string().min(1),
  /** One-line statement of the rule. */
  summary: z.string().optional(),
});
export type RuleRef = z.infer<typeof RuleRefSchema>;

export const OffsetSchema = z.object({
  amount: z.number().int('must be a whole number').min(0, 'must not be negative').max(3650),
  unit: z.enum(['hours', 'calendar_days', 'business_days']),
});
export type Offset = z.infer<typeof OffsetSchema>;

/**
 * When reminders and escalations go out for one task. Offsets in days fire at `sendAt` local
 * time; offsets in hours count continuously from the due instant.
 */
export const ReminderPolicySchema = z.object({
  sendAt: LocalTimeSchema.default('09:00'),
  /** Reminders to the assignee before the due date. */
  before: z.array(OffsetSchema).max(20).default([
    { amount: 5, unit: 'business_days' },
    { amount: 1, unit: 'business_days' },
  ]),
  /** A reminder on the due date itself. */
  onDueDate: z.boolean().default(true),
  /** The first escalation to the manager, this long after the due date. */
  escalateAfter: OffsetSchema.default({ amount: 1, unit: 'business_days' }),
  /** Repeated overdue notices to assignee and manager until done or cancelled. */
  overdueEvery: OffsetSchema.refine((o) => o.amount > 0, 'must be greater than 0').default({ amount: 2, unit: 'business_days' }),
});
export type ReminderPolicy = z.infer<typeof ReminderPolicySchema>;
export type ReminderPolicyInput = z.input<typeof ReminderPolicySchema>;

export const DueSchema = z.union([
  z.object({ date: IsoDateSchema }).strict(),
  z.object({ at: instantSchema() }).strict(),
]);
export type Due = z.infer<typeof DueSchema>;

export const AssigneeSchema = z.object({
  email: EmailSchema,
  /** A role or display label, never patient information. */
  label: z.string().max(100).optional(),
});

export const TaskSpecSchema = z.object({
  key: TaskKeySchema,
  title: z.string().trim().min(1, 'must not be empty').max(200),
  assignee: AssigneeSchema,
  due: DueSchema,
  rule: RuleRefSchema.optional(),
  /** The flow completes when every required task is done. */
  required: z.boolean().default(true),
  /** When set, completion must name one of these outcomes (e.g. hepatitis B offer: accepted/declined). */
  outcomes: z.array(z.string().min(1)).min(1).optional(),
  reminders: ReminderPolicySchema.optional(),
});
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;

export const CompleteTaskSchema = z.object({
  taskKey: TaskKeySchema,
  by: ActorSchema,
  note: z.string().max(2000).optional(),
  /** Required when completed after the due date (OSHA letter of 24 Jan 2007: record why training was late). */
  lateReason: z.string().trim().min(3, 'must say why the task was late').max(2000).optional(),
  outcome: z.string().min(1).optional(),
  evidence: z.record(z.string(), z.string().max(2000)).optional(),
  /** When the work was actually done, if earlier than now (never in the future). */
  completedAt: instantSchema().optional(),
}).strict();
export type CompleteTaskInput = z.infer<typeof CompleteTaskSchema>;

export const ChangeDueSchema = z.object({
  taskKey: TaskKeySchema,
  due: DueSchema,
  by: ActorSchema,
  reason: z.string().trim().min(3, 'must say why the due date changed').max(2000),
}).strict();
export type ChangeDueInput = z.infer<typeof ChangeDueSchema>;

export const AddTaskSchema = z.object({
  task: TaskSpecSchema,
  by: ActorSchema,
}).strict();
export type AddTaskInput = z.input<typeof AddTaskSchema>;

export const CancelFlowSchema = z.object({
  by: ActorSchema,
  reason: z.string().trim().min(3, 'must say why the flow is cancelled').max(2000),
}).strict();
export type CancelFlowInput = z.infer<typeof CancelFlowSchema>;

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskCompletion {
  by: string;
  at: string;
  recordedAt: string;
  note?: string;
  lateReason?: string;
  outcome?: string;
  evidence?: Record<string, string>;
  late: boolean;
}

/** A task as the checklist query returns it. */
export interface TaskView {
  key: string;
  title: string;
  assignee: { email: string; label?: string };
  due: Due;
  /** The due date as a calendar date in the practice's zone. */
  dueDate: string;
  rule?: RuleRef;
  required: boolean;
  outcomes?: string[];
  status: TaskStatus;
  overdue: boolean;
  completion?: TaskCompletion;
  /** The next reminder or escalation, when one is pending. */
  nextNotice?: { key: string; kind: string; at: string };
}

export type FlowStatus = 'running' | 'completed' | 'cancelled';

export interface FlowView {
  flowId: string;
  flowType: string;
  title: string;
  status: FlowStatus;
  timeZone: string;
  managerEmail: string;
  startedAt: string;
  startedBy: string;
  cancelled?: { by: string; reason: string; at: string };
  completedAt?: string;
  tasks: TaskView[];
}
