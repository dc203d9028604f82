// The shared task engine, run inside a flow's workflow: a checklist of human tasks, each with
// its reminder ladder, completed through validated Updates, audited at every state change.
// Durable timers only (condition with timeout); dates come from the pure domain rules.
// State changes run one at a time (./changes.ts); a run whose history grows long hands the
// checklist to a fresh run (./history-budget.ts, ./carried.ts).
import {
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { AuditEvent } from '../../activities/contracts';
import type { EngineCarried } from './carried';
import { OneChangeAtATime } from './changes';
import { historyIsLong } from './history-budget';
import { BusinessCalendar, type CalendarSettings } from '../../domain/calendar/business-calendar';
import { conflictFailure, notFoundFailure, parseOrThrow, validationFailure } from './failures';
import { dueDateOf, initialStepIndex, firstStepAtOrAfter, ladderStep, lateFrom, type LadderStep } from '../../domain/tasks/ladder';
import {
  AddTaskSchema,
  CancelFlowSchema,
  ChangeDueSchema,
  CompleteTaskSchema,
  ReminderPolicySchema,
  type AddTaskInput,
  type CancelFlowInput,
  type ChangeDueInput,
  type CompleteTaskInput,
  type Due,
  type FlowStatus,
  type FlowView,
  type ReminderPolicy,
  type ReminderPolicyInput,
  type TaskCompletion,
  type TaskSpec,
  type TaskStatus,
  type TaskView,
} from '../../domain/tasks/model';
import { addTaskUpdate, cancelFlowUpdate, changeDueUpdate, checklistQuery, completeTaskUpdate } from './definitions';
import { recordAudit, recordFlow } from './activities';
import { NoticeSender } from './notice-sender';

export { SYSTEM_ACTOR } from './actor';
import { SYSTEM_ACTOR } from './actor';
import { IncidentDesk } from './incidents';

/** Patch ids of changes to live workflow code (see test/replay). */
export const PATCH_FLOW_PROJECTION = 'flow-projection';
/** The flow closes only after the change that completed its last task has written its records. */
export const PATCH_CLOSE_AFTER_CHANGES = 'engine-close-after-changes';
/** A run whose history reached the budget continues as new with its checklist. */
export const PATCH_ENGINE_CONTINUE_AS_NEW = 'engine-continue-as-new';

export interface EngineOptions {
  flowType: string;
  /** The identifier the flow is about (hire id, provider id...), never PHI. */
  subjectId: string;
  title: string;
  managerEmail: string;
  startedBy: string;
  calendar: CalendarSettings;
  /** Defaults for tasks that do not carry their own reminder policy. */
  reminders?: ReminderPolicyInput;
  tasks: TaskSpec[];
  /** Extra facts recorded with flow.started (identifiers and rule inputs only). */
  startDetail?: Record<string, unknown>;
  /**
   * The Update that completes this flow's tasks, when the flow needs a richer completion record
   * than the generic completeTask (e.g. an OSHA drill's participants and findings): the generic
   * Update is then refused with a pointer to it.
   */
  completeThrough?: string;
  /** Runs after a completion is recorded (e.g. onboarding's BBP training starts the yearly cycle). */
  afterCompletion?: (task: TaskView) => Promise<void>;
  /**
   * Sets the ledger and email keys apart when one workflow id runs several flows in turn (a BBP
   * cycle per training): without it the next cycle's entries would be taken for the last one's.
   */
  cycle?: string;
  /** The checklist handed over by the previous run (continue-as-new); the start is not audited again. */
  resume?: EngineCarried;
  /**
   * Continues the flow as new with the checklist (and whatever the flow adds of its own), once the
   * run's history reaches the budget. Without it the run goes on (short-lived flows).
   */
  continueAsNew?: (carried: EngineCarried) => Promise<never>;
}

interface TaskState {
  spec: TaskSpec;
  due: Due;
  policy: ReminderPolicy;
  status: TaskStatus;
  completion?: TaskCompletion;
  /** Index of the next ladder step to fire. */
  nextStep: number;
  dueChanges: number;
}

export class TaskEngine {
  private readonly calendar: BusinessCalendar;
  private readonly defaultPolicy: ReminderPolicy;
  private readonly tasks = new Map<string, TaskState>();
  /** Bumped on every state change so the main loop re-plans its next timer. */
  private version = 0;
  private status: FlowStatus = 'running';
  private cancelled?: { by: string; reason: string; at: string };
  private completedAt?: string;
  private readonly startedAt: string;
  private readonly workflowId: string;
  private readonly changes = new OneChangeAtATime();
  /** A record the database refuses for good waits here for a person's decision (./incidents.ts). */
  private readonly incidents: IncidentDesk;
  private readonly notices: NoticeSender;

  constructor(private readonly options: EngineOptions) {
    this.calendar = new BusinessCalendar(options.calendar);
    this.defaultPolicy = ReminderPolicySchema.parse(options.reminders ?? {});
    this.workflowId = workflowInfo().workflowId;
    this.notices = new NoticeSender({
      workflowId: this.workflowId,
      title: options.title,
      managerEmail: options.managerEmail,
      calendar: this.calendar,
      cycle: options.cycle,
      event: (action, actor, extra) => this.event(action, actor, extra),
      audit: (events) => this.audit(events),
    });
    if (options.resume) {
      this.startedAt = options.resume.startedAt;
      for (const task of options.resume.tasks) this.tasks.set(task.spec.key, { ...task });
    } else {
      this.startedAt = new Date().toISOString();
      for (const spec of options.tasks) this.addTaskState(spec);
    }
    this.incidents = new IncidentDesk({ workflowId: this.workflowId, flowType: options.flowType, title: options.title, managerEmail: options.managerEmail });
    this.registerHandlers();
  }

  /**
   * Runs a change of the flow's state (an Update's handler, or a flow's own on a signal's behalf)
   * after the changes before it have finished. When it had to wait (`waited`), it checks its
   * preconditions again: what its validator saw may have changed.
   */
  change<T>(work: (turn: { waited: boolean }) => Promise<T>): Promise<T> {
    return this.changes.run(work);
  }

  /** Runs the flow to completion or cancellation; returns the final checklist. */
  async run(): Promise<FlowView> {
    try {
      // The opening is a change too: an Update that arrives meanwhile is recorded after it.
      const opened = this.changes.begin();
      try {
        if (!this.options.resume) {
          await this.audit([
            this.event('flow.started', this.options.startedBy, {
              detail: {
                title: this.options.title,
                subjectId: this.options.subjectId,
                managerEmail: this.options.managerEmail,
                timeZone: this.calendar.timeZone,
                ...this.options.startDetail,
              },
            }),
            ...[...this.tasks.values()].map((t) => this.taskCreatedEvent(t, this.options.startedBy)),
          ]);
        }
        await this.project();
      } finally {
        opened();
      }
      await this.loop();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      // Cancelled through Temporal (e.g. `temporal workflow cancel`): still leave an audit trail.
      await CancellationScope.nonCancellable(async () => {
        this.markCancelled('system:temporal-cancellation', 'workflow cancellation requested through Temporal');
        await this.audit([this.event('flow.cancelled', this.cancelled!.by, { detail: { reason: this.cancelled!.reason } })]);
        await this.project();
      });
      throw err;
    }
    await condition(allHandlersFinished);
    await this.project();
    return this.view();
  }

  /** Writes the flow's row in the flow projection (lists, dashboards, after retention). */
  private async project(): Promise<void> {
    // Added after flows were already running: histories recorded before it replay unchanged.
    if (!patched(PATCH_FLOW_PROJECTION)) return;
    await this.incidents.guard('recordFlow', () => recordFlow({
      workflowId: this.workflowId,
      flowType: this.options.flowType,
      subjectId: this.options.subjectId,
      title: this.options.title,
      status: this.status,
      startedAt: this.startedAt,
      startedBy: this.options.startedBy,
      closedAt: this.completedAt ?? this.cancelled?.at,
    }));
  }

  private async loop(): Promise<void> {
    while (this.status === 'running') {
      if (this.allRequiredDone()) {
        // The change that completed the last task may still be writing its records (a completion
        // recorded on a signal's behalf is no Update, so allHandlersFinished does not wait for it):
        // the ledger must show that completion before the flow's close. Then look again.
        if (!this.changes.idle && patched(PATCH_CLOSE_AFTER_CHANGES)) {
          await condition(() => this.changes.idle);
          continue;
        }
        await condition(allHandlersFinished);
        this.status = 'completed';
        this.completedAt = new Date().toISOString();
        await this.audit([this.event('flow.completed', SYSTEM_ACTOR, { detail: {} })]);
        return;
      }
      if (this.timeToContinueAsNew()) {
        await condition(() => allHandlersFinished() && this.changes.idle);
        if (this.status === 'running' && !this.allRequiredDone()) await this.options.continueAsNew!(this.carried());
        continue;
      }
      const next = this.nextPendingStep();
      const seen = this.version;
      const changed = await condition(
        () => this.version !== seen || this.status !== 'running',
        next ? Math.max(1, next.step.at - Date.now()) : undefined,
      );
      if (changed || !next) continue;
      await this.fireDueSteps();
    }
  }

  private nextPendingStep(): { task: TaskState; step: LadderStep } | undefined {
    let best: { task: TaskState; step: LadderStep } | undefined;
    for (const task of this.tasks.values()) {
      if (task.status !== 'open') continue;
      const step = ladderStep(task.due, task.policy, this.calendar, task.nextStep);
      if (!best || step.at < best.step.at) best = { task, step };
    }
    return best;
  }

  /** The run's history has reached its budget and the flow can hand over (README, "History bound"). */
  private timeToContinueAsNew(): boolean {
    return this.options.continueAsNew !== undefined && historyIsLong() && patched(PATCH_ENGINE_CONTINUE_AS_NEW);
  }

  /** The checklist as the next run takes it over. */
  private carried(): EngineCarried {
    return {
      startedAt: this.startedAt,
      runs: (this.options.resume?.runs ?? 0) + 1,
      tasks: [...this.tasks.values()].map((t) => ({ spec: t.spec, due: t.due, policy: t.policy, status: t.status, completion: t.completion, nextStep: t.nextStep, dueChanges: t.dueChanges })),
    };
  }

  private async fireDueSteps(): Promise<void> {
    for (const task of this.tasks.values()) {
      if (task.status !== 'open') continue;
      // A burst of notices (many tasks due together) stops at the budget: the next run sends the rest.
      if (this.timeToContinueAsNew()) return;
      const step = ladderStep(task.due, task.policy, this.calendar, task.nextStep);
      if (step.at > Date.now()) continue;
      // Advance before the activity so a concurrent Update sees a consistent ladder; missed
      // repeats (after downtime) are skipped rather than sent in a burst.
      task.nextStep = Math.max(step.index + 1, firstStepAtOrAfter(task.due, task.policy, this.calendar, Date.now() + 1));
      await this.notices.send(task, step);
    }
  }

  // ---- Updates and query -------------------------------------------------------------------

  private registerHandlers(): void {
    setHandler(checklistQuery, () => this.view());

    setHandler(completeTaskUpdate, (input) => this.change(() => this.completeTask(input)), {
      validator: (input) => {
        if (this.options.completeThrough) throw conflictFailure(`this flow's tasks are completed with ${this.options.completeThrough}, which records what the rule requires`);
        this.validateCompletion(input);
      },
    });
    setHandler(changeDueUpdate, (input) => this.change(() => this.changeDue(input)), {
      validator: (input) => void this.validateChangeDue(input),
    });
    setHandler(addTaskUpdate, (input) => this.change(() => this.addTask(input)), {
      validator: (input) => void this.validateAddTask(input),
    });
    setHandler(cancelFlowUpdate, (input) => this.change(() => this.cancel(input)), {
      validator: (input) => {
        parseOrThrow(CancelFlowSchema, input);
        this.assertRunning();
      },
    });
  }

  assertRunning(): void {
    if (this.status !== 'running') {
      throw conflictFailure(`flow is ${this.status}; it can no longer change`);
    }
  }

  private openTask(taskKey: string): TaskState {
    const task = this.tasks.get(taskKey);
    if (!task) {
      throw notFoundFailure(`taskKey: no task "${taskKey}" in this flow (tasks: ${[...this.tasks.keys()].join(', ')})`);
    }
    if (task.status !== 'open') {
      throw conflictFailure(`taskKey: task "${taskKey}" is already ${task.status}${task.completion ? ` (by ${task.completion.by} at ${task.completion.at})` : ''}`);
    }
    return task;
  }

  /** For flows with their own completion Update: the engine's checks (open task, late reason...). */
  validateCompletionOf(input: CompleteTaskInput): void {
    this.validateCompletion(input);
  }

  /** For flows with their own completion Update: records the completion as completeTask would (inside `change`). */
  completeTaskAs(input: CompleteTaskInput): Promise<TaskView> {
    return this.completeTask(input);
  }

  private validateCompletion(raw: CompleteTaskInput): { task: TaskState; input: CompleteTaskInput; at: number; late: boolean } {
    const input = parseOrThrow(CompleteTaskSchema, raw);
    this.assertRunning();
    const task = this.openTask(input.taskKey);
    const now = Date.now();
    const at = input.completedAt ? Date.parse(input.completedAt) : now;
    if (at > now) throw validationFailure([{ path: 'completedAt', message: 'must not be in the future' }]);
    const late = at >= lateFrom(task.due, this.calendar);
    if (late && !input.lateReason) {
      throw validationFailure([
        {
          path: 'lateReason',
          message: `is required: the task was due ${dueDateOf(task.due, this.calendar)} and is completed late (record why, per OSHA's letter of 24 Jan 2007)`,
        },
      ]);
    }
    if (task.spec.outcomes && !input.outcome) {
      throw validationFailure([{ path: 'outcome', message: `is required: one of ${task.spec.outcomes.join(', ')}` }]);
    }
    if (task.spec.outcomes && input.outcome && !task.spec.outcomes.includes(input.outcome)) {
      throw validationFailure([{ path: 'outcome', message: `must be one of ${task.spec.outcomes.join(', ')}` }]);
    }
    return { task, input, at, late };
  }

  private async completeTask(raw: CompleteTaskInput): Promise<TaskView> {
    const { task, input, at, late } = this.validateCompletion(raw);
    task.status = 'completed';
    task.completion = {
      by: input.by,
      at: new Date(at).toISOString(),
      recordedAt: new Date().toISOString(),
      note: input.note,
      lateReason: late ? input.lateReason : undefined,
      outcome: input.outcome,
      evidence: input.evidence,
      late,
    };
    this.version += 1;
    await this.audit([
      this.event('task.completed', input.by, {
        key: task.spec.key,
        taskKey: task.spec.key,
        rule: task.spec.rule?.citation,
        detail: { ...task.completion, dueDate: dueDateOf(task.due, this.calendar) },
      }),
    ]);
    if (this.options.afterCompletion) await this.options.afterCompletion(this.taskView(task));
    return this.taskView(task);
  }

  private validateChangeDue(raw: ChangeDueInput): { task: TaskState; input: ChangeDueInput } {
    const input = parseOrThrow(ChangeDueSchema, raw);
    this.assertRunning();
    return { task: this.openTask(input.taskKey), input };
  }

  private async changeDue(raw: ChangeDueInput): Promise<TaskView> {
    const { task, input } = this.validateChangeDue(raw);
    const previous = dueDateOf(task.due, this.calendar);
    this.reschedule(task, input.due);
    await this.audit([
      this.event('task.due_changed', input.by, {
        key: `${task.spec.key}:${task.dueChanges}`,
        taskKey: task.spec.key,
        rule: task.spec.rule?.citation,
        detail: { from: previous, to: dueDateOf(task.due, this.calendar), due: task.due, reason: input.reason },
      }),
    ]);
    return this.taskView(task);
  }

  /**
   * For flows whose rules move dates (e.g. a changed start date): moves an open task's due date
   * and restarts its reminders. Returns the change, or undefined when the task is closed or the
   * date is the same. The caller audits.
   */
  rescheduleTask(key: string, due: Due): { from: string; to: string } | undefined {
    const task = this.tasks.get(key);
    if (!task || task.status !== 'open') return undefined;
    const from = dueDateOf(task.due, this.calendar);
    const to = dueDateOf(due, this.calendar);
    if (JSON.stringify(task.due) === JSON.stringify(due)) return undefined;
    this.reschedule(task, due);
    return { from, to };
  }

  private reschedule(task: TaskState, due: Due): void {
    task.due = due;
    task.dueChanges += 1;
    task.nextStep = initialStepIndex(due, task.policy, this.calendar, Date.now());
    this.version += 1;
  }

  private validateAddTask(raw: AddTaskInput): z.infer<typeof AddTaskSchema> {
    const input = parseOrThrow(AddTaskSchema, raw);
    this.assertRunning();
    if (this.tasks.has(input.task.key)) {
      throw conflictFailure(`task.key: this flow already has a task "${input.task.key}"`);
    }
    return input;
  }

  private async addTask(raw: AddTaskInput): Promise<TaskView> {
    const input = this.validateAddTask(raw);
    return this.addTaskBy(input.task, input.by);
  }

  /** Adds a task on behalf of `actor` (an Update, or a flow's own rule) and audits it. */
  async addTaskBy(spec: TaskSpec, actor: string): Promise<TaskView> {
    const task = this.addTaskState(spec);
    this.version += 1;
    await this.audit([this.taskCreatedEvent(task, actor)]);
    return this.taskView(task);
  }

  hasTask(key: string): boolean {
    return this.tasks.has(key);
  }

  taskViewOf(key: string): TaskView | undefined {
    const task = this.tasks.get(key);
    return task ? this.taskView(task) : undefined;
  }

  get calendarInUse(): BusinessCalendar {
    return this.calendar;
  }

  /** Records flow-specific events (e.g. a changed start date) in the ledger. */
  async recordEvent(action: string, actor: string, extra: { key?: string; taskKey?: string; rule?: string; detail: Record<string, unknown> }): Promise<void> {
    await this.audit([this.event(action, actor, extra)]);
  }

  private async cancel(raw: CancelFlowInput): Promise<FlowView> {
    const input = parseOrThrow(CancelFlowSchema, raw);
    this.assertRunning();
    this.markCancelled(input.by, input.reason);
    await this.audit([this.event('flow.cancelled', input.by, { detail: { reason: input.reason } })]);
    return this.view();
  }

  private markCancelled(by: string, reason: string): void {
    this.status = 'cancelled';
    this.cancelled = { by, reason, at: new Date().toISOString() };
    for (const task of this.tasks.values()) if (task.status === 'open') task.status = 'cancelled';
    this.version += 1;
  }

  // ---- State and views ---------------------------------------------------------------------

  private addTaskState(spec: TaskSpec): TaskState {
    const policy = spec.reminders ?? this.defaultPolicy;
    const task: TaskState = {
      spec,
      due: spec.due,
      policy,
      status: 'open',
      nextStep: initialStepIndex(spec.due, policy, this.calendar, Date.now()),
      dueChanges: 0,
    };
    this.tasks.set(spec.key, task);
    return task;
  }

  private allRequiredDone(): boolean {
    return [...this.tasks.values()].every((t) => !t.spec.required || t.status === 'completed');
  }

  private taskView(task: TaskState): TaskView {
    const now = Date.now();
    const step = task.status === 'open' && this.status === 'running' ? ladderStep(task.due, task.policy, this.calendar, task.nextStep) : undefined;
    return {
      key: task.spec.key,
      title: task.spec.title,
      assignee: task.spec.assignee,
      due: task.due,
      dueDate: dueDateOf(task.due, this.calendar),
      rule: task.spec.rule,
      required: task.spec.required,
      outcomes: task.spec.outcomes,
      status: task.status,
      overdue: task.status === 'open' && now >= lateFrom(task.due, this.calendar),
      completion: task.completion,
      nextNotice: step ? { key: step.key, kind: step.kind, at: new Date(step.at).toISOString() } : undefined,
    };
  }

  view(): FlowView {
    return {
      flowId: this.workflowId,
      flowType: this.options.flowType,
      title: this.options.title,
      status: this.status,
      timeZone: this.calendar.timeZone,
      managerEmail: this.options.managerEmail,
      startedAt: this.startedAt,
      startedBy: this.options.startedBy,
      cancelled: this.cancelled,
      completedAt: this.completedAt,
      tasks: [...this.tasks.values()].map((t) => this.taskView(t)),
    };
  }

  // ---- Audit -------------------------------------------------------------------------------

  private event(
    action: string,
    actor: string,
    extra: { key?: string; taskKey?: string; rule?: string; detail: Record<string, unknown> },
  ): AuditEvent {
    const info = workflowInfo();
    return {
      businessKey: `${this.workflowId}${this.options.cycle ? `:${this.options.cycle}` : ''}:${action}${extra.key ? `:${extra.key}` : ''}`,
      occurredAt: new Date().toISOString(),
      actor,
      action,
      flowType: this.options.flowType,
      workflowId: this.workflowId,
      runId: info.runId,
      taskKey: extra.taskKey,
      rule: extra.rule,
      detail: extra.detail,
    };
  }

  private taskCreatedEvent(task: TaskState, actor: string): AuditEvent {
    return this.event('task.created', actor, {
      key: task.spec.key,
      taskKey: task.spec.key,
      rule: task.spec.rule?.citation,
      detail: { title: task.spec.title, assignee: task.spec.assignee.email, due: task.due, dueDate: dueDateOf(task.due, this.calendar), required: task.spec.required },
    });
  }

  private async audit(events: AuditEvent[]): Promise<void> {
    if (events.length > 0) await this.incidents.guard('recordAudit', () => recordAudit(events));
  }
}
