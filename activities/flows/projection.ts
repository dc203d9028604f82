// The flow projection: one row per flow for lists and dashboards. Idempotent (an upsert keyed
// by workflow id) and monotonic: a closed flow is never reopened by a late or retried write.
import type { PrismaClient } from '../../generated/prisma/client';
import type { EngineActivities, FlowRecord } from '../contracts';

export async function recordFlow(prisma: PrismaClient, flow: FlowRecord): Promise<void> {
  const data = {
    flowType: flow.flowType,
    subjectId: flow.subjectId,
    title: flow.title,
    status: flow.status,
    startedAt: new Date(flow.startedAt),
    startedBy: flow.startedBy,
    closedAt: flow.closedAt ? new Date(flow.closedAt) : null,
  };
  const existing = await prisma.flow.findUnique({ where: { workflowId: flow.workflowId }, select: { status: true } });
  if (!existing) {
    await prisma.flow.upsert({ where: { workflowId: flow.workflowId }, create: { workflowId: flow.workflowId, ...data }, update: {} });
    if (flow.status === 'running') return;
  }
  // Only a running flow changes; `running` writes refresh the title (e.g. a moved start date).
  await prisma.flow.updateMany({ where: { workflowId: flow.workflowId, status: 'running' }, data });
}

export function createFlowActivities(prisma: PrismaClient): Pick<EngineActivities, 'recordFlow'> {
  return {
    async recordFlow(flow) {
      await recordFlow(prisma, flow);
    },
  };
}
