// A row of the flow table as the API lists it (the same shape FlowService lists).
import type { Flow } from '../generated/prisma/client';
import type { FlowSummary } from './schemas';

export function summaryOf(row: Flow): FlowSummary {
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
