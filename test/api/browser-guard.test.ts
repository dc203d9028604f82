// The API against a hostile browser, over HTTP against a real stack: a write carrying the session
// cookie must come from the console's own origin (another host, another port of the same host,
// Sec-Fetch-Site cross-site, or no browser at all are 403) and be JSON (text/plain is 403), and then
// nothing changes; sign-in from another origin is refused (login CSRF); API tokens are unaffected;
// a second origin can be allowed for one path prefix only. Every response carries the security
// headers; HSTS and the Secure cookie only over HTTPS, which behind a proxy is believed only under
// TRUST_PROXY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/server';
import { consoleHeaders, raw, signInCookie } from './cookie-client';
import { ADMIN, eventually, isoDay, TEST_AUTH, temporalHas, useApiStack } from './stack';

const stack = useApiStack();
const FLOW = 'onboarding-h-7100';
const hire = (hireId: string) => ({ hireId, name: 'Dana Reyes', email: `${hireId}@staff.example`, role: 'front_desk', startDate: isoDay(30), managerEmail: ADMIN });

let cookie: string;

beforeAll(async () => {
  await stack.tokenFor(ADMIN, 'admin');
  const started = await stack.request('POST', '/api/onboarding', hire('h-7100'));
  expect(started.status).toBe(201);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');
  const signedIn = await signInCookie(stack.url, ADMIN);
  expect(signedIn.status).toBe(200);
  cookie = signedIn.cookie!;
});

const taskStatus = async (key: string): Promise<string> => (await stack.request('GET', `/api/flows/${FLOW}`)).json.tasks.find((t: { key: string }) => t.key === key).status;

describe('a write with the session cookie', () => {
  it('is refused as text/plain, even from the console origin, and changes nothing', async () => {
    for (const origin of [new URL(stack.url).origin, 'http://127.0.0.1:9999']) {
      const res = await raw(`${stack.url}/api/flows/${FLOW}/tasks/i9_section1/complete`, 'POST', { cookie, origin, 'content-type': 'text/plain' }, JSON.stringify({ by: ADMIN }));
      expect(res.status, origin).toBe(403);
      expect(res.json.error.type).toBe('Forbidden');
    }
    // The form-encoded and multipart types a plain HTML form can send, and no type at all.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { cookie, origin: new URL(stack.url).origin, ...(type ? { 'content-type': type } : {}) };
      const res = await raw(`${stack.url}/api/flows/${FLOW}/tasks/i9_section1/complete`, 'POST', headers, JSON.stringify({ by: ADMIN }));
      expect(res.status, String(type)).toBe(403);
      expect(res.json.error.problems).toEqual([{ path: 'Content-Type', message: 'must be application/json' }]);
    }
    expect(await taskStatus('i9_section1')).toBe('open');
  });

  it('is refused from another origin (another host, another port, Sec-Fetch-Site cross-site, no browser at all) and starts nothing', async () => {
    const url = `${stack.url}/api/onboarding`;
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'http://127.0.0.1:9999' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of foreign) {
      const res = await raw(url, 'POST', { cookie, 'content-type': 'application/json', ...headers }, hire('h-7101'));
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.json.error).toMatchObject({ type: 'Forbidden', problems: [{ path: 'Origin', message: `must be ${new URL(stack.url).origin}` }] });
    }
    expect(await stack.prisma.flow.count({ where: { subjectId: 'h-7101' } })).toBe(0);
    expect(await temporalHas(stack, 'onboarding-h-7101')).toBe(false);
    // Cancelling from another origin does not cancel.
    const cancel = await raw(`${stack.url}/api/flows/${FLOW}/cancel`, 'POST', { cookie, 'content-type': 'application/json', origin: 'http://evil.example' }, { by: ADMIN, reason: 'forged' });
    expect(cancel.status).toBe(403);
    expect((await stack.prisma.flow.findUniqueOrThrow({ where: { workflowId: FLOW } })).status).toBe('running');
  });

  it('works from the console: its own Origin, or Sec-Fetch-Site same-origin when Origin is absent or null', async () => {
    const plan = `${stack.url}/api/onboarding/plan`;
    expect((await raw(plan, 'POST', consoleHeaders(stack.url, cookie), hire('h-7102'))).status).toBe(200);
    expect((await raw(plan, 'POST', { cookie, 'content-type': 'application/json; charset=utf-8', 'sec-fetch-site': 'same-origin' }, hire('h-7102'))).status).toBe(200);
    expect((await raw(plan, 'POST', { cookie, 'content-type': 'application/json', origin: 'null', 'sec-fetch-site': 'same-origin' }, hire('h-7102'))).status).toBe(200);
    const done = await raw(`${stack.url}/api/flows/${FLOW}/tasks/i9_section1/complete`, 'POST', consoleHeaders(stack.url, cookie), { by: ADMIN });
    expect(done.status).toBe(200);
    expect(await taskStatus('i9_section1')).toBe('completed');
  });

  it('takes a CSV upload as text/csv from the console only', async () => {
    const csv = 'credentialId,providerId,type,jurisdiction,number,dueDate,providerEmail,ownerEmail,managerEmail\n';
    const own = await raw(`${stack.url}/api/credentials/import`, 'POST', { ...consoleHeaders(stack.url, cookie), 'content-type': 'text/csv' }, csv);
    expect(own.status).not.toBe(403);
    const forged = await raw(`${stack.url}/api/credentials/import`, 'POST', { cookie, origin: 'http://evil.example', 'content-type': 'text/csv' }, csv);
    expect(forged.status).toBe(403);
    // Elsewhere text/csv is no more welcome than text/plain.
    const elsewhere = await raw(`${stack.url}/api/onboarding/plan`, 'POST', { ...consoleHeaders(stack.url, cookie), 'content-type': 'text/csv' }, 'a,b');
    expect(elsewhere.status).toBe(403);
  });

  it('refuses sign-in and sign-out from another origin (login CSRF), creating and ending no session', async () => {
    const sessions = await stack.prisma.userSession.count();
    const foreign: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'http://127.0.0.1:9999' }, { 'sec-fetch-site': 'cross-site' }, {}];
    for (const headers of foreign) {
      const res = await raw(`${stack.url}/api/session`, 'POST', { 'content-type': 'application/json', ...headers }, { email: ADMIN, password: 'correct horse battery staple' });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const plain = await raw(`${stack.url}/api/session`, 'POST', { 'content-type': 'text/plain', origin: new URL(stack.url).origin }, JSON.stringify({ email: ADMIN, password: 'correct horse battery staple' }));
    expect(plain.status).toBe(403);
    expect(await stack.prisma.userSession.count()).toBe(sessions);
    const out = await raw(`${stack.url}/api/session/logout`, 'POST', { cookie, origin: 'http://evil.example', 'content-type': 'application/json' });
    expect(out.status).toBe(403);
    expect((await raw(`${stack.url}/api/me`, 'GET', { cookie })).status).toBe(200);
  });

  it('leaves API tokens alone: a bearer request needs neither Origin nor JSON', async () => {
    const token = await stack.tokenFor(ADMIN, 'admin');
    const res = await raw(`${stack.url}/api/onboarding/plan`, 'POST', { authorization: `Bearer ${token}`, origin: 'http://evil.example', 'content-type': 'text/plain' }, JSON.stringify(hire('h-7103')));
    expect(res.status).toBe(200);
  });

  it('allows a second set of origins for one path prefix only (crossOrigin)', async () => {
    const ui = 'http://127.0.0.1:8233';
    const server = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: TEST_AUTH, crossOrigin: [{ pathPrefix: '/api/onboarding/', origins: [ui] }] });
    try {
      const signedIn = await signInCookie(server.url, ADMIN);
      const headers = { cookie: signedIn.cookie!, 'content-type': 'application/json', origin: ui };
      expect((await raw(`${server.url}/api/onboarding/plan`, 'POST', headers, hire('h-7104'))).status).toBe(200);
      expect((await raw(`${server.url}/api/onboarding/plan`, 'POST', { ...headers, 'content-type': 'text/plain' }, JSON.stringify(hire('h-7104')))).status).toBe(403);
      expect((await raw(`${server.url}/api/flows/${FLOW}/cancel`, 'POST', headers, { by: ADMIN, reason: 'not from there' })).status).toBe(403);
      expect((await raw(`${server.url}/api/onboarding/plan`, 'POST', { ...headers, origin: 'http://127.0.0.1:8234' }, hire('h-7104'))).status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

describe('security headers', () => {
  const expectHeaders = (headers: Headers, what: string) => {
    expect(headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(headers.get('x-frame-options'), what).toBe('DENY');
    expect(headers.get('referrer-policy'), what).toBe('same-origin');
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp.match(/frame-ancestors/g), `${what}: one policy`).toHaveLength(1);
    expect(headers.get('strict-transport-security'), what).toBeNull();
  };

  it('are on JSON, console files, errors and 404s alike', async () => {
    const responses: [string, Promise<{ status: number; headers: Headers }>][] = [
      ['JSON', raw(`${stack.url}/api/health`, 'GET')],
      ['console page', raw(`${stack.url}/`, 'GET')],
      ['console script', raw(`${stack.url}/console/app.js`, 'GET')],
      ['401', raw(`${stack.url}/api/flows`, 'GET')],
      ['404', raw(`${stack.url}/api/no-such-route`, 'GET')],
      ['403 from the guard', raw(`${stack.url}/api/onboarding/plan`, 'POST', { cookie, origin: 'http://evil.example', 'content-type': 'application/json' }, {})],
      ['400', raw(`${stack.url}/api/onboarding/plan`, 'POST', consoleHeaders(stack.url, cookie), '{not json')],
    ];
    for (const [what, pending] of responses) expectHeaders((await pending).headers, what);
    expect((await raw(`${stack.url}/`, 'GET')).headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  describe('behind a TLS proxy', () => {
    let proxied: ApiServer;
    let unproxied: ApiServer;
    const publicOrigin = 'https://practiceflow.clinic.example';
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'practiceflow.clinic.example', 'x-forwarded-for': '203.0.113.9' };
    beforeAll(async () => {
      proxied = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: { ...TEST_AUTH, trustProxy: true } });
      unproxied = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: TEST_AUTH });
    });
    afterAll(async () => {
      await proxied?.stop();
      await unproxied?.stop();
    });

    it('under TRUST_PROXY: HSTS and a Secure cookie when the proxy says https, from the public origin', async () => {
      const health = await raw(`${proxied.url}/api/health`, 'GET', forwarded);
      expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      const signedIn = await signInCookie(proxied.url, ADMIN, undefined, { ...forwarded, origin: publicOrigin });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('set-cookie')).toMatch(/; Secure/i);
      expect(signedIn.headers.get('set-cookie')).toMatch(/; HttpOnly/i);
      // The origin the browser is on is the proxy's: the internal one is not the console's.
      const internal = await signInCookie(proxied.url, ADMIN, undefined, forwarded);
      expect(internal.status).toBe(403);
      // Plain HTTP at the proxy: no HSTS, no Secure.
      const http = await signInCookie(proxied.url, ADMIN, undefined, { ...forwarded, 'x-forwarded-proto': 'http', origin: 'http://practiceflow.clinic.example' });
      expect(http.status).toBe(200);
      expect(http.headers.get('set-cookie')).not.toMatch(/Secure/i);
      expect(http.headers.get('strict-transport-security')).toBeNull();
    });

    it('without TRUST_PROXY the forwarded headers are ignored: no HSTS, no Secure, the public origin is foreign', async () => {
      const health = await raw(`${unproxied.url}/api/health`, 'GET', forwarded);
      expect(health.headers.get('strict-transport-security')).toBeNull();
      expect((await signInCookie(unproxied.url, ADMIN, undefined, { ...forwarded, origin: publicOrigin })).status).toBe(403);
      const own = await signInCookie(unproxied.url, ADMIN, undefined, forwarded);
      expect(own.status).toBe(200);
      expect(own.headers.get('set-cookie')).not.toMatch(/Secure/i);
    });

    it('with PRACTICEFLOW_PUBLIC_URL that origin is the console\'s, whatever the request says', async () => {
      const server = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: { ...TEST_AUTH, publicUrl: `${publicOrigin}/` } });
      try {
        expect((await signInCookie(server.url, ADMIN, undefined, { origin: publicOrigin })).status).toBe(200);
        expect((await signInCookie(server.url, ADMIN)).status).toBe(403);
      } finally {
        await server.stop();
      }
    });
  });
});
