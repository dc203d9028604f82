// How long one run's history may grow (issue 18, defect 6). Temporal warns at 10,240 events and
// terminates a workflow at 51,200; an overdue task's notice every two business days costs about
// 17 events, so a forgotten 12-task onboarding would reach the limit in about two years. A flow
// that can outlive its checklist's due dates continues as new once its run has this many events,
// or earlier when Temporal suggests it (continueAsNewSuggested): every run then stays under the
// budget plus the one notice or Update in flight when it was reached (README, "History bound").
import { workflowInfo } from '@temporalio/workflow';

export const HISTORY_BUDGET_EVENTS = 2_000;

/** Whether this run should hand over to a fresh one. */
export function historyIsLong(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= HISTORY_BUDGET_EVENTS;
}
