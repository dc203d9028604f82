// The claim-appeal API against a real stack (Temporal dev server in real time, Postgres, SMTP
// sink, worker): the filing plan (the literal example, CO-29), start once, appeals that cannot be
// appealed refused with 400 before any workflow starts, show, submit with proof, the payer's
// decision, close, and the worklist ordered by filing deadline (one already past it) and by the
// payer's decision due date once submitted. Dates are relative to today.
import { WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { eventually, isoDay, useApiStack, appealBody } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const STAFF = 'billing@clinic.example';
const MANAGER = 'manager@clinic.example';

const appeal = (appealId: string, extra: Record<string, unknown> = {}) => appealBody(appealId, extra, { staff: STAFF, manager: MANAGER });

const stack = useApiStack();

const get = (path: string) => stack.request('GET', path);
const post = (path: string, body?: unknown) => stack.request('POST', path, body);

async function start(body: Record<string, unknown>) {
  const res = await post('/api/appeals', body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: res.json.flowId } }), `the flow row of ${res.json.flowId}`);
  return res.json;
}

async function noWorkflow(workflowId: string) {
  expect(await stack.prisma.flow.count({ where: { workflowId } })).toBe(0);
  await expect(stack.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

describe('POST /api/appeals/plan (pure)', () => {
  const example = { payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-09', dateOfService: '2026-01-12', amountInControversy: 450 };

  it('answers the literal example: 120 days from presumed receipt, rolled off a Sunday', async () => {
    const res = await post('/api/appeals/plan', example);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ appealable: true, level: 'redetermination', filingDeadline: '2026-06-15', receiptDate: '2026-02-14', rolledFrom: '2026-06-14' });
    expect(res.json.rule).toMatch(/^42 CFR 405\.942\(a\)/);
  });

  it('answers appealable false for a CO-29 denial, and 400 for a level the payer type lacks', async () => {
    const co29 = await post('/api/appeals/plan', { ...example, denialCodes: ['CO-29'] });
    expect(co29.status).toBe(200);
    expect(co29.json).toMatchObject({ appealable: false, level: 'redetermination', reason: expect.stringContaining('CO-29'), rule: expect.stringContaining('405.926(n)') });
    const level = await post('/api/appeals/plan', { ...example, level: 'internal' });
    expect(level.status).toBe(400);
    expect(level.json.error.problems[0]).toMatchObject({ path: 'level', message: expect.stringContaining('redetermination') });
  });
});

describe('POST /api/claims/timely-filing/plan (pure)', () => {
  it('gives the last receipt day (12 months, weekend/holiday roll-forward) and judges a submission by the 6 p.m. Eastern cutoff', async () => {
    const plain = await post('/api/claims/timely-filing/plan', { dateOfService: '2028-02-29' });
    expect(plain).toMatchObject({ status: 200, json: { filingDeadline: '2029-02-28', rule: expect.stringMatching(/^42 CFR 424\.44/) } });
    const late = await post('/api/claims/timely-filing/plan', { dateOfService: '2025-11-25', submittedAt: '2026-11-25T18:30:00-05:00' });
    expect(late.json).toMatchObject({ filingDeadline: '2026-11-25', receivedOn: '2026-11-27', timely: false });
    const bad = await post('/api/claims/timely-filing/plan', { dateOfService: '2026-02-30', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['dateOfService', 'extra']);
  });
});

describe('claim appeals through the API', () => {
  it('refuses a CO-29 denial and a below-threshold ALJ request with 400 naming the field, starting nothing', async () => {
    const co29 = await post('/api/appeals', appeal('A-co29', { denialCodes: ['CO-29'] }));
    expect(co29.status).toBe(400);
    expect(co29.json.error.problems[0]).toMatchObject({ path: 'denialCodes', message: expect.stringContaining('not appealable') });
    await noWorkflow('appeal-A-co29');

    const alj = await post('/api/appeals', appeal('A-alj', { level: 'alj', billedAmount: 120, deniedAmount: 100 }));
    expect(alj.status).toBe(400);
    expect(alj.json.error.problems[0]).toMatchObject({ path: 'deniedAmount', message: expect.stringContaining('below') });
    await noWorkflow('appeal-A-alj');

    const bad = await post('/api/appeals', appeal('A-bad', { noticeDate: '2026-02-30', patientRef: 'Jane Doe', extra: 1 }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p: any) => p.path).sort()).toEqual(['extra', 'noticeDate', 'patientRef']);
    await noWorkflow('appeal-A-bad');
  });

  it('starts once and shows the appeal', async () => {
    const started = await start(appeal('A-1'));
    expect(started).toMatchObject({ flowId: 'appeal-A-1', appealId: 'A-1', plan: { appealable: true, level: 'redetermination', filingDeadline: expect.any(String) } });
    expect(started.plan.rule).toMatch(/^42 CFR 405\.942\(a\)/);
    const again = await post('/api/appeals', appeal('A-1'));
    expect(again.status).toBe(409);
    expect(again.json.error.problems[0].path).toBe('appealId');

    const shown = await get('/api/appeals/A-1');
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ source: 'temporal', workflowId: 'appeal-A-1', status: 'running', level: 'redetermination', filingDeadline: started.plan.filingDeadline });
    expect(shown.json.tasks.map((t: any) => t.key)).toEqual(expect.arrayContaining(['gather_records', 'draft_letter', 'submit_appeal']));
    expect((await get('/api/appeals/A-nope')).status).toBe(404);
  });

  it('submits with proof, orders the worklist by deadline (past ones first) and by decision due date once submitted', async () => {
    // Medicare Advantage reconsideration: 60 days from the notice, which was 70 days ago.
    const late = await start(appeal('A-2', { payer: { type: 'medicare_advantage', name: 'Acme MA' }, dateOfService: isoDay(-90), noticeDate: isoDay(-70) }));
    expect(late.plan.filingDeadline).toBe(isoDay(-10));
    // Commercial internal appeal, 180 days, submitted today: the payer decides within 30 days.
    await start(appeal('A-3', { payer: { type: 'commercial', name: 'Northwind Health' }, noticeDate: isoDay(-5), denialCodes: ['CO-197'] }));

    const noProof = await post('/api/appeals/A-3/submission', { confirmationNumber: 'FAX-881', by: STAFF });
    expect(noProof.status).toBe(400);
    expect(noProof.json.error.problems[0].path).toBe('channel');

    const submitted = await post('/api/appeals/A-3/submission', { confirmationNumber: 'FAX-881', channel: 'fax', by: STAFF });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(200);
    expect(submitted.json).toMatchObject({ submission: { confirmationNumber: 'FAX-881', channel: 'fax', timely: true }, decisionDue: isoDay(30) });
    expect((await post('/api/appeals/A-3/submission', { confirmationNumber: 'FAX-882', channel: 'fax', by: STAFF })).status).toBe(409);

    const res = await get('/api/worklist/appeals');
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: any) => i.appealId)).toEqual(['A-2', 'A-3', 'A-1']);
    const [a2, a3, a1] = res.json.items;
    expect(a2).toMatchObject({ stage: 'filing', filingDeadline: isoDay(-10), daysLeft: -10, dueDate: isoDay(-10), overdue: true, level: 'reconsideration' });
    expect(a3).toMatchObject({ stage: 'awaiting_decision', decisionDue: isoDay(30), dueDate: isoDay(30), daysUntilDue: 30, overdue: false, submittedAt: expect.any(String) });
    expect(a1).toMatchObject({ stage: 'filing', overdue: false, claimId: 'CLM-A-1', payer: { type: 'medicare_ffs' } });
    expect(a1.daysLeft).toBeGreaterThan(100);
  });

  it('records the decision and closes, answering 409 once an appeal has ended', async () => {
    const notYet = await post('/api/appeals/A-1/decision', { outcome: 'won', amountRecovered: 450, by: STAFF });
    expect(notYet.status).toBe(409);
    const badOutcome = await post('/api/appeals/A-3/decision', { outcome: 'maybe', by: STAFF });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.json.error.problems[0].path).toBe('outcome');

    const won = await post('/api/appeals/A-3/decision', { outcome: 'won', amountRecovered: 450, by: STAFF });
    expect(won.status, JSON.stringify(won.json)).toBe(200);
    expect(won.json).toMatchObject({ status: 'completed', amountRecovered: 450, outcome: { kind: 'won' } });

    const closed = await post('/api/appeals/A-1/close', { by: MANAGER, reason: 'written off: below the cost of appeal' });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    expect(closed.json.outcome).toMatchObject({ kind: 'closed' });
    expect((await post('/api/appeals/A-1/close', { by: MANAGER, reason: 'again' })).status).toBe(409);

    const items = await eventually(async () => {
      const l = await get('/api/worklist/appeals');
      return l.json.items.length === 1 ? l.json.items : undefined;
    }, 'the worklist to hold only A-2');
    expect(items[0].appealId).toBe('A-2');
    const list = await get('/api/appeals');
    expect(list.json.flows.map((f: any) => f.subjectId).sort()).toEqual(['A-1', 'A-2', 'A-3']);
  });
});
