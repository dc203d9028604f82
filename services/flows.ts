// The manager's operations on flows, over Temporal (start, Updates, the checklist query), the
// flow projection table and the audit ledger. Used by the API (and so by the CLI and the web
// console). Every input is validated here with the domain's schemas BEFORE Temporal is called,
// so bad input never reaches a workflow; every failure leaves as a ServiceError (./errors).
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { onboardingWorkflowId, type OnboardingFlowInput } from '../domain/onboarding';
import { ActorSchema, TaskKeySchema, type FlowView, type TaskView } from '../domain/tasks/model';
import type { onboardingFlow } from '../workflows/onboarding/workflow';
import { changeStartDateUpdate, reverseHepBDeclinationUpdate } from '../workflows/onboarding/definitions';
import { addTaskUpdate, cancelFlowUpdate, changeDueUpdate, checklistQuery, completeTaskUpdate } from '../workflows/task-engine/definitions';
import { conflict, notFound, parseInput, type ServiceError } from './errors';
import { summaryOf } from './flow-rows';
import { flowViewFromLedger } from './ledger-view';
import { planOnboardingRequest } from './onboarding-plan';
import type { Prisma } from '../generated/prisma/client';
import {
  AddTaskBodySchema,
  CancelFlowBodySchema,
  ChangeDueBodySchema,
  ChangeStartDateBodySchema,
  CompleteTaskBodySchema,
  FlowIdSchema,
  HepBReversalBodySchema,
  ListFlowsQuerySchema,
  type FlowDetail,
  type FlowList,
  type Health,
  type PlanView,
  type StartResult,
} from './schemas';
import { TemporalService } from './temporal-service';

export type { FlowServiceOptions } from './temporal-service';

export class FlowService extends TemporalService {
  // ---- Onboarding --------------------------------------------------------------------------

  /** The plan a request would create; no side effects. */
  async planOnboarding(body: unknown): Promise<PlanView> {
    return this.guard({ operation: 'plan onboarding' }, async () => planOnboardingRequest(body, this.practice).view);
  }

  /**
   * Starts onboarding for a hire, once: the workflow id is derived from the hire id, Temporal
   * rejects a duplicate id, and the flow table catches a hire whose flow Temporal has already
   * forgotten (retention). `actor` is who asks (the X-PracticeFlow-Actor header); without it,
   * the request's managerEmail.
   */
  async startOnboarding(body: unknown, actor?: string): Promise<StartResult> {
    return this.guard({ operation: 'start onboarding' }, async () => {
      const { request, practice, view } = planOnboardingRequest(body, this.practice);
      const startedBy = parseInput(ActorSchema, actor ?? request.managerEmail, actor === undefined ? 'managerEmail' : 'X-PracticeFlow-Actor');
      const flowId = onboardingWorkflowId(request.hireId);
      const existing = await this.prisma.flow.findUnique({ where: { workflowId: flowId } });
      if (existing) throw conflict(`hireId: onboarding for ${request.hireId} was already started (flow ${flowId}, ${existing.status}, started ${existing.startedAt.toISOString()} by ${existing.startedBy}); a hire is onboarded once`);
      const input: OnboardingFlowInput = { request, practice, startedBy };
      try {
        await this.temporal(() =>
          this.client.workflow.start<typeof onboardingFlow>('onboardingFlow', {
            taskQueue: this.taskQueue,
            workflowId: flowId,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            args: [input],
          }),
        );
      } catch (err) {
        // A start racing this one got there first (before its flow row was written).
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`hireId: onboarding for ${request.hireId} was already started (flow ${flowId}); a hire is onboarded once`);
        throw err;
      }
      return { flowId, plan: view };
    });
  }

  async changeStartDate(flowId: string, body: unknown): Promise<FlowView> {
    return this.update(flowId, 'change the start date', ChangeStartDateBodySchema, body, (handle, input) => handle.executeUpdate(changeStartDateUpdate, { args: [input] }));
  }

  async reverseHepBDeclination(flowId: string, body: unknown): Promise<TaskView> {
    return this.update(flowId, 'reverse the hepatitis B declination', HepBReversalBodySchema, body, (handle, input) =>
      handle.executeUpdate(reverseHepBDeclinationUpdate, { args: [input] }),
    );
  }

  // ---- Any flow ----------------------------------------------------------------------------

  async listFlows(query: unknown = {}): Promise<FlowList> {
    return this.guard({ operation: 'list flows' }, async () => {
      const q = parseInput(ListFlowsQuerySchema, query);
      const rows = await this.prisma.flow.findMany({
        where: { flowType: q.type, status: q.status, subjectId: q.subject, AND: searchWords(q.search) },
        orderBy: [{ startedAt: 'desc' }, { workflowId: 'asc' }],
        take: q.limit,
      });
      return { flows: rows.map(summaryOf) };
    });
  }

  /**
   * The flow's checklist (live, from the workflow) and its recent audit history. When Temporal
   * no longer has the workflow (retention) or cannot answer, the checklist is rebuilt from the
   * ledger, which outlives it.
   */
  async getFlow(flowId: string): Promise<FlowDetail> {
    return this.guard({ operation: 'show the flow', flowId }, async () => {
      parseInput(FlowIdSchema, flowId, 'flowId');
      const [row, history] = await Promise.all([this.prisma.flow.findUnique({ where: { workflowId: flowId } }), this.recentHistory(flowId)]);
      try {
        const view = await this.temporal(() => this.client.workflow.getHandle(flowId).query(checklistQuery));
        return { ...view, subjectId: row?.subjectId ?? null, source: 'temporal', history };
      } catch (err) {
        const { row: flow, notice } = this.recordedInstead(err, row, { operation: 'show the flow', flowId }, {
          forgotten: 'Temporal no longer has this flow (its history retention has passed); the checklist is rebuilt from the audit ledger.',
          unavailable: 'the checklist is rebuilt from the audit ledger and may lag behind.',
        });
        return { ...flowViewFromLedger(summaryOf(flow), await this.ledger(flowId)), subjectId: flow.subjectId, source: 'ledger', notice, history };
      }
    });
  }

  async completeTask(flowId: string, taskKey: string, body: unknown): Promise<TaskView> {
    return this.update(flowId, 'complete the task', CompleteTaskBodySchema, body, (handle, input) =>
      handle.executeUpdate(completeTaskUpdate, { args: [{ ...input, taskKey: this.taskKey(taskKey) }] }),
    );
  }

  async changeDue(flowId: string, taskKey: string, body: unknown): Promise<TaskView> {
    return this.update(flowId, 'change the due date', ChangeDueBodySchema, body, (handle, input) =>
      handle.executeUpdate(changeDueUpdate, { args: [{ ...input, taskKey: this.taskKey(taskKey) }] }),
    );
  }

  async addTask(flowId: string, body: unknown): Promise<TaskView> {
    return this.update(flowId, 'add a task', AddTaskBodySchema, body, (handle, input) => handle.executeUpdate(addTaskUpdate, { args: [input] }));
  }

  async cancelFlow(flowId: string, body: unknown): Promise<FlowView> {
    return this.update(flowId, 'cancel the flow', CancelFlowBodySchema, body, (handle, input) => handle.executeUpdate(cancelFlowUpdate, { args: [input] }));
  }

  /** Whether Temporal and the database answer; never throws. */
  async health(): Promise<Health> {
    const [temporal, database] = await Promise.all([
      this.temporal(() => this.client.workflowService.getSystemInfo({}), 5_000).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      this.prisma.$queryRaw`SELECT 1`.then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
    ]);
    return { ok: temporal === 'ok' && database === 'ok', temporal, database };
  }

  // ---- Plumbing ----------------------------------------------------------------------------

  private taskKey(taskKey: string): string {
    return parseInput(TaskKeySchema, taskKey, 'taskKey');
  }

  /** An Update to a flow named by its flow id; a closed flow says how it ended (from Temporal when the table has not caught up). */
  private update<S extends z.ZodType, R>(flowId: string, operation: string, schema: S, body: unknown, send: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>): Promise<R> {
    return this.sendUpdate({ flowId, field: 'flowId', gone: () => this.closedOrForgotten(flowId) }, operation, schema, body, send);
  }

  private async closedOrForgotten(flowId: string): Promise<ServiceError> {
    const row = await this.prisma.flow.findUnique({ where: { workflowId: flowId }, select: { status: true } });
    if (row && row.status !== 'running') return conflict(`flow is ${row.status}; it can no longer change`);
    try {
      const description = await this.temporal(() => this.client.workflow.getHandle(flowId).describe());
      const status = description.status.name === 'COMPLETED' ? 'closed' : description.status.name.toLowerCase();
      return conflict(`flow is ${status}; it can no longer change`);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return row ? conflict('flow is no longer held by Temporal; it can no longer change') : notFound(`flowId: no flow "${flowId}"`);
      }
      throw err;
    }
  }
}

export { ServiceError } from './errors';

/**
 * A search as a filter: each word must appear (case-insensitive) in the flow id, subject or title,
 * so "reyes h-70" finds "Onboarding h-7001 Dana Reyes". Titles carry identifiers and staff names,
 * never patient information, so searching them reveals nothing the list does not show. Prisma's
 * `contains` is SQL LIKE and passes % and _ through as wildcards: they are escaped to mean themselves.
 */
function searchWords(search: string | undefined): Prisma.FlowWhereInput[] {
  if (!search) return [];
  return search
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.replace(/[\\%_]/g, (c) => `\\${c}`))
    .map((word) => ({ OR: (['workflowId', 'subjectId', 'title'] as const).map((column) => ({ [column]: { contains: word, mode: 'insensitive' as const } })) }));
}
