// A checklist flow: any set of tasks a manager defines, run by the shared task engine.
// It is also the smallest complete flow, used to prove the engine end to end. A forgotten one
// continues as new with its checklist once its history reaches the budget.
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import { PracticeCalendarSchema } from '../../domain/practice/calendar-settings';
import { ActorSchema, EmailSchema, ReminderPolicySchema, TaskSpecSchema, type FlowView } from '../../domain/tasks/model';
import { EngineCarriedSchema } from '../task-engine/carried';
import { TaskEngine } from '../task-engine/engine';
import { parseOrThrow } from '../task-engine/failures';

export const ChecklistFlowInputSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(200),
    managerEmail: EmailSchema,
    startedBy: ActorSchema,
    practice: PracticeCalendarSchema,
    reminders: ReminderPolicySchema.optional(),
    tasks: z.array(TaskSpecSchema).min(1, 'must list at least one task').max(200),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.tasks.forEach((t, i) => {
      if (seen.has(t.key)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'key'], message: `duplicate task key "${t.key}"` });
      seen.add(t.key);
    });
  });
export type ChecklistFlowInput = z.input<typeof ChecklistFlowInputSchema>;

/** What a run hands to the next (continue-as-new): its checklist. */
export const ChecklistCarriedSchema = z.object({ engine: EngineCarriedSchema });
export type ChecklistCarried = z.input<typeof ChecklistCarriedSchema>;

export async function checklistFlow(rawInput: ChecklistFlowInput, rawCarried?: ChecklistCarried): Promise<FlowView> {
  const input = parseOrThrow(ChecklistFlowInputSchema, rawInput);
  const carried = rawCarried === undefined ? undefined : parseOrThrow(ChecklistCarriedSchema, rawCarried);
  const engine = new TaskEngine({
    flowType: 'checklist',
    subjectId: workflowInfo().workflowId,
    title: input.title,
    managerEmail: input.managerEmail,
    startedBy: input.startedBy,
    calendar: input.practice,
    reminders: input.reminders,
    tasks: input.tasks,
    resume: carried?.engine,
    continueAsNew: (engine) => continueAsNew<typeof checklistFlow>(input, { engine }),
  });
  return engine.run();
}
