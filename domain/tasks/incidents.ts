// An incident: a write the database refuses every time (a DataError, activities/failures.ts),
// which stops the flow until someone fixes the cause and says what to do. The messages and the
// resolution's input, shared by the workflows (workflows/task-engine/incidents.ts) and the API.
import { z } from 'zod';
import { ActorSchema } from './model';

export const RESOLUTIONS = ['retry', 'skip'] as const;

export const ResolveIncidentSchema = z
  .object({
    /**
     * retry: write again (after the cause was fixed, e.g. a column widened or bad data corrected);
     * skip: give up this one write and go on (recorded: who, why); the flow can then be cancelled.
     */
    action: z.enum(RESOLUTIONS, { error: `must be one of ${RESOLUTIONS.join(', ')}` }),
    by: ActorSchema,
    note: z.string().trim().min(3, 'must say what was fixed or why the write is given up').max(2000),
  })
  .strict();
export type ResolveIncidentInput = z.infer<typeof ResolveIncidentSchema>;

export const IncidentViewSchema = z.object({
  /** 1 for the flow's first incident, and so on. */
  number: z.number(),
  /** The activity whose write was refused. */
  activity: z.string(),
  /** Why, as the activity said it (codes, never the refused value). */
  reason: z.string(),
  openedAt: z.string(),
  status: z.enum(['open', 'retried', 'skipped']),
});
export type IncidentView = z.infer<typeof IncidentViewSchema>;

export const INCIDENT_ACTIONS = { opened: 'incident.opened', retried: 'incident.retried', skipped: 'incident.skipped' } as const;
