// A renewal's confirmation email may be retried for about two days (issue 18, defects 2 and 3).
// While it is, the flow has recorded the renewal and waits to continue as new: a second renewal
// is refused at once (it used to be accepted and hang the flow and its caller for ever), and a
// retirement ends the flow (it used to be undone by the next cycle). The email is held by a gate;
// everything else is real. Also the path to new_application_required, recorded for replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { BusinessCalendar } from '../../domain/calendar';
import { credentialWorkflowId, type Credential } from '../../domain/credentialing';
import { credentialQuery, renewCredentialUpdate, retireCredentialUpdate, type credentialFlow } from '../../workflows/credential/workflow';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { gate, type Gate } from '../support/gate';
import { recordHistory } from '../support/histories';
import { closedStatus, untilQuery } from '../support/poll';
import { credential } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const OWNER = 'credentialing@example.org';

/** Confirmation emails of a renewal are held by the last of these gates while it is set. */
const gates: Gate[] = [];

let h: EngineHarness;
let today: string;
beforeAll(async () => {
  h = await startEngineHarness({
    wrapActivities: (real) => ({
      ...real,
      sendEmail: async (email) => {
        if (email.businessKey.includes(':renewed_')) await gates.at(-1)?.pass();
        return real.sendEmail(email);
      },
    }),
  });
  today = ny.dateOf(await h.env.currentTimeMs());
});
afterAll(async () => {
  // A test that failed half-way must not leave an email held: the worker could not stop.
  for (const g of gates) g.open();
  await h?.stop();
});

async function start(c: Credential): Promise<WorkflowHandleWithFirstExecutionRunId<typeof credentialFlow>> {
  const handle = await h.client.workflow.start<typeof credentialFlow>('credentialFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: credentialWorkflowId(c.credentialId),
    args: [{ credential: c, practice: { timeZone: 'America/New_York' }, startedBy: OWNER }],
  });
  await untilQuery(handle, credentialQuery, () => true);
  return handle;
}

/** Renews, and waits until the flow is sending the (held) confirmation. */
async function renewAndHoldConfirmation(handle: WorkflowHandle<typeof credentialFlow>): Promise<Gate> {
  const confirmations = gate();
  gates.push(confirmations);
  const renewed = await handle.executeUpdate(renewCredentialUpdate, { args: [{ renewedOn: today, evidence: 'dea-renewal.pdf', by: OWNER }] });
  expect(renewed).toMatchObject({ status: 'active' });
  await confirmations.entered;
  return confirmations;
}

describe('while a renewal confirmation is being sent', () => {
  it('refuses a second renewal at once, and the cycle then continues as new', async () => {
    const handle = await start(credential({ credentialId: 'dea-window-1', dueDate: ny.addCalendarDays(today, 30) }));
    const firstRun = handle.firstExecutionRunId;
    const held = await renewAndHoldConfirmation(handle);

    const second = await handle.startUpdate(renewCredentialUpdate, {
      updateId: 'second-renewal',
      args: [{ renewedOn: today, evidence: 'dea-renewal-again.pdf', by: OWNER }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    // Refused by its validator, so never in the history (an accepted one would wait for ever).
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === 'second-renewal')).toBe(false);
    const refusal = await second.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/renewal was just recorded/) });

    held.open();
    expect(await closedStatus(h.client.workflow.getHandle(handle.workflowId, firstRun))).toBe('CONTINUED_AS_NEW');
    expect(await untilQuery(h.client.workflow.getHandle(handle.workflowId), credentialQuery, (v) => v.cycle === 2)).toMatchObject({ status: 'active' });
  });

  it('ends the flow when the credential is retired meanwhile: the next cycle does not bring it back', async () => {
    const handle = await start(credential({ credentialId: 'dea-window-2', dueDate: ny.addCalendarDays(today, 30) }));
    const firstRun = handle.firstExecutionRunId;
    const held = await renewAndHoldConfirmation(handle);

    expect(await handle.executeUpdate(retireCredentialUpdate, { args: [{ by: OWNER, reason: 'provider left the practice' }] })).toMatchObject({ status: 'retired' });
    held.open();

    expect(await closedStatus(h.client.workflow.getHandle(handle.workflowId, firstRun))).toBe('COMPLETED');
    expect((await h.client.workflow.getHandle(handle.workflowId).describe()).runId).toBe(firstRun);
    expect(await h.prisma.credential.findUniqueOrThrow({ where: { credentialId: 'dea-window-2' } })).toMatchObject({ status: 'retired', flags: [] });
  });
});

describe('a lapsed DEA registration past its grace period', () => {
  it('requires a new application, escalates weekly, and is retired', async () => {
    const due = ny.addCalendarDays(today, 3);
    const handle = await start(credential({ credentialId: 'dea-new-app', dueDate: due }));
    // The grace period is one month after the due date (21 CFR 1301.13 practice rule): then weekly notices.
    await h.advanceTo(new Date(ny.at(ny.addCalendarDays(due, 50), '12:00')).toISOString());
    const view = await untilQuery(handle, credentialQuery, (v) => v.status === 'new_application_required');
    expect(view.flags.map((f) => f.flag)).toEqual(['no_controlled_substances:NY']);
    // Two weekly notices have come due since the grace period ended (lapse day + 35 and + 42 days).
    const notices = () => h.mailFor(handle.workflowId).filter((m) => String(m.headers['x-practiceflow-step']).startsWith('new_application_')).length;
    for (let i = 0; i < 300 && notices() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(notices()).toBeGreaterThanOrEqual(2);
    await handle.executeUpdate(retireCredentialUpdate, { args: [{ by: OWNER, reason: 'provider will not reapply' }] });
    expect(await closedStatus(handle)).toBe('COMPLETED');
    await recordHistory(handle, 'credentialFlow-new-application-required-retired');
  });
});
