// One claim appeal (DOMAIN.md §4), level by level: the filing deadline from the level's rule, the
// filing checklist (gather records, draft letter, submit with proof) with reminders and
// escalations, then the payer's decision clock with escalations when it is late. A loss opens the
// next level's window from the new notice: the flow continues as new at that level, so each
// level's history starts fresh. Emails and ids carry identifiers only, never patient information.
//
// The shared TaskEngine ends a flow when its checklist is done and projects that as `completed`;
// an appeal outlives its checklist (decision wait, later levels under the same workflow id), so
// this flow runs the same pure pieces (ladder, notices) with its own loop, and answers the
// engine's completeTask / cancelFlow / checklist messages so the API and CLI work unchanged.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { AuditEvent } from '../../activities/contracts';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import type { IsoDate } from '../../domain/calendar/iso-date';
import { zodProblems } from '../../domain/errors';
import type { AppealLevel } from '../../domain/appeals/filing';
import { DEFAULT_APPEAL_LETTER_TEMPLATE, fillAppealLetter } from '../../domain/appeals/letter';
import {
  AppealDecisionSchema,
  AppealRequestSchema,
  CloseAppealSchema,
  firstAppealLevel,
  planAppealLevel,
  SubmissionProofSchema,
  type AppealablePlan,
  type AppealDecisionInput,
  type AppealRequest,
  type AppealRequestInput,
  type CloseAppealInput,
} from '../../domain/appeals/request';
import { dueDateOf, firstStepAtOrAfter, initialStepIndex, ladderStep, lateFrom, type LadderStep } from '../../domain/tasks/ladder';
import {
  CancelFlowSchema,
  CompleteTaskSchema,
  ReminderPolicySchema,
  type CompleteTaskInput,
  type Due,
  type FlowStatus,
  type FlowView,
  type ReminderPolicy,
  type RuleRef,
  type TaskCompletion,
  type TaskView,
} from '../../domain/tasks/model';
import { renderNotice } from '../../domain/tasks/notices';
import { cancelFlowUpdate, checklistQuery, completeTaskUpdate } from '../task-engine/definitions';
import { conflictFailure, notFoundFailure, parseOrThrow, validationFailure } from '../task-engine/failures';
import {
  appealQuery,
  closeAppealUpdate,
  recordAppealDecisionUpdate,
  type AppealDecisionRecord,
  type AppealLevelRecord,
  type AppealSubmission,
  type AppealView,
} from './definitions';
import { SYSTEM_ACTOR } from '../task-engine/actor';
import { recordAudit, recordFlow, sendEmail } from '../task-engine/activities';
import { pastOverdueCap, PATCH_OVERDUE_CAP } from '../task-engine/overdue-cap';
import { AppliedUpdates, AppliedUpdatesSchema } from '../task-engine/applied-updates';
import { IncidentDesk } from '../task-engine/incidents';

const SYSTEM = SYSTEM_ACTOR;
const FLOW_TYPE = 'appeal';
export const PAYER_DECISION_TASK = 'payer_decision';

/** Escalations when the payer's decision is late: the day after the clock runs out, then weekly. */
const DECISION_POLICY: ReminderPolicy = ReminderPolicySchema.parse({
  before: [],
  onDueDate: false,
  escalateAfter: { amount: 1, unit: 'calendar_days' },
  overdueEvery: { amount: 7, unit: 'calendar_days' },
});
const FILING_POLICY: ReminderPolicy = ReminderPolicySchema.parse({});

/** State carried from one level's run to the next (continue-as-new). */
const CarriedSchema = z.object({
  flowStartedAt: z.string(),
  amountInControversy: z.number().min(0),
  amountRecovered: z.number().min(0),
  previousLevels: z.array(z.custom<AppealLevelRecord>((v) => typeof v === 'object' && v !== null)),
  /** Keyed Updates (Idempotency-Key) applied by earlier levels' runs: a retried decision is answered, not recorded again. */
  appliedUpdates: AppliedUpdatesSchema.optional(),
});
export type AppealCarried = z.infer<typeof CarriedSchema>;
/** For tests that every carried shape an older run emitted still parses. */
export { CarriedSchema as AppealCarriedSchema };

interface TaskState {
  key: string;
  title: string;
  assignee: { email: string; label?: string };
  due: Due;
  rule?: RuleRef;
  policy: ReminderPolicy;
  status: 'open' | 'completed' | 'cancelled';
  completion?: TaskCompletion;
  nextStep: number;
}

/** Due dates of the filing checklist: a week apart, the submission a week before the deadline. */
export function filingTaskDates(filingDeadline: IsoDate, today: IsoDate, calendar: BusinessCalendar): Record<'gather_records' | 'draft_letter' | 'submit_appeal', IsoDate> {
  const floor = today < filingDeadline ? today : filingDeadline;
  const notBefore = (d: IsoDate) => (d < floor ? floor : d);
  const submit = calendar.addBusinessDays(filingDeadline, -5);
  const draft = calendar.addBusinessDays(submit, -5);
  const gather = calendar.addBusinessDays(draft, -5);
  return { gather_records: notBefore(gather), draft_letter: notBefore(draft), submit_appeal: notBefore(submit) };
}

export async function claimAppealFlow(raw: AppealRequestInput, rawCarried?: AppealCarried): Promise<AppealView> {
  const request: AppealRequest = parseOrThrow(AppealRequestSchema, raw);
  const carried: AppealCarried | undefined = rawCarried ? parseOrThrow(CarriedSchema, rawCarried) : undefined;
  const calendar = new BusinessCalendar(request.calendar);
  const workflowId = workflowInfo().workflowId;
  const level: AppealLevel = request.level ?? firstAppealLevel(request.payer);
  const amountInControversy = carried?.amountInControversy ?? request.deniedAmount;
  const today = () => calendar.dateOf(Date.now());

  // 1. The filing deadline, or the reason the denial cannot be appealed at this level.
  const planned = planAppealLevel(
      { payer: request.payer, level, noticeDate: request.noticeDate, receivedDate: request.receivedDate, dateOfService: request.dateOfService, denialCodes: request.denialCodes, amountInControversy },
      calendar,
    );
  if (!planned.ok) throw validationFailure(planned.problems);
  const plan: AppealablePlan = planned.plan;

  const flowStartedAt = carried?.flowStartedAt ?? new Date().toISOString();
  const previousLevels: AppealLevelRecord[] = carried?.previousLevels ?? [];
  let amountRecovered = carried?.amountRecovered ?? 0;
  const applied = new AppliedUpdates(carried?.appliedUpdates);
  let status: FlowStatus = 'running';
  let outcome: AppealView['outcome'];
  let closed: { by: string; reason: string; at: string } | undefined;
  let completedAt: string | undefined;
  let submission: AppealSubmission | undefined;
  let decision: AppealDecisionRecord | undefined;
  /** Set by a loss (or partial win) that opens the next level. */
  let nextRun: { request: AppealRequestInput; carried: AppealCarried } | undefined;
  let version = 0;
  /**
   * Overdue notices (filing tasks, the payer's late decision) stop at the cap: once the filing
   * deadline or the decision clock is weeks behind, the worklist shows it (README, "History bound").
   */
  let capped = false;
  const taskCapped = (task: TaskState) => capped && pastOverdueCap(task.due, task.policy, calendar, task.nextStep);
  const title = `Claim appeal ${request.appealId}: claim ${request.claimId} (${level})`;
  const flowRule = plan.rule;

  const letter = fillAppealLetter(request.letterTemplate ?? DEFAULT_APPEAL_LETTER_TEMPLATE, {
    appealId: request.appealId,
    claimId: request.claimId,
    dateOfService: request.dateOfService,
    payer: request.payer,
    level,
    denialCodes: request.denialCodes,
    billedAmount: request.billedAmount,
    deniedAmount: amountInControversy,
    noticeDate: request.noticeDate,
    receiptDate: plan.receiptDate,
    filingDeadline: plan.filingDeadline,
    rule: plan.rule,
    priorAuthorizationId: request.priorAuthorizationId,
    today: today(),
  });

  // 2. The filing checklist, all due before the filing deadline.
  const tasks = new Map<string, TaskState>();
  const addTask = (spec: Omit<TaskState, 'status' | 'nextStep'>): TaskState => {
    const task: TaskState = { ...spec, status: 'open', nextStep: initialStepIndex(spec.due, spec.policy, calendar, Date.now()) };
    tasks.set(task.key, task);
    version += 1;
    return task;
  };
  const dates = filingTaskDates(plan.filingDeadline, today(), calendar);
  const staff = { email: request.staffEmail, label: 'billing staff' };
  const filingRule: RuleRef = { citation: plan.rule, summary: `${level} must be filed by ${plan.filingDeadline}` };
  addTask({ key: 'gather_records', title: `Gather records for the ${level} of claim ${request.claimId}`, assignee: staff, due: { date: dates.gather_records }, rule: filingRule, policy: FILING_POLICY });
  addTask({ key: 'draft_letter', title: `Review the draft ${level} letter for claim ${request.claimId}`, assignee: staff, due: { date: dates.draft_letter }, rule: filingRule, policy: FILING_POLICY });
  addTask({ key: 'submit_appeal', title: `Submit the ${level} for claim ${request.claimId} (file by ${plan.filingDeadline})`, assignee: staff, due: { date: dates.submit_appeal }, rule: filingRule, policy: FILING_POLICY });

  // ---- Views -------------------------------------------------------------------------------

  const taskView = (task: TaskState): TaskView => {
    const step = task.status === 'open' && status === 'running' && !taskCapped(task) ? ladderStep(task.due, task.policy, calendar, task.nextStep) : undefined;
    return {
      key: task.key,
      title: task.title,
      assignee: task.assignee,
      due: task.due,
      dueDate: dueDateOf(task.due, calendar),
      rule: task.rule,
      required: true,
      status: task.status,
      overdue: task.status === 'open' && Date.now() >= lateFrom(task.due, calendar),
      completion: task.completion,
      nextNotice: step ? { key: step.key, kind: step.kind, at: new Date(step.at).toISOString() } : undefined,
    };
  };

  const view = (): AppealView => ({
    workflowId,
    appealId: request.appealId,
    claimId: request.claimId,
    status,
    level,
    noticeDate: request.noticeDate,
    receiptDate: plan.receiptDate,
    receiptPresumed: plan.receiptPresumed,
    filingDeadline: plan.filingDeadline,
    rule: plan.rule,
    decisionDays: plan.decisionDays,
    decisionRule: plan.decisionRule,
    decisionDue: tasks.get(PAYER_DECISION_TASK) ? dueDateOf(tasks.get(PAYER_DECISION_TASK)!.due, calendar) : undefined,
    nextLevel: plan.nextLevel,
    amountInControversy,
    amountRecovered,
    tasks: [...tasks.values()].map(taskView),
    letter,
    submission,
    decisions: [...previousLevels.flatMap((l) => (l.decision ? [l.decision] : [])), ...(decision ? [decision] : [])],
    previousLevels,
    outcome,
  });

  const checklist = (): FlowView => ({
    flowId: workflowId,
    flowType: FLOW_TYPE,
    title,
    status,
    timeZone: calendar.timeZone,
    managerEmail: request.managerEmail,
    startedAt: flowStartedAt,
    startedBy: request.startedBy,
    cancelled: closed,
    completedAt,
    tasks: [...tasks.values()].map(taskView),
  });

  // ---- Side effects ------------------------------------------------------------------------

  const event = (action: string, actor: string, key: string, detail: Record<string, unknown>, extra: { taskKey?: string; rule?: string } = {}): AuditEvent => ({
    businessKey: `${workflowId}:${action}:${level}${key ? `:${key}` : ''}`,
    occurredAt: new Date().toISOString(),
    actor,
    action,
    flowType: FLOW_TYPE,
    workflowId,
    runId: workflowInfo().runId,
    taskKey: extra.taskKey,
    rule: extra.rule ?? flowRule,
    detail: { appealId: request.appealId, claimId: request.claimId, level, ...detail },
  });
  // A record the database refuses for good waits for a person's decision (task-engine/incidents.ts).
  const incidents = new IncidentDesk({ workflowId, flowType: FLOW_TYPE, title, managerEmail: request.managerEmail });
  const audit = (events: AuditEvent[]) => incidents.guard('recordAudit', () => recordAudit(events));
  const project = () =>
    incidents.guard('recordFlow', () => recordFlow({ workflowId, flowType: FLOW_TYPE, subjectId: request.appealId, title, status, startedAt: flowStartedAt, startedBy: request.startedBy, closedAt: completedAt ?? closed?.at }));

  const email = async (key: string, to: string[], cc: string[], subject: string, text: string, headers: Record<string, string>) => {
    try {
      const receipt = await sendEmail({ businessKey: `${workflowId}:${level}:${key}`, workflowId, to, cc: cc.filter((c) => !to.includes(c)), subject, text, headers: { 'X-PracticeFlow-Flow': workflowId, ...headers } });
      return receipt.messageId;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await audit([event('notice.undeliverable', SYSTEM, key, { to, reason: err.cause?.message ?? err.message })]);
      return undefined;
    }
  };

  const sendNotice = async (task: TaskState, step: LadderStep) => {
    const dueDate = dueDateOf(task.due, calendar);
    const to = step.toManager ? [request.managerEmail] : [task.assignee.email];
    const cc = step.toManager ? [task.assignee.email] : [];
    const footer = `\nAppeal: ${request.appealId}\nClaim: ${request.claimId}\nLevel: ${level}\nFiling deadline: ${plan.filingDeadline}`;
    const notice =
      task.key === PAYER_DECISION_TASK
        ? {
            subject: `${step.kind === 'escalation' ? 'Payer decision late' : 'Payer decision still late'}: appeal ${request.appealId} (${level}, due ${dueDate})`,
            text: `The payer's decision on the ${level} of claim ${request.claimId} was due on ${dueDate} (${plan.decisionDays} days after submission, ${plan.decisionRule ?? 'payer rule'}) and is not recorded.\nFollow up with the payer; when the decision arrives, record it: practiceflow appeal decision ${workflowId} --outcome won|partially_won|lost.\n${footer}\nFlow: ${workflowId}\nTask: ${task.key}\nScheduled: ${calendar.formatInstant(step.at)}`,
          }
        : (() => {
            const n = renderNotice({ flowId: workflowId, flowTitle: title, taskKey: task.key, taskTitle: task.title, dueDate, rule: task.rule, assigneeEmail: task.assignee.email }, step, calendar);
            return { subject: n.subject, text: `${n.text}\n${footer}` };
          })();
    const scheduledAt = new Date(step.at).toISOString();
    const messageId = await email(`${task.key}:${dueDate}:${step.key}`, to, cc, notice.subject, notice.text, {
      'X-PracticeFlow-Task': task.key,
      'X-PracticeFlow-Step': step.key,
      'X-PracticeFlow-Scheduled-At': scheduledAt,
    });
    await audit([event(`notice.${step.kind}`, SYSTEM, `${task.key}:${dueDate}:${step.key}`, { step: step.key, scheduledAt, to, cc, dueDate, messageId }, { taskKey: task.key, rule: task.rule?.citation })]);
  };

  // ---- Updates and queries -----------------------------------------------------------------

  const assertRunning = () => {
    if (status !== 'running') throw conflictFailure(`appeal is ${status}; it can no longer change`);
    if (nextRun) throw conflictFailure(`the ${level} is decided; the appeal is moving to the next level`);
  };

  const validateCompletion = (rawInput: CompleteTaskInput) => {
    const input = parseOrThrow(CompleteTaskSchema, rawInput);
    assertRunning();
    const task = tasks.get(input.taskKey);
    if (!task) throw notFoundFailure(`taskKey: no task "${input.taskKey}" in this appeal (tasks: ${[...tasks.keys()].join(', ')})`);
    if (task.key === PAYER_DECISION_TASK) throw conflictFailure('taskKey: the payer decision is recorded with recordAppealDecision (outcome won, partially_won or lost)');
    if (task.status !== 'open') throw conflictFailure(`taskKey: task "${task.key}" is already ${task.status}${task.completion ? ` (by ${task.completion.by} at ${task.completion.at})` : ''}`);
    const now = Date.now();
    const at = input.completedAt ? Date.parse(input.completedAt) : now;
    if (at > now) throw validationFailure([{ path: 'completedAt', message: 'must not be in the future' }]);
    const late = at >= lateFrom(task.due, calendar);
    if (late && !input.lateReason) throw validationFailure([{ path: 'lateReason', message: `is required: the task was due ${dueDateOf(task.due, calendar)} and is completed late` }]);
    let proof: AppealSubmission | undefined;
    if (task.key === 'submit_appeal') {
      const parsed = SubmissionProofSchema.safeParse(input.evidence ?? {});
      if (!parsed.success) throw validationFailure(zodProblems(parsed.error, 'evidence'));
      const submittedAt = parsed.data.submittedAt ?? new Date(at).toISOString();
      if (Date.parse(submittedAt) > now) throw validationFailure([{ path: 'evidence.submittedAt', message: 'must not be in the future' }]);
      if (calendar.dateOf(Date.parse(submittedAt)) < request.noticeDate) throw validationFailure([{ path: 'evidence.submittedAt', message: `must not be before the notice date ${request.noticeDate}` }]);
      proof = { confirmationNumber: parsed.data.confirmationNumber, channel: parsed.data.channel, submittedAt, by: input.by, timely: calendar.dateOf(Date.parse(submittedAt)) <= plan.filingDeadline };
    }
    return { task, input, at, late, proof };
  };

  setHandler(
    completeTaskUpdate,
    async (rawInput) => {
      const { task, input, at, late, proof } = validateCompletion(rawInput);
      task.status = 'completed';
      task.completion = { by: input.by, at: new Date(at).toISOString(), recordedAt: new Date().toISOString(), note: input.note, lateReason: late ? input.lateReason : undefined, evidence: input.evidence, late };
      version += 1;
      const events = [event('task.completed', input.by, task.key, { ...task.completion, dueDate: dueDateOf(task.due, calendar) }, { taskKey: task.key, rule: task.rule?.citation })];
      if (proof) {
        submission = proof;
        // 3. The payer's decision clock runs from the submission.
        if (plan.decisionDays !== undefined) {
          const decisionTask = addTask({
            key: PAYER_DECISION_TASK,
            title: `Payer decision on the ${level} of claim ${request.claimId}`,
            assignee: staff,
            due: { date: calendar.addCalendarDays(calendar.dateOf(Date.parse(proof.submittedAt)), plan.decisionDays) },
            rule: plan.decisionRule ? { citation: plan.decisionRule, summary: `the payer decides within ${plan.decisionDays} days` } : undefined,
            policy: DECISION_POLICY,
          });
          events.push(event('task.created', SYSTEM, PAYER_DECISION_TASK, { title: decisionTask.title, assignee: staff.email, due: decisionTask.due, dueDate: dueDateOf(decisionTask.due, calendar) }, { taskKey: PAYER_DECISION_TASK, rule: plan.decisionRule }));
        }
        events.push(event('appeal.submitted', input.by, '', { ...proof, filingDeadline: plan.filingDeadline, decisionDue: view().decisionDue }));
      }
      await audit(events);
      return taskView(task);
    },
    { validator: (rawInput) => void validateCompletion(rawInput) },
  );

  const finish = (final: FlowStatus, result: NonNullable<AppealView['outcome']>) => {
    status = final;
    outcome = result;
    if (final === 'completed') completedAt = result.at;
    for (const task of tasks.values()) if (task.status === 'open') task.status = 'cancelled';
    version += 1;
  };

  const validateDecision = (rawInput: AppealDecisionInput) => {
    const input = parseOrThrow(AppealDecisionSchema, rawInput);
    assertRunning();
    if (!submission) throw conflictFailure(`the ${level} has not been submitted: complete submit_appeal with its proof first`);
    if ('amountRecovered' in input && input.amountRecovered > amountInControversy) {
      throw validationFailure([{ path: 'amountRecovered', message: `must not exceed the amount in controversy ($${amountInControversy})` }]);
    }
    if (input.outcome === 'won' || input.outcome === 'partially_won') {
      if (input.outcome === 'partially_won' && input.amountRecovered >= amountInControversy) throw validationFailure([{ path: 'amountRecovered', message: `must be less than the amount in controversy ($${amountInControversy}) for a partial win` }]);
    }
    const noticeDate = input.outcome === 'won' ? undefined : input.noticeDate;
    if (noticeDate) {
      const submittedOn = calendar.dateOf(Date.parse(submission.submittedAt));
      if (noticeDate < submittedOn) throw validationFailure([{ path: 'noticeDate', message: `must not be before the submission (${submittedOn})` }]);
      if (noticeDate > today()) throw validationFailure([{ path: 'noticeDate', message: `must not be in the future (today is ${today()})` }]);
      const receivedDate = input.outcome === 'won' ? undefined : input.receivedDate;
      if (receivedDate && receivedDate < noticeDate) throw validationFailure([{ path: 'receivedDate', message: 'must not be before noticeDate' }]);
    }
    // The next level, when there is one and the denial stays appealable there.
    let next: { level: AppealLevel; plan: ReturnType<typeof planAppealLevel> } | undefined;
    if (noticeDate && plan.nextLevel) {
      const remaining = amountInControversy - ('amountRecovered' in input ? input.amountRecovered : 0);
      next = {
        level: plan.nextLevel,
        plan: planAppealLevel(
          { payer: request.payer, level: plan.nextLevel, noticeDate, receivedDate: input.outcome === 'won' ? undefined : input.receivedDate, dateOfService: request.dateOfService, amountInControversy: remaining },
          calendar,
        ),
      };
    }
    return { input, next };
  };

  setHandler(
    recordAppealDecisionUpdate,
    async (rawInput) => {
      // A client's retry of the decision that opened this level: answered with the appeal as it is.
      if (applied.isRetry) return view();
      const { input, next } = validateDecision(rawInput);
      applied.remember();
      const recovered = 'amountRecovered' in input ? input.amountRecovered : 0;
      decision = {
        level,
        outcome: input.outcome,
        amountRecovered: 'amountRecovered' in input ? input.amountRecovered : undefined,
        noticeDate: input.outcome === 'won' ? undefined : input.noticeDate,
        receivedDate: input.outcome === 'won' ? undefined : input.receivedDate,
        by: input.by,
        recordedAt: new Date().toISOString(),
        note: input.note,
      };
      amountRecovered += recovered;
      const decisionTask = tasks.get(PAYER_DECISION_TASK);
      if (decisionTask && decisionTask.status === 'open') {
        decisionTask.status = 'completed';
        const late = Date.now() >= lateFrom(decisionTask.due, calendar);
        decisionTask.completion = { by: input.by, at: decision.recordedAt, recordedAt: decision.recordedAt, outcome: input.outcome, note: input.note, late };
      }
      const events = [event('appeal.decision_recorded', input.by, '', { ...decision, amountInControversy, amountRecoveredTotal: amountRecovered }, { rule: plan.decisionRule ?? flowRule })];
      if (next?.plan.ok) {
        const remaining = amountInControversy - recovered;
        nextRun = {
          request: { ...request, level: next.level, noticeDate: decision.noticeDate!, receivedDate: decision.receivedDate },
          carried: {
            flowStartedAt,
            amountInControversy: remaining,
            amountRecovered,
            previousLevels: [...previousLevels, { level, noticeDate: request.noticeDate, filingDeadline: plan.filingDeadline, rule: plan.rule, submission, decision }],
            appliedUpdates: applied.carried(),
          },
        };
        events.push(event('appeal.next_level_opened', input.by, next.level, { nextLevel: next.level, filingDeadline: next.plan.plan.filingDeadline, rule: next.plan.plan.rule, noticeDate: decision.noticeDate }, { rule: next.plan.plan.rule }));
      } else {
        const kind: NonNullable<AppealView['outcome']>['kind'] =
          input.outcome === 'won' ? 'won' : next && !next.plan.ok ? 'not_appealable' : input.outcome === 'partially_won' ? 'partially_won' : 'exhausted';
        const detail =
          next && !next.plan.ok
            ? `the ${next.level} is not available: ${next.plan.problems.map((p) => p.message).join('; ')}`
            : input.outcome === 'won'
              ? `won at the ${level}: $${recovered} recovered`
              : input.outcome === 'partially_won'
                ? `partially won at the ${level}: $${recovered} recovered; not appealed further`
                : `lost at the ${level}, the last level this flow tracks for ${request.payer.type}`;
        finish('completed', { kind, detail, at: decision.recordedAt });
        events.push(event('flow.completed', SYSTEM, '', { outcome: kind, detail, amountRecovered }));
      }
      version += 1;
      await audit(events);
      return view();
    },
    { validator: (rawInput) => void (applied.isRetry || validateDecision(rawInput)) },
  );

  const close = async (rawInput: CloseAppealInput) => {
    const input = parseOrThrow(CloseAppealSchema, rawInput);
    assertRunning();
    closed = { by: input.by, reason: input.reason, at: new Date().toISOString() };
    finish('cancelled', { kind: 'closed', detail: input.reason, at: closed.at });
    await audit([event('flow.cancelled', input.by, '', { reason: input.reason })]);
    return view();
  };
  const validateClose = (rawInput: unknown) => {
    parseOrThrow(CloseAppealSchema, rawInput);
    assertRunning();
  };
  setHandler(closeAppealUpdate, close, { validator: validateClose });
  setHandler(
    cancelFlowUpdate,
    async (rawInput) => {
      await close(parseOrThrow(CancelFlowSchema, rawInput));
      return checklist();
    },
    { validator: validateClose },
  );
  setHandler(appealQuery, view);
  setHandler(checklistQuery, checklist);

  // ---- Start of this level -----------------------------------------------------------------

  const opening: AuditEvent[] = [];
  if (!carried) {
    opening.push(
      event('flow.started', request.startedBy, '', {
        title,
        subjectId: request.appealId,
        patientRef: request.patientRef,
        payer: request.payer,
        dateOfService: request.dateOfService,
        denialCodes: request.denialCodes,
        billedAmount: request.billedAmount,
        deniedAmount: request.deniedAmount,
        priorAuthorizationId: request.priorAuthorizationId,
        staffEmail: request.staffEmail,
        managerEmail: request.managerEmail,
        timeZone: calendar.timeZone,
      }),
    );
  }
  opening.push(
    event('appeal.level_started', carried ? SYSTEM : request.startedBy, '', {
      noticeDate: request.noticeDate,
      receiptDate: plan.receiptDate,
      receiptPresumed: plan.receiptPresumed,
      filingDeadline: plan.filingDeadline,
      rolledFrom: plan.rolledFrom,
      decisionDays: plan.decisionDays,
      nextLevel: plan.nextLevel,
      amountInControversy,
      amountInControversyCheck: plan.amountInControversy,
    }),
    ...[...tasks.values()].map((t) =>
      event('task.created', carried ? SYSTEM : request.startedBy, t.key, { title: t.title, assignee: t.assignee.email, due: t.due, dueDate: dueDateOf(t.due, calendar), required: true }, { taskKey: t.key, rule: t.rule?.citation }),
    ),
    event('appeal.letter_drafted', SYSTEM, '', { template: request.letterTemplate ? 'practice' : 'default', letter: letter.text, unknownPlaceholders: letter.unknown }, { taskKey: 'draft_letter' }),
  );
  await audit(opening);
  await project();
  // The draft goes to staff as the email body: claim facts and identifiers only.
  await email(
    'draft_letter:letter',
    [request.staffEmail],
    [],
    `Draft ${level} letter: appeal ${request.appealId}, claim ${request.claimId} (file by ${plan.filingDeadline})`,
    `A draft ${level} letter for claim ${request.claimId} is below. Add the patient's details and the reason for disagreement in the practice's own systems before sending it; it is due by ${plan.filingDeadline} (${plan.rule}).${letter.unknown.length ? `\nPlaceholders left for you to fill: ${letter.unknown.join(', ')}.` : ''}\n\n-----\n${letter.text}\n-----\n\nFlow: ${workflowId}\nTask: draft_letter\nRecord completion: practiceflow task complete ${workflowId} draft_letter --by <you>`,
    { 'X-PracticeFlow-Task': 'draft_letter', 'X-PracticeFlow-Step': 'letter' },
  );

  // ---- Main loop: reminders, escalations, the decision ------------------------------------

  const nextPending = (): { task: TaskState; step: LadderStep } | undefined => {
    let best: { task: TaskState; step: LadderStep } | undefined;
    for (const task of tasks.values()) {
      if (task.status !== 'open' || taskCapped(task)) continue;
      const step = ladderStep(task.due, task.policy, calendar, task.nextStep);
      if (!best || step.at < best.step.at) best = { task, step };
    }
    return best;
  };
  const reachedCap = () => [...tasks.values()].some((t) => t.status === 'open' && pastOverdueCap(t.due, t.policy, calendar, t.nextStep));

  while (status === 'running' && !nextRun) {
    if (!capped && reachedCap() && patched(PATCH_OVERDUE_CAP)) capped = true;
    const next = nextPending();
    const seen = version;
    const changed = await condition(() => version !== seen || status !== 'running' || nextRun !== undefined, next ? Math.max(1, next.step.at - Date.now()) : undefined);
    if (changed || !next) continue;
    for (const task of tasks.values()) {
      if (task.status !== 'open' || taskCapped(task)) continue;
      const step = ladderStep(task.due, task.policy, calendar, task.nextStep);
      if (step.at > Date.now()) continue;
      task.nextStep = Math.max(step.index + 1, firstStepAtOrAfter(task.due, task.policy, calendar, Date.now() + 1));
      await sendNotice(task, step);
    }
  }

  await condition(allHandlersFinished);
  if (nextRun) {
    // 4. A loss opens the next level: a fresh run (and history) under the same workflow id.
    return continueAsNew<typeof claimAppealFlow>(nextRun.request, nextRun.carried);
  }
  await project();
  return view();
}

