// Sign-in throttling over HTTP against a real stack (NIST SP 800-63B 5.2.2; 45 CFR
// 164.308(a)(5)(ii)(C)): after 5 failures for one email, or from one address across emails, 429
// with Retry-After, doubling up to 15 minutes, also for the right password; a lock is in the
// ledger and an admin lifts it (API and CLI); two API servers with their own connection pools on
// one database count the same failures, each exactly once; an unknown email, a disabled user and a
// service account cost exactly one bcrypt comparison, like a wrong password. Time is the services'
// injected clock, moved by the test: nothing waits for a lock to expire.
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEntry } from '../../activities/audit/timeline';
import { startApiServer, type ApiServer } from '../../api/server';
import { createPrismaClient } from '../../db/client';
import { UserService } from '../../services/users';
import { runPracticeflow } from '../support/cli';
import { databaseUrl } from '../support/db';
import { raw, signInCookie } from './cookie-client';
import { ADMIN, TEST_AUTH, TEST_PASSWORD, useApiStack } from './stack';

const stack = useApiStack();
const clock = { now: new Date('2026-12-01T15:00:00Z') };
const advance = (seconds: number) => (clock.now = new Date(clock.now.getTime() + seconds * 1000));

let first: ApiServer;
let second: ApiServer;
let closeSecond: () => Promise<void>;
let users: UserService;

beforeAll(async () => {
  await stack.tokenFor(ADMIN, 'admin');
  // Two API servers as two processes would be: each its own UserService and connection pool, on
  // one database; behind a proxy (TRUST_PROXY), so each request says which address it comes from.
  users = new UserService({ prisma: stack.prisma, now: () => clock.now });
  first = await startApiServer({ host: '127.0.0.1', port: 0, services: { ...stack.services, users }, auth: { ...TEST_AUTH, trustProxy: true } });
  const [db] = await stack.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const otherPool = createPrismaClient(databaseUrl(db!.name), { max: 4 });
  const otherUsers = new UserService({ prisma: otherPool, now: () => clock.now });
  second = await startApiServer({ host: '127.0.0.1', port: 0, services: { ...stack.services, users: otherUsers }, auth: { ...TEST_AUTH, trustProxy: true } });
  closeSecond = async () => {
    await second.stop();
    await otherPool.$disconnect();
  };
});
afterAll(async () => {
  await first?.stop();
  await closeSecond?.();
});

let addressSeq = 0;
/** A fresh client address (so that only the account's count matters), or the one given. */
const from = (address = `198.51.100.${++addressSeq}`) => ({ 'x-forwarded-for': address });
const attempt = (server: ApiServer, email: string, password: string, address?: string) => signInCookie(server.url, email, password, from(address));
const person = async (email: string) => {
  await stack.tokenFor(email, 'staff');
  return email;
};
const locks = (key: string) => stack.prisma.auditEntry.findMany({ where: { action: 'access.sign_in_locked', detail: { path: ['key'], equals: key } }, orderBy: { seq: 'asc' } });

describe('sign-in throttling', () => {
  it('locks an email after 5 failures (429, Retry-After), also for the right password, doubling up to 15 minutes; a success clears it', async () => {
    const email = await person('throttled@clinic.example');
    for (let i = 1; i <= 4; i++) expect((await attempt(first, email, 'wrong password!')).status, `failure ${i}`).toBe(401);
    const fifth = await attempt(first, email, 'wrong password!');
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('60');
    expect(fifth.json.error).toMatchObject({ type: 'TooManyRequests', message: expect.stringMatching(/locked .*for this email.*60 s/) });
    // The right password during the lock: still 429, no cookie.
    advance(30);
    const right = await attempt(first, email, TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('30');
    expect(right.cookie).toBeUndefined();

    // Each further failure after a lock doubles it, up to 15 minutes.
    const waits: string[] = [];
    for (let failure = 6; failure <= 11; failure++) {
      advance(Number(waits.at(-1) ?? 30) + 1);
      const res = await attempt(first, email, 'wrong password!');
      expect(res.status, `failure ${failure}`).toBe(429);
      waits.push(res.headers.get('retry-after')!);
    }
    expect(waits).toEqual(['120', '240', '480', '900', '900', '900']);

    // Recorded in the ledger, by PracticeFlow itself, once per lock.
    const recorded = await locks(email);
    expect(recorded.map((e) => (e.detail as { failures: number }).failures)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(recorded[0]).toMatchObject({ actor: 'system:sign-in-throttle', rule: '45 CFR 164.308(a)(5)(ii)(C)', detail: { scope: 'account', lockSeconds: 60 } });
    expect(describeEntry({ ...recorded[0]!, purgedBy: null }, new Map(), 'UTC')).toMatch(
      new RegExp(`^sign-in locked for ${email.replace(/\./g, '\\.')} until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d after 5 failed attempts \\(last from 198\\.51\\.100\\.\\d+\\)$`),
    );

    // Once the lock has passed, the right password works and clears the count.
    advance(901);
    expect((await attempt(first, email, TEST_PASSWORD)).status).toBe(200);
    expect(await stack.prisma.signInThrottle.findUnique({ where: { scope_key: { scope: 'account', key: email } } })).toBeNull();
    expect((await attempt(first, email, 'wrong password!')).status).toBe(401);
  });

  it('locks an email that is no account exactly as one that is: the answer says nothing about existence', async () => {
    const answers = async (email: string) => {
      const statuses: [number, string | null][] = [];
      for (let i = 0; i < 6; i++) {
        const res = await attempt(first, email, 'wrong password!');
        statuses.push([res.status, res.headers.get('retry-after')]);
      }
      return statuses;
    };
    const real = await answers(await person('exists@clinic.example'));
    expect(await answers('nobody@clinic.example')).toEqual(real);
    expect(real.map(([s]) => s)).toEqual([401, 401, 401, 401, 429, 429]);
    advance(61);
  });

  it('locks one address that tries many emails, for every email, also the right password of another person', async () => {
    const address = '203.0.113.50';
    for (let i = 1; i <= 4; i++) expect((await attempt(first, `guess${i}@clinic.example`, 'wrong password!', address)).status).toBe(401);
    const fifth = await attempt(first, 'guess5@clinic.example', 'wrong password!', address);
    expect(fifth.status).toBe(429);
    expect(fifth.json.error.message).toMatch(/from this address/);
    const bystander = await person('bystander@clinic.example');
    expect((await attempt(first, bystander, TEST_PASSWORD, address)).status).toBe(429);
    expect((await attempt(first, bystander, TEST_PASSWORD)).status).toBe(200); // from elsewhere
    expect(await locks(address)).toHaveLength(1);
    expect((await locks(address))[0]).toMatchObject({ detail: { scope: 'address', failures: 5, attemptFrom: address } });
    advance(61);
  });

  it('is shared by two API servers on one database, and counts concurrent failures each exactly once', async () => {
    const email = await person('shared@clinic.example');
    const servers = [first, second, first, second];
    for (const server of servers) expect((await attempt(server, email, 'wrong password!')).status).toBe(401);
    expect((await attempt(second, email, 'wrong password!')).status).toBe(429);
    expect((await attempt(first, email, TEST_PASSWORD)).status).toBe(429);
    expect((await attempt(second, email, TEST_PASSWORD)).status).toBe(429);
    advance(61);

    // Eight failures at once, half on each server: none is lost or counted twice.
    const racing = await person('racing@clinic.example');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(i % 2 ? second : first, racing, 'wrong password!')));
    const counted = results.filter((r) => r.status === 401 || (r.status === 429 && /is now locked/.test(r.json.error.message))).length;
    const row = await stack.prisma.signInThrottle.findUniqueOrThrow({ where: { scope_key: { scope: 'account', key: racing } } });
    expect(row.failures).toBe(counted);
    expect(results.filter((r) => r.status === 401).length).toBe(4);
    advance(900);
  });

  it('is lifted by an admin (API and CLI), in the ledger under their name; nobody else may', async () => {
    const email = await person('lifted@clinic.example');
    for (let i = 0; i < 5; i++) await attempt(first, email, 'wrong password!');
    expect((await attempt(first, email, TEST_PASSWORD)).status).toBe(429);

    const admin = { authorization: `Bearer ${await stack.tokenFor(ADMIN, 'admin')}`, 'content-type': 'application/json' };
    const listed = await raw(`${first.url}/api/sign-in-locks`, 'GET', admin);
    expect(listed.json.locks).toContainEqual(expect.objectContaining({ scope: 'account', key: email, failures: 5, lockedUntil: expect.any(String), retryAfterSeconds: 60 }));
    const staff = { authorization: `Bearer ${await stack.tokenFor(email, 'staff')}`, 'content-type': 'application/json' };
    expect((await raw(`${first.url}/api/sign-in-locks/lift`, 'POST', staff, { scope: 'account', key: email })).status).toBe(403);
    expect((await raw(`${first.url}/api/sign-in-locks/lift`, 'POST', admin, { scope: 'account', key: 'never-failed@clinic.example' })).status).toBe(404);
    const bad = await raw(`${first.url}/api/sign-in-locks/lift`, 'POST', admin, { scope: 'everyone', key: email });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems).toEqual([{ path: 'scope', message: 'must be one of account, address' }]);

    const lifted = await raw(`${first.url}/api/sign-in-locks/lift`, 'POST', admin, { scope: 'account', key: email.toUpperCase() });
    expect(lifted.status).toBe(200);
    expect(lifted.json).toMatchObject({ scope: 'account', key: email, failures: 0, lockedUntil: null });
    expect((await attempt(first, email, TEST_PASSWORD)).status).toBe(200);
    const entry = await stack.prisma.auditEntry.findFirst({ where: { action: 'access.sign_in_unlocked', detail: { path: ['key'], equals: email } } });
    expect(entry).toMatchObject({ actor: ADMIN, detail: { scope: 'account', failures: 5, wasLockedUntil: expect.any(String) } });

    // The CLI: list, and lift an address.
    const address = '203.0.113.77';
    for (let i = 0; i < 5; i++) await attempt(first, `cli${i}@clinic.example`, 'wrong password!', address);
    const cli = { apiUrl: first.url, token: await stack.tokenFor(ADMIN, 'admin') };
    const list = await runPracticeflow(['user', 'locks'], cli);
    expect(list.stdout).toMatch(new RegExp(`address\\s+${address.replace(/\./g, '\\.')}\\s+5\\s`));
    const unlock = await runPracticeflow(['user', 'unlock', '--address', address], cli);
    expect(unlock.stderr).toBe('');
    expect(unlock.stdout.trim()).toBe(`sign-in lock on address ${address} lifted`);
    expect((await attempt(first, email, TEST_PASSWORD, address)).status).toBe(200);
    expect((await stack.services.audit.verify(ADMIN)).ok).toBe(true);
  });

  it('costs one bcrypt comparison whether the email is unknown, the user disabled, a service account, or the password wrong; none while locked', async () => {
    const staff = await person('timing@clinic.example');
    await users.createServiceAccount({ name: 'timing-service', role: 'manager' }, ADMIN);
    const disabled = await person('disabled.timing@clinic.example');
    await stack.prisma.user.update({ where: { email: disabled }, data: { disabledAt: new Date() } });
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      const cases: [string, string][] = [
        ['unknown@clinic.example', TEST_PASSWORD],
        [disabled, TEST_PASSWORD],
        ['service:timing-service', TEST_PASSWORD],
        [staff, 'wrong password!'],
        [staff, TEST_PASSWORD],
      ];
      for (const [email, password] of cases) {
        compare.mockClear();
        await users.signIn({ email, password }, { address: '192.0.2.1' }).catch(() => undefined);
        expect(compare, email).toHaveBeenCalledTimes(1);
      }
      // The address has failed 4 times above: the fifth failure locks it. Then every sign-in from it is
      // refused before any comparison, for a real and an unknown email alike.
      await expect(users.signIn({ email: 'unknown@clinic.example', password: 'x' }, { address: '192.0.2.1' })).rejects.toMatchObject({ type: 'TooManyRequests' });
      for (const email of [staff, 'unknown@clinic.example']) {
        compare.mockClear();
        await expect(users.signIn({ email, password: TEST_PASSWORD }, { address: '192.0.2.1' })).rejects.toMatchObject({ type: 'TooManyRequests' });
        expect(compare, email).not.toHaveBeenCalled();
      }
    } finally {
      compare.mockRestore();
    }
  });
});
