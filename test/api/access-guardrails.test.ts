// Access guardrails and service accounts over HTTP against a real stack (45 CFR 164.312(a)(1),
// 164.308(a)(4)(ii)(C)): nobody disables their own account or the last active admin (409, also when
// two admins disable each other at once); an admin enables a user again (audited; old tokens stay
// revoked); a person creates tokens only for themselves; a service account has its own identity
// and role, no password, tokens only an admin issues, and what it does is recorded as
// `service:<name>`, never as a person.
import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../activities/audit/timeline';
import { runPracticeflow } from '../support/cli';
import { signInCookie } from './cookie-client';
import { ADMIN, eventually, isoDay, TEST_PASSWORD, TIME_ZONE, useApiStack } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const stack = useApiStack();
const as = async (who: string | null, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) =>
  stack.request(method, path, body, headers, { token: who === null ? null : who.startsWith('pf_') ? who : await stack.tokenFor(who, 'admin') });
const idOf = async (email: string) => (await stack.prisma.user.findUniqueOrThrow({ where: { email } })).id;
const ledger = (action: string, email: string) => stack.prisma.auditEntry.findMany({ where: { action, detail: { path: ['email'], equals: email } }, orderBy: { seq: 'asc' } });

describe('disabling and enabling', () => {
  it('refuses to disable your own account (409), and changes nothing', async () => {
    const self = await as(ADMIN, 'POST', `/api/users/${await idOf(ADMIN)}/disable`);
    expect(self.status).toBe(409);
    expect(self.json.error).toMatchObject({ type: 'Conflict', problems: [{ path: 'id', message: expect.stringMatching(/^you cannot disable your own account/) }] });
    expect((await stack.prisma.user.findUniqueOrThrow({ where: { email: ADMIN } })).disabledAt).toBeNull();
    expect(await ledger('access.user_disabled', ADMIN)).toEqual([]);
  });

  it('refuses to disable the last active admin, also when two admins disable each other at once', async () => {
    const [one, two] = ['one.admin@clinic.example', 'two.admin@clinic.example'];
    const tokens = [await stack.tokenFor(one, 'admin'), await stack.tokenFor(two, 'admin')];
    // Fixture: every other admin set aside for this test, straight in the table.
    const others = await stack.prisma.user.findMany({ where: { role: 'admin', disabledAt: null, email: { notIn: [one, two] } } });
    await stack.prisma.user.updateMany({ where: { id: { in: others.map((u) => u.id) } }, data: { disabledAt: new Date() } });
    try {
      const [a, b] = await Promise.all([as(tokens[0]!, 'POST', `/api/users/${await idOf(two)}/disable`), as(tokens[1]!, 'POST', `/api/users/${await idOf(one)}/disable`)]);
      // One wins. The other either waited for it inside the lock and was refused (409), or arrived
      // after it, already disabled (401): either way one admin is left.
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(won.status).toBe(200);
      expect([401, 409]).toContain(lost.status);
      if (lost.status === 409) expect(lost.json.error.message).toMatch(/is the last active admin/);
      expect(await stack.prisma.user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
      // And without a race, through the service (as the CLI in database mode would call it).
      const last = await stack.prisma.user.findFirstOrThrow({ where: { role: 'admin', disabledAt: null } });
      await expect(stack.services.users.disableUser(last.id, 'cli:root@host')).rejects.toMatchObject({ type: 'Conflict', message: expect.stringMatching(/last active admin/) });
    } finally {
      await stack.prisma.user.updateMany({ where: { id: { in: others.map((u) => u.id) } }, data: { disabledAt: null } });
    }
  });

  it('enables a disabled user again (audited): they sign in again; their old sessions and tokens stay ended', async () => {
    const staff = 'returning@clinic.example';
    const oldToken = await stack.tokenFor(staff, 'staff');
    const session = await signInCookie(stack.url, staff);
    const id = await idOf(staff);
    expect((await as(ADMIN, 'POST', `/api/users/${id}/disable`)).status).toBe(200);
    expect((await signInCookie(stack.url, staff)).status).toBe(401);

    expect((await as(oldToken, 'POST', `/api/users/${id}/enable`)).status).toBe(401);
    const manager = await stack.tokenFor('not.admin@clinic.example', 'manager');
    expect((await as(manager, 'POST', `/api/users/${id}/enable`)).status).toBe(403);
    const enabled = await as(ADMIN, 'POST', `/api/users/${id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.json).toMatchObject({ email: staff, role: 'staff', kind: 'person', disabledAt: null });
    expect((await signInCookie(stack.url, staff)).status).toBe(200);
    expect((await as(oldToken, 'GET', '/api/me')).status).toBe(401);
    expect((await stack.request('GET', '/api/me', undefined, { cookie: session.cookie! }, { token: null })).status).toBe(401);

    const [entry] = await ledger('access.user_enabled', staff);
    expect(entry).toMatchObject({ actor: ADMIN, rule: '45 CFR 164.308(a)(4)(ii)(C)', detail: { role: 'staff', disabledAt: expect.any(String) } });
    expect(describeEntry({ ...entry!, purgedBy: null }, new Map(), TIME_ZONE)).toBe(`user ${staff} (staff) enabled again by ${ADMIN}`);
    // Enabling an enabled user changes nothing and records nothing.
    await as(ADMIN, 'POST', `/api/users/${id}/enable`);
    expect(await ledger('access.user_enabled', staff)).toHaveLength(1);

    // The CLI: disable and enable again; each change is its own ledger entry.
    expect((await runPracticeflow(['user', 'disable', id], { apiUrl: stack.url })).code).toBe(0);
    const cli = await runPracticeflow(['user', 'enable', id], { apiUrl: stack.url });
    expect(cli.stdout.trim()).toBe(`enabled ${staff}`);
    expect(await ledger('access.user_disabled', staff)).toHaveLength(2);
    expect(await ledger('access.user_enabled', staff)).toHaveLength(2);
  });
});

describe('API tokens', () => {
  it('are created by anyone signed in, for themselves only', async () => {
    const staff = await stack.tokenFor('own.token@clinic.example', 'staff');
    const mine = await as(staff, 'POST', '/api/tokens', { name: 'CLI on my laptop' });
    expect(mine.status).toBe(201);
    expect(mine.json).toMatchObject({ email: 'own.token@clinic.example', token: expect.stringMatching(/^pf_/) });
    expect((await as(staff, 'POST', '/api/tokens', { name: 'mine', email: 'Own.Token@clinic.example' })).status).toBe(201);
    const other = await as(staff, 'POST', '/api/tokens', { name: 'theirs', email: ADMIN });
    expect(other.status).toBe(403);
    expect(other.json.error.problems).toEqual([{ path: 'email', message: 'must be you (own.token@clinic.example): a token never acts as another person' }]);
    const forService = await as(staff, 'POST', '/api/tokens', { name: 'x', serviceAccount: 'anything' });
    expect(forService.status).toBe(403);
    expect(forService.json.error.problems).toEqual([{ path: 'serviceAccount', message: 'only an admin may' }]);
    // The CLI has no way to name anyone else.
    const cli = await runPracticeflow(['token', 'create', '--name', 'from the CLI', '--json'], { apiUrl: stack.url, token: staff });
    expect(JSON.parse(cli.stdout)).toMatchObject({ email: 'own.token@clinic.example' });
    expect((await runPracticeflow(['token', 'create', '--name', 'x', '--email', ADMIN], { apiUrl: stack.url, token: staff })).code).toBe(2);
  });
});

describe('service accounts', () => {
  it('are created by an admin with a role that is not admin, a name, and no password', async () => {
    const created = await as(ADMIN, 'POST', '/api/service-accounts', { name: 'HR-System', role: 'manager' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'service:hr-system', role: 'manager', kind: 'service', disabledAt: null });
    expect((await stack.prisma.user.findUniqueOrThrow({ where: { email: 'service:hr-system' } })).passwordHash).toBeNull();
    const [entry] = await ledger('access.service_account_created', 'service:hr-system');
    expect(entry).toMatchObject({ actor: ADMIN, detail: { role: 'manager', kind: 'service' } });
    expect(describeEntry({ ...entry!, purgedBy: null }, new Map(), TIME_ZONE)).toBe(`service account service:hr-system created as manager by ${ADMIN}`);

    expect((await as(ADMIN, 'POST', '/api/service-accounts', { name: 'hr-system', role: 'manager' })).status).toBe(409);
    const bad = await as(ADMIN, 'POST', '/api/service-accounts', { name: 'no spaces', role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p: any) => p.path).sort()).toEqual(['name', 'role']);
    expect(bad.json.error.problems.find((p: any) => p.path === 'role').message).toMatch(/never an admin/);
    const manager = await stack.tokenFor('lead@clinic.example', 'manager');
    expect((await as(manager, 'POST', '/api/service-accounts', { name: 'sneaky', role: 'manager' })).status).toBe(403);
    expect(await stack.prisma.user.count({ where: { email: { in: ['service:sneaky', 'service:no spaces'] } } })).toBe(0);

    // No password: the sign-in form refuses it like any wrong password.
    expect((await signInCookie(stack.url, 'service:hr-system', TEST_PASSWORD)).status).toBe(401);
  });

  it('act under their own identity, with tokens only an admin issues; disabled and enabled like users', async () => {
    const manager = await stack.tokenFor('lead@clinic.example', 'manager');
    expect((await as(manager, 'POST', '/api/tokens', { name: 'HR feed', serviceAccount: 'hr-system' })).status).toBe(403);
    expect((await as(ADMIN, 'POST', '/api/tokens', { name: 'x', serviceAccount: 'no-such-service' })).status).toBe(404);
    const issued = await as(ADMIN, 'POST', '/api/tokens', { name: 'HR feed', serviceAccount: 'hr-system' });
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ name: 'HR feed', email: 'service:hr-system' });
    const token: string = issued.json.token;
    expect((await as(token, 'GET', '/api/me')).json).toMatchObject({ email: 'service:hr-system', role: 'manager', via: 'token' });
    // It cannot mint more of its own tokens.
    expect((await as(token, 'POST', '/api/tokens', { name: 'more' })).status).toBe(403);

    // What it does is recorded as the service account, and it cannot claim to be a person.
    const hire = { hireId: 'h-6100', name: 'Sam Lee', email: 'h-6100@staff.example', role: 'billing', startDate: isoDay(20), managerEmail: ADMIN };
    const asPerson = await as(token, 'POST', '/api/onboarding', hire, { 'X-PracticeFlow-Actor': ADMIN });
    expect(asPerson.status).toBe(403);
    const started = await as(token, 'POST', '/api/onboarding', hire);
    expect(started.status).toBe(201);
    const entry = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: 'onboarding-h-6100', action: 'flow.started' } }), 'flow.started');
    expect(entry!.actor).toBe('service:hr-system');
    expect(describeEntry({ ...entry!, purgedBy: null }, new Map(), TIME_ZONE)).toMatch(/^flow started by service:hr-system/);
    const flow = await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-6100' } }), 'the flow row');
    expect(flow!.startedBy).toBe('service:hr-system');
    const created = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: 'onboarding-h-6100', action: 'task.created' } }), 'task.created');
    expect(describeEntry({ ...created!, purgedBy: null }, new Map(), TIME_ZONE)).toMatch(/; set by service:hr-system$/);
    // The auditor's timeline: not a person, but named.
    const timeline = await as(ADMIN, 'GET', '/api/audit/flows/onboarding-h-6100/timeline');
    expect(timeline.json.lines.find((l: any) => l.action === 'flow.started')).toMatchObject({ actor: 'service:hr-system', actorIsPerson: false, text: expect.stringMatching(/by service:hr-system/) });

    // Disabled: its token is revoked; enabled: it works only with a new token.
    const id = await idOf('service:hr-system');
    expect((await as(ADMIN, 'POST', `/api/users/${id}/disable`)).json).toMatchObject({ kind: 'service', disabledAt: expect.any(String) });
    expect((await as(token, 'GET', '/api/me')).status).toBe(401);
    expect((await as(ADMIN, 'POST', '/api/tokens', { name: 'while disabled', serviceAccount: 'hr-system' })).status).toBe(409);
    expect((await as(ADMIN, 'POST', `/api/users/${id}/enable`)).status).toBe(200);
    expect((await as(token, 'GET', '/api/me')).status).toBe(401);

    // The CLI: create another service account and issue its token.
    const cli = await runPracticeflow(['service-account', 'create', '--name', 'payroll', '--role', 'auditor'], { apiUrl: stack.url });
    expect(cli.stdout.trim()).toMatch(/^created service account service:payroll \(auditor, id \S+\)$/);
    const cliToken = await runPracticeflow(['token', 'create', '--name', 'payroll export', '--service-account', 'payroll', '--json'], { apiUrl: stack.url });
    const payroll = JSON.parse(cliToken.stdout) as { token: string; email: string };
    expect(payroll.email).toBe('service:payroll');
    expect((await as(payroll.token, 'GET', '/api/me')).json).toMatchObject({ email: 'service:payroll', role: 'auditor' });
    const list = await runPracticeflow(['user', 'list'], { apiUrl: stack.url });
    expect(list.stdout).toMatch(/service:payroll\s+auditor\s+service\s/);
  });
});
