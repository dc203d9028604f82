// The notices of the task engine's reminder ladder: one email per step (its business key makes
// a retry send nothing twice), recorded in the ledger; a notice that cannot be delivered is
// escalated once to the manager rather than retried for ever.
import { ActivityFailure, log } from '@temporalio/workflow';
import type { AuditEvent } from '../../activities/contracts';
import type { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { dueDateOf, type LadderStep } from '../../domain/tasks/ladder';
import type { Due, TaskSpec } from '../../domain/tasks/model';
import { renderNotice, renderUndeliverable, type NoticeContext } from '../../domain/tasks/notices';
import { SYSTEM_ACTOR } from './actor';
import { sendEmail } from './activities';

/** What a notice needs of its task. */
export interface NoticeTask {
  spec: TaskSpec;
  due: Due;
}

/** What a notice needs of its flow. */
export interface NoticeFlow {
  workflowId: string;
  title: string;
  managerEmail: string;
  calendar: BusinessCalendar;
  /** Sets one cycle's email keys apart from the next's under the same workflow id. */
  cycle?: string;
  event(action: string, actor: string, extra: { key?: string; taskKey?: string; rule?: string; detail: Record<string, unknown> }): AuditEvent;
  audit(events: AuditEvent[]): Promise<void>;
}

export class NoticeSender {
  constructor(private readonly flow: NoticeFlow) {}

  private noticeContext(task: NoticeTask): NoticeContext {
    return {
      flowId: this.flow.workflowId,
      flowTitle: this.flow.title,
      taskKey: task.spec.key,
      taskTitle: task.spec.title,
      dueDate: dueDateOf(task.due, this.flow.calendar),
      rule: task.spec.rule,
      assigneeEmail: task.spec.assignee.email,
    };
  }

  async send(task: NoticeTask, step: LadderStep): Promise<void> {
    const ctx = this.noticeContext(task);
    const businessKey = `${this.flow.workflowId}${this.flow.cycle ? `:${this.flow.cycle}` : ''}:${task.spec.key}:${ctx.dueDate}:${step.key}`;
    const to = step.toManager ? [this.flow.managerEmail] : [task.spec.assignee.email];
    const cc = step.toManager && task.spec.assignee.email !== this.flow.managerEmail ? [task.spec.assignee.email] : [];
    const notice = renderNotice(ctx, step, this.flow.calendar);
    const scheduledAt = new Date(step.at).toISOString();
    try {
      const receipt = await sendEmail({
        businessKey,
        workflowId: this.flow.workflowId,
        to,
        cc,
        ...notice,
        headers: {
          'X-PracticeFlow-Flow': this.flow.workflowId,
          'X-PracticeFlow-Task': task.spec.key,
          'X-PracticeFlow-Step': step.key,
          'X-PracticeFlow-Scheduled-At': scheduledAt,
        },
      });
      await this.flow.audit([
        this.flow.event(`notice.${step.kind}`, SYSTEM_ACTOR, {
          key: `${task.spec.key}:${ctx.dueDate}:${step.key}`,
          taskKey: task.spec.key,
          rule: task.spec.rule?.citation,
          detail: { step: step.key, scheduledAt, to, cc, dueDate: ctx.dueDate, messageId: receipt.messageId },
        }),
      ]);
      if (receipt.rejected) {
        const reason = receipt.rejected.map((r) => `${r.recipient}: ${r.reason}`).join('; ');
        await this.reportUndeliverable(task, ctx, step, businessKey, receipt.rejected.map((r) => r.recipient), reason);
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await this.reportUndeliverable(task, ctx, step, businessKey, [...to, ...cc], err.cause?.message ?? err.message);
    }
  }

  /** A notice that cannot be delivered is escalated once to the manager, not retried forever. */
  private async reportUndeliverable(
    task: NoticeTask,
    ctx: NoticeContext,
    step: LadderStep,
    businessKey: string,
    recipients: string[],
    reason: string,
  ): Promise<void> {
    log.warn('notice undeliverable', { businessKey, reason });
    const events: AuditEvent[] = [
      this.flow.event('notice.undeliverable', SYSTEM_ACTOR, {
        key: `${task.spec.key}:${ctx.dueDate}:${step.key}`,
        taskKey: task.spec.key,
        rule: task.spec.rule?.citation,
        detail: { step: step.key, recipients, reason },
      }),
    ];
    const managerWasRecipient = recipients.length === 1 && recipients[0] === this.flow.managerEmail;
    if (!managerWasRecipient) {
      try {
        await sendEmail({
          businessKey: `${businessKey}:undeliverable`,
          workflowId: this.flow.workflowId,
          to: [this.flow.managerEmail],
          ...renderUndeliverable(ctx, recipients, reason),
          headers: { 'X-PracticeFlow-Flow': this.flow.workflowId, 'X-PracticeFlow-Task': task.spec.key, 'X-PracticeFlow-Step': `${step.key}:undeliverable` },
        });
        events.push(
          this.flow.event('escalation.undeliverable_notice', SYSTEM_ACTOR, {
            key: `${task.spec.key}:${ctx.dueDate}:${step.key}`,
            taskKey: task.spec.key,
            detail: { to: [this.flow.managerEmail], step: step.key },
          }),
        );
      } catch (managerErr) {
        if (!(managerErr instanceof ActivityFailure)) throw managerErr;
        log.error('manager escalation undeliverable', { businessKey, reason: managerErr.cause?.message ?? managerErr.message });
      }
    }
    await this.flow.audit(events);
  }
}
