// API retries are not new changes (issue 18): a client that did not hear the answer to a change
// (a timeout, a dropped connection) sends it again with the same Idempotency-Key, and the change
// is applied once; the retry answers what the first request answered. The key becomes the
// Temporal Update's id, scoped by the operation, so Temporal itself deduplicates it. A malformed
// key is refused before anything is sent. Real stack (dev server, Postgres, worker, API).
import { describe, expect, it } from 'vitest';
import { appealBody, eventually, isoDay, useApiStack } from './stack';

const MANAGER = 'manager@clinic.example';
const hire = (hireId: string) => ({ hireId, name: 'Dana Reyes', email: `${hireId}@staff.example`, role: 'medical_assistant', startDate: isoDay(30), managerEmail: MANAGER });
const stack = useApiStack();
const post = (path: string, body: unknown, key?: string) => stack.request('POST', path, body, key === undefined ? {} : { 'Idempotency-Key': key });
const ledger = (workflowId: string, action: string) => stack.prisma.auditEntry.count({ where: { workflowId, action } });

describe('Idempotency-Key', () => {
  it('applies a retried due-date change and an added task once, answering the same result', async () => {
    const started = await post('/api/onboarding', hire('h-idem-1'));
    expect(started.status).toBe(201);
    const flowId = started.json.flowId as string;

    const due = { due: { date: isoDay(45) }, by: MANAGER, reason: 'trainer away' };
    const first = await post(`/api/flows/${flowId}/tasks/hipaa_training/due`, due, 'due-7f3c');
    const retry = await post(`/api/flows/${flowId}/tasks/hipaa_training/due`, due, 'due-7f3c');
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect(await ledger(flowId, 'task.due_changed')).toBe(1);
    // Another key is another change.
    expect((await post(`/api/flows/${flowId}/tasks/hipaa_training/due`, { ...due, due: { date: isoDay(46) } }, 'due-8a1d')).status).toBe(200);
    expect(await ledger(flowId, 'task.due_changed')).toBe(2);

    const task = { by: MANAGER, task: { key: 'ehr_account', title: 'Create EHR account', assignee: { email: MANAGER }, due: { date: isoDay(20) } } };
    const added = await post(`/api/flows/${flowId}/tasks`, task, 'add-ehr-1');
    const addedAgain = await post(`/api/flows/${flowId}/tasks`, task, 'add-ehr-1');
    expect(added.status).toBe(201);
    expect(addedAgain).toEqual(added);
    expect(await ledger(flowId, 'task.created')).toBeGreaterThan(1);
    const created = await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'task.created', taskKey: 'ehr_account' } });
    expect(created).toBe(1);
    // Without the key a repeat is a new request: the task exists, 409.
    expect((await post(`/api/flows/${flowId}/tasks`, task)).status).toBe(409);
  });

  it('applies a retried credential change once', async () => {
    const credential = {
      credentialId: 'dea-idem-1',
      providerId: 'p-100',
      type: 'dea_registration',
      jurisdiction: 'NY',
      dueDate: isoDay(200),
      providerEmail: 'dr.kim@clinic.example',
      ownerEmail: MANAGER,
      managerEmail: MANAGER,
    };
    expect((await post('/api/credentials', credential)).status).toBe(201);
    const change = { changes: { number: 'FK1234563' }, by: MANAGER, reason: 'number read from the certificate' };
    const first = await post('/api/credentials/dea-idem-1/change', change, 'chg-1');
    const retry = await post('/api/credentials/dea-idem-1/change', change, 'chg-1');
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect(await ledger('credential-dea-idem-1', 'credential.changed')).toBe(1);
  });

  it('answers a retried renewal after the credential continued into its new cycle, without renewing again', async () => {
    const credential = {
      credentialId: 'dea-idem-2',
      providerId: 'p-101',
      type: 'dea_registration',
      jurisdiction: 'NY',
      dueDate: isoDay(30),
      providerEmail: 'dr.kim@clinic.example',
      ownerEmail: MANAGER,
      managerEmail: MANAGER,
    };
    expect((await post('/api/credentials', credential)).status).toBe(201);
    const handle = stack.client.workflow.getHandle('credential-dea-idem-2');
    const firstRun = (await handle.describe()).runId;
    const renewal = { evidence: 'dea-renewal.pdf', by: MANAGER };
    const first = await post('/api/credentials/dea-idem-2/renew', renewal, 'renew-2029');
    expect(first).toMatchObject({ status: 200, json: { cycle: 2, status: 'active' } });
    await eventually(async () => (await handle.describe()).runId !== firstRun, 'the new cycle');
    const retry = await post('/api/credentials/dea-idem-2/renew', renewal, 'renew-2029');
    expect(retry).toMatchObject({ status: 200, json: { cycle: 2, credential: first.json.credential } });
    expect(await ledger('credential-dea-idem-2', 'credential.renewed')).toBe(1);
  });

  it('answers a retried appeal decision after the next level opened, without recording it again', async () => {
    const started = await post('/api/appeals', appealBody('A-idem-1', {}, { staff: MANAGER, manager: MANAGER }));
    expect(started.status).toBe(201);
    const flowId = started.json.flowId as string;
    for (const task of ['gather_records', 'draft_letter']) expect((await post(`/api/flows/${flowId}/tasks/${task}/complete`, { by: MANAGER })).status).toBe(200);
    expect((await post('/api/appeals/A-idem-1/submission', { confirmationNumber: 'MAC-9', channel: 'portal', by: MANAGER })).status).toBe(200);
    const decision = { outcome: 'lost', noticeDate: isoDay(0), by: MANAGER };
    expect((await post('/api/appeals/A-idem-1/decision', decision, 'decision-1')).status).toBe(200);
    await eventually(async () => (await stack.request('GET', '/api/appeals/A-idem-1')).json.level === 'reconsideration', 'the next level');
    const retry = await post('/api/appeals/A-idem-1/decision', decision, 'decision-1');
    expect(retry).toMatchObject({ status: 200, json: { level: 'reconsideration', decisions: [{ outcome: 'lost' }] } });
    expect(await ledger(flowId, 'appeal.decision_recorded')).toBe(1);
  });

  it('refuses a malformed key before anything is sent, naming the header', async () => {
    const started = await post('/api/onboarding', hire('h-idem-2'));
    const flowId = started.json.flowId as string;
    const due = { due: { date: isoDay(45) }, by: MANAGER, reason: 'trainer away' };
    for (const bad of ['has space', 'tab\there', 'x'.repeat(129), '']) {
      const res = await post(`/api/flows/${flowId}/tasks/hipaa_training/due`, due, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.error.problems[0].path).toBe('Idempotency-Key');
    }
    expect(await ledger(flowId, 'task.due_changed')).toBe(0);
  });

  it('is documented on the routes that take it', async () => {
    const doc = (await stack.request('GET', '/api/openapi.json')).json;
    const header = doc.paths['/api/flows/{flowId}/tasks/{taskKey}/due'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header', required: false, schema: { maxLength: 128 } });
    expect(doc.paths['/api/credentials/{credentialId}/change'].post.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key')).toBe(true);
  });
});
