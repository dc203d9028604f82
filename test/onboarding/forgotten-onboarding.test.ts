// The history bound (issue 18, defect 6): a forgotten onboarding (a front-desk hire nobody
// completes anything for) runs for more than two years under time skipping with real Postgres
// and SMTP. Its overdue notices go on every two business days; each time a run's history reaches
// the budget it continues as new with its checklist, so no run's history passes the budget by
// more than the notice in flight (README, "History bound"), and the escalations carry on after
// every hand-over without a gap or a repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { onboardingWorkflowId } from '../../domain/onboarding';
import type { FlowView } from '../../domain/tasks/model';
import type { onboardingFlow } from '../../workflows/onboarding/workflow';
import { checklistQuery } from '../../workflows/task-engine/definitions';
import { HISTORY_BUDGET_EVENTS } from '../../workflows/task-engine/history-budget';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { untilQuery } from '../support/poll';
import { dana, NEW_YORK } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const MANAGER = 'manager@example.org';
/** What a run may add past the budget: the notice in flight (email, ledger, their workflow tasks) and the hand-over. */
const IN_FLIGHT = 40;
const MONTHS = 26;

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

describe('an onboarding nobody completes, for more than two years', () => {
  it('keeps every run under the history budget and escalates without a gap across every continue-as-new', async () => {
    const today = ny.dateOf(await h.env.currentTimeMs());
    const request = dana({ hireId: 'h-forgotten', role: 'front_desk', startDate: ny.addBusinessDays(today, 1) });
    const workflowId = onboardingWorkflowId(request.hireId);
    const first = await h.client.workflow.start<typeof onboardingFlow>('onboardingFlow', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ request, practice: NEW_YORK, startedBy: MANAGER }],
    });
    const startedAt = (await untilQuery(first, checklistQuery, (v: FlowView) => v.tasks.length > 0)).startedAt;
    const runs: string[] = [first.firstExecutionRunId];

    let at = ny.at(today, '12:00');
    for (let month = 1; month <= MONTHS; month++) {
      at = ny.at(ny.addMonths(ny.dateOf(at), 1), '12:00');
      await h.advanceTo(new Date(at).toISOString());
      const current = await h.client.workflow.getHandle(workflowId).describe();
      expect(current.status.name).toBe('RUNNING');
      if (!runs.includes(current.runId)) runs.push(current.runId);
      // The run in progress is within the budget (checked every month, not only at the end).
      expect(current.historyLength).toBeLessThanOrEqual(HISTORY_BUDGET_EVENTS + IN_FLIGHT);
    }

    // Many hand-overs, and every closed run within the budget too.
    expect(runs.length).toBeGreaterThanOrEqual(5);
    for (const runId of runs.slice(0, -1)) {
      const run = await h.client.workflow.getHandle(workflowId, runId).describe();
      expect(run.status.name).toBe('CONTINUED_AS_NEW');
      expect(run.historyLength).toBeLessThanOrEqual(HISTORY_BUDGET_EVENTS + IN_FLIGHT);
    }

    // The checklist went on unchanged: same start, every task still open and overdue.
    const view = await h.client.workflow.getHandle(workflowId).query(checklistQuery);
    expect(view).toMatchObject({ status: 'running', startedAt });
    expect(view.tasks.every((t) => t.status === 'open' && t.overdue)).toBe(true);
    expect(await h.prisma.auditEntry.count({ where: { workflowId, action: 'flow.started' } })).toBe(1);

    // Each task's overdue notices: overdue_1, overdue_2, ... once each, up to the last two business days.
    const now = await h.env.currentTimeMs();
    for (const task of view.tasks) {
      const steps = h
        .mailFor(workflowId)
        .filter((m) => m.headers['x-practiceflow-task'] === task.key)
        .map((m) => m.headers['x-practiceflow-step'] as string)
        .filter((s) => s.startsWith('overdue_'));
      expect(steps, task.key).toEqual(steps.map((_, i) => `overdue_${i + 1}`));
      const expected = Math.floor(ny.businessDaysBetween(ny.addBusinessDays(task.dueDate, 1), ny.dateOf(now)) / 2);
      expect(steps.length, task.key).toBeGreaterThanOrEqual(expected - 1);
      expect(task.nextNotice?.key).toBe(`overdue_${steps.length + 1}`);
    }
    // The last run escalates too (not only the first).
    const last = runs.at(-1)!;
    expect(await h.prisma.auditEntry.count({ where: { workflowId, runId: last, action: 'notice.overdue' } })).toBeGreaterThan(0);

    // A run that took the checklist over from the one before it and handed it on at the budget.
    await recordHistory(h.client.workflow.getHandle(workflowId, runs[1]), 'onboardingFlow-forgotten-resumed-continued-as-new');
  }, 1_800_000);
});
