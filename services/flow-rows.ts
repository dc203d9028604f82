// A row of the flow table as the API lists it: the one formatter every flow list and detail uses.
import type { FlowSummary } from './schemas';

/** The flow table's columns a summary reads (a Prisma Flow row, or a test's literal). */
export interface FlowRow {
  workflowId: string;
  flowType: string;
  subjectId: string;
  title: string;
  status: 'running' | 'completed' | 'cancelled';
  startedAt: Date;
  startedBy: string;
  closedAt: Date | null;
}

export function summaryOf(row: FlowRow): FlowSummary {
  return {
    flowId: row.workflowId,
    flowType: row.flowType,
    subjectId: row.subjectId,
    title: row.title,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    startedBy: row.startedBy,
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}
