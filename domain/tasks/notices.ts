// The words of reminders and escalations. Minimum necessary (45 CFR 164.502(b)): task title,
// due date, rule and flow id; never patient information.
import type { BusinessCalendar } from '../calendar/business-calendar';
import type { LadderStep } from './ladder';
import type { RuleRef } from './model';

export interface NoticeContext {
  flowId: string;
  flowTitle: string;
  taskKey: string;
  taskTitle: string;
  dueDate: string;
  rule?: RuleRef;
  assigneeEmail: string;
}

export interface NoticeText {
  subject: string;
  text: string;
}

export function renderNotice(ctx: NoticeContext, step: LadderStep, calendar: BusinessCalendar): NoticeText {
  const when = calendar.formatInstant(step.at);
  const rule = ctx.rule ? `\nRule: ${ctx.rule.citation}${ctx.rule.summary ? ` (${ctx.rule.summary})` : ''}` : '';
  const footer = `\nFlow: ${ctx.flowId} (${ctx.flowTitle})\nTask: ${ctx.taskKey}\nScheduled: ${when}\n\nRecord completion in PracticeFlow: practiceflow task complete ${ctx.flowId} ${ctx.taskKey} --by <you>`;
  switch (step.kind) {
    case 'reminder':
      return {
        subject: `Reminder: ${ctx.taskTitle} due ${ctx.dueDate}`,
        text: `"${ctx.taskTitle}" is due on ${ctx.dueDate}.${rule}\n${footer}`,
      };
    case 'due':
      return {
        subject: `Due today: ${ctx.taskTitle}`,
        text: `"${ctx.taskTitle}" is due today (${ctx.dueDate}).${rule}\n${footer}`,
      };
    case 'escalation':
      return {
        subject: `Overdue: ${ctx.taskTitle} (was due ${ctx.dueDate})`,
        text: `"${ctx.taskTitle}", assigned to ${ctx.assigneeEmail}, was due on ${ctx.dueDate} and is not recorded as done.${rule}\nWhen it is done, record it with the reason it was late.\n${footer}`,
      };
    case 'overdue':
      return {
        subject: `Still overdue: ${ctx.taskTitle} (due ${ctx.dueDate})`,
        text: `"${ctx.taskTitle}", assigned to ${ctx.assigneeEmail}, is still overdue (due ${ctx.dueDate}).${rule}\n${footer}`,
      };
  }
}

export function renderUndeliverable(ctx: NoticeContext, failedTo: string[], reason: string): NoticeText {
  return {
    subject: `Could not deliver a PracticeFlow notice for ${ctx.taskTitle}`,
    text: `A notice about "${ctx.taskTitle}" (due ${ctx.dueDate}) could not be delivered to ${failedTo.join(', ')}.\nMail server said: ${reason}\nPlease contact them another way and check the address.\n\nFlow: ${ctx.flowId}\nTask: ${ctx.taskKey}`,
  };
}
