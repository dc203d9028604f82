// The prior-authorization API against a real stack (Temporal dev server in real time, Postgres,
// SMTP sink, worker): the payer-clock plan (the literal example), start once, show, submission,
// decisions, a rendered service, the path after a denial, cancel, the worklist of requests waiting
// on a payer (one already past its clock: submitted in the past) and the metrics report. Bad input
// is answered with the field and the reason. Dates are relative to now.
import { describe, expect, it } from 'vitest';
import { eventually, isoDay, priorAuthBody, useApiStack } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const STAFF = 'pa-staff@clinic.example';
const MANAGER = 'manager@clinic.example';
const ACME = { type: 'medicare_advantage', id: 'acme-ma', name: 'Acme MA' };
const MCO = { type: 'medicaid_managed_care', id: 'state-mco', name: 'State MCO' };
/** Now, to the second (the flow records instants without milliseconds). */
const NOW = Math.floor(Date.now() / 1000) * 1000;
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * 3_600_000).toISOString().replace('.000Z', 'Z');

const request = (authorizationId: string, extra: Record<string, unknown> = {}) => priorAuthBody(authorizationId, extra, { staff: STAFF, manager: MANAGER });

const stack = useApiStack();

const get = (path: string) => stack.request('GET', path);
const post = (path: string, body?: unknown, headers?: Record<string, string>) => stack.request('POST', path, body, headers);

async function start(body: Record<string, unknown>) {
  const res = await post('/api/prior-auth', body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: res.json.flowId } }), `the flow row of ${res.json.flowId}`);
  return res.json;
}
async function submit(id: string, hoursAgo: number) {
  const res = await post(`/api/prior-auth/${id}/submission`, { channel: 'portal', confirmationNumber: `C-${id}`, submittedAt: at(hoursAgo), by: STAFF });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

describe('POST /api/prior-auth/plan (pure)', () => {
  it('answers the literal example: 72 hours across the DST change', async () => {
    const res = await post('/api/prior-auth/plan', { payer: { type: 'medicare_advantage', name: 'Acme MA' }, urgency: 'expedited', submittedAt: '2026-03-06T17:00:00-05:00' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ decisionDueAt: '2026-03-09T18:00:00-04:00', decisionDueDate: '2026-03-09', rule: '42 CFR 422.572(a)' });
  });

  it('names the bad field', async () => {
    const res = await post('/api/prior-auth/plan', { payer: { type: 'medicare_advantage' }, urgency: 'soon', submittedAt: '2026-03-06' });
    expect(res.status).toBe(400);
    expect(res.json.error.problems.map((p: any) => p.path).sort()).toEqual(['submittedAt', 'urgency']);
  });
});

describe('prior authorizations through the API', () => {
  it('starts once, shows, records the submission and the approval, then a rendered service', async () => {
    const started = await start(request('pa-1'));
    expect(started).toMatchObject({ flowId: 'prior-auth-pa-1', authorizationId: 'pa-1', submissionTarget: { date: expect.any(String) } });
    const again = await post('/api/prior-auth', request('pa-1'));
    expect(again.status).toBe(409);
    expect(again.json.error.problems[0].path).toBe('authorizationId');

    const shown = await get('/api/prior-auth/pa-1');
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ source: 'temporal', status: 'awaiting_submission', flowStatus: 'running', authorizationId: 'pa-1' });
    expect(shown.json.history.map((h: any) => h.action)).toContain('flow.started');

    const submitted = await submit('pa-1', 10);
    expect(submitted).toMatchObject({ status: 'submitted', clock: { submission: 1, rule: expect.stringContaining('422.568'), overdue: false } });

    const approved = await post('/api/prior-auth/pa-1/decision', { outcome: 'approved', authorizationNumber: 'AUTH-77', validFrom: isoDay(0), validTo: isoDay(60), units: 2, by: STAFF, receivedAt: at(4) });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decision: { outcome: 'approved', authorizationNumber: 'AUTH-77' } });

    const rendered = await post('/api/prior-auth/pa-1/service-rendered', { on: isoDay(0), unitsUsed: 1, by: STAFF });
    expect(rendered.status, JSON.stringify(rendered.json)).toBe(200);
    expect(rendered.json.units).toMatchObject({ authorized: 2, used: 1, remaining: 1 });
  });

  it('refuses bad input naming the field, and unknown authorizations with 404', async () => {
    const badStart = await post('/api/prior-auth', request('pa-bad', { patientRef: 'Jane Doe', urgency: 'whenever', late: true }));
    expect(badStart.status).toBe(400);
    expect(badStart.json.error.problems.map((p: any) => p.path).sort()).toEqual(['late', 'patientRef', 'urgency']);
    expect(await stack.prisma.flow.count({ where: { subjectId: 'pa-bad' } })).toBe(0);

    const badDecision = await post('/api/prior-auth/pa-1/decision', { outcome: 'denied', by: STAFF });
    expect(badDecision.status).toBe(400);
    expect(badDecision.json.error.problems[0].path).toBe('reason');

    expect((await get('/api/prior-auth/pa-nope')).status).toBe(404);
    const missing = await post('/api/prior-auth/pa-nope/submission', { channel: 'portal', confirmationNumber: 'X', submittedAt: at(1), by: STAFF });
    expect(missing.status).toBe(404);
    expect(missing.json.error.problems[0].path).toBe('authorizationId');
  });

  it('lists the requests waiting on a payer, soonest due first, flagging one past its clock', async () => {
    // pa-2: expedited (72 hours), received 100 hours ago: the payer is past its clock.
    await start(request('pa-2', { payer: MCO, urgency: 'expedited' }));
    await submit('pa-2', 100);
    // pa-3: standard (7 days), received now; pa-4: not yet submitted.
    await start(request('pa-3'));
    await submit('pa-3', 0);
    await start(request('pa-4'));

    const res = await get('/api/worklist/prior-auth');
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: any) => i.authorizationId)).toEqual(['pa-2', 'pa-3']);
    const [late, onTime] = res.json.items;
    expect(late).toMatchObject({ flowId: 'prior-auth-pa-2', status: 'submitted', pastClock: true, payer: MCO, urgency: 'expedited', confirmationNumber: 'C-pa-2' });
    expect(late.hoursLeft).toBeLessThan(-27);
    expect(Date.parse(late.decisionDueAt)).toBe(NOW - 28 * 3_600_000);
    expect(onTime).toMatchObject({ pastClock: false, decisionDueDate: isoDay(7) });
    expect(onTime.hoursLeft).toBeGreaterThan(0);
  });

  it('records a denial and the path chosen, cancels, and answers 409 once a flow has ended', async () => {
    const denied = await post('/api/prior-auth/pa-2/decision', { outcome: 'denied', reason: 'not medically necessary per policy LCD-1', denialCodes: ['CO-50'], by: STAFF, receivedAt: at(4) });
    expect(denied.status, JSON.stringify(denied.json)).toBe(200);
    expect(denied.json.status).toBe('denied');
    const accepted = await post('/api/prior-auth/pa-2/denial-path', { path: 'accept', by: MANAGER });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    expect(accepted.json).toMatchObject({ status: 'denial_accepted', flowStatus: 'completed' });

    // pa-4 is pended after its submission.
    await submit('pa-4', 2);
    const pended = await post('/api/prior-auth/pa-4/decision', { outcome: 'pended', infoRequested: 'operative note', respondBy: isoDay(10), by: STAFF, receivedAt: at(1) });
    expect(pended.status, JSON.stringify(pended.json)).toBe(200);

    const cancelled = await post('/api/prior-auth/pa-3/cancel', { by: MANAGER, reason: 'order withdrawn' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    const again = await post('/api/prior-auth/pa-3/cancel', { by: MANAGER, reason: 'order withdrawn' });
    expect(again.status).toBe(409);

    const list = await get('/api/prior-auth?status=running');
    expect(list.status).toBe(200);
    const running = await eventually(async () => {
      const l = await get('/api/prior-auth?status=running');
      const ids = l.json.flows.map((f: any) => f.subjectId).sort();
      return ids.join(',') === 'pa-1,pa-4' ? ids : undefined;
    }, 'the flow table to show pa-1 and pa-4 running');
    expect(running).toEqual(['pa-1', 'pa-4']);
    expect((await get('/api/worklist/prior-auth')).json.items).toEqual([]);
  });

  it('reports the metrics per payer and overall from the ledger', async () => {
    const res = await get(`/api/reports/prior-auth-metrics?from=${isoDay(-1)}&to=${isoDay(1)}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // Requests: pa-1..pa-4. Decisions: pa-1 approved after 6 h, pa-2 denied after 96 h (past its
    // 72-hour clock), pa-4 pended.
    expect(res.json.overall).toEqual({
      requests: 4,
      decisions: 3,
      approved: 1,
      denied: 1,
      pended: 1,
      approvalRate: 0.33,
      denialRate: 0.33,
      averageDecisionHours: 51,
      medianDecisionHours: 51,
      decidedAfterClock: 1,
    });
    expect(res.json.payers).toEqual([
      { key: 'medicaid_managed_care:state-mco', payer: MCO, requests: 1, decisions: 1, approved: 0, denied: 1, pended: 0, approvalRate: 0, denialRate: 1, averageDecisionHours: 96, medianDecisionHours: 96, decidedAfterClock: 1 },
      { key: 'medicare_advantage:acme-ma', payer: ACME, requests: 3, decisions: 2, approved: 1, denied: 0, pended: 1, approvalRate: 0.5, denialRate: 0, averageDecisionHours: 6, medianDecisionHours: 6, decidedAfterClock: 0 },
    ]);

    const empty = await get(`/api/reports/prior-auth-metrics?from=${isoDay(-30)}&to=${isoDay(-20)}`);
    expect(empty.json.overall).toMatchObject({ requests: 0, decisions: 0, approvalRate: null, averageDecisionHours: null });

    const bad = await get(`/api/reports/prior-auth-metrics?from=${isoDay(1)}&to=${isoDay(-1)}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems[0].path).toBe('to');
    const missing = await get('/api/reports/prior-auth-metrics');
    expect(missing.status).toBe(400);
    expect(missing.json.error.problems.map((p: any) => p.path).sort()).toEqual(['from', 'to']);
  });
});

// Last: its flow would otherwise count in the worklist and the metrics above.
describe('a submission without a payer clock', () => {
  it('refuses a submission dated before any decision clock of the payer (found by fuzzing: the flow wedged, then answered 503 and 500)', async () => {
    await start(request('pa-1999'));
    const old = await post('/api/prior-auth/pa-1999/submission', { channel: 'portal', confirmationNumber: 'C-old', submittedAt: '2000-01-01T00:00:00Z', by: STAFF });
    expect(old.status, JSON.stringify(old.json)).toBe(400);
    expect(old.json.error.problems).toEqual([{ path: 'submittedAt', message: 'has no payer decision clock: no standard decision clock for medicare_advantage on 1999-12-31' }]);
    // The flow still answers from Temporal, and takes a submission with a clock.
    expect((await get('/api/prior-auth/pa-1999')).json).toMatchObject({ source: 'temporal', status: 'awaiting_submission' });
    expect(await submit('pa-1999', 1)).toMatchObject({ status: 'submitted' });
  });
});
