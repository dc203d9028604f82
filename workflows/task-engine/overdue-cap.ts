// The capped overdue tail of flows that do not continue as new (prior authorization, claim
// appeal; issue 18, defect 6). Their notices belong to a short-lived business process: after a
// task's escalation, at most MAX_OVERDUE_NOTICES overdue notices go out (six weeks at the usual
// two business days), then the task stays open and overdue on the worklists without further
// email. With a bounded number of notices per task the history is bounded by the flow's tasks
// and the people's actions (README, "History bound").
//
// Replay: a flow calls patched(PATCH_OVERDUE_CAP) only once one of its tasks has reached the cap,
// so histories recorded before it replay as they ran, and a running flow adopts the cap then.
import { escalationIndex } from '../../domain/tasks/ladder';
import type { BusinessCalendar } from '../../domain/calendar/business-calendar';
import type { Due, ReminderPolicy } from '../../domain/tasks/model';

export const MAX_OVERDUE_NOTICES = 20;
export const PATCH_OVERDUE_CAP = 'overdue-notices-capped';

/** Whether the ladder step at `index` lies past the cap (the cap's last notice has index escalation + max). */
export function pastOverdueCap(due: Due, policy: ReminderPolicy, calendar: BusinessCalendar, index: number, max = MAX_OVERDUE_NOTICES): boolean {
  return index > escalationIndex(due, policy, calendar) + max;
}
