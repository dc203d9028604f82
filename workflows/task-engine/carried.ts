// What a task-engine flow hands to its next run when it continues as new (history budget, see
// ./history-budget.ts): the checklist as it stands, so the next run goes on with the same due
// dates, completions and reminder positions (step keys continue, nothing is sent twice) and does
// not audit the flow's start again. Parsed like every other workflow input.
import { z } from 'zod';
import { DueSchema, ReminderPolicySchema, TaskSpecSchema } from '../../domain/tasks/model';

export const TaskCompletionSchema = z.object({
  by: z.string(),
  at: z.string(),
  recordedAt: z.string(),
  note: z.string().optional(),
  lateReason: z.string().optional(),
  outcome: z.string().optional(),
  evidence: z.record(z.string(), z.string()).optional(),
  late: z.boolean(),
});

export const CarriedTaskSchema = z.object({
  spec: TaskSpecSchema,
  due: DueSchema,
  policy: ReminderPolicySchema,
  status: z.enum(['open', 'completed', 'cancelled']),
  completion: TaskCompletionSchema.optional(),
  /** Index of the next ladder step to fire. */
  nextStep: z.number().int().min(0),
  dueChanges: z.number().int().min(0),
});

export const EngineCarriedSchema = z.object({
  /** When the flow's first run started (the flow's start, not this run's). */
  startedAt: z.string(),
  /** How many runs came before the next one (1 for the first hand-over). */
  runs: z.number().int().min(1),
  tasks: z.array(CarriedTaskSchema).min(1),
});
export type EngineCarried = z.infer<typeof EngineCarriedSchema>;
