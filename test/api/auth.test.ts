// Sign-in and roles against a real stack (Temporal dev server, Postgres, SMTP sink, worker, HTTP
// API): anonymous requests are 401, an auditor reads but cannot write, staff complete only their
// own tasks, the ledger records the signed-in user, sessions sign in with a cookie and end after
// inactivity (on the server), revoked tokens and disabled users are refused, the calendar feed
// carries the user's due dates and dies when revoked, and the admin command creates users in the
// database, naming a bad field.
import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../activities/audit/timeline';
import { startApiServer } from '../../api/server';
import { runPracticeflow, NO_STACK } from '../support/cli';
import { databaseUrl } from '../support/db';
import { ADMIN, eventually, isoDay, TEST_AUTH, TEST_PASSWORD, TIME_ZONE, useApiStack, hireBody } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANAGER = ADMIN;
const AUDITOR = 'auditor@accreditor.example';
const STAFF = 'h-8001@staff.example';
const FLOW = 'onboarding-h-8001';

const stack = useApiStack();

const hire = (hireId: string, extra: Record<string, unknown> = {}) => hireBody(hireId, extra, MANAGER);

/** A request with exactly this token (null: anonymous), whoever the body names. */
const as = (token: string | null, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) => stack.request(method, path, body, headers, { token });

async function startStaffFlow(): Promise<void> {
  if (await stack.prisma.flow.findUnique({ where: { workflowId: FLOW } })) return;
  const started = await stack.request('POST', '/api/onboarding', hire('h-8001'));
  expect(started.status).toBe(201);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');
}

/** Text as iCalendar escapes it (RFC 5545 3.3.11). */
const icsText = (text: string): string => text.replace(/[\\;,]/g, (c) => `\\${c}`);

/** Raw fetch (for cookies), as the console in a browser sends it: JSON, from its own origin. */
const call = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { 'content-type': 'application/json', origin: new URL(url).origin, ...(init.headers as Record<string, string>) } });

async function signIn(base: string, email: string, password = TEST_PASSWORD): Promise<{ status: number; cookie: string | undefined; json: any }> {
  const res = await call(`${base}/api/session`, { method: 'POST', body: JSON.stringify({ email, password }) });
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  return { status: res.status, cookie: setCookie?.split(';')[0], json: await res.json() };
}

describe('sign-in and roles', () => {
  it('answers anonymous requests 401 in the one error shape, except health, the OpenAPI document and sign-in', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/flows'],
      ['GET', '/api/me'],
      ['POST', '/api/onboarding', hire('h-8900')],
      ['GET', '/api/audit/verify'],
      ['GET', '/api/users'],
    ] as const) {
      const res = await as(null, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.error).toMatchObject({ type: 'Unauthorized', message: expect.stringMatching(/sign in/), problems: [] });
    }
    expect((await as(null, 'GET', '/api/health')).status).toBe(200);
    expect((await as(null, 'GET', '/api/openapi.json')).status).toBe(200);
    expect((await as(null, 'POST', '/api/session', { email: MANAGER, password: 'wrong password!' }, { origin: stack.url })).status).toBe(401);
    expect((await as('pf_not-a-real-token-at-all', 'GET', '/api/flows')).json.error.message).toMatch(/API token is not valid/);
    expect(await stack.prisma.flow.count({ where: { subjectId: 'h-8900' } })).toBe(0);
  });

  it('lets an auditor read everything and change nothing (403)', async () => {
    const token = await stack.tokenFor(AUDITOR, 'auditor');
    await startStaffFlow();
    expect((await as(token, 'GET', '/api/flows')).status).toBe(200);
    expect((await as(token, 'GET', `/api/flows/${FLOW}`)).status).toBe(200);
    expect((await as(token, 'GET', '/api/audit/verify')).json).toMatchObject({ ok: true });
    // A POST that changes nothing is a read.
    expect((await as(token, 'POST', '/api/onboarding/plan', hire('h-8901'))).status).toBe(200);

    const write = await as(token, 'POST', '/api/onboarding', hire('h-8901'), { 'X-PracticeFlow-Actor': AUDITOR });
    expect(write.status).toBe(403);
    expect(write.json.error).toMatchObject({ type: 'Forbidden', message: expect.stringMatching(/auditor/) });
    const complete = await as(token, 'POST', `/api/flows/${FLOW}/tasks/i9_section2/complete`, { by: AUDITOR });
    expect(complete.status).toBe(403);
    expect((await as(token, 'POST', '/api/users', { email: 'x@clinic.example', role: 'admin', password: TEST_PASSWORD })).status).toBe(403);
    expect(await stack.prisma.flow.count({ where: { subjectId: 'h-8901' } })).toBe(0);
  });

  it('lets staff see and complete only their own tasks, and records them as the actor', async () => {
    await startStaffFlow();
    const token = await stack.tokenFor(STAFF, 'staff');

    const shown = await as(token, 'GET', `/api/flows/${FLOW}`);
    expect(shown.status).toBe(200);
    expect(shown.json.tasks.length).toBeGreaterThan(0);
    expect(shown.json.tasks.every((t: any) => t.assignee.email === STAFF)).toBe(true);
    expect((await as(token, 'GET', '/api/flows')).status).toBe(403);
    expect((await as(token, 'POST', '/api/onboarding', hire('h-8902'))).status).toBe(403);

    const theirs = await as(token, 'POST', `/api/flows/${FLOW}/tasks/i9_section2/complete`, { by: STAFF });
    expect(theirs.status).toBe(403);
    expect(theirs.json.error).toMatchObject({ type: 'Forbidden', problems: [{ path: 'taskKey' }] });
    expect(theirs.json.error.message).toMatch(/assigned to manager@clinic\.example/);

    const asSomeoneElse = await as(token, 'POST', `/api/flows/${FLOW}/tasks/i9_section1/complete`, { by: 'boss@clinic.example' });
    expect(asSomeoneElse.status).toBe(403);
    expect(asSomeoneElse.json.error.problems).toEqual([{ path: 'by', message: `must be you (${STAFF}) when signed in` }]);

    const own = await as(token, 'POST', `/api/flows/${FLOW}/tasks/i9_section1/complete`, { by: STAFF.toUpperCase(), note: 'signed' });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ key: 'i9_section1', status: 'completed', completion: { by: STAFF } });
    const entry = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: FLOW, action: 'task.completed', taskKey: 'i9_section1' } }), 'the completion in the ledger');
    expect(entry!.actor).toBe(STAFF);
  });

  it('records the signed-in user as the actor, and refuses a request that names someone else', async () => {
    const hr = 'hr.signed@clinic.example';
    const token = await stack.tokenFor(hr, 'manager');
    const started = await as(token, 'POST', '/api/onboarding', hire('h-8003'));
    expect(started.status).toBe(201);
    const flow = await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-8003' } }), 'the flow row');
    expect(flow!.startedBy).toBe(hr);
    const startedEntry = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: 'onboarding-h-8003', action: 'flow.started' } }), 'flow.started');
    expect(startedEntry!.actor).toBe(hr);

    const header = await as(token, 'POST', '/api/onboarding', hire('h-8004'), { 'X-PracticeFlow-Actor': 'someone.else@clinic.example' });
    expect(header.status).toBe(403);
    expect(header.json.error.problems).toEqual([{ path: 'X-PracticeFlow-Actor', message: `must be you (${hr}) when signed in` }]);
    const by = await as(token, 'POST', '/api/flows/onboarding-h-8003/cancel', { by: MANAGER, reason: 'not me' });
    expect(by.status).toBe(403);
    expect(await stack.prisma.flow.count({ where: { subjectId: 'h-8004' } })).toBe(0);
    expect((await stack.prisma.flow.findUniqueOrThrow({ where: { workflowId: 'onboarding-h-8003' } })).status).toBe('running');

    // Audit reads are recorded under the signed-in user, with or without the header.
    const read = await as(token, 'GET', '/api/audit/flows/onboarding-h-8003/timeline');
    expect(read.status).toBe(200);
    expect(await stack.prisma.auditEntry.count({ where: { action: 'audit.accessed', actor: hr } })).toBe(1);
  });

  it('signs in with a session cookie, signs out, and logs off automatically after inactivity (server side)', async () => {
    const admin = await stack.tokenFor(ADMIN, 'admin');
    const email = 'front.desk@clinic.example';
    const created = await as(admin, 'POST', '/api/users', { email: 'Front.Desk@clinic.example', role: 'manager', password: 'a long enough password' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email, role: 'manager', disabledAt: null });
    expect((await as(admin, 'POST', '/api/users', { email, role: 'manager', password: 'a long enough password' })).status).toBe(409);
    const short = await as(admin, 'POST', '/api/users', { email: 'x@clinic.example', role: 'boss', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.json.error.problems.map((p: any) => p.path).sort()).toEqual(['password', 'role']);

    const wrong = await signIn(stack.url, email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.cookie).toBeUndefined();
    const ok = await signIn(stack.url, email, 'a long enough password');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ email, role: 'manager', via: 'session', idleMinutes: 15 });
    expect(ok.cookie).toMatch(/^practiceflow_session=/);
    const me = await call(`${stack.url}/api/me`, { headers: { cookie: ok.cookie! } });
    expect(await me.json()).toMatchObject({ email, via: 'session' });
    const tampered = await call(`${stack.url}/api/me`, { headers: { cookie: ok.cookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } });
    expect(tampered.status).toBe(401);
    const out = await call(`${stack.url}/api/session/logout`, { method: 'POST', headers: { cookie: ok.cookie! } });
    expect(await out.json()).toEqual({ signedOut: true });
    const after = await call(`${stack.url}/api/me`, { headers: { cookie: ok.cookie! } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error.message).toMatch(/session has ended/);

    // Automatic logoff (45 CFR 164.312(a)(2)(iii)): the same services behind an API with a 1.5 s idle timeout.
    const quick = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: { ...TEST_AUTH, idleTimeoutMs: 1_500 } });
    try {
      const session = await signIn(quick.url, email, 'a long enough password');
      expect(session.json.idleMinutes).toBe(0.025);
      for (let i = 0; i < 3; i++) {
        // Activity keeps it alive past the timeout in total...
        await new Promise((r) => setTimeout(r, 700));
        expect((await call(`${quick.url}/api/me`, { headers: { cookie: session.cookie! } })).status).toBe(200);
      }
      // ...inactivity ends it, and it stays ended.
      await new Promise((r) => setTimeout(r, 1_800));
      const idle = await call(`${quick.url}/api/flows`, { headers: { cookie: session.cookie! } });
      expect(idle.status).toBe(401);
      expect(((await idle.json()) as any).error).toMatchObject({ type: 'Unauthorized', message: expect.stringMatching(/signed out after 2 seconds of inactivity \(automatic logoff\)/) });
      expect((await call(`${quick.url}/api/me`, { headers: { cookie: session.cookie! } })).status).toBe(401);
      const row = await stack.prisma.userSession.findFirst({ where: { user: { email } }, orderBy: { createdAt: 'desc' } });
      expect(row).toMatchObject({ endReason: 'idle', endedAt: expect.any(Date) });
    } finally {
      await quick.stop();
    }
  });

  it('refuses a revoked API token and a disabled user (401); a person creates tokens only for themselves', async () => {
    const admin = await stack.tokenFor(ADMIN, 'admin');
    const manager = await stack.tokenFor('ops@clinic.example', 'manager');
    // Not for someone else, not even by an admin: everything done with it would be recorded as them.
    const forOps = await as(admin, 'POST', '/api/tokens', { name: 'HR system', email: 'ops@clinic.example' });
    expect(forOps.status).toBe(403);
    expect(forOps.json.error.problems).toEqual([{ path: 'email', message: `must be you (${ADMIN}): a token never acts as another person` }]);
    expect(await stack.prisma.apiToken.count({ where: { name: 'HR system' } })).toBe(0);

    const created = await as(manager, 'POST', '/api/tokens', { name: 'HR system' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'HR system', email: 'ops@clinic.example', token: expect.stringMatching(/^pf_/), revokedAt: null });
    const row = await stack.prisma.apiToken.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(created.json.token);
    expect((await as(created.json.token, 'GET', '/api/me')).json).toMatchObject({ email: 'ops@clinic.example', role: 'manager', via: 'token' });

    const revoked = await as(admin, 'POST', `/api/tokens/${created.json.id}/revoke`);
    expect(revoked.json.revokedAt).not.toBeNull();
    const refused = await as(created.json.token, 'GET', '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toMatch(/revoked/);

    // The list shows the token's state, never the token; only admins may read it.
    const tokens = await as(admin, 'GET', '/api/tokens');
    expect(tokens.status).toBe(200);
    const listed = tokens.json.tokens.find((t: any) => t.id === created.json.id);
    expect(listed).toMatchObject({ name: 'HR system', email: 'ops@clinic.example', revokedAt: expect.any(String) });
    expect(listed).not.toHaveProperty('token');
    expect(JSON.stringify(tokens.json)).not.toContain(created.json.token);
    expect((await as(manager, 'GET', '/api/tokens')).status).toBe(403);

    const users = await as(admin, 'GET', '/api/users');
    const ops = users.json.users.find((u: any) => u.email === 'ops@clinic.example');
    expect((await as(admin, 'POST', `/api/users/${ops.id}/disable`)).json.disabledAt).not.toBeNull();
    expect((await as(manager, 'GET', '/api/flows')).status).toBe(401);

    // Each access change is in the ledger, by the admin who made it (45 CFR 164.308(a)(4)(ii)(C)).
    const entry = (businessKey: string) => stack.prisma.auditEntry.findFirst({ where: { businessKey } });
    const disabled = () => stack.prisma.auditEntry.findFirst({ where: { action: 'access.user_disabled', detail: { path: ['userId'], equals: ops.id } } });
    const rule = '45 CFR 164.308(a)(4)(ii)(C)';
    expect(await entry(`access.token_created:${created.json.id}`)).toMatchObject({ actor: 'ops@clinic.example', rule, detail: { name: 'HR system', email: 'ops@clinic.example' } });
    expect(await entry(`access.token_revoked:${created.json.id}`)).toMatchObject({ actor: ADMIN, rule, detail: { email: 'ops@clinic.example' } });
    // Disabling revoked the token they still had (the test stack's), so enabling cannot bring it back.
    expect(await disabled()).toMatchObject({ actor: ADMIN, rule, detail: { email: 'ops@clinic.example', role: 'manager', sessionsEnded: 0, tokensRevoked: 1 } });
    // The auditor's timeline says it in words.
    const said = async (row: Promise<any>) => describeEntry((await row)!, new Map(), TIME_ZONE);
    await expect(said(entry(`access.token_created:${created.json.id}`))).resolves.toBe('API token "HR system" for ops@clinic.example issued by ops@clinic.example');
    await expect(said(entry(`access.token_revoked:${created.json.id}`))).resolves.toBe(`API token "HR system" of ops@clinic.example revoked by ${ADMIN}`);
    await expect(said(disabled())).resolves.toBe(`user ops@clinic.example (manager) disabled by ${ADMIN}; 0 session(s) ended, 1 API token(s) revoked`);
    // Disabling again changes nothing and records nothing more.
    await as(admin, 'POST', `/api/users/${ops.id}/disable`);
    expect(await stack.prisma.auditEntry.count({ where: { action: 'access.user_disabled', detail: { path: ['userId'], equals: ops.id } } })).toBe(1);
    expect((await stack.services.audit.verify(ADMIN)).ok).toBe(true);
  });

  it("serves each user's own due dates as an iCalendar feed, until the feed is revoked", async () => {
    await startStaffFlow();
    const token = await stack.tokenFor(STAFF, 'staff');
    // A credential of theirs too (they are the provider).
    const cred = await stack.request('POST', '/api/credentials', {
      credentialId: 'lic-8001', providerId: 'h-8001', type: 'state_license', jurisdiction: 'NY', number: 'NY-8001', dueDate: isoDay(200),
      providerEmail: STAFF, ownerEmail: MANAGER, managerEmail: MANAGER,
    });
    expect(cred.status).toBe(201);
    await eventually(() => stack.prisma.credential.findUnique({ where: { credentialId: 'lic-8001' } }), 'the credential row');
    await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: FLOW, action: 'task.created' } })) > 0, 'tasks in the ledger');
    // One of their tasks done (it leaves the feed).
    const i9 = (await as(token, 'GET', `/api/flows/${FLOW}`)).json.tasks.find((t: any) => t.key === 'i9_section1');
    if (i9.status === 'open') expect((await as(token, 'POST', `/api/flows/${FLOW}/tasks/i9_section1/complete`, { by: STAFF })).status).toBe(200);
    await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: FLOW, action: 'task.completed', taskKey: 'i9_section1' } }), 'the completion in the ledger');

    const feed = await as(token, 'GET', '/api/me/calendar-feed');
    expect(feed.status).toBe(200);
    expect(feed.json).toMatchObject({ created: true, url: expect.stringMatching(new RegExp(`^${stack.url}/calendar/cal_[A-Za-z0-9_-]+\\.ics$`)) });
    const again = await as(token, 'GET', '/api/me/calendar-feed');
    expect(again.json).toMatchObject({ created: false, url: null });

    const res = await fetch(feed.json.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const ics = (await res.text()).replace(/\r\n /g, '');
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.trimEnd()).toMatch(/END:VCALENDAR$/);
    expect(ics).toContain('X-WR-TIMEZONE:America/New_York');
    const events = ics.split('BEGIN:VEVENT').slice(1);
    const open = (await as(token, 'GET', `/api/flows/${FLOW}`)).json.tasks.filter((t: any) => t.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    for (const task of open) {
      const event = events.find((e) => e.includes(`UID:task:${FLOW}:${task.key}@practiceflow`));
      expect(event, task.key).toBeDefined();
      expect(event).toContain(`DTSTART;VALUE=DATE:${task.dueDate.replaceAll('-', '')}`);
      expect(event).toContain(`SUMMARY:Due: ${icsText(task.title)}`);
    }
    // Completed tasks and other people's tasks are not in it.
    expect(ics).not.toContain(`${FLOW}:i9_section1@`);
    expect(ics).not.toContain(`${FLOW}:i9_section2@`);
    expect(events.find((e) => e.includes('UID:credential:lic-8001:'))).toContain(`DTSTART;VALUE=DATE:${isoDay(200).replaceAll('-', '')}`);

    // Someone else's feed does not show this person's dates.
    const other = await as(await stack.tokenFor(AUDITOR, 'auditor'), 'GET', '/api/me/calendar-feed');
    expect(await (await fetch(other.json.url)).text()).not.toContain(FLOW);

    expect((await as(token, 'POST', '/api/me/calendar-feed/revoke')).json).toEqual({ revoked: 1 });
    const gone = await fetch(feed.json.url);
    expect(gone.status).toBe(404);
    expect((await fetch(`${stack.url}/calendar/not-a-token.ics`)).status).toBe(404);
    expect((await as(token, 'GET', '/api/me/calendar-feed')).json).toMatchObject({ created: true });
  });
});

describe('the CLI signed in', () => {
  it('`user create` writes the first user straight into the database and names a bad field', async () => {
    const rows = await stack.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    const env = { DATABASE_URL: databaseUrl(rows[0]!.name) };
    const created = await runPracticeflow(['user', 'create', '--email', 'First.Admin@clinic.example', '--role', 'admin', '--password-stdin', '--token-name', 'cli'], { env, stdin: 'a strong first password\n', token: null });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created admin first.admin@clinic\.example \(id /);
    const token = /export PRACTICEFLOW_TOKEN=(pf_\S+)/.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    const user = await stack.prisma.user.findUniqueOrThrow({ where: { email: 'first.admin@clinic.example' } });
    expect(user.role).toBe('admin');
    expect(user.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect((await signIn(stack.url, 'first.admin@clinic.example', 'a strong first password')).status).toBe(200);
    // Nobody was signed in: the ledger names the operating-system user who ran the command.
    const granted = await stack.prisma.auditEntry.findFirst({ where: { businessKey: `access.user_created:${user.id}` } });
    expect(granted).toMatchObject({ action: 'access.user_created', actor: expect.stringMatching(/^cli:\S+@\S+$/), detail: { email: 'first.admin@clinic.example', role: 'admin' } });
    expect(await stack.prisma.auditEntry.count({ where: { action: 'access.token_created', actor: granted!.actor, detail: { path: ['email'], equals: 'first.admin@clinic.example' } } })).toBe(1);

    const login = await runPracticeflow(['login'], { apiUrl: stack.url, token: token! });
    expect(login.stdout.trim()).toBe('signed in as first.admin@clinic.example (admin) with an API token');

    const badEmail = await runPracticeflow(['user', 'create', '--email', 'not-an-email', '--role', 'admin', '--password-stdin'], { env, stdin: 'a strong first password', token: null });
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toMatch(/^error: email: must be an email address/);
    expect(badEmail.stderr).toContain('--email');
    expect(badEmail.stderr).not.toMatch(NO_STACK);
    const badRole = await runPracticeflow(['user', 'create', '--email', 'x@clinic.example', '--role', 'owner', '--password-stdin'], { env, stdin: 'a strong first password', token: null });
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/^error: role: must be one of admin, manager, staff, auditor/);
    const twice = await runPracticeflow(['user', 'create', '--email', 'first.admin@clinic.example', '--role', 'admin', '--password-stdin'], { env, stdin: 'a strong first password', token: null });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already exists/);
    expect(await stack.prisma.user.count({ where: { email: { in: ['not-an-email', 'x@clinic.example'] } } })).toBe(0);
  });

  it('sends PRACTICEFLOW_TOKEN, creates tokens, and says clearly what 401 and 403 mean', async () => {
    const anonymous = await runPracticeflow(['flows', 'list'], { apiUrl: stack.url, token: null });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: not signed in: .*set PRACTICEFLOW_TOKEN to an API token/);
    expect(anonymous.stderr).not.toMatch(NO_STACK);

    const auditor = await runPracticeflow(['flows', 'cancel', FLOW, '--by', AUDITOR, '--reason', 'no'], { apiUrl: stack.url, token: await stack.tokenFor(AUDITOR, 'auditor') });
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toMatch(/^error: not allowed: an auditor/);

    const created = await runPracticeflow(['token', 'create', '--name', 'front-desk PC', '--json'], { apiUrl: stack.url });
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { token: string; email: string; id: string };
    expect(token.email).toBe(ADMIN);
    const listed = await runPracticeflow(['flows', 'list', '--json'], { apiUrl: stack.url, token: token.token });
    expect(listed.code).toBe(0);
    expect((await runPracticeflow(['token', 'revoke', token.id], { apiUrl: stack.url })).code).toBe(0);
    const list = await runPracticeflow(['token', 'list'], { apiUrl: stack.url });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+USER\s+CREATED\s+LAST USED\s+REVOKED\s+ID/);
    expect(list.stdout).toMatch(new RegExp(`front-desk PC\\s+${ADMIN.replace(/\./g, '\\.')}\\s+\\d{4}-\\d\\d-\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d\\s+${token.id}`));
    expect(list.stdout).not.toContain(token.token);
    const revoked = await runPracticeflow(['flows', 'list'], { apiUrl: stack.url, token: token.token });
    expect(revoked.stderr).toMatch(/^error: not signed in: .*PRACTICEFLOW_TOKEN is not accepted/);
  });
});
