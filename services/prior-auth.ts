// Prior authorizations (priorAuthFlow, one per authorizationId, id prior-auth-<authorizationId>):
// the payer clock plan, start, show (the priorAuth query, or the audit ledger when Temporal no
// longer has the flow), the submission, the payer's decision, a rendered service, the path after
// a denial, cancel and the list. Every input is validated here with the domain's schemas BEFORE
// Temporal is called; every failure leaves as a ServiceError (./errors).
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { priorAuthWorkflowId, PriorAuthRequestSchema, submissionTarget, type PriorAuthRequest } from '../domain/prior-auth/request';
import type { PriorAuthView } from '../domain/prior-auth/view';
import { ActorSchema, type FlowView } from '../domain/tasks/model';
import type { priorAuthFlow } from '../workflows/prior-auth/workflow';
import { chooseDenialPathUpdate, priorAuthQuery, recordDecisionUpdate, recordServiceRenderedUpdate, recordSubmissionUpdate } from '../workflows/prior-auth/definitions';
import { cancelFlowUpdate } from '../workflows/task-engine/definitions';
import { credentialPractice } from './credential-plan';
import { conflict, notFound, parseInput } from './errors';
import { flowViewFromLedger, type LedgerRow } from './ledger-view';
import {
  AuthorizationIdParamSchema,
  CancelFlowBodySchema,
  ChooseDenialPathBodySchema,
  RecordDecisionBodySchema,
  RecordSubmissionBodySchema,
  ServiceRenderedBodySchema,
  StartPriorAuthBodySchema,
  type FlowList,
  type PriorAuthDetail,
  type PriorAuthPlan,
  type StartPriorAuthResult,
} from './schemas';
import { summaryOf } from './flow-rows';
import { planPriorAuthRequest } from './prior-auth-plan';
import { SHOWN_FROM_LEDGER, TemporalService } from './temporal-service';

export const PRIOR_AUTH_FLOW_TYPE = 'prior_auth';
const ACTOR_HEADER = 'X-PracticeFlow-Actor';
const ID = 'authorizationId';

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});

/** The authorization's state as the ledger tells it (when Temporal no longer has the flow). */
export function priorAuthFromLedger(rows: readonly LedgerRow[]): Detail {
  const started = asDetail(rows.find((r) => r.action === 'flow.started')?.detail);
  let status = 'awaiting_submission';
  const submissions: Detail[] = [];
  const decisions: Detail[] = [];
  let clock: Detail | undefined;
  for (const row of rows) {
    const d = asDetail(row.detail);
    switch (row.action) {
      case 'prior_auth.submitted':
      case 'prior_auth.resubmitted':
        status = 'submitted';
        submissions.push(d);
        clock = { submission: d.submission, submittedAt: d.submittedAt, decisionDueAt: d.decisionDueAt, decisionDueDate: d.decisionDueDate, rule: row.rule };
        break;
      case 'prior_auth.approved':
      case 'prior_auth.denied':
      case 'prior_auth.pended':
        status = row.action.slice('prior_auth.'.length);
        decisions.push(d);
        if (clock) clock = { ...clock, stoppedAt: d.receivedAt };
        break;
      case 'prior_auth.denial_path_chosen':
        if (d.path === 'peer_to_peer') status = 'peer_to_peer';
        break;
      case 'flow.completed':
        if (typeof d.status === 'string') status = d.status;
        break;
      default:
        break;
    }
  }
  return {
    status,
    patientRef: started.patientRef,
    payer: started.payer,
    service: started.service,
    urgency: started.urgency,
    orderingProvider: started.orderingProvider,
    submissionTarget: started.submissionTarget,
    submissions,
    decisions,
    ...(clock ? { clock } : {}),
  };
}

export class PriorAuthService extends TemporalService {
  /** The payer's decision clock for a submission, in the practice's time zone; no side effects. */
  async planPriorAuth(body: unknown): Promise<PriorAuthPlan> {
    return this.guard({ operation: 'plan the prior authorization' }, async () => planPriorAuthRequest(body, this.practice));
  }

  /**
   * Starts the flow, once per authorizationId (the flow table catches one Temporal has already
   * forgotten). `actor` is who starts it (the X-PracticeFlow-Actor header); default staffEmail.
   */
  async startPriorAuth(body: unknown, actor?: string): Promise<StartPriorAuthResult> {
    return this.guard({ operation: 'start the prior authorization' }, async () => {
      const fields = parseInput(StartPriorAuthBodySchema, body);
      const startedBy = parseInput(ActorSchema, actor ?? fields.staffEmail, actor === undefined ? 'staffEmail' : ACTOR_HEADER);
      const request: PriorAuthRequest = parseInput(PriorAuthRequestSchema, { ...fields, practice: credentialPractice(this.practice), startedBy });
      const flowId = priorAuthWorkflowId(request.authorizationId);
      const existing = await this.prisma.flow.findUnique({ where: { workflowId: flowId } });
      const duplicate = () => conflict(`authorizationId: prior authorization ${request.authorizationId} was already started (flow ${flowId}${existing ? `, ${existing.status}, started ${existing.startedAt.toISOString()} by ${existing.startedBy}` : ''}); use a new authorizationId for a new request`);
      if (existing) throw duplicate();
      try {
        await this.temporal(() =>
          this.client.workflow.start<typeof priorAuthFlow>('priorAuthFlow', { taskQueue: this.taskQueue, workflowId: flowId, workflowIdReusePolicy: 'REJECT_DUPLICATE', args: [request] }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw duplicate();
        throw err;
      }
      const target = submissionTarget(request, this.calendar.dateOf(Date.now()), this.calendar);
      return { flowId, authorizationId: request.authorizationId, submissionTarget: target };
    });
  }

  async listPriorAuths(query: unknown = {}): Promise<FlowList> {
    return this.guard({ operation: 'list prior authorizations' }, async () => {
      return this.flowsOfType(PRIOR_AUTH_FLOW_TYPE, query);
    });
  }

  /** The live authorization, or (Temporal no longer has it or cannot answer) what the ledger records. */
  async getPriorAuth(authorizationId: string): Promise<PriorAuthDetail> {
    const flowId = priorAuthWorkflowId(authorizationId);
    return this.guard({ operation: 'show the prior authorization', flowId }, async () => {
      parseInput(AuthorizationIdParamSchema, authorizationId, ID);
      const [row, history] = await Promise.all([this.prisma.flow.findUnique({ where: { workflowId: flowId } }), this.recentHistory(flowId)]);
      try {
        const view = await this.temporal(() => this.client.workflow.getHandle(flowId).query(priorAuthQuery));
        return { ...view, source: 'temporal', history };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && !row) throw notFound(`${ID}: no prior authorization "${authorizationId}"`);
        const recorded = this.recordedInstead(err, row, { operation: 'show the prior authorization', flowId }, SHOWN_FROM_LEDGER);
        const all = await this.ledger(flowId);
        const checklist = flowViewFromLedger(summaryOf(recorded.row), all);
        const fromLedger = priorAuthFromLedger(all);
        return {
          ...fromLedger,
          flowId,
          authorizationId,
          flowStatus: recorded.row.status,
          status: String(fromLedger.status),
          tasks: checklist.tasks,
          startedAt: recorded.row.startedAt.toISOString(),
          ...(recorded.row.closedAt ? { closedAt: recorded.row.closedAt.toISOString() } : {}),
          source: 'ledger',
          notice: recorded.notice,
          history,
        };
      }
    });
  }

  /** Records the submission to the payer (portal: confirmation number and time); the payer's clock starts. */
  async recordSubmission(authorizationId: string, body: unknown): Promise<PriorAuthView> {
    return this.send(authorizationId, 'record the submission', RecordSubmissionBodySchema, body, (h, input) => h.executeUpdate(recordSubmissionUpdate, { args: [input] }));
  }

  async recordDecision(authorizationId: string, body: unknown): Promise<PriorAuthView> {
    return this.send(authorizationId, 'record the decision', RecordDecisionBodySchema, body, (h, input) => h.executeUpdate(recordDecisionUpdate, { args: [input] }));
  }

  async recordServiceRendered(authorizationId: string, body: unknown): Promise<PriorAuthView> {
    return this.send(authorizationId, 'record the rendered service', ServiceRenderedBodySchema, body, (h, input) => h.executeUpdate(recordServiceRenderedUpdate, { args: [input] }));
  }

  async chooseDenialPath(authorizationId: string, body: unknown): Promise<PriorAuthView> {
    return this.send(authorizationId, 'choose the path after the denial', ChooseDenialPathBodySchema, body, (h, input) => h.executeUpdate(chooseDenialPathUpdate, { args: [input] }));
  }

  async cancelPriorAuth(authorizationId: string, body: unknown): Promise<FlowView> {
    return this.send(authorizationId, 'cancel the prior authorization', CancelFlowBodySchema, body, (h, input) => h.executeUpdate(cancelFlowUpdate, { args: [input] }));
  }

  private send<S extends z.ZodType, R>(authorizationId: string, operation: string, schema: S, body: unknown, run: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>): Promise<R> {
    return this.sendUpdate({ flowId: priorAuthWorkflowId(authorizationId), field: ID, subject: { id: authorizationId, schema: AuthorizationIdParamSchema } }, operation, schema, body, run);
  }
}
