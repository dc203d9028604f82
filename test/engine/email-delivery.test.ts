// Email side effects are at-least-once activities made idempotent by the outbox, against a real
// SMTP server: a crash after the server accepted a message does not send it twice; a 4xx is
// retried until delivered; a 5xx is not retried and escalates to the manager instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import type { checklistFlow } from '../../workflows/checklist/workflow';
import { cancelFlowUpdate, checklistQuery } from '../../workflows/task-engine/definitions';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { MANAGER, oneTaskFlow } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const crashed = new Set<string>();
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness({
    // The worker "dies" right after the SMTP server accepted the message and the outbox row was
    // written: the activity fails once and Temporal retries it.
    afterSent: (email) => {
      if (email.workflowId?.startsWith('crash-after-send') && !crashed.has(email.businessKey)) {
        crashed.add(email.businessKey);
        throw new Error('simulated worker crash after SMTP accepted the message');
      }
    },
  });
});
afterAll(async () => h?.stop());

/** Starts a one-task flow due in 5 business days and returns it with its first reminder time. */
async function startFlow(workflowId: string, assignee: string) {
  const today = ny.dateOf(await h.env.currentTimeMs());
  const handle = await h.client.workflow.start<typeof checklistFlow>('checklistFlow', {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [oneTaskFlow(ny.addBusinessDays(today, 5), { assignee, reminders: { before: [{ amount: 2, unit: 'business_days' }] } })],
  });
  const next = (await handle.query(checklistQuery)).tasks[0]!.nextNotice!;
  return { handle, firstAt: Date.parse(next.at) };
}

const hourAfter = (ms: number) => new Date(ms + 3_600_000).toISOString();

describe('email outbox', () => {
  it('does not send a reminder twice when the activity fails after the message was accepted', async () => {
    const { firstAt } = await startFlow('crash-after-send-1', 'lee@clinic.example');
    await h.advanceTo(hourAfter(firstAt));
    const mails = h.mailFor('crash-after-send-1');
    expect(crashed.size).toBe(1);
    expect(mails).toHaveLength(1);
    const row = await h.prisma.outboxEmail.findUniqueOrThrow({ where: { messageId: mails[0]!.messageId } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    // The workflow went on: the reminder is audited once.
    expect(await h.prisma.auditEntry.count({ where: { workflowId: 'crash-after-send-1', action: 'notice.reminder' } })).toBe(1);
  });

  it('retries a transient 4xx until the message is delivered', async () => {
    h.sink.failNext({ stage: 'rcpt', code: 451, times: 2, recipient: 'sam@clinic.example', message: 'mailbox busy, try later' });
    const { firstAt } = await startFlow('smtp-451', 'sam@clinic.example');
    await h.advanceTo(hourAfter(firstAt));
    const mails = h.mailFor('smtp-451');
    expect(mails).toHaveLength(1);
    const row = await h.prisma.outboxEmail.findUniqueOrThrow({ where: { messageId: mails[0]!.messageId } });
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('does not retry a 5xx: the manager is told once per notice, and the flow goes on', async () => {
    h.sink.failNext({ stage: 'rcpt', code: 550, times: Infinity, recipient: 'gone@clinic.example', message: 'no such user' });
    const { handle, firstAt } = await startFlow('smtp-550', 'gone@clinic.example');
    await h.advanceTo(hourAfter(firstAt));

    const rows = await h.prisma.outboxEmail.findMany({ where: { workflowId: 'smtp-550' }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.recipients, r.status, r.attempts])).toEqual([
      [['gone@clinic.example'], 'rejected', 1],
      [[MANAGER], 'sent', 1],
    ]);
    expect(rows[0]!.lastError).toMatch(/no such user/);
    const toManager = h.mailFor('smtp-550');
    expect(toManager).toHaveLength(1);
    expect(toManager[0]!.to).toEqual([MANAGER]);
    expect(toManager[0]!.subject).toMatch(/Could not deliver/);
    const actions = (await h.prisma.auditEntry.findMany({ where: { workflowId: 'smtp-550' }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toContain('notice.undeliverable');
    expect(actions).toContain('escalation.undeliverable_notice');

    // The next step of the ladder is tried once more, not in a loop.
    const next = (await handle.query(checklistQuery)).tasks[0]!.nextNotice!;
    expect(next.key).toBe('due');
    await h.advanceTo(hourAfter(Date.parse(next.at)));
    const after = await h.prisma.outboxEmail.findMany({ where: { workflowId: 'smtp-550' } });
    expect(after.filter((r) => r.status === 'rejected').map((r) => r.attempts)).toEqual([1, 1]);
    h.sink.clearFaults();
    await handle.executeUpdate(cancelFlowUpdate, { args: [{ by: MANAGER, reason: 'Staff member left; address no longer valid' }] });
    await handle.result();
    await recordHistory(handle, 'checklistFlow-undeliverable-then-cancelled');
  });
});
