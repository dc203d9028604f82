// Claim appeals (claimAppealFlow, one per appealId, id appeal-<appealId>): the filing plan, start
// (refused with 400 before any workflow starts when the denial cannot be appealed at that level:
// CO-29, a level the payer type does not have, an ALJ request below the amount in controversy),
// show (the appeal query, or the audit ledger), submit (the submit_appeal task with its proof),
// the payer's decision, close, cancel and the list. Inputs are validated here with the domain's
// schemas BEFORE Temporal is called; every failure leaves as a ServiceError (./errors).
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { appealWorkflowId, AppealRequestSchema, firstAppealLevel, planAppealLevel, type AppealRequest } from '../domain/appeals/request';
import { ActorSchema, type FlowView } from '../domain/tasks/model';
import type { claimAppealFlow } from '../workflows/appeal/workflow';
import { appealQuery, closeAppealUpdate, recordAppealDecisionUpdate, type AppealView } from '../workflows/appeal/definitions';
import { cancelFlowUpdate, completeTaskUpdate } from '../workflows/task-engine/definitions';
import { jsonAppealPlan, planAppealRequest, planTimelyFiling } from './appeal-plan';
import { credentialPractice } from './credential-plan';
import { conflict, invalid, notFound, parseInput } from './errors';
import { summaryOf } from './flow-rows';
import { flowViewFromLedger, type LedgerRow } from './ledger-view';
import {
  AppealDecisionBodySchema,
  AppealIdParamSchema,
  CancelFlowBodySchema,
  CloseAppealBodySchema,
  StartAppealBodySchema,
  SubmitAppealBodySchema,
  type AppealDetail,
  type AppealPlanResult,
  type TimelyFilingPlanResult,
  type FlowList,
  type StartAppealResult,
} from './schemas';
import { SHOWN_FROM_LEDGER, TemporalService } from './temporal-service';

export const APPEAL_FLOW_TYPE = 'appeal';
const ACTOR_HEADER = 'X-PracticeFlow-Actor';
const ID = 'appealId';
const SUBMIT_TASK = 'submit_appeal';

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});

/** The appeal's state as the ledger tells it (when Temporal no longer has the flow). */
export function appealFromLedger(rows: readonly LedgerRow[]): Detail {
  const started = asDetail(rows.find((r) => r.action === 'flow.started')?.detail);
  let level: Detail = {};
  let submission: Detail | undefined;
  const decisions: Detail[] = [];
  for (const row of rows) {
    const d = asDetail(row.detail);
    if (row.action === 'appeal.level_started') {
      level = { level: d.level, noticeDate: d.noticeDate, receiptDate: d.receiptDate, filingDeadline: d.filingDeadline, rule: row.rule, decisionDays: d.decisionDays, nextLevel: d.nextLevel };
      submission = undefined;
    } else if (row.action === 'appeal.submitted') {
      submission = { confirmationNumber: d.confirmationNumber, channel: d.channel, submittedAt: d.submittedAt, by: d.by, timely: d.timely };
      if (typeof d.decisionDue === 'string') level = { ...level, decisionDue: d.decisionDue };
    } else if (row.action === 'appeal.decision_recorded') {
      decisions.push(d);
    }
  }
  return { claimId: started.claimId, payer: started.payer, ...level, ...(submission ? { submission } : {}), decisions };
}

export class AppealService extends TemporalService {
  /** The filing deadline and rule of one level (or why it cannot be appealed); no side effects. */
  async planAppeal(body: unknown): Promise<AppealPlanResult> {
    return this.guard({ operation: 'plan the appeal' }, async () => planAppealRequest(body, this.practice));
  }

  async planTimelyFiling(body: unknown): Promise<TimelyFilingPlanResult> {
    return this.guard({ operation: 'plan timely filing' }, async () => planTimelyFiling(body));
  }

  /**
   * Starts the appeal, once per appealId. A denial that cannot be appealed at the level (CO-29, a
   * level the payer type lacks, an ALJ amount below the threshold) is a ValidationError naming the
   * field, and no workflow is started. `actor`: the X-PracticeFlow-Actor header (default staffEmail).
   */
  async startAppeal(body: unknown, actor?: string): Promise<StartAppealResult> {
    return this.guard({ operation: 'start the appeal' }, async () => {
      const fields = parseInput(StartAppealBodySchema, body);
      const startedBy = parseInput(ActorSchema, actor ?? fields.staffEmail, actor === undefined ? 'staffEmail' : ACTOR_HEADER);
      const request: AppealRequest = parseInput(AppealRequestSchema, { ...fields, calendar: credentialPractice(this.practice), startedBy });
      let level;
      try {
        level = request.level ?? firstAppealLevel(request.payer);
      } catch (err) {
        if (err instanceof RangeError) throw invalid([{ path: 'payer.type', message: err.message.replace(/^payer\.type: /, '') }]);
        throw err;
      }
      const planned = planAppealLevel(
        {
          payer: request.payer,
          level,
          noticeDate: request.noticeDate,
          receivedDate: request.receivedDate,
          dateOfService: request.dateOfService,
          denialCodes: request.denialCodes,
          amountInControversy: request.deniedAmount,
        },
        this.calendar,
      );
      if (!planned.ok) throw invalid(planned.problems);
      const flowId = appealWorkflowId(request.appealId);
      const existing = await this.prisma.flow.findUnique({ where: { workflowId: flowId } });
      const duplicate = () => conflict(`appealId: appeal ${request.appealId} was already started (flow ${flowId}${existing ? `, ${existing.status}, started ${existing.startedAt.toISOString()} by ${existing.startedBy}` : ''}); use a new appealId`);
      if (existing) throw duplicate();
      try {
        await this.temporal(() =>
          this.client.workflow.start<typeof claimAppealFlow>('claimAppealFlow', { taskQueue: this.taskQueue, workflowId: flowId, workflowIdReusePolicy: 'REJECT_DUPLICATE', args: [request] }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw duplicate();
        throw err;
      }
      return { flowId, appealId: request.appealId, plan: jsonAppealPlan(planned.plan) };
    });
  }

  async listAppeals(query: unknown = {}): Promise<FlowList> {
    return this.guard({ operation: 'list appeals' }, async () => {
      return this.flowsOfType(APPEAL_FLOW_TYPE, query);
    });
  }

  /** The live appeal, or (Temporal no longer has it or cannot answer) what the ledger records. */
  async getAppeal(appealId: string): Promise<AppealDetail> {
    const flowId = appealWorkflowId(appealId);
    return this.guard({ operation: 'show the appeal', flowId }, async () => {
      parseInput(AppealIdParamSchema, appealId, ID);
      const [row, history] = await Promise.all([this.prisma.flow.findUnique({ where: { workflowId: flowId } }), this.recentHistory(flowId)]);
      try {
        const view = await this.temporal(() => this.client.workflow.getHandle(flowId).query(appealQuery));
        return { ...view, source: 'temporal', history };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && !row) throw notFound(`${ID}: no appeal "${appealId}"`);
        const recorded = this.recordedInstead(err, row, { operation: 'show the appeal', flowId }, SHOWN_FROM_LEDGER);
        const all = await this.ledger(flowId);
        return {
          ...appealFromLedger(all),
          workflowId: flowId,
          appealId,
          status: recorded.row.status,
          tasks: flowViewFromLedger(summaryOf(recorded.row), all).tasks,
          source: 'ledger',
          notice: recorded.notice,
          history,
        };
      }
    });
  }

  /** Completes submit_appeal with the proof (confirmation number and channel); the payer's decision clock starts. */
  async submitAppeal(appealId: string, body: unknown): Promise<AppealView> {
    return this.send(appealId, 'submit the appeal', SubmitAppealBodySchema, body, async (handle, input) => {
      const { by, note, lateReason, confirmationNumber, channel, submittedAt } = input;
      const evidence: Record<string, string> = { confirmationNumber, channel, ...(submittedAt ? { submittedAt } : {}) };
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey: SUBMIT_TASK, by, note, lateReason, evidence, completedAt: submittedAt }] });
      return handle.query(appealQuery);
    });
  }

  async recordDecision(appealId: string, body: unknown): Promise<AppealView> {
    return this.send(appealId, 'record the appeal decision', AppealDecisionBodySchema, body, (handle, input) => handle.executeUpdate(recordAppealDecisionUpdate, { args: [input] }));
  }

  async closeAppeal(appealId: string, body: unknown): Promise<AppealView> {
    return this.send(appealId, 'close the appeal', CloseAppealBodySchema, body, (handle, input) => handle.executeUpdate(closeAppealUpdate, { args: [input] }));
  }

  async cancelAppeal(appealId: string, body: unknown): Promise<FlowView> {
    return this.send(appealId, 'cancel the appeal', CancelFlowBodySchema, body, (handle, input) => handle.executeUpdate(cancelFlowUpdate, { args: [input] }));
  }

  private send<S extends z.ZodType, R>(appealId: string, operation: string, schema: S, body: unknown, run: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>): Promise<R> {
    return this.sendUpdate({ flowId: appealWorkflowId(appealId), field: ID, subject: { id: appealId, schema: AppealIdParamSchema } }, operation, schema, body, run);
  }
}
