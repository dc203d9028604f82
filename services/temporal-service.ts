// What every flow service shares (flows, credentials, prior authorizations, appeals, worklists):
// the dependencies, one Temporal call with a deadline, Updates validated before they are sent,
// the flow's recorded copy when Temporal cannot show it live, and every failure mapped to a
// ServiceError in one place (./errors).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { BusinessCalendar } from '../domain/calendar/business-calendar';
import type { PracticeProfile } from '../domain/practice/profile';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';
import type { PrismaClient } from '../generated/prisma/client';
import { practiceCalendar } from './credential-plan';
import { conflict, notFound, parseInput, toServiceError, type ServiceError } from './errors';
import { summaryOf } from './flow-rows';
import { updateIdOf, withUpdateId, type IdempotentRequest } from './idempotency';
import { historyEntry, type LedgerRow } from './ledger-view';
import { FlowIdSchema, ListByStatusQuerySchema, type FlowList, type HistoryEntry } from './schemas';

export interface FlowServiceOptions {
  /** Built with `dataConverter`: every payload it sends or reads is encrypted. */
  client: Client;
  /** The client's data converter: the codec server and the auditor's history export and replay use it too. */
  dataConverter: PracticeFlowDataConverter;
  prisma: PrismaClient;
  /** The configured practice profile (config/practice.ts); a request may override it. */
  practice: PracticeProfile;
  /** Task queue of the PracticeFlow worker. */
  taskQueue: string;
  /** For messages: where Temporal is. */
  temporalAddress?: string;
  /** How long one Temporal call may take before the service answers Unavailable. Default 20 s. */
  temporalTimeoutMs?: number;
  /** How many recent ledger entries a flow's detail carries. Default 50. */
  historyLimit?: number;
}

/** The flow an Update goes to, and how the request named it. */
export interface UpdateTarget {
  flowId: string;
  /** The request field that named the flow (flowId, appealId, credentialId); errors name it. */
  field: string;
  /** The id the request gave when it is not the flow id itself; checked first, with its own schema. */
  subject?: { id: string; schema: z.ZodType };
  /** The answer when Temporal no longer holds the flow; default closedOrMissing (the flow table). */
  gone?: () => Promise<ServiceError>;
}

/** What a detail says when it is shown from a record rather than from Temporal. */
export interface RecordedNotice {
  /** Temporal's retention has passed. */
  forgotten: string;
  /** Follows Temporal's own message when it cannot answer. */
  unavailable: string;
}

/** The notice of a flow detail rebuilt from the audit ledger (prior authorizations, appeals). */
export const SHOWN_FROM_LEDGER: RecordedNotice = {
  forgotten: 'Temporal no longer has this flow (its history retention has passed); shown from the audit ledger.',
  unavailable: 'shown from the audit ledger, which may lag behind.',
};

export abstract class TemporalService {
  protected readonly client: Client;
  protected readonly prisma: PrismaClient;
  protected readonly practice: PracticeProfile;
  protected readonly calendar: BusinessCalendar;
  protected readonly taskQueue: string;
  protected readonly temporalAddress?: string;
  protected readonly timeoutMs: number;
  protected readonly historyLimit: number;
  /** Set on the copy that serves one request with an Idempotency-Key (see withIdempotencyKey). */
  protected idempotent?: IdempotentRequest;

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

  /**
   * This service for one request that carries an Idempotency-Key (./idempotency.ts): the Update it
   * sends has an id derived from the operation and the key, so a retry is applied once.
   */
  withIdempotencyKey(request: IdempotentRequest | undefined): this {
    if (!request) return this;
    const scoped = Object.create(this) as this;
    scoped.idempotent = request;
    return scoped;
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

  /** Validates the ids and the body, then sends the Update; a closed flow is a Conflict, not "not found". */
  protected sendUpdate<S extends z.ZodType, R>(
    to: UpdateTarget,
    operation: string,
    schema: S,
    body: unknown,
    send: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>,
  ): Promise<R> {
    const { flowId, field } = to;
    return this.guard({ operation, flowId }, async () => {
      if (to.subject) parseInput(to.subject.schema, to.subject.id, field);
      parseInput(FlowIdSchema, flowId, field);
      const input = parseInput(schema, body);
      const handle = this.client.workflow.getHandle(flowId);
      try {
        return await this.temporal(() => send(this.idempotent ? withUpdateId(handle, updateIdOf(this.idempotent)) : handle, input));
      } catch (err) {
        // Temporal answers "not found" for an Update to a workflow that has finished.
        if (err instanceof WorkflowNotFoundError) throw await (to.gone ? to.gone() : this.closedOrMissing(flowId, field));
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

  /** The flows of one type from the flow table, newest first (the list endpoints of a flow type). */
  protected async flowsOfType(flowType: string, query: unknown): Promise<FlowList> {
    const q = parseInput(ListByStatusQuerySchema, query);
    const rows = await this.prisma.flow.findMany({ where: { flowType, status: q.status }, orderBy: [{ startedAt: 'desc' }, { workflowId: 'asc' }], take: q.limit });
    return { flows: rows.map(summaryOf) };
  }

  /** The flow's most recent audit entries (at most historyLimit), oldest first. */
  protected async recentHistory(flowId: string): Promise<HistoryEntry[]> {
    const recent = await this.prisma.auditEntry.findMany({ where: { workflowId: flowId }, orderBy: { seq: 'desc' }, take: this.historyLimit });
    return recent.reverse().map(historyEntry);
  }

  /** The flow's whole audit ledger, oldest first: what a detail is rebuilt from once Temporal cannot show it. */
  protected ledger(flowId: string): Promise<LedgerRow[]> {
    return this.prisma.auditEntry.findMany({ where: { workflowId: flowId }, orderBy: { seq: 'asc' } });
  }

  /**
   * After the live view of a flow could not be read: its recorded row, and the notice it is shown
   * with, when there is one and Temporal has forgotten the flow (retention) or cannot answer.
   * Anything else is thrown again, for guard to map.
   */
  protected recordedInstead<Row>(err: unknown, row: Row | null, ctx: { operation: string; flowId: string }, say: RecordedNotice): { row: Row; notice: string } {
    const mapped = toServiceError(err, { ...ctx, ...this.errorContext });
    if (!row || !(err instanceof WorkflowNotFoundError || mapped?.type === 'Unavailable')) throw err;
    return { row, notice: err instanceof WorkflowNotFoundError ? say.forgotten : `${mapped!.message}; ${say.unavailable}` };
  }
}
