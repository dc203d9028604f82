// Flows stuck on an incident (workflows/task-engine/incidents.ts): a record the database refused
// for good. The list comes from the ledger (opened, not yet retried or skipped), so it shows flows
// whatever state Temporal is in; resolving sends the flow's resolveIncident Update.
import { z } from 'zod';
import { INCIDENT_ACTIONS, ResolveIncidentSchema, type IncidentView } from '../domain/tasks/incidents';
import { resolveIncidentUpdate } from '../workflows/task-engine/definitions';
import { FlowIdSchema } from './schemas';
import { TemporalService } from './temporal-service';

export const OpenIncidentSchema = z.object({
  flowId: z.string(),
  flowType: z.string().nullable(),
  number: z.number(),
  activity: z.string(),
  reason: z.string(),
  openedAt: z.string(),
  /** The ledger entry that opened it. */
  seq: z.string(),
});
export const IncidentListSchema = z.object({ incidents: z.array(OpenIncidentSchema) });
export type IncidentList = z.infer<typeof IncidentListSchema>;
export const ResolveIncidentBodySchema = ResolveIncidentSchema;

/** The incident an entry belongs to: its business key without the action. */
const incidentKey = (businessKey: string): string => businessKey.replace(/:incident\.[a-z]+$/, '');

export class IncidentService extends TemporalService {
  /** Open incidents, oldest first: the flows waiting for a person's decision. */
  async list(): Promise<IncidentList> {
    return this.guard({ operation: 'list incidents' }, async () => {
      const rows = await this.prisma.auditEntry.findMany({ where: { action: { in: Object.values(INCIDENT_ACTIONS) } }, orderBy: { seq: 'asc' } });
      const resolved = new Set(rows.filter((r) => r.action !== INCIDENT_ACTIONS.opened).map((r) => incidentKey(r.businessKey)));
      const incidents = rows
        .filter((r) => r.action === INCIDENT_ACTIONS.opened && !resolved.has(incidentKey(r.businessKey)))
        .map((r) => {
          const d = (r.detail ?? {}) as { number?: number; activity?: string; reason?: string };
          return { flowId: r.workflowId ?? '', flowType: r.flowType, number: d.number ?? 0, activity: d.activity ?? '', reason: d.reason ?? '', openedAt: r.occurredAt.toISOString(), seq: r.seq.toString() };
        });
      return { incidents };
    });
  }

  /** Retry the refused write (after a fix) or give it up; recorded under `by` in the flow. */
  async resolve(flowId: string, body: unknown, actor?: string): Promise<IncidentView> {
    const withActor = body && typeof body === 'object' && actor && !('by' in body) ? { ...body, by: actor } : body;
    return this.sendUpdate({ flowId, field: 'flowId', subject: { id: flowId, schema: FlowIdSchema } }, 'resolve the incident', ResolveIncidentSchema, withActor, (handle, input) =>
      handle.executeUpdate(resolveIncidentUpdate, { args: [input] }),
    );
  }
}
