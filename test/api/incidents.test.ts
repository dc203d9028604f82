// A permanent failure does not spin and does not wedge a flow unseen: a task completion whose
// audit write the database refuses (a real CHECK constraint violation, as a bad migration or a
// bad value would cause) opens an incident: no activity keeps retrying, the ledger records it,
// the manager is told once, GET /api/incidents lists it; after the fix, a retry writes the
// completion and the flow goes on; `skip` gives the write up, recorded, and the flow goes on.
import { describe, expect, it } from 'vitest';
import { eventually, hireBody, useApiStack } from './stack';

const MANAGER = 'incident-manager@clinic.example';
const stack = useApiStack();
const post = (path: string, body: unknown) => stack.request('POST', path, body);

async function stuckOn(hireId: string) {
  const flowId = `onboarding-${hireId}`;
  await stack.prisma.$executeRawUnsafe(`ALTER TABLE audit_entry ADD CONSTRAINT refuse_${hireId.replace(/-/g, '_')} CHECK (NOT (action = 'task.completed' AND workflow_id = '${flowId}'))`);
  expect((await post('/api/onboarding', hireBody(hireId, {}, MANAGER))).status).toBe(201);
  await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'task.created' } })) > 0, 'the flow to open');
  // The completion waits inside the flow while its record is refused: not awaited here.
  const completion = post(`/api/flows/${flowId}/tasks/hazcom_training/complete`, { by: MANAGER, note: 'done in the first week' });
  const listed = await eventually(async () => {
    const res = await stack.request('GET', '/api/incidents');
    return res.json.incidents?.find((i: { flowId: string }) => i.flowId === flowId);
  }, 'the incident to be listed');
  return { flowId, completion, listed };
}

describe('a record the database refuses for good', () => {
  it('opens an incident instead of retrying for ever, tells the manager once, and goes on after a retry', async () => {
    const { flowId, completion, listed } = await stuckOn('h-stuck');
    expect(listed).toMatchObject({ flowId, number: 1, activity: 'recordAudit', reason: 'recordAudit: the database refused the write (SQLSTATE 23514)' });
    const told = await stack.sink.waitFor((m) => m.subject === `Stuck: ${flowId} needs attention (incident 1)`);
    // Nothing spins: once the notice is out, no activity of the flow is pending (none retrying).
    await eventually(async () => ((await stack.client.workflow.getHandle(flowId).describe()).raw.pendingActivities ?? []).length === 0, 'no pending activity');
    expect(told[0]!.to).toEqual([MANAGER]);
    expect(told[0]!.text).not.toContain('done in the first week');

    // The fix, then the retry: the completion is written and answered, the incident closed.
    await stack.prisma.$executeRawUnsafe(`ALTER TABLE audit_entry DROP CONSTRAINT refuse_h_stuck`);
    const resolved = await post(`/api/flows/${flowId}/incident`, { action: 'retry', note: 'constraint from a bad migration removed' });
    expect(resolved.status, JSON.stringify(resolved.json)).toBe(200);
    expect(resolved.json).toMatchObject({ number: 1, status: 'retried' });
    const done = await completion;
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'task.completed', taskKey: 'hazcom_training' } })).toBe(1);
    const retried = await stack.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: flowId, action: 'incident.retried' } });
    expect(retried).toMatchObject({ actor: 'manager@clinic.example' });
    expect((await stack.request('GET', '/api/incidents')).json.incidents.some((i: { flowId: string }) => i.flowId === flowId)).toBe(false);
    expect(stack.sink.messages().filter((m) => m.subject.startsWith(`Stuck: ${flowId}`))).toHaveLength(1);
    // No incident open any more: resolving again is a conflict.
    expect((await post(`/api/flows/${flowId}/incident`, { action: 'retry', note: 'again' })).status).toBe(409);
  });

  it('gives the write up on skip, recorded by whom, and the flow goes on', async () => {
    const { flowId, completion } = await stuckOn('h-skip');
    expect((await post(`/api/flows/${flowId}/incident`, { action: 'skip', note: 'completion recorded on paper; entry given up' })).json).toMatchObject({ status: 'skipped' });
    expect((await completion).status).toBe(200);
    expect(await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'incident.skipped' } })).toBe(1);
    expect(await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'task.completed' } })).toBe(0);
    // Still running, still answering: another task completes (the constraint refuses only completions, so drop it first).
    await stack.prisma.$executeRawUnsafe(`ALTER TABLE audit_entry DROP CONSTRAINT refuse_h_skip`);
    expect((await post(`/api/flows/${flowId}/tasks/eap_review/complete`, { by: MANAGER })).status).toBe(200);
  });

  it('refuses a bad resolution by field, changing nothing', async () => {
    const bad = await post('/api/flows/onboarding-h-stuck/incident', { action: 'ignore', note: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['action', 'note']);
  });
});
