// The manager's API against a real stack (Temporal dev server in real time, Postgres, SMTP sink,
// worker): plan, start once, list, show, complete, change the start date, add tasks, reverse a
// hepatitis B declination, cancel, and the flow after Temporal has forgotten it. Every kind of bad
// input is answered with its status and a message naming the field, and changes nothing.
import { describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../api/app';
import { freePort } from '../../devstack/temporal';
import { createServices } from '../../services/open';
import { PracticeProfileSchema } from '../../domain/practice/profile';
import { eventually, FORGETFUL_NAMESPACE, isoDay, temporalHas, useApiStack, TASK_QUEUE, TIME_ZONE, hireBody } from './stack';
import { TEST_DATA_CONVERTER } from '../support/encryption';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANAGER = 'manager@clinic.example';
const HR = 'hr@clinic.example';

const hire = (hireId: string, extra: Record<string, unknown> = {}) => hireBody(hireId, extra, MANAGER);

const stack = useApiStack();

const get = (path: string) => stack.request('GET', path);
const post = (path: string, body?: unknown, headers?: Record<string, string>) => stack.request('POST', path, body, headers);

async function checklist(flowId: string) {
  const { status, json } = await get(`/api/flows/${flowId}`);
  expect(status).toBe(200);
  return json;
}

/** Everything a rejected request must leave unchanged (notices, which fire on their own, aside). */
async function snapshot() {
  const flows = await stack.prisma.flow.findMany({ orderBy: { workflowId: 'asc' }, select: { workflowId: true, status: true, title: true } });
  const ledger = await stack.prisma.auditEntry.count({ where: { NOT: [{ action: { startsWith: 'notice.' } }, { action: { startsWith: 'escalation.' } }] } });
  const checklists: Record<string, unknown> = {};
  for (const id of ['onboarding-h-1001', 'onboarding-h-1002']) {
    const view = await stack.client.workflow.getHandle(id).query('checklist');
    checklists[id] = (view as any).tasks.map(({ nextNotice: _n, ...task }: any) => task);
  }
  return { flows, ledger, checklists };
}

describe('onboarding API', () => {
  it('plans without side effects: the due dates of the rules, holidays skipped', async () => {
    const { status, json } = await post('/api/onboarding/plan', {
      hireId: 'h-2000',
      name: 'Sam Lee',
      email: 'sam@staff.example',
      role: 'medical_assistant',
      startDate: '2026-11-23',
      managerEmail: MANAGER,
      practice: { timeZone: 'America/New_York' },
    });
    expect(status).toBe(200);
    const due = Object.fromEntries(json.tasks.map((t: any) => [t.key, t.dueDate]));
    expect(due).toMatchObject({
      i9_section1: '2026-11-23',
      i9_section2: '2026-11-27', // Thanksgiving (Nov 26) is not a business day
      hepb_vaccine_offer: '2026-12-08',
      new_hire_report: '2026-12-13',
      hipaa_training: '2026-12-23',
    });
    expect(json.tasks.find((t: any) => t.key === 'i9_section2')).toMatchObject({ rule: '8 CFR 274a.2(b)(1)(ii)', assignee: MANAGER });
    expect(await stack.prisma.flow.count()).toBe(0);
    expect(await temporalHas(stack, 'onboarding-h-2000')).toBe(false);
  });

  it('starts a hire once: 201, then 409 for the same hire, still one flow', async () => {
    const first = await post('/api/onboarding', hire('h-1001'), { 'X-PracticeFlow-Actor': HR });
    expect(first.status).toBe(201);
    expect(first.json.flowId).toBe('onboarding-h-1001');
    expect(first.json.plan.tasks.map((t: any) => t.key)).toContain('hepb_vaccine_offer');
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-1001' } }), 'the flow row');
    const { runId } = await stack.client.workflow.getHandle('onboarding-h-1001').describe();

    const again = await post('/api/onboarding', hire('h-1001', { name: 'Someone Else' }));
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ type: 'Conflict', problems: [{ path: 'hireId' }] });
    expect(again.json.error.message).toMatch(/^hireId: onboarding for h-1001 was already started/);
    expect(await stack.prisma.flow.count()).toBe(1);
    expect((await stack.client.workflow.getHandle('onboarding-h-1001').describe()).runId).toBe(runId);

    // The late hire: started 20 days ago, so its day-one tasks are overdue.
    const late = await post('/api/onboarding', hire('h-1002', { startDate: isoDay(-20), role: 'nurse' }));
    expect(late.status).toBe(201);
    // Temporal rejects the duplicate id even before the flow row exists.
    const raced = await post('/api/onboarding', hire('h-1002', { startDate: isoDay(-20), role: 'nurse' }));
    expect(raced.status).toBe(409);
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-1002' } }), 'the late flow row');
    expect(await stack.prisma.flow.count()).toBe(2);
  });

  it('lists flows from the flow table and shows a checklist with its history', async () => {
    const running = await get('/api/flows?type=onboarding&status=running');
    expect(running.status).toBe(200);
    expect(running.json.flows.map((f: any) => f.flowId).sort()).toEqual(['onboarding-h-1001', 'onboarding-h-1002']);
    const bySubject = await get('/api/flows?subject=h-1001');
    expect(bySubject.json.flows).toEqual([
      expect.objectContaining({ flowId: 'onboarding-h-1001', flowType: 'onboarding', subjectId: 'h-1001', status: 'running', startedBy: HR, closedAt: null }),
    ]);
    expect((await get('/api/flows?status=completed')).json.flows).toEqual([]);
    // Search: every word, case-insensitive, in the id, subject or title; LIKE wildcards are literal.
    const search = async (words: string) => (await get(`/api/flows?${new URLSearchParams({ search: words })}`)).json.flows.map((f: any) => f.flowId).sort();
    expect(await search('reyes')).toEqual(['onboarding-h-1001', 'onboarding-h-1002']);
    expect(await search('  REYES   nurse ')).toEqual(['onboarding-h-1002']);
    expect(await search('h-1001')).toEqual(['onboarding-h-1001']);
    expect(await search('h_100')).toEqual([]);
    expect(await search('%')).toEqual([]);

    const flow = await checklist('onboarding-h-1001');
    expect(flow).toMatchObject({ flowId: 'onboarding-h-1001', subjectId: 'h-1001', status: 'running', startedBy: HR, managerEmail: MANAGER, timeZone: TIME_ZONE, source: 'temporal' });
    expect(flow.tasks.find((t: any) => t.key === 'i9_section1')).toMatchObject({ dueDate: isoDay(30), status: 'open', overdue: false, assignee: { email: 'h-1001@staff.example' } });
    expect(flow.history[0]).toMatchObject({ action: 'flow.started', actor: HR, task: null });
    expect(flow.history.filter((h: any) => h.action === 'task.created').length).toBe(flow.tasks.length);
  });

  it('completes a task; the ledger records who did it under which rule', async () => {
    const { status, json } = await post('/api/flows/onboarding-h-1001/tasks/i9_section1/complete', { by: 'h-1001@staff.example', note: 'signed in person' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ key: 'i9_section1', status: 'completed', completion: { by: 'h-1001@staff.example', note: 'signed in person', late: false } });
    const flow = await checklist('onboarding-h-1001');
    expect(flow.tasks.find((t: any) => t.key === 'i9_section1').status).toBe('completed');
    expect(flow.history.at(-1)).toMatchObject({ action: 'task.completed', actor: 'h-1001@staff.example', task: 'i9_section1', rule: '8 CFR 274a.2(b)(1)(i)(A)' });
  });

  it('refuses a late completion without a reason (400 naming lateReason), accepts it with one', async () => {
    const before = await snapshot();
    const refused = await post('/api/flows/onboarding-h-1002/tasks/i9_section2/complete', { by: MANAGER });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ type: 'ValidationError', problems: [{ path: 'lateReason', message: expect.stringMatching(/^is required: the task was due \d{4}-\d{2}-\d{2}/) }] });
    expect(refused.json.error.message).toMatch(/^lateReason: is required/);
    expect(await snapshot()).toEqual(before);

    const accepted = await post('/api/flows/onboarding-h-1002/tasks/i9_section2/complete', { by: MANAGER, lateReason: 'documents arrived late', evidence: { document: 'passport' } });
    expect(accepted.status).toBe(200);
    expect(accepted.json.completion).toMatchObject({ late: true, lateReason: 'documents arrived late', evidence: { document: 'passport' } });
  });

  it('changes the start date: open tasks move, completed ones keep their dates', async () => {
    const { status, json } = await post('/api/flows/onboarding-h-1001/start-date', { startDate: isoDay(37), by: MANAGER, reason: 'start moved by a week' });
    expect(status).toBe(200);
    const byKey = Object.fromEntries(json.tasks.map((t: any) => [t.key, t]));
    expect(byKey.eap_review.dueDate).toBe(isoDay(37));
    expect(byKey.i9_section1).toMatchObject({ status: 'completed', dueDate: isoDay(30) });
    const flow = await checklist('onboarding-h-1001');
    expect(flow.history.at(-1)).toMatchObject({ action: 'onboarding.start_date_changed', actor: MANAGER });
  });

  it('adds a task, and reverses a hepatitis B declination into a vaccination task', async () => {
    const added = await post('/api/flows/onboarding-h-1001/tasks', {
      task: { key: 'badge', title: 'Issue building badge', assignee: { email: 'it@clinic.example' }, due: { date: isoDay(35) } },
      by: MANAGER,
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ key: 'badge', dueDate: isoDay(35), status: 'open' });
    const twice = await post('/api/flows/onboarding-h-1001/tasks', { task: { key: 'badge', title: 'Again', assignee: { email: 'it@clinic.example' }, due: { date: isoDay(35) } }, by: MANAGER });
    expect(twice.status).toBe(409);
    expect(twice.json.error.problems).toEqual([{ path: 'task.key', message: 'this flow already has a task "badge"' }]);

    const declined = await post('/api/flows/onboarding-h-1001/tasks/hepb_vaccine_offer/complete', { by: MANAGER, outcome: 'declined' });
    expect(declined.status).toBe(200);
    const reversal = await post('/api/flows/onboarding-h-1001/hepb-declination-reversal', { by: MANAGER, note: 'changed her mind' });
    expect(reversal.status).toBe(201);
    expect(reversal.json).toMatchObject({ key: 'hepb_vaccination', status: 'open', rule: { citation: '29 CFR 1910.1030(f)(2)(iv)' } });
    expect((await post('/api/flows/onboarding-h-1001/hepb-declination-reversal', { by: MANAGER })).status).toBe(409);
  });

  describe('bad input: the right status, the field and the reason, and nothing changes', () => {
    type Case = { name: string; method?: 'GET' | 'POST'; path: string; body?: unknown; headers?: Record<string, string>; status: number; type: string; field?: string; message: RegExp; hireId?: string };
    const start = (body: unknown, rest: Partial<Case> & Pick<Case, 'name' | 'message'>): Case => ({ path: '/api/onboarding', body, status: 400, type: 'ValidationError', ...rest });
    const { name: _name, ...noName } = hire('h-3001');
    const cases: Case[] = [
      start(noName, { name: 'missing field', field: 'name', message: /^is required$/, hireId: 'h-3001' }),
      start(hire('h-3002', { startDate: '2026-02-30' }), { name: 'impossible date', field: 'startDate', message: /is not a real calendar date/, hireId: 'h-3002' }),
      start(hire('h-3003', { role: 'chef' }), { name: 'unknown role', field: 'role', message: /must be one of front_desk, .*medical_assistant/, hireId: 'h-3003' }),
      start('{"hireId": "h-3004", "name": ', { name: 'malformed JSON', field: '(body)', message: /is not valid JSON/ }),
      start('[{"hireId": "h-3005"}]', { name: 'a body that is not an object', field: '(body)', message: /must be a JSON object, not an array/ }),
      start(hire('h-3006', { salary: 52000 }), { name: 'unknown extra field', field: 'salary', message: /is not a known field/, hireId: 'h-3006' }),
      start(hire('h-3007', { email: 'dana-at-clinic' }), { name: 'bad email', field: 'email', message: /must be an email address/, hireId: 'h-3007' }),
      start(hire('Dana Reyes', { email: 'dana@staff.example' }), { name: 'hireId that is a name', field: 'hireId', message: /a hire identifier such as h-1042, never a name/ }),
      start(hire('../../etc/passwd', { email: 'dana@staff.example' }), { name: 'hireId that is a path', field: 'hireId', message: /must be 1-64 letters, digits/ }),
      start(hire('h-3010', { jobLengthDays: -5 }), { name: 'negative jobLengthDays', field: 'jobLengthDays', message: /must be at least 1/, hireId: 'h-3010' }),
      start(hire('h-3011', { practice: { timeZone: 'Mars/Olympus_Mons' } }), { name: 'bad practice.timeZone', field: 'practice.timeZone', message: /must be an IANA time zone/, hireId: 'h-3011' }),
      start(hire('h-3012'), { name: 'an actor header that names nobody', headers: { 'X-PracticeFlow-Actor': 'x' }, field: 'X-PracticeFlow-Actor', message: /must identify who acted/, hireId: 'h-3012' }),
      { name: 'unknown flow', path: '/api/flows/onboarding-nobody/tasks/i9_section1/complete', body: { by: MANAGER }, status: 404, type: 'NotFound', field: 'flowId', message: /no flow "onboarding-nobody"/ },
      { name: 'unknown flow (show)', method: 'GET', path: '/api/flows/onboarding-nobody', status: 404, type: 'NotFound', field: 'flowId', message: /no flow "onboarding-nobody"/ },
      { name: 'unknown task', path: '/api/flows/onboarding-h-1001/tasks/no_such_task/complete', body: { by: MANAGER }, status: 404, type: 'NotFound', field: 'taskKey', message: /no task "no_such_task"/ },
      { name: 'a task key that is not one', path: '/api/flows/onboarding-h-1001/tasks/I9-Section/complete', body: { by: MANAGER }, status: 400, type: 'ValidationError', field: 'taskKey', message: /lower_snake_case/ },
      { name: 'completing twice', path: '/api/flows/onboarding-h-1001/tasks/i9_section1/complete', body: { by: MANAGER }, status: 409, type: 'Conflict', field: 'taskKey', message: /is already completed \(by h-1001@staff\.example/ },
      { name: 'late completion without a reason', path: '/api/flows/onboarding-h-1002/tasks/hazcom_training/complete', body: { by: MANAGER }, status: 400, type: 'ValidationError', field: 'lateReason', message: /is required: the task was due/ },
      { name: 'a misspelt field', path: '/api/flows/onboarding-h-1002/tasks/hazcom_training/complete', body: { by: MANAGER, late_reason: 'forgot' }, status: 400, type: 'ValidationError', field: 'late_reason', message: /is not a known field/ },
      { name: 'no actor', path: '/api/flows/onboarding-h-1001/cancel', body: { reason: 'changed plans' }, status: 400, type: 'ValidationError', field: 'by', message: /^is required$/ },
      { name: 'a start date change to an impossible date', path: '/api/flows/onboarding-h-1001/start-date', body: { startDate: '2026-13-01', by: MANAGER, reason: 'moved' }, status: 400, type: 'ValidationError', field: 'startDate', message: /is not a real calendar date/ },
      { name: 'an unknown list filter', method: 'GET', path: '/api/flows?status=paused', status: 400, type: 'ValidationError', field: 'status', message: /must be one of running, completed, cancelled/ },
      { name: 'an empty search', method: 'GET', path: '/api/flows?search=%20%20', status: 400, type: 'ValidationError', field: 'search', message: /must not be empty/ },
      { name: 'an unknown route', method: 'GET', path: '/api/flowz', status: 404, type: 'NotFound', message: /no route GET \/api\/flowz/ },
    ];

    it.each(cases)('$name → $status', async (c) => {
      const before = await snapshot();
      const { status, json } = await stack.request(c.method ?? 'POST', c.path, c.body, c.headers);
      expect(status).toBe(c.status);
      expect(json.error.type).toBe(c.type);
      if (c.field) {
        expect(json.error.problems).toEqual([{ path: c.field, message: expect.stringMatching(c.message) }]);
        expect(json.error.message).toMatch(new RegExp(`^${c.field.replace(/[.()]/g, '\\$&')}: `));
      } else {
        expect(json.error.message).toMatch(c.message);
      }
      expect(JSON.stringify(json)).not.toMatch(/\n\s+at |\.ts:\d+/); // never a stack trace
      expect(await snapshot()).toEqual(before);
      if (c.hireId) expect(await temporalHas(stack, `onboarding-${c.hireId}`)).toBe(false);
    });
  });

  it('cancels a flow: open tasks cancelled, reminders stop, and it can no longer change (409)', async () => {
    const mailBefore = () => stack.sink.messages().filter((m) => m.headers['x-practiceflow-flow'] === 'onboarding-h-1002').length;
    // The overdue day-one tasks were escalated at start.
    await eventually(async () => mailBefore() > 0, 'the escalations of the late flow');

    const { status, json } = await post('/api/flows/onboarding-h-1002/cancel', { by: MANAGER, reason: 'offer withdrawn' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'cancelled', cancelled: { by: MANAGER, reason: 'offer withdrawn' } });
    expect(json.tasks.filter((t: any) => t.key !== 'i9_section2').every((t: any) => t.status === 'cancelled' && t.nextNotice === undefined)).toBe(true);
    await eventually(async () => (await stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-1002' } }))?.status === 'cancelled', 'the cancelled flow row');
    const sent = mailBefore();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(mailBefore()).toBe(sent);

    const ledgerBefore = await stack.prisma.auditEntry.count();
    const complete = await post('/api/flows/onboarding-h-1002/tasks/tb_screening/complete', { by: MANAGER, lateReason: 'after the fact' });
    expect(complete.status).toBe(409);
    expect(complete.json.error).toMatchObject({ type: 'Conflict', message: 'flow is cancelled; it can no longer change' });
    const moved = await post('/api/flows/onboarding-h-1002/start-date', { startDate: isoDay(3), by: MANAGER, reason: 'rehired' });
    expect(moved.status).toBe(409);
    expect(await stack.prisma.auditEntry.count()).toBe(ledgerBefore);

    const shown = await checklist('onboarding-h-1002');
    expect(shown).toMatchObject({ status: 'cancelled', source: 'temporal' });
    expect((await get('/api/flows?status=cancelled')).json.flows.map((f: any) => f.flowId)).toEqual(['onboarding-h-1002']);
  });

  it('after Temporal has forgotten a flow: shown from the ledger, and the hire still cannot start twice', async () => {
    // A service whose Temporal holds none of the flows, over the same database: as after retention.
    const forgetful = createApiApp(
      createServices({
        client: new Client({ connection: stack.connection, namespace: FORGETFUL_NAMESPACE, dataConverter: TEST_DATA_CONVERTER }),
        dataConverter: TEST_DATA_CONVERTER,
        prisma: stack.prisma,
        practice: PracticeProfileSchema.parse({ timeZone: TIME_ZONE }),
        taskQueue: TASK_QUEUE,
      }),
    );
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await forgetful.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as any };
    };

    const { status, json: flow } = await call('GET', '/api/flows/onboarding-h-1002');
    expect(status).toBe(200);
    expect(flow).toMatchObject({ source: 'ledger', status: 'cancelled', subjectId: 'h-1002', startedBy: MANAGER, managerEmail: MANAGER, timeZone: TIME_ZONE, cancelled: { by: MANAGER, reason: 'offer withdrawn' } });
    expect(flow.notice).toMatch(/retention/);
    const live = (await checklist('onboarding-h-1002')).tasks.map(({ nextNotice: _n, overdue: _o, outcomes: _out, ...t }: any) => ({ ...t, assignee: { email: t.assignee.email }, rule: { citation: t.rule.citation } }));
    expect(flow.tasks.map(({ overdue: _o, ...t }: any) => t)).toEqual(live);
    expect(flow.history.at(-1)).toMatchObject({ action: 'flow.cancelled', actor: MANAGER });

    const again = await call('POST', '/api/onboarding', hire('h-1002', { startDate: isoDay(-20), role: 'nurse' }));
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already started \(flow onboarding-h-1002, cancelled/);
    const complete = await call('POST', '/api/flows/onboarding-h-1002/tasks/tb_screening/complete', { by: MANAGER });
    expect(complete.status).toBe(409);
    expect(complete.json.error).toMatchObject({ type: 'Conflict', message: 'flow is cancelled; it can no longer change' });
    const unknown = await call('GET', '/api/flows/onboarding-nobody');
    expect(unknown.status).toBe(404);
  });

  it('serves health and an OpenAPI 3.1 document generated from the schemas', async () => {
    expect(await get('/api/health')).toEqual({ status: 200, json: { ok: true, temporal: 'ok', database: 'ok' } });
    const { status, json } = await get('/api/openapi.json');
    expect(status).toBe(200);
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining([
        '/api/onboarding/plan',
        '/api/onboarding',
        '/api/flows',
        '/api/flows/{flowId}',
        '/api/flows/{flowId}/tasks/{taskKey}/complete',
        '/api/flows/{flowId}/tasks',
        '/api/flows/{flowId}/cancel',
        '/api/flows/{flowId}/start-date',
        '/api/flows/{flowId}/hepb-declination-reversal',
        '/api/health',
      ]),
    );
    const start = json.paths['/api/onboarding'].post;
    const body = start.requestBody.content['application/json'].schema;
    expect(body.properties.hireId.pattern).toBe('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
    expect(body.properties.role.enum).toContain('medical_assistant');
    expect(body.required).toEqual(expect.arrayContaining(['hireId', 'name', 'email', 'role', 'startDate', 'managerEmail']));
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(start.responses)).toEqual(['201', '400', '401', '403', '409', '413', '503']);
    expect(start.parameters).toEqual([expect.objectContaining({ name: 'X-PracticeFlow-Actor', in: 'header' })]);
    const complete = json.paths['/api/flows/{flowId}/tasks/{taskKey}/complete'].post;
    expect(complete.requestBody.content['application/json'].schema.properties).toHaveProperty('lateReason');
    expect(json.paths['/api/flows'].get.parameters.map((p: any) => p.name)).toEqual(['type', 'status', 'subject', 'search', 'limit']);
  });

  it('answers 503 when Temporal cannot be reached, and shows what the ledger knows', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const deadTemporal = createServices({
      client: new Client({ connection, dataConverter: TEST_DATA_CONVERTER }),
      dataConverter: TEST_DATA_CONVERTER,
      prisma: stack.prisma,
      practice: PracticeProfileSchema.parse({ timeZone: TIME_ZONE }),
      taskQueue: TASK_QUEUE,
      temporalAddress: 'the test address',
      temporalTimeoutMs: 800,
    });
    const app = createApiApp(deadTemporal);
    try {
      const started = await app.request('/api/onboarding', { method: 'POST', body: JSON.stringify(hire('h-4001')) });
      expect(started.status).toBe(503);
      expect(((await started.json()) as any).error).toMatchObject({ type: 'Unavailable', message: expect.stringMatching(/Temporal at the test address/) });
      const completed = await app.request('/api/flows/onboarding-h-1001/tasks/eap_review/complete', { method: 'POST', body: JSON.stringify({ by: MANAGER }) });
      expect(completed.status).toBe(503);
      const health = await app.request('/api/health');
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, temporal: 'unavailable', database: 'ok' });
      const shown = await app.request('/api/flows/onboarding-h-1001');
      expect(shown.status).toBe(200);
      expect(await shown.json()).toMatchObject({ source: 'ledger', status: 'running', notice: expect.stringMatching(/Temporal/) });
    } finally {
      await connection.close();
    }
  });
});
