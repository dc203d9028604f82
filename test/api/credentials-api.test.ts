// The credential API against a real stack (Temporal dev server in real time, Postgres, SMTP sink,
// worker): plan, add once, the expiry dashboard, show, renew (the DEA 60-day window), change,
// retire, lapse flags, and the link to a new provider's onboarding. Bad input is answered with
// its status, the field and the reason, and changes nothing. Dates are relative to today.
import { describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../api/app';
import { freePort } from '../../devstack/temporal';
import { BusinessCalendar } from '../../domain/calendar';
import { PracticeProfileSchema } from '../../domain/practice/profile';
import { createServices } from '../../services/open';
import { eventually, isoDay, temporalHas, useApiStack, TASK_QUEUE, TIME_ZONE } from './stack';
import { TEST_DATA_CONVERTER } from '../support/encryption';

/* eslint-disable @typescript-eslint/no-explicit-any */

const OWNER = 'credentialing@clinic.example';
const MANAGER = 'manager@clinic.example';
const COORDINATOR = 'coordinator@clinic.example';
const ny = new BusinessCalendar({ timeZone: TIME_ZONE });

const cred = (credentialId: string, extra: Record<string, unknown> = {}) => ({
  credentialId,
  providerId: 'p-100',
  type: 'dea_registration',
  jurisdiction: 'NY',
  number: 'FK1234563',
  dueDate: isoDay(200),
  providerEmail: 'dr.kim@clinic.example',
  ownerEmail: OWNER,
  managerEmail: MANAGER,
  ...extra,
});

const stack = useApiStack();

const get = (path: string) => stack.request('GET', path);
const post = (path: string, body?: unknown, headers?: Record<string, string>) => stack.request('POST', path, body, headers);
const row = (credentialId: string) => stack.prisma.credential.findUnique({ where: { credentialId } });

async function add(body: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await post('/api/credentials', body, headers);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  await eventually(() => row(body.credentialId as string), `the credential row of ${String(body.credentialId)}`);
  return res.json;
}

/** What a rejected request must leave unchanged (notices, which fire on their own, aside). */
async function snapshot() {
  const credentials = await stack.prisma.credential.findMany({ orderBy: { credentialId: 'asc' }, select: { credentialId: true, status: true, dueDate: true, flags: true, cycle: true, number: true } });
  const ledger = await stack.prisma.auditEntry.count({ where: { NOT: [{ action: { contains: 'notice' } }, { action: { contains: 'escalation' } }] } });
  return { credentials, ledger };
}

describe('credential API', () => {
  it('plans a credential without side effects: due date, business-day reminders, lapse and renewal window', async () => {
    const { status, json } = await post('/api/credentials/plan', cred('dea-plan', { dueDate: '2027-06-30' }));
    expect(status).toBe(200);
    expect(json).toEqual({
      credential: { credentialId: 'dea-plan', providerId: 'p-100', type: 'dea_registration', jurisdiction: 'NY' },
      dueDate: '2027-06-30',
      // 60 days before is Saturday 1 May: the Friday; 30 days before is Memorial Day: the Friday before.
      reminders: ['2027-04-01', '2027-04-30', '2027-05-28', '2027-06-16', '2027-06-23', '2027-06-30'],
      lapsesOn: '2027-07-01',
      graceEndsOn: '2027-07-30',
      renewalOpensOn: '2027-05-01',
      rule: '21 CFR 1301.13',
    });
    expect(await stack.prisma.credential.count()).toBe(0);
    expect(await temporalHas(stack, 'credential-dea-plan')).toBe(false);
  });

  it('adds a credential once: 201 with its plan, then 409 for the same credentialId', async () => {
    const added = await add(cred('dea-61', { dueDate: isoDay(61) }), { 'X-PracticeFlow-Actor': COORDINATOR });
    expect(added).toMatchObject({ credentialId: 'dea-61', flowId: 'credential-dea-61', warnings: [], plan: { dueDate: isoDay(61), renewalOpensOn: isoDay(1), rule: '21 CFR 1301.13' } });
    expect(added.onboarding).toBeUndefined();
    expect(await row('dea-61')).toMatchObject({ status: 'active', providerId: 'p-100', workflowId: 'credential-dea-61', cycle: 1, flags: [] });
    const ledger = await stack.prisma.auditEntry.findFirst({ where: { workflowId: 'credential-dea-61', action: 'credential.added' } });
    expect(ledger).toMatchObject({ actor: COORDINATOR });
    const { runId } = await stack.client.workflow.getHandle('credential-dea-61').describe();

    const again = await post('/api/credentials', cred('dea-61', { jurisdiction: 'NJ' }));
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ type: 'Conflict', problems: [{ path: 'credentialId' }] });
    expect(again.json.error.message).toMatch(/^credentialId: credential dea-61 already exists \(dea_registration of provider p-100, active/);
    expect((await stack.client.workflow.getHandle('credential-dea-61').describe()).runId).toBe(runId);
    // A credential has no checklist: the generic flow route says where to read it, not a 500.
    const generic = await get('/api/flows/credential-dea-61');
    expect(generic.status).toBe(404);
    expect(generic.json.error.message).toMatch(/has no checklist.*\/api\/credentials/);

    // Temporal rejects the duplicate even before the credential row exists.
    const [first, raced] = await Promise.all([post('/api/credentials', cred('dea-60', { dueDate: isoDay(60) })), post('/api/credentials', cred('dea-60', { dueDate: isoDay(60) }))]);
    expect([first.status, raced.status].sort()).toEqual([201, 409]);
    await eventually(() => row('dea-60'), 'the dea-60 row');
  });

  it('lists the expiry dashboard: due within N days in the practice zone, soonest first; lapsed ones when asked', async () => {
    await add(cred('lic-ny', { type: 'state_license', dueDate: isoDay(10), number: undefined }));
    await add(cred('board-1', { type: 'board_certification', jurisdiction: undefined, issuer: 'ABIM', dueDate: isoDay(400) }));
    await add(cred('aetna-200', { providerId: 'p-200', type: 'payer_recredentialing', jurisdiction: undefined, issuer: 'aetna', dueDate: isoDay(-3) }));
    await add(cred('dea-lapsed', { providerId: 'p-200', dueDate: isoDay(-5) }));
    // Their lapse (the day after the due date) has passed: the flows record it at once.
    await eventually(async () => (await row('aetna-200'))?.status === 'lapsed' && (await row('dea-lapsed'))?.status === 'lapsed', 'the lapses');

    const ids = (json: any) => json.credentials.map((c: any) => c.credentialId);
    const within90 = await get('/api/credentials?expiringWithinDays=90');
    expect(within90.status).toBe(200);
    expect(within90.json).toMatchObject({ today: isoDay(0), timeZone: TIME_ZONE });
    expect(ids(within90.json)).toEqual(['lic-ny', 'dea-60', 'dea-61']);
    expect(within90.json.credentials[0]).toMatchObject({ credentialId: 'lic-ny', dueDate: isoDay(10), daysUntilDue: 10, status: 'active', type: 'state_license', jurisdiction: 'NY', flags: [] });

    expect(ids((await get('/api/credentials?expiringWithinDays=90&status=active,lapsed')).json)).toEqual(['dea-lapsed', 'aetna-200', 'lic-ny', 'dea-60', 'dea-61']);
    expect(ids((await get('/api/credentials?expiringWithinDays=60')).json)).toEqual(['lic-ny', 'dea-60']);
    expect(ids((await get('/api/credentials?status=lapsed')).json)).toEqual(['dea-lapsed', 'aetna-200']);
    expect(ids((await get('/api/credentials?providerId=p-200')).json)).toEqual(['dea-lapsed', 'aetna-200']);
    expect(ids((await get('/api/credentials?type=dea_registration&expiringWithinDays=365')).json)).toEqual(['dea-60', 'dea-61']);
    expect(ids((await get('/api/credentials?limit=2')).json)).toEqual(['dea-lapsed', 'aetna-200']);
    expect(ids((await get('/api/credentials')).json)).toHaveLength(6);
  });

  it('shows a credential from its flow: status, schedule, next notice and history', async () => {
    const { status, json } = await get('/api/credentials/dea-61');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      credential: { credentialId: 'dea-61', dueDate: isoDay(61), number: 'FK1234563' },
      status: 'active',
      cycle: 1,
      flags: [],
      rule: '21 CFR 1301.13',
      flowId: 'credential-dea-61',
      lapsesOn: isoDay(62),
      renewalOpensOn: isoDay(1),
      source: 'temporal',
      nextNotice: { key: expect.stringMatching(/^remind_/) },
    });
    expect(json.history[0]).toMatchObject({ action: 'credential.added', actor: COORDINATOR, rule: '21 CFR 1301.13' });

    const lapsed = (await get('/api/credentials/dea-lapsed')).json;
    expect(lapsed).toMatchObject({ status: 'lapsed', flags: [{ flag: 'no_controlled_substances:NY', description: expect.stringContaining('controlled substances in NY') }] });
  });

  it('renews: 61 days before a DEA expiry is too early (400 naming renewedOn), 60 days is fine', async () => {
    const before = await snapshot();
    const early = await post('/api/credentials/dea-61/renew', { evidence: 'dea-renewal.pdf', by: OWNER });
    expect(early.status).toBe(400);
    expect(early.json.error).toMatchObject({ type: 'ValidationError' });
    expect(early.json.error.problems).toEqual([
      { path: 'renewedOn', message: `DEA controlled-substance registration renewal opens 60 days before expiry (21 CFR 1301.13): earliest ${isoDay(1)}, not ${isoDay(0)}` },
    ]);
    expect(early.json.error.message).toMatch(/^renewedOn: /);
    expect(await snapshot()).toEqual(before);

    const renewed = await post('/api/credentials/dea-60/renew', { evidence: 'dea-renewal.pdf', by: OWNER, number: 'FK7654321', note: 'renewed online' });
    expect(renewed.status).toBe(200);
    const next = ny.addMonths(isoDay(60), 36);
    expect(renewed.json).toMatchObject({ status: 'active', cycle: 2, credential: { dueDate: next, number: 'FK7654321', evidence: 'dea-renewal.pdf' } });
    expect(await row('dea-60')).toMatchObject({ cycle: 2, number: 'FK7654321', dueDate: new Date(`${next}T00:00:00Z`) });
    const entry = await stack.prisma.auditEntry.findFirst({ where: { workflowId: 'credential-dea-60', action: 'credential.renewed' } });
    expect(entry).toMatchObject({ actor: OWNER, detail: expect.objectContaining({ kind: 'renewal', previousDueDate: isoDay(60), newDueDate: next }) });
  });

  it('changes a credential: audited with the reason; the dashboard follows', async () => {
    const { status, json } = await post('/api/credentials/lic-ny/change', { changes: { dueDate: isoDay(300), number: 'NY-123' }, by: MANAGER, reason: 'board record corrected' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'active', credential: { dueDate: isoDay(300), number: 'NY-123' } });
    const entry = await stack.prisma.auditEntry.findFirst({ where: { workflowId: 'credential-lic-ny', action: 'credential.changed' } });
    expect(entry).toMatchObject({ actor: MANAGER, detail: expect.objectContaining({ reason: 'board record corrected', changes: { dueDate: isoDay(300), number: 'NY-123' } }) });
    const within90 = (await get('/api/credentials?expiringWithinDays=90')).json.credentials.map((c: any) => c.credentialId);
    expect(within90).toEqual(['dea-61']);
  });

  it('reads the lapse flags in force, by provider', async () => {
    const { status, json } = await get('/api/credentials/flags');
    expect(status).toBe(200);
    expect(json.flags).toEqual([
      { providerId: 'p-200', flag: 'no_controlled_substances:NY', description: 'may not prescribe, administer or handle controlled substances in NY', credentialId: 'dea-lapsed', type: 'dea_registration', status: 'lapsed', dueDate: isoDay(-5), since: isoDay(-4) },
      { providerId: 'p-200', flag: 'claims_hold:aetna', description: 'hold claims to aetna for this provider', credentialId: 'aetna-200', type: 'payer_recredentialing', status: 'lapsed', dueDate: isoDay(-3), since: isoDay(-2) },
    ]);
    expect((await get('/api/credentials/flags?providerId=p-100')).json).toEqual({ flags: [] });
  });

  it('retires a credential: its flags are lifted, and it can no longer change (409)', async () => {
    const { status, json } = await post('/api/credentials/dea-lapsed/retire', { by: MANAGER, reason: 'provider left the practice' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'retired', flags: [] });
    expect(await row('dea-lapsed')).toMatchObject({ status: 'retired', flags: [] });
    expect((await get('/api/credentials/flags')).json.flags.map((f: any) => f.flag)).toEqual(['claims_hold:aetna']);
    expect((await get('/api/credentials?status=retired')).json.credentials.map((c: any) => c.credentialId)).toEqual(['dea-lapsed']);
    expect((await get('/api/credentials?providerId=p-200')).json.credentials.map((c: any) => c.credentialId)).toEqual(['aetna-200']);

    await eventually(async () => (await stack.client.workflow.getHandle('credential-dea-lapsed').describe()).status.name === 'COMPLETED', 'the retired flow to end');
    const before = await snapshot();
    for (const [path, body] of [
      ['/api/credentials/dea-lapsed/renew', { evidence: 'late.pdf', by: OWNER }],
      ['/api/credentials/dea-lapsed/retire', { by: MANAGER, reason: 'again' }],
      ['/api/credentials/dea-lapsed/change', { changes: { number: 'X1' }, by: MANAGER, reason: 'typo' }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(409);
      expect(res.json.error).toEqual({ type: 'Conflict', message: 'credentialId: credential dea-lapsed is retired; it can no longer change', problems: [{ path: 'credentialId', message: 'credential dea-lapsed is retired; it can no longer change' }] });
    }
    expect(await snapshot()).toEqual(before);
    expect((await get('/api/credentials/dea-lapsed')).json).toMatchObject({ status: 'retired', source: 'temporal' });
  });

  it("completes a new provider's onboarding credentialing task when the first credential is added", async () => {
    const hire = (hireId: string, startDate: string) => ({ hireId, name: 'Dr. Ana Ortiz', email: `${hireId}@staff.example`, role: 'physician', startDate, managerEmail: MANAGER });
    expect((await post('/api/onboarding', hire('h-9001', isoDay(30)))).status).toBe(201);
    expect((await post('/api/onboarding', hire('h-9002', isoDay(-10)))).status).toBe(201);
    const credentialing = async (flowId: string) => {
      const { json } = await get(`/api/flows/${flowId}`);
      return json.tasks.find((t: any) => t.key === 'credentialing');
    };
    await eventually(async () => (await credentialing('onboarding-h-9001'))?.status === 'open', 'the onboarding checklist');

    const added = await add(cred('lic-9001', { providerId: 'h-9001', type: 'state_license', dueDate: isoDay(700) }), { 'X-PracticeFlow-Actor': COORDINATOR });
    expect(added.onboarding).toEqual({ flowId: 'onboarding-h-9001', taskKey: 'credentialing', completed: true });
    expect(added.warnings).toEqual([]);
    const task = await credentialing('onboarding-h-9001');
    expect(task).toMatchObject({ status: 'completed', completion: { by: COORDINATOR, evidence: { credentialId: 'lic-9001' }, note: expect.stringMatching(/^Credential flow credential-lic-9001 started/), late: false } });

    // The provider's next credential leaves the completed task alone.
    const second = await add(cred('dea-9001', { providerId: 'h-9001', dueDate: isoDay(700) }), { 'X-PracticeFlow-Actor': COORDINATOR });
    expect(second.onboarding).toBeUndefined();
    expect((await credentialing('onboarding-h-9001')).completion.evidence).toEqual({ credentialId: 'lic-9001' });

    // Overdue: completing it needs a late reason a person gives; the credential is added all the same.
    const late = await add(cred('lic-9002', { providerId: 'h-9002', type: 'state_license', dueDate: isoDay(700) }));
    expect(late.onboarding).toEqual({ flowId: 'onboarding-h-9002', taskKey: 'credentialing', completed: false });
    expect(late.warnings).toEqual([expect.stringMatching(/^the onboarding flow onboarding-h-9002 has its credentialing task overdue \(due .*--late-reason/)]);
    expect(await credentialing('onboarding-h-9002')).toMatchObject({ status: 'open' });
    expect(await row('lic-9002')).toMatchObject({ status: 'active' });
  });

  describe('bad input: the right status, the field and the reason, and nothing changes', () => {
    type Case = { name: string; method?: 'GET' | 'POST'; path: string; body?: unknown; headers?: Record<string, string>; status?: number; type?: string; field: string; message: RegExp; credentialId?: string };
    const addCase = (body: unknown, rest: Omit<Case, 'path' | 'body'>): Case => ({ path: '/api/credentials', body, ...rest });
    const { dueDate: _due, ...noDueDate } = cred('bad-1');
    const cases: Case[] = [
      addCase(noDueDate, { name: 'missing dueDate', field: 'dueDate', message: /^is required$/, credentialId: 'bad-1' }),
      addCase(cred('bad-2', { type: 'dea' }), { name: 'unknown type', field: 'type', message: /^must be one of state_license, dea_registration, /, credentialId: 'bad-2' }),
      addCase(cred('bad-3', { jurisdiction: undefined }), { name: 'a DEA registration without its state', field: 'jurisdiction', message: /^is required for dea_registration/, credentialId: 'bad-3' }),
      addCase(cred('bad-4', { dueDate: '2027-02-30' }), { name: 'impossible date', field: 'dueDate', message: /^is not a real calendar date$/, credentialId: 'bad-4' }),
      addCase(cred('bad-5', { salary: 1 }), { name: 'unknown field', field: 'salary', message: /^is not a known field$/, credentialId: 'bad-5' }),
      addCase(cred('bad-6', { ownerEmail: 'coordinator' }), { name: 'bad email', field: 'ownerEmail', message: /must be an email address/, credentialId: 'bad-6' }),
      addCase(cred('../../etc/passwd'), { name: 'a credentialId that is a path', field: 'credentialId', message: /must be 1-64 letters, digits/ }),
      addCase(cred('bad-8', { issueDate: isoDay(300) }), { name: 'issued after it is due', field: 'issueDate', message: /^must not be after dueDate$/, credentialId: 'bad-8' }),
      addCase(cred('bad-9'), { name: 'an actor header that names nobody', headers: { 'X-PracticeFlow-Actor': 'x' }, field: 'X-PracticeFlow-Actor', message: /must identify who acted/, credentialId: 'bad-9' }),
      addCase('{"credentialId": "bad-10", ', { name: 'malformed JSON', field: '(body)', message: /is not valid JSON/ }),
      { name: 'renewal without evidence', path: '/api/credentials/dea-61/renew', body: { by: OWNER }, field: 'evidence', message: /^is required$/ },
      { name: 'renewal in the future', path: '/api/credentials/dea-61/renew', body: { by: OWNER, evidence: 'x.pdf', renewedOn: isoDay(5) }, field: 'renewedOn', message: /^must not be in the future \(today is / },
      { name: 'renewal to an earlier due date', path: '/api/credentials/lic-ny/renew', body: { by: OWNER, evidence: 'x.pdf', newDueDate: isoDay(100) }, field: 'newDueDate', message: /^must be after the current due date / },
      { name: 'a misspelt renewal field', path: '/api/credentials/dea-61/renew', body: { by: OWNER, evidence: 'x.pdf', renewed_on: isoDay(0) }, field: 'renewed_on', message: /^is not a known field$/ },
      { name: 'renewing an unknown credential', path: '/api/credentials/nobody/renew', body: { by: OWNER, evidence: 'x.pdf' }, status: 404, type: 'NotFound', field: 'credentialId', message: /^no credential "nobody"$/ },
      { name: 'a change that changes nothing', path: '/api/credentials/lic-ny/change', body: { changes: {}, by: MANAGER, reason: 'nothing' }, field: 'changes', message: /^must change at least one field$/ },
      { name: 'a change of the type', path: '/api/credentials/lic-ny/change', body: { changes: { type: 'dea_registration', number: 'X' }, by: MANAGER, reason: 'wrong type' }, field: 'changes.type', message: /^is not a known field$/ },
      { name: 'a change without a reason', path: '/api/credentials/lic-ny/change', body: { changes: { number: 'X' }, by: MANAGER }, field: 'reason', message: /^is required$/ },
      { name: 'retiring without saying who', path: '/api/credentials/lic-ny/retire', body: { reason: 'left' }, field: 'by', message: /^is required$/ },
      { name: 'an unknown status filter', method: 'GET', path: '/api/credentials?status=active,paused', field: 'status', message: /^must be one or more of active, lapsed, new_application_required, retired \(comma-separated\), not "paused"$/ },
      { name: 'a negative window', method: 'GET', path: '/api/credentials?expiringWithinDays=-1', field: 'expiringWithinDays', message: /^must not be negative$/ },
      { name: 'a window that is not a number', method: 'GET', path: '/api/credentials?expiringWithinDays=soon', field: 'expiringWithinDays', message: /^must be a number$/ },
      { name: 'flags of a provider id that is a path', method: 'GET', path: '/api/credentials/flags?providerId=..%2Fx', field: 'providerId', message: /must be 1-64 letters/ },
      { name: 'showing an unknown credential', method: 'GET', path: '/api/credentials/nobody', status: 404, type: 'NotFound', field: 'credentialId', message: /^no credential "nobody"$/ },
      { name: 'showing a credential id that is not one', method: 'GET', path: '/api/credentials/a%20b', field: 'credentialId', message: /must be 1-64 letters/ },
      { name: 'a plan of a list', path: '/api/credentials/plan', body: '[]', field: '(body)', message: /must be a JSON object, not an array/ },
    ];

    it.each(cases)('$name', async (c) => {
      const before = await snapshot();
      const { status, json } = await stack.request(c.method ?? 'POST', c.path, c.body, c.headers);
      expect(status).toBe(c.status ?? 400);
      expect(json.error.type).toBe(c.type ?? 'ValidationError');
      expect(json.error.problems).toEqual([{ path: c.field, message: expect.stringMatching(c.message) }]);
      expect(json.error.message).toMatch(new RegExp(`^${c.field.replace(/[.()]/g, '\\$&')}: `));
      expect(JSON.stringify(json)).not.toMatch(/\n\s+at |\.ts:\d+/); // never a stack trace
      expect(await snapshot()).toEqual(before);
      if (c.credentialId) expect(await temporalHas(stack, `credential-${c.credentialId}`)).toBe(false);
    });
  });

  it('documents every credential route in the OpenAPI document, import as CSV or JSON', async () => {
    const { json } = await get('/api/openapi.json');
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining([
        '/api/credentials',
        '/api/credentials/plan',
        '/api/credentials/import',
        '/api/credentials/flags',
        '/api/credentials/{credentialId}',
        '/api/credentials/{credentialId}/renew',
        '/api/credentials/{credentialId}/change',
        '/api/credentials/{credentialId}/retire',
      ]),
    );
    const addOp = json.paths['/api/credentials'].post;
    expect(Object.keys(addOp.responses)).toEqual(['201', '400', '401', '403', '409', '413', '503']);
    expect(addOp.requestBody.content['application/json'].schema.properties.type.enum).toContain('dea_registration');
    expect(addOp.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(json.paths['/api/credentials'].get.parameters.map((p: any) => p.name)).toEqual(['expiringWithinDays', 'providerId', 'type', 'status', 'limit']);
    const importOp = json.paths['/api/credentials/import'].post;
    expect(Object.keys(importOp.requestBody.content)).toEqual(['application/json', 'text/csv']);
    expect(importOp.responses['200'].content['application/json'].schema.properties).toHaveProperty('rejected');
    expect(json.paths['/api/credentials/{credentialId}/renew'].post.responses['404'].description).toBe('Unknown credential');
  });

  it('answers 503 when Temporal cannot be reached; the dashboard and a credential still show from the table', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const app = createApiApp(
      createServices({
        client: new Client({ connection, dataConverter: TEST_DATA_CONVERTER }),
        dataConverter: TEST_DATA_CONVERTER,
        prisma: stack.prisma,
        practice: PracticeProfileSchema.parse({ timeZone: TIME_ZONE }),
        taskQueue: TASK_QUEUE,
        temporalAddress: 'the test address',
        temporalTimeoutMs: 800,
      }),
    );
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as any };
    };
    try {
      const before = await snapshot();
      const added = await call('POST', '/api/credentials', cred('dea-down'));
      expect(added.status).toBe(503);
      expect(added.json.error).toMatchObject({ type: 'Unavailable', message: expect.stringMatching(/Temporal at the test address/) });
      expect((await call('POST', '/api/credentials/dea-61/renew', { evidence: 'x.pdf', by: OWNER })).status).toBe(503);
      const shown = await call('GET', '/api/credentials/dea-61');
      expect(shown.status).toBe(200);
      expect(shown.json).toMatchObject({ source: 'table', status: 'active', credential: { credentialId: 'dea-61', dueDate: isoDay(61) }, notice: expect.stringMatching(/Temporal/) });
      expect((await call('GET', '/api/credentials?expiringWithinDays=90')).json.credentials.map((c: any) => c.credentialId)).toEqual(['dea-61']);
      expect(await snapshot()).toEqual(before);
    } finally {
      await connection.close();
    }
  });
});
