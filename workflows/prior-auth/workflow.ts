// Prior authorization (DOMAIN.md §3): staff tasks before submission, the submission recorded
// through a submitter, the payer's decision clock watched (escalation with ledger evidence at the
// exact deadline, then every 2 business days), and the decision's consequences: expiry
// reminders and unit tracking when approved, a manager's choice of path when denied, a task and
// a new clock on resubmission when pended.
//
// It is built on the task engine's pieces (reminder ladder, notices, Update and Query names,
// failures, activities) rather than on TaskEngine itself: TaskEngine closes the flow when its
// checklist is done and completes tasks only through its own Update, while this flow closes on
// the payer's decision and completes tasks from its own Updates (a resubmission completes the
// pended-information task, a rendered service stops the expiry reminders).
import {
  ActivityFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditEvent } from '../../activities/contracts';
import { appealWorkflowId } from '../../domain/appeals/request';
import { isIdentifier } from '../../domain/identifiers';
import { CLAIM_APPEAL_WORKFLOW_TYPE } from '../appeal/definitions';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { decisionDeadline, type DecisionDeadline } from '../../domain/prior-auth/clock';
import { priorAuthTitle, renderDecisionOverdue, renderExpiredUnused, renderUnitsLow, type PriorAuthNoticeContext } from '../../domain/prior-auth/notices';
import {
  ChooseDenialPathSchema,
  DENIAL_PATHS,
  PriorAuthRequestSchema,
  RecordDecisionSchema,
  ServiceRenderedSchema,
  denialAppealId,
  prePlanTasks,
  submissionTarget,
  type ChooseDenialPathInput,
  type PriorAuthRequestInput,
  type RecordDecisionInput,
  type ServiceRenderedInput,
} from '../../domain/prior-auth/request';
import { RecordSubmissionSchema, SUBMITTERS, type RecordSubmissionInput, type SubmissionReceipt } from '../../domain/prior-auth/submitter';
import type { PayerClockView, PriorAuthStatus, PriorAuthView, RecordedDecision } from '../../domain/prior-auth/view';
import { dueDateOf, firstStepAtOrAfter, initialStepIndex, ladderStep, lateFrom, type LadderStep } from '../../domain/tasks/ladder';
import {
  CancelFlowSchema,
  CompleteTaskSchema,
  ReminderPolicySchema,
  type CancelFlowInput,
  type CompleteTaskInput,
  type FlowStatus,
  type FlowView,
  type ReminderPolicy,
  type TaskCompletion,
  type TaskSpec,
  type TaskStatus,
  type TaskView,
} from '../../domain/tasks/model';
import { renderNotice, type NoticeText } from '../../domain/tasks/notices';
import { cancelFlowUpdate, checklistQuery, completeTaskUpdate } from '../task-engine/definitions';
import { conflictFailure, notFoundFailure, parseOrThrow, validationFailure } from '../task-engine/failures';
import { chooseDenialPathUpdate, priorAuthQuery, recordDecisionUpdate, recordServiceRenderedUpdate, recordSubmissionUpdate } from './definitions';
import { SYSTEM_ACTOR } from '../task-engine/actor';
import { recordAudit, recordFlow, sendEmail } from '../task-engine/activities';
import { pastOverdueCap, PATCH_OVERDUE_CAP } from '../task-engine/overdue-cap';
import { denialAppealRequest, startDenialAppeal } from './denial-appeal';
import { IncidentDesk } from '../task-engine/incidents';

const SYSTEM = SYSTEM_ACTOR;
const FLOW_TYPE = 'prior_auth';
/** Repeated payer-deadline escalations: every 2 business days, at this local time. */
const REPEAT_ESCALATION_BUSINESS_DAYS = 2;
const REPEAT_ESCALATION_AT = '09:00';
/** A notice when the remaining authorized units fall to this share or below. */
const UNITS_LOW_SHARE = 0.2;
/**
 * A payer that never answers is escalated at most this many times per submission (12 weeks at
 * every 2 business days): the evidence for a complaint is in the ledger by then, and the request
 * stays past its clock on the worklist (README, "History bound"; see ../task-engine/overdue-cap.ts).
 */
export const MAX_CLOCK_ESCALATIONS = 30;
/** Patch id: the appeal flow is started before the denial's choice changes anything here. */
const PATCH_APPEAL_STARTS_FIRST = 'prior-auth-appeal-starts-first';
/** Tasks the generic completeTask Update may close; the others close through this flow's Updates. */
const COMPLETABLE = new Set(['eligibility_check', 'documentation', 'denial_next_step']);

/** Before the authorization ends: 14 and 3 calendar days before, on the last day, while no service is recorded. */
const EXPIRY_POLICY: ReminderPolicy = ReminderPolicySchema.parse({
  before: [
    { amount: 14, unit: 'calendar_days' },
    { amount: 3, unit: 'calendar_days' },
  ],
  onDueDate: true,
});

interface TaskState {
  spec: TaskSpec;
  policy: ReminderPolicy;
  status: TaskStatus;
  completion?: TaskCompletion;
  nextStep: number;
}

interface Clock extends DecisionDeadline {
  submission: number;
  submittedAt: string;
  receipt: SubmissionReceipt;
  escalations: number;
  stoppedAt?: string;
}

interface PendingEvent {
  at: number;
  fire: () => Promise<void>;
}

export async function priorAuthFlow(raw: PriorAuthRequestInput): Promise<PriorAuthView> {
  const request = parseOrThrow(PriorAuthRequestSchema, raw);
  const calendar = new BusinessCalendar(request.practice);
  const workflowId = workflowInfo().workflowId;
  const startedAt = new Date().toISOString();
  const today = () => calendar.dateOf(Date.now());
  const target = submissionTarget(request, today(), calendar);
  const ctx: PriorAuthNoticeContext = {
    flowId: workflowId,
    authorizationId: request.authorizationId,
    patientRef: request.patientRef,
    serviceCode: request.service.code,
    payer: request.payer,
  };
  const title = priorAuthTitle(ctx);
  const defaultPolicy = ReminderPolicySchema.parse({});

  let status: PriorAuthStatus = 'awaiting_submission';
  let flowStatus: FlowStatus = 'running';
  let closedAt: string | undefined;
  let cancelled: { by: string; reason: string; at: string } | undefined;
  let version = 0;
  const tasks = new Map<string, TaskState>();
  const submissions: (SubmissionReceipt & { n: number })[] = [];
  let clock: Clock | undefined;
  const decisions: RecordedDecision[] = [];
  let approval: { authorizationNumber: string; validFrom: string; validTo: string; units: number; used: number; lowNoticeSent: boolean } | undefined;
  const servicesRendered: { on: string; unitsUsed: number; by: string; recordedAt: string }[] = [];
  let denialPath: PriorAuthView['denialPath'];
  let appeal: PriorAuthView['appeal'];
  let denials = 0;
  /** The denial's appeal flow is starting (before the choice changes anything): no second choice meanwhile. */
  let choosingPath = false;
  /** Overdue notices and payer escalations stop at their caps (set once one is reached, see the main loop). */
  let capped = false;
  const taskCapped = (task: TaskState) => capped && pastOverdueCap(task.spec.due, task.policy, calendar, task.nextStep);
  const clockCapped = (c: Clock) => capped && c.escalations >= MAX_CLOCK_ESCALATIONS;

  // ---- Ledger, projection, email ---------------------------------------------------------------

  const event = (action: string, actor: string, extra: { key?: string; taskKey?: string; rule?: string; detail: Record<string, unknown> }): AuditEvent => ({
    businessKey: `${workflowId}:${action}${extra.key ? `:${extra.key}` : ''}`,
    occurredAt: new Date().toISOString(),
    actor,
    action,
    flowType: FLOW_TYPE,
    workflowId,
    runId: workflowInfo().runId,
    taskKey: extra.taskKey,
    rule: extra.rule,
    detail: { authorizationId: request.authorizationId, ...extra.detail },
  });
  // A record the database refuses for good waits for a person's decision (task-engine/incidents.ts).
  const incidents = new IncidentDesk({ workflowId, flowType: FLOW_TYPE, title, managerEmail: request.managerEmail });
  const audit = async (...events: AuditEvent[]) => {
    if (events.length > 0) await incidents.guard('recordAudit', () => recordAudit(events));
  };
  const project = () =>
    incidents.guard('recordFlow', () => recordFlow({ workflowId, flowType: FLOW_TYPE, subjectId: request.authorizationId, title, status: flowStatus, startedAt, startedBy: request.startedBy, closedAt }));

  /** Sends one notice; returns its message id, or undefined when it could not be delivered (audited). */
  const email = async (businessKey: string, to: string[], cc: string[], notice: NoticeText, headers: Record<string, string>): Promise<string | undefined> => {
    try {
      const receipt = await sendEmail({ businessKey, workflowId, to, cc: cc.filter((c) => !to.includes(c)), ...notice, headers: { 'X-PracticeFlow-Flow': workflowId, ...headers } });
      return receipt.messageId;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = err.cause?.message ?? err.message;
      log.warn('prior-auth notice undeliverable', { businessKey, reason });
      await audit(event('notice.undeliverable', SYSTEM, { key: businessKey.slice(workflowId.length + 1), detail: { to, cc, reason } }));
      return undefined;
    }
  };

  // ---- Tasks ---------------------------------------------------------------------------------

  const taskView = (task: TaskState): TaskView => {
    const step = task.status === 'open' && flowStatus === 'running' && !taskCapped(task) ? ladderStep(task.spec.due, task.policy, calendar, task.nextStep) : undefined;
    return {
      key: task.spec.key,
      title: task.spec.title,
      assignee: task.spec.assignee,
      due: task.spec.due,
      dueDate: dueDateOf(task.spec.due, calendar),
      rule: task.spec.rule,
      required: task.spec.required,
      outcomes: task.spec.outcomes,
      status: task.status,
      overdue: task.status === 'open' && Date.now() >= lateFrom(task.spec.due, calendar),
      completion: task.completion,
      nextNotice: step ? { key: step.key, kind: step.kind, at: new Date(step.at).toISOString() } : undefined,
    };
  };

  const taskCreated = (task: TaskState, actor: string) =>
    event('task.created', actor, {
      key: task.spec.key,
      taskKey: task.spec.key,
      rule: task.spec.rule?.citation,
      detail: { title: task.spec.title, assignee: task.spec.assignee.email, due: task.spec.due, dueDate: dueDateOf(task.spec.due, calendar), required: task.spec.required },
    });

  /** Adds a task (state only); the caller audits the returned event. */
  const addTask = (spec: TaskSpec, actor: string): AuditEvent => {
    const policy = spec.reminders ?? defaultPolicy;
    const task: TaskState = { spec, policy, status: 'open', nextStep: initialStepIndex(spec.due, policy, calendar, Date.now()) };
    tasks.set(spec.key, task);
    version += 1;
    return taskCreated(task, actor);
  };

  /** Closes an open task (state only); the caller audits the returned event. */
  const completeTask = (key: string, by: string, extra: Omit<TaskCompletion, 'by' | 'at' | 'recordedAt' | 'late'> & { at?: number } = {}): AuditEvent | undefined => {
    const task = tasks.get(key);
    if (!task || task.status !== 'open') return undefined;
    const at = extra.at ?? Date.now();
    task.status = 'completed';
    task.completion = {
      by,
      at: new Date(at).toISOString(),
      recordedAt: new Date().toISOString(),
      note: extra.note,
      lateReason: extra.lateReason,
      outcome: extra.outcome,
      evidence: extra.evidence,
      late: at >= lateFrom(task.spec.due, calendar),
    };
    version += 1;
    return event('task.completed', by, {
      key,
      taskKey: key,
      rule: task.spec.rule?.citation,
      detail: { ...task.completion, dueDate: dueDateOf(task.spec.due, calendar) },
    });
  };

  const openTaskKey = (prefix: string): string => [...tasks.values()].find((t) => t.spec.key.startsWith(prefix) && t.status === 'open')?.spec.key ?? prefix;

  const sendTaskNotice = async (task: TaskState, step: LadderStep) => {
    const dueDate = dueDateOf(task.spec.due, calendar);
    const notice = renderNotice(
      { flowId: workflowId, flowTitle: title, taskKey: task.spec.key, taskTitle: task.spec.title, dueDate, rule: task.spec.rule, assigneeEmail: task.spec.assignee.email },
      step,
      calendar,
    );
    const to = step.toManager ? [request.managerEmail] : [task.spec.assignee.email];
    const cc = step.toManager ? [task.spec.assignee.email] : [];
    const scheduledAt = new Date(step.at).toISOString();
    const messageId = await email(`${workflowId}:${task.spec.key}:${dueDate}:${step.key}`, to, cc, notice, {
      'X-PracticeFlow-Task': task.spec.key,
      'X-PracticeFlow-Step': step.key,
      'X-PracticeFlow-Scheduled-At': scheduledAt,
    });
    if (messageId) {
      await audit(
        event(`notice.${step.kind}`, SYSTEM, {
          key: `${task.spec.key}:${dueDate}:${step.key}`,
          taskKey: task.spec.key,
          rule: task.spec.rule?.citation,
          detail: { step: step.key, scheduledAt, to, cc, dueDate, messageId },
        }),
      );
    }
  };

  // ---- The payer's clock ---------------------------------------------------------------------

  /** The n-th escalation (0-based): the deadline itself, then every 2 business days at 09:00. */
  const escalationAt = (c: Clock, n: number): number =>
    n === 0 ? Date.parse(c.decisionDueAt) : calendar.at(calendar.addBusinessDays(c.decisionDueDate, n * REPEAT_ESCALATION_BUSINESS_DAYS), REPEAT_ESCALATION_AT);

  const clockView = (c: Clock): PayerClockView => ({
    submission: c.submission,
    submittedAt: c.submittedAt,
    decisionDueAt: c.decisionDueAt,
    decisionDueDate: c.decisionDueDate,
    rule: c.rule,
    amount: c.amount,
    unit: c.unit,
    escalations: c.escalations,
    overdue: (c.stoppedAt ? Date.parse(c.stoppedAt) : Date.now()) >= Date.parse(c.decisionDueAt),
    nextEscalationAt: c.stoppedAt || clockCapped(c) ? undefined : calendar.formatInstant(escalationAt(c, c.escalations)),
    stoppedAt: c.stoppedAt,
  });

  const escalateMissedDeadline = async (c: Clock) => {
    const n = c.escalations + 1;
    const scheduledAt = new Date(escalationAt(c, c.escalations)).toISOString();
    c.escalations = n;
    const to = [request.managerEmail];
    const cc = [request.staffEmail];
    const messageId = await email(
      `${workflowId}:clock:${c.submission}:escalation_${n}`,
      to,
      cc,
      renderDecisionOverdue(ctx, c, c.receipt, n),
      { 'X-PracticeFlow-Task': 'payer_decision', 'X-PracticeFlow-Step': `escalation_${n}`, 'X-PracticeFlow-Scheduled-At': scheduledAt },
    );
    // The evidence for a complaint: what was submitted, when, the proof, and the rule the payer missed.
    await audit(
      event('prior_auth.decision_overdue', SYSTEM, {
        key: `${c.submission}:${n}`,
        taskKey: 'payer_decision',
        rule: c.rule,
        detail: {
          escalation: n,
          scheduledAt,
          submission: { n: c.submission, ...c.receipt },
          submittedAt: c.submittedAt,
          decisionDueAt: c.decisionDueAt,
          decisionDueDate: c.decisionDueDate,
          clock: { amount: c.amount, unit: c.unit, urgency: request.urgency, payerType: request.payer.type, payerId: request.payer.id },
          notified: { to, cc, messageId },
        },
      }),
    );
  };

  // ---- Closing -------------------------------------------------------------------------------

  const cancelOpenTasks = () => {
    for (const task of tasks.values()) if (task.status === 'open') task.status = 'cancelled';
  };

  const close = async (next: PriorAuthStatus, actor: string, detail: Record<string, unknown>) => {
    status = next;
    flowStatus = 'completed';
    closedAt = new Date().toISOString();
    cancelOpenTasks();
    version += 1;
    await audit(event('flow.completed', actor, { detail: { status: next, ...detail } }));
  };

  // ---- Views ---------------------------------------------------------------------------------

  const view = (): PriorAuthView => ({
    flowId: workflowId,
    flowStatus,
    status,
    authorizationId: request.authorizationId,
    patientRef: request.patientRef,
    payer: request.payer,
    service: request.service,
    urgency: request.urgency,
    orderingProvider: request.orderingProvider,
    submissionTarget: target,
    submissions,
    clock: clock ? clockView(clock) : undefined,
    decisions,
    decision: decisions.at(-1),
    units: approval ? { authorized: approval.units, used: approval.used, remaining: approval.units - approval.used, lowNoticeSent: approval.lowNoticeSent } : undefined,
    servicesRendered,
    denialPath,
    appeal,
    tasks: [...tasks.values()].map(taskView),
    startedAt,
    closedAt,
    cancelled,
  });

  const flowView = (): FlowView => ({
    flowId: workflowId,
    flowType: FLOW_TYPE,
    title,
    status: flowStatus,
    timeZone: calendar.timeZone,
    managerEmail: request.managerEmail,
    startedAt,
    startedBy: request.startedBy,
    cancelled,
    completedAt: flowStatus === 'completed' ? closedAt : undefined,
    tasks: [...tasks.values()].map(taskView),
  });

  // ---- Events the flow waits for -------------------------------------------------------------

  const pendingEvents = (): PendingEvent[] => {
    if (flowStatus !== 'running') return [];
    const events: PendingEvent[] = [];
    for (const task of tasks.values()) {
      if (task.status !== 'open' || taskCapped(task)) continue;
      const step = ladderStep(task.spec.due, task.policy, calendar, task.nextStep);
      events.push({
        at: step.at,
        fire: async () => {
          // Advance first; missed repeats (after downtime) are skipped rather than sent in a burst.
          task.nextStep = Math.max(step.index + 1, firstStepAtOrAfter(task.spec.due, task.policy, calendar, Date.now() + 1));
          await sendTaskNotice(task, step);
        },
      });
    }
    const c = clock;
    if (c && !c.stoppedAt && status === 'submitted' && !clockCapped(c)) events.push({ at: escalationAt(c, c.escalations), fire: () => escalateMissedDeadline(c) });
    const a = approval;
    if (a && status === 'approved') {
      events.push({
        at: calendar.endOf(a.validTo),
        fire: async () => {
          const unused = servicesRendered.length === 0;
          if (unused) {
            await email(`${workflowId}:authorization:${a.authorizationNumber}:ended_unused`, [request.managerEmail], [request.staffEmail], renderExpiredUnused(ctx, a.authorizationNumber, a.validTo, a.units - a.used), {
              'X-PracticeFlow-Task': 'authorization',
              'X-PracticeFlow-Step': 'ended_unused',
              'X-PracticeFlow-Scheduled-At': new Date(calendar.endOf(a.validTo)).toISOString(),
            });
          }
          await close('closed', SYSTEM, { reason: unused ? 'authorization ended without service' : 'authorization ended', validTo: a.validTo, unitsUsed: a.used, unitsRemaining: a.units - a.used });
        },
      });
    }
    return events.sort((x, y) => x.at - y.at);
  };

  /** Whether a task has had its last overdue notice, or the payer its last escalation. */
  const reachedCap = (): boolean =>
    [...tasks.values()].some((t) => t.status === 'open' && pastOverdueCap(t.spec.due, t.policy, calendar, t.nextStep)) ||
    (clock !== undefined && !clock.stoppedAt && status === 'submitted' && clock.escalations >= MAX_CLOCK_ESCALATIONS);

  // ---- Updates -------------------------------------------------------------------------------

  const assertRunning = () => {
    if (flowStatus !== 'running') throw conflictFailure(`flow is ${flowStatus}; it can no longer change`);
  };
  const notFuture = (path: string, iso: string | undefined): number => {
    const now = Date.now();
    if (iso === undefined) return now;
    const at = Date.parse(iso);
    if (at > now) throw validationFailure([{ path, message: `must not be in the future (now is ${calendar.formatInstant(now)})` }]);
    return at;
  };

  const validateSubmission = (rawInput: RecordSubmissionInput) => {
    const input = parseOrThrow(RecordSubmissionSchema, rawInput);
    assertRunning();
    if (status !== 'awaiting_submission' && status !== 'pended') {
      throw conflictFailure(`status: the request is ${status}; a submission is recorded before a decision or after the payer pends it`);
    }
    const at = notFuture('submittedAt', input.submittedAt);
    const last = submissions.at(-1);
    if (last && at <= Date.parse(last.submittedAt)) throw validationFailure([{ path: 'submittedAt', message: `must be after the previous submission (${last.submittedAt})` }]);
    // The payer's clock starts from the submission. A date no clock of this payer covers (before its
    // rule took effect, e.g. 1999) is refused here: the handler could not compute a deadline, and
    // the flow would fail its workflow task on every retry, answering nothing (found by fuzzing).
    try {
      decisionDeadline({ payer: request.payer, urgency: request.urgency, submittedAt: SUBMITTERS[input.channel].receipt(input).submittedAt }, calendar);
    } catch (err) {
      if (err instanceof RangeError) throw validationFailure([{ path: 'submittedAt', message: `has no payer decision clock: ${err.message}` }]);
      throw err;
    }
    return input;
  };
  // The checklist exists before any handler is registered: an Update sent right after the start is
  // validated as soon as its handler is set, and must find the tasks.
  const created = prePlanTasks(request, target).map((spec) => addTask(spec, request.startedBy));

  setHandler(
    recordSubmissionUpdate,
    async (rawInput) => {
      const input = validateSubmission(rawInput);
      const receipt = SUBMITTERS[input.channel].receipt(input);
      const deadline = decisionDeadline({ payer: request.payer, urgency: request.urgency, submittedAt: receipt.submittedAt }, calendar);
      const n = submissions.length + 1;
      const wasPended = status === 'pended';
      submissions.push({ n, ...receipt });
      clock = { ...deadline, submission: n, submittedAt: calendar.formatInstant(Date.parse(receipt.submittedAt)), receipt, escalations: 0 };
      status = 'submitted';
      const events = [completeTask(openTaskKey('pended_response'), input.by, { at: Date.parse(receipt.submittedAt), note: `resubmitted, confirmation ${receipt.confirmationNumber}` })];
      version += 1;
      await audit(
        event(wasPended ? 'prior_auth.resubmitted' : 'prior_auth.submitted', input.by, {
          key: String(n),
          rule: deadline.rule,
          detail: { submission: n, ...receipt, decisionDueAt: deadline.decisionDueAt, decisionDueDate: deadline.decisionDueDate, clock: { amount: deadline.amount, unit: deadline.unit } },
        }),
        ...events.filter((e): e is AuditEvent => e !== undefined),
      );
      return view();
    },
    { validator: (rawInput) => void validateSubmission(rawInput) },
  );

  const validateDecision = (rawInput: RecordDecisionInput) => {
    const input = parseOrThrow(RecordDecisionSchema, rawInput);
    assertRunning();
    if (status !== 'submitted' && status !== 'peer_to_peer') {
      throw conflictFailure(`status: the request is ${status}; a decision is recorded for a submitted request${status === 'awaiting_submission' || status === 'pended' ? ' (record the submission first)' : ''}`);
    }
    const at = notFuture('receivedAt', input.receivedAt);
    const last = submissions.at(-1);
    if (last && at < Date.parse(last.submittedAt)) throw validationFailure([{ path: 'receivedAt', message: `must not be before the submission (${last.submittedAt})` }]);
    if (input.outcome === 'pended' && input.respondBy < today()) throw validationFailure([{ path: 'respondBy', message: `must not be in the past (today is ${today()})` }]);
    return { input, at };
  };
  setHandler(
    recordDecisionUpdate,
    async (rawInput) => {
      const { input, at } = validateDecision(rawInput);
      const recorded: RecordedDecision = { ...input, receivedAt: calendar.formatInstant(at), recordedAt: new Date().toISOString() };
      decisions.push(recorded);
      if (clock && !clock.stoppedAt) clock.stoppedAt = recorded.receivedAt;
      const events: (AuditEvent | undefined)[] = [completeTask(openTaskKey('peer_to_peer_review'), input.by, { note: `payer decision: ${input.outcome}` })];
      const n = decisions.length;
      if (input.outcome === 'approved') {
        status = 'approved';
        approval = { authorizationNumber: input.authorizationNumber, validFrom: input.validFrom, validTo: input.validTo, units: input.units, used: 0, lowNoticeSent: false };
        events.push(
          addTask(
            {
              key: 'render_service',
              title: `Render the authorized service before authorization ${input.authorizationNumber} ends: ${request.authorizationId} (CPT/HCPCS ${request.service.code})`,
              assignee: { email: request.staffEmail, label: 'prior-authorization staff' },
              due: { date: input.validTo },
              rule: { citation: `Payer authorization ${input.authorizationNumber}, valid ${input.validFrom} to ${input.validTo}`, summary: 'a service after the authorization ends needs a new authorization' },
              required: true,
              reminders: EXPIRY_POLICY,
            },
            SYSTEM,
          ),
        );
      } else if (input.outcome === 'denied') {
        status = 'denied';
        denials += 1;
        const key = denials === 1 ? 'denial_next_step' : `denial_next_step_${denials}`;
        events.push(
          addTask(
            {
              key,
              title: `Choose the next step after the denial: peer-to-peer, appeal or accept (${request.authorizationId}, CPT/HCPCS ${request.service.code})`,
              assignee: { email: request.managerEmail, label: 'manager' },
              due: { date: calendar.addBusinessDays(today(), 2) },
              rule: {
                citation: 'Practice policy: decide within 2 business days; peer-to-peer windows are short and payer-specific, appeal windows run from the denial notice (e.g. 65 days, 42 CFR 422.582(b))',
                summary: 'the denial must state a specific reason (CMS-0057-F)',
              },
              required: true,
              outcomes: [...DENIAL_PATHS],
            },
            SYSTEM,
          ),
        );
      } else {
        status = 'pended';
        events.push(
          addTask(
            {
              key: submissions.length === 1 ? 'pended_response' : `pended_response_${submissions.length}`,
              title: `Send the information the payer requested and resubmit: ${request.authorizationId} (CPT/HCPCS ${request.service.code})`,
              assignee: { email: request.staffEmail, label: 'prior-authorization staff' },
              due: { date: input.respondBy },
              rule: { citation: `Payer request for information, respond by ${input.respondBy}`, summary: 'the payer decides on a new clock from the resubmission' },
              required: true,
            },
            SYSTEM,
          ),
        );
      }
      version += 1;
      await audit(
        event(`prior_auth.${input.outcome}`, input.by, {
          key: String(n),
          rule: input.outcome === 'denied' ? 'CMS-0057-F (specific denial reason)' : clock?.rule,
          detail: { decision: n, ...recorded, submission: clock?.submission, decisionDueAt: clock?.decisionDueAt, withinDeadline: clock ? at <= Date.parse(clock.decisionDueAt) : undefined },
        }),
        ...events.filter((e): e is AuditEvent => e !== undefined),
      );
      return view();
    },
    { validator: (rawInput) => void validateDecision(rawInput) },
  );

  const validateServiceRendered = (rawInput: ServiceRenderedInput) => {
    const input = parseOrThrow(ServiceRenderedSchema, rawInput);
    assertRunning();
    if (status !== 'approved' || !approval) throw conflictFailure(`status: the request is ${status}; services are recorded against an approved authorization`);
    if (input.on > today()) throw validationFailure([{ path: 'on', message: `must not be in the future (today is ${today()})` }]);
    if (input.on < approval.validFrom || input.on > approval.validTo) {
      throw validationFailure([{ path: 'on', message: `must be within the authorization (${approval.validFrom} to ${approval.validTo})` }]);
    }
    const remaining = approval.units - approval.used;
    if (input.unitsUsed > remaining) throw validationFailure([{ path: 'unitsUsed', message: `must be at most ${remaining}: ${approval.used} of ${approval.units} authorized units are used` }]);
    return { input, approved: approval };
  };
  setHandler(
    recordServiceRenderedUpdate,
    async (rawInput) => {
      const { input, approved } = validateServiceRendered(rawInput);
      approved.used += input.unitsUsed;
      servicesRendered.push({ on: input.on, unitsUsed: input.unitsUsed, by: input.by, recordedAt: new Date().toISOString() });
      const units = { authorized: approved.units, used: approved.used, remaining: approved.units - approved.used };
      const sendLow = !approved.lowNoticeSent && units.remaining <= approved.units * UNITS_LOW_SHARE;
      if (sendLow) approved.lowNoticeSent = true;
      const events = [completeTask('render_service', input.by, { note: `service rendered on ${input.on}` })];
      version += 1;
      await audit(
        event('prior_auth.service_rendered', input.by, { key: String(servicesRendered.length), rule: `Payer authorization ${approved.authorizationNumber}`, detail: { on: input.on, unitsUsed: input.unitsUsed, units } }),
        ...events.filter((e): e is AuditEvent => e !== undefined),
      );
      if (sendLow) {
        const messageId = await email(`${workflowId}:authorization:${approved.authorizationNumber}:units_low`, [request.staffEmail], [request.managerEmail], renderUnitsLow(ctx, units, approved.validTo), {
          'X-PracticeFlow-Task': 'authorization',
          'X-PracticeFlow-Step': 'units_low',
        });
        await audit(event('prior_auth.units_low', SYSTEM, { key: approved.authorizationNumber, detail: { ...units, threshold: UNITS_LOW_SHARE, messageId } }));
      }
      if (units.remaining === 0 && flowStatus === 'running') await close('closed', SYSTEM, { reason: 'all authorized units used', unitsUsed: units.used });
      return view();
    },
    { validator: (rawInput) => void validateServiceRendered(rawInput) },
  );

  const validateDenialPath = (rawInput: ChooseDenialPathInput) => {
    const input = parseOrThrow(ChooseDenialPathSchema, rawInput);
    assertRunning();
    if (status !== 'denied') throw conflictFailure(`status: the request is ${status}; a path is chosen after a denial`);
    if (choosingPath) throw conflictFailure('status: a path after the denial is being recorded (its appeal flow is starting)');
    if (input.path === 'appeal' && !isIdentifier(denialAppealId(request.authorizationId))) {
      throw validationFailure([{ path: 'path', message: `the appeal id ${denialAppealId(request.authorizationId)} would be longer than 64 characters: start the appeal by hand (POST /api/appeals) with a shorter appealId` }]);
    }
    return input;
  };
  const chooseDenialPath = async (input: ChooseDenialPathInput, completion: { at?: number; lateReason?: string; evidence?: Record<string, string> } = {}) => {
    const denial = [...decisions].reverse().find((d) => d.outcome === 'denied');
    // The appeal flow starts before anything changes here: a start that fails leaves the denial
    // and its task as they were, instead of closed with nothing audited (issue 18). Histories
    // recorded before, which started it after the task was closed, replay through the patch.
    let appealFirst: PriorAuthView['appeal'];
    if (input.path === 'appeal' && patched(PATCH_APPEAL_STARTS_FIRST)) {
      // Nothing has changed yet while the child starts: a second choice must not pass meanwhile.
      choosingPath = true;
      appealFirst = await startDenialAppeal(request, denial, input.by, calendar);
    }
    const at = new Date().toISOString();
    denialPath = { path: input.path, by: input.by, at };
    const events: (AuditEvent | undefined)[] = [completeTask(openTaskKey('denial_next_step'), input.by, { outcome: input.path, note: input.note, ...completion })];
    events.push(event('prior_auth.denial_path_chosen', input.by, { key: String(denials), detail: { path: input.path, note: input.note, denial: { reason: denial?.reason, denialCodes: denial?.denialCodes } } }));
    if (input.path === 'peer_to_peer') {
      status = 'peer_to_peer';
      events.push(
        addTask(
          {
            key: denials === 1 ? 'peer_to_peer_review' : `peer_to_peer_review_${denials}`,
            title: `Schedule the peer-to-peer review with the payer's reviewer: ${request.authorizationId} (ordering provider ${request.orderingProvider})`,
            assignee: { email: request.managerEmail, label: 'manager' },
            due: { date: calendar.addBusinessDays(today(), 2) },
            rule: { citation: 'Payer peer-to-peer window (contract-specific) [U]; practice policy 2 business days', summary: 'record the payer\'s new decision with recordDecision' },
            required: true,
          },
          input.by,
        ),
      );
      version += 1;
      await audit(...events.filter((e): e is AuditEvent => e !== undefined));
      return;
    }
    if (input.path === 'appeal') {
      const appealFlowId = appealWorkflowId(denialAppealId(request.authorizationId));
      appeal = appealFirst ?? { workflowId: appealFlowId, status: 'requested' };
      // Before the patch above: started after the task was closed (histories from then replay so).
      if (!appealFirst && patched('prior-auth-appeal-child') && denial) {
        await startChild(CLAIM_APPEAL_WORKFLOW_TYPE, {
          workflowId: appealFlowId,
          args: [denialAppealRequest(request, denial, input.by, calendar)],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        appeal = { workflowId: appealFlowId, status: 'started' };
      }
      events.push(
        event('prior_auth.appeal_requested', input.by, {
          key: appealFlowId,
          rule: '42 CFR 422.582 (MA reconsideration); plan appeal procedure',
          detail: {
            appealWorkflowId: appealFlowId,
            appealStatus: appeal.status,
            appealWorkflowType: 'claimAppealFlow',
            patientRef: request.patientRef,
            payer: request.payer,
            service: request.service,
            orderingProvider: request.orderingProvider,
            denial: { reason: denial?.reason, denialCodes: denial?.denialCodes, receivedAt: denial?.receivedAt },
            managerEmail: request.managerEmail,
          },
        }),
      );
    }
    version += 1;
    await audit(...events.filter((e): e is AuditEvent => e !== undefined));
    await close(input.path === 'appeal' ? 'appeal_requested' : 'denial_accepted', input.by, { path: input.path });
  };
  setHandler(
    chooseDenialPathUpdate,
    async (rawInput) => {
      await chooseDenialPath(validateDenialPath(rawInput));
      return view();
    },
    { validator: (rawInput) => void validateDenialPath(rawInput) },
  );

  // The generic task Update: staff tasks, and the denial choice recorded as the task's outcome.
  const validateCompletion = (rawInput: CompleteTaskInput) => {
    const input = parseOrThrow(CompleteTaskSchema, rawInput);
    assertRunning();
    const task = tasks.get(input.taskKey);
    if (!task) throw notFoundFailure(`taskKey: no task "${input.taskKey}" in this flow (tasks: ${[...tasks.keys()].join(', ')})`);
    if (task.status !== 'open') throw conflictFailure(`taskKey: task "${input.taskKey}" is already ${task.status}`);
    const isDenial = task.spec.key.startsWith('denial_next_step');
    if (isDenial && choosingPath) throw conflictFailure('taskKey: a path after the denial is being recorded (its appeal flow is starting)');
    if (!COMPLETABLE.has(task.spec.key) && !isDenial) {
      throw conflictFailure(`taskKey: "${input.taskKey}" closes with ${input.taskKey.startsWith('pended_response') ? 'recordSubmission (the resubmission)' : input.taskKey.startsWith('peer_to_peer') ? 'recordDecision (the payer\'s new decision)' : 'recordServiceRendered'}`);
    }
    const at = notFuture('completedAt', input.completedAt);
    const late = at >= lateFrom(task.spec.due, calendar);
    if (late && !input.lateReason) throw validationFailure([{ path: 'lateReason', message: `is required: the task was due ${dueDateOf(task.spec.due, calendar)} and is completed late` }]);
    if (isDenial && !DENIAL_PATHS.includes(input.outcome as (typeof DENIAL_PATHS)[number])) {
      throw validationFailure([{ path: 'outcome', message: `is required: one of ${DENIAL_PATHS.join(', ')}` }]);
    }
    return { input, task, at, isDenial };
  };
  setHandler(
    completeTaskUpdate,
    async (rawInput) => {
      const { input, task, at, isDenial } = validateCompletion(rawInput);
      if (isDenial) {
        await chooseDenialPath({ path: input.outcome as ChooseDenialPathInput['path'], by: input.by, note: input.note }, { at, lateReason: input.lateReason, evidence: input.evidence });
      } else {
        const done = completeTask(task.spec.key, input.by, { at, note: input.note, lateReason: input.lateReason, outcome: input.outcome, evidence: input.evidence });
        if (done) await audit(done);
      }
      return taskView(task);
    },
    { validator: (rawInput) => void validateCompletion(rawInput) },
  );

  const markCancelled = (by: string, reason: string) => {
    flowStatus = 'cancelled';
    cancelled = { by, reason, at: new Date().toISOString() };
    closedAt = cancelled.at;
    cancelOpenTasks();
    version += 1;
  };
  setHandler(
    cancelFlowUpdate,
    async (rawInput: CancelFlowInput) => {
      const input = parseOrThrow(CancelFlowSchema, rawInput);
      assertRunning();
      markCancelled(input.by, input.reason);
      await audit(event('flow.cancelled', input.by, { detail: { reason: input.reason, status } }));
      return flowView();
    },
    {
      validator: (rawInput) => {
        parseOrThrow(CancelFlowSchema, rawInput);
        assertRunning();
      },
    },
  );

  setHandler(priorAuthQuery, view);
  setHandler(checklistQuery, flowView);

  // ---- Run -----------------------------------------------------------------------------------

  try {
    await audit(
      event('flow.started', request.startedBy, {
        detail: {
          title,
          subjectId: request.authorizationId,
          patientRef: request.patientRef,
          payer: request.payer,
          service: request.service,
          urgency: request.urgency,
          orderingProvider: request.orderingProvider,
          managerEmail: request.managerEmail,
          staffEmail: request.staffEmail,
          timeZone: calendar.timeZone,
          submissionTarget: target,
        },
      }),
      ...created,
    );
    await project();
    while (flowStatus === 'running') {
      if (!capped && reachedCap() && patched(PATCH_OVERDUE_CAP)) capped = true;
      const next = pendingEvents()[0];
      const seen = version;
      const changed = await condition(() => version !== seen, next ? Math.max(1, next.at - Date.now()) : undefined);
      if (changed || !next) continue;
      await next.fire();
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      markCancelled('system:temporal-cancellation', 'workflow cancellation requested through Temporal');
      await audit(event('flow.cancelled', cancelled!.by, { detail: { reason: cancelled!.reason, status } }));
      await project();
    });
    throw err;
  }
  await condition(allHandlersFinished);
  await project();
  return view();
}
