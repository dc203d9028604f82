// What the prior-authorization, appeal and worklist services share with FlowService: the
// dependencies, one Temporal call with a deadline, Updates validated before they are sent, and
// every failure mapped to a ServiceError in one place (./errors).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { BusinessCalendar } from '../domain/calendar/business-calendar';
import type { PracticeProfile } from '../domain/practice/profile';
import type { PrismaClient } from '../generated/prisma/client';
import { practiceCalendar } from './credential-plan';
import { conflict, notFound, parseInput, toServiceError, type ServiceError } from './errors';
import type { FlowServiceOptions } from './flows';
import { FlowIdSchema } from './schemas';

export abstract class TemporalService {
  protected readonly client: Client;
  protected readonly prisma: PrismaClient;
  protected readonly practice: PracticeProfile;
  protected readonly calendar: BusinessCalendar;
  protected readonly taskQueue: string;
  protected readonly temporalAddress?: string;
  protected readonly timeoutMs: number;
  protected readonly historyLimit: number;

  constructor(options: FlowServiceOptions) {
    this.client = options.client;
    this.prisma = options.prisma;
    this.practice = options.practice;
    this.calendar = practiceCalendar(options.practice);
    this.taskQueue = options.taskQueue;
    this.temporalAddress = options.temporalAddress;
    this.timeoutMs = options.temporalTimeoutMs ?? 20_000;
    this.historyLimit = options.historyLimit ?? 50;
  }

  protected get errorContext(): { temporalAddress?: string; timeoutMs: number } {
    return { temporalAddress: this.temporalAddress, timeoutMs: this.timeoutMs };
  }

  /** One Temporal call with a deadline, so a dead server is a prompt Unavailable. */
  protected temporal<T>(call: () => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    return this.client.withDeadline(Date.now() + Math.min(timeoutMs, this.timeoutMs), call);
  }

  /** Runs an operation and maps whatever it throws, in one place (./errors). */
  protected async guard<T>(ctx: { operation: string; flowId?: string }, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const mapped = toServiceError(err, { ...ctx, ...this.errorContext });
      if (mapped) throw mapped;
      throw err;
    }
  }

  /** Validates the body, then sends the Update to `flowId`; a closed flow is a Conflict, an unknown one NotFound naming `idField`. */
  protected sendUpdate<S extends z.ZodType, R>(
    flowId: string,
    idField: string,
    operation: string,
    schema: S,
    body: unknown,
    send: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>,
  ): Promise<R> {
    return this.guard({ operation, flowId }, async () => {
      parseInput(FlowIdSchema, flowId, idField);
      const input = parseInput(schema, body);
      try {
        return await this.temporal(() => send(this.client.workflow.getHandle(flowId), input));
      } catch (err) {
        // Temporal answers "not found" for an Update to a workflow that has finished.
        if (err instanceof WorkflowNotFoundError) throw await this.closedOrMissing(flowId, idField);
        throw err;
      }
    });
  }

  protected async closedOrMissing(flowId: string, idField: string): Promise<ServiceError> {
    const row = await this.prisma.flow.findUnique({ where: { workflowId: flowId }, select: { status: true } });
    if (row && row.status !== 'running') return conflict(`${idField}: flow ${flowId} is ${row.status}; it can no longer change`);
    if (row) return conflict(`${idField}: flow ${flowId} is no longer held by Temporal; it can no longer change`);
    return notFound(`${idField}: no flow "${flowId}"`);
  }
}
