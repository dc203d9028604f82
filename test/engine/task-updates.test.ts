// The checklist's Updates: each bad request is refused with a message naming the field and the
// reason, and changes nothing; good ones change the checklist and are audited with the actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { checklistFlow } from '../../workflows/checklist/workflow';
import { addTaskUpdate, changeDueUpdate, checklistQuery, completeTaskUpdate } from '../../workflows/task-engine/definitions';
import { BusinessCalendar } from '../../domain/calendar';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { ASSIGNEE, MANAGER } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
let h: EngineHarness;
let handle: WorkflowHandle<typeof checklistFlow>;
let today: string;

beforeAll(async () => {
  h = await startEngineHarness();
  today = ny.dateOf(await h.env.currentTimeMs());
  handle = await h.client.workflow.start<typeof checklistFlow>('checklistFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: 'checklist-updates',
    args: [
      {
        title: 'Medical assistant onboarding (partial)',
        managerEmail: MANAGER,
        startedBy: MANAGER,
        practice: { timeZone: 'America/New_York' },
        tasks: [
          { key: 'hazcom_training', title: 'Hazard communication training', assignee: { email: ASSIGNEE }, due: { date: ny.addBusinessDays(today, 10) }, rule: { citation: '29 CFR 1910.1200(h)(1)' } },
          {
            key: 'hepb_vaccine_offer',
            title: 'Offer hepatitis B vaccination',
            assignee: { email: MANAGER },
            due: { date: ny.addBusinessDays(today, 10) },
            outcomes: ['accepted', 'declined'],
            rule: { citation: '29 CFR 1910.1030(f)(2)' },
          },
        ],
      },
    ],
  });
});
afterAll(async () => h?.stop());

async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { type: (cause as ApplicationFailure).type, message: (cause as ApplicationFailure).message };
}

const complete = (input: Record<string, unknown>) => handle.executeUpdate(completeTaskUpdate, { args: [input as never] });

describe('task Updates', () => {
  it('refuse bad requests with the field and reason, changing nothing', async () => {
    const before = await handle.query(checklistQuery);
    expect(await refusal(complete({ taskKey: 'badge', by: MANAGER }))).toMatchObject({ type: 'NotFound', message: expect.stringMatching(/^taskKey: no task "badge"/) });
    expect(await refusal(complete({ taskKey: 'hazcom_training' }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/^by: /) });
    expect(await refusal(complete({ taskKey: 'Hazcom Training!', by: MANAGER }))).toMatchObject({ message: expect.stringMatching(/^taskKey: must be lower_snake_case/) });
    expect(await refusal(complete({ taskKey: 'hazcom_training', by: MANAGER, evidence: { certificate: 42 } }))).toMatchObject({
      type: 'ValidationError',
      message: expect.stringMatching(/^evidence\.certificate: /),
    });
    expect(await refusal(complete({ taskKey: 'hazcom_training', by: MANAGER, completedAt: '2190-01-01T00:00:00Z' }))).toMatchObject({ message: 'completedAt: must not be in the future' });
    expect(await refusal(complete({ taskKey: 'hazcom_training', by: MANAGER, completedAt: '2999-01-01T00:00:00Z' }))).toMatchObject({ message: 'completedAt: must be between 1900-01-01 and 2199-12-31' });
    expect(await refusal(complete({ taskKey: 'hepb_vaccine_offer', by: MANAGER }))).toMatchObject({ message: 'outcome: is required: one of accepted, declined' });
    expect(await refusal(complete({ taskKey: 'hepb_vaccine_offer', by: MANAGER, outcome: 'maybe' }))).toMatchObject({ message: 'outcome: must be one of accepted, declined' });
    expect(await handle.query(checklistQuery)).toEqual(before);
  });

  it('record a completion with its evidence, and refuse completing it twice', async () => {
    const view = await complete({ taskKey: 'hepb_vaccine_offer', by: MANAGER, outcome: 'declined', note: 'Appendix A declination signed', evidence: { form: 'declination-2026-11.pdf' } });
    expect(view).toMatchObject({ status: 'completed', completion: { by: MANAGER, outcome: 'declined', late: false, evidence: { form: 'declination-2026-11.pdf' } } });
    expect(await refusal(complete({ taskKey: 'hepb_vaccine_offer', by: MANAGER, outcome: 'accepted' }))).toMatchObject({
      type: 'Conflict',
      message: expect.stringMatching(/^taskKey: task "hepb_vaccine_offer" is already completed \(by manager@clinic\.example/),
    });
    const entry = await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: 'checklist-updates', action: 'task.completed' } });
    expect(entry).toMatchObject({ actor: MANAGER, taskKey: 'hepb_vaccine_offer', rule: '29 CFR 1910.1030(f)(2)' });
  });

  it('moves a due date (audited with the reason) and restarts that task’s reminders', async () => {
    const newDue = ny.addBusinessDays(today, 20);
    const view = await handle.executeUpdate(changeDueUpdate, { args: [{ taskKey: 'hazcom_training', due: { date: newDue }, by: MANAGER, reason: 'Trainer unavailable until next month' }] });
    expect(view).toMatchObject({ dueDate: newDue, status: 'open', nextNotice: { key: 'remind_5bd' } });
    const entry = await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: 'checklist-updates', action: 'task.due_changed' } });
    expect(entry.detail).toMatchObject({ to: newDue, reason: 'Trainer unavailable until next month' });
    expect(await refusal(handle.executeUpdate(changeDueUpdate, { args: [{ taskKey: 'hazcom_training', due: { date: '2026-02-30' }, by: MANAGER, reason: 'typo' }] }))).toMatchObject({
      message: expect.stringMatching(/^due/),
    });
  });

  it('adds a practice-specific task and refuses a duplicate key', async () => {
    const added = await handle.executeUpdate(addTaskUpdate, {
      args: [{ by: MANAGER, task: { key: 'ehr_account', title: 'Create EHR account', assignee: { email: MANAGER }, due: { date: ny.addBusinessDays(today, 2) } } }],
    });
    expect(added).toMatchObject({ key: 'ehr_account', status: 'open', required: true });
    expect(
      await refusal(handle.executeUpdate(addTaskUpdate, { args: [{ by: MANAGER, task: { key: 'ehr_account', title: 'Again', assignee: { email: MANAGER }, due: { date: today } } }] })),
    ).toMatchObject({ type: 'Conflict', message: 'task.key: this flow already has a task "ehr_account"' });
    expect((await handle.query(checklistQuery)).tasks.map((t) => t.key)).toEqual(['hazcom_training', 'hepb_vaccine_offer', 'ehr_account']);
  });
});
