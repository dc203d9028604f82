// The Temporal Web UI reads PracticeFlow's payloads only through the codec endpoint, and only for a
// person signed in to the console. Temporal's real UI server (v2.42.1, the one the dev server
// embeds) runs beside the stack's dev server, configured as `npm start` configures it (codec
// endpoint with the browser's credentials); Chromium opens a prior authorization's page in it:
// without sign-in the codec answers 401 and the page shows no patient data; after signing in to
// the console the same page shows the decrypted input. The codec endpoint itself: roles, the audit
// entry of every decode, CORS for the UI's origin only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEC_PATH } from '../../api/codec-routes';
import { startApiServer, type ApiServer } from '../../api/server';
import { freePort } from '../../devstack/temporal';
import { startTemporalUi, type TemporalUi } from '../../devstack/temporal-ui';
import { ensureTemporalUi } from '../../scripts/tools/temporal-ui';
import { priorAuthBody, TEST_AUTH, useApiStack } from '../api/stack';
import { TEST_DATA_CONVERTER } from '../support/encryption';
import { shot, useConsoleBrowser } from './browser';

const MANAGER = 'ui-manager@clinic.example';
const PATIENT = 'mrnUI55821';
const FLOW = 'prior-auth-pa-ui-1';

const stack = useApiStack();
const browser = useConsoleBrowser(stack);
let api: ApiServer;
let ui: TemporalUi;
let scratch: string;

beforeAll(async () => {
  const binary = await ensureTemporalUi();
  if (!binary) throw new Error('no Temporal UI server: run `npm run tools:ensure` (needs Go)');
  const uiPort = await freePort();
  const uiOrigin = `http://127.0.0.1:${uiPort}`;
  // The console and codec as `npm start` serves them: the UI's origin may call the codec.
  api = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: TEST_AUTH, console: { temporalUiUrl: uiOrigin }, codecOrigins: [uiOrigin] });
  scratch = await mkdtemp(join(tmpdir(), 'temporal-ui-'));
  ui = await startTemporalUi({ binary, temporalAddress: stack.temporal.address, port: uiPort, namespace: 'default', codecEndpoint: `${api.url}${CODEC_PATH}`, configRoot: scratch });
  await stack.tokenFor(MANAGER, 'manager');
  const started = await stack.request('POST', '/api/prior-auth', priorAuthBody('pa-ui-1', { patientRef: PATIENT }, { staff: 'ui-staff@clinic.example', manager: MANAGER }));
  expect(started.status, JSON.stringify(started.json)).toBe(201);
}, 120_000);

afterAll(async () => {
  await ui?.stop();
  await api?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The workflow's page in the Temporal Web UI, with every codec answer it got. */
async function openInTemporalUi(page: Page): Promise<number[]> {
  const codecStatuses: number[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`${api.url}${CODEC_PATH}/`) && r.request().method() === 'POST') codecStatuses.push(r.status());
  });
  await page.goto(`${ui.url}/namespaces/default/workflows/${FLOW}`);
  await page.getByText('priorAuthFlow').first().waitFor({ timeout: 30_000 });
  // The input card is drawn once the codec has answered (or failed). The page keeps polling a
  // running workflow, so there is no network quiet to wait for.
  await expect.poll(() => codecStatuses.length, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByText('Input', { exact: true }).first().waitFor({ state: 'attached', timeout: 30_000 });
  return codecStatuses;
}

describe('the Temporal Web UI', () => {
  it('shows ciphertext to someone not signed in: the codec answers 401', async () => {
    const page = await browser.newPage();
    const statuses = await openInTemporalUi(page);
    expect(new Set(statuses)).toEqual(new Set([401]));
    await page.getByText('Sign in to the PracticeFlow console').first().waitFor();
    await shot(page, 'temporal-ui-encrypted');
    expect(await page.content()).not.toContain(PATIENT);
    await page.context().close();
  });

  it('shows the decrypted input to a manager signed in to the console, and the ledger records the read', async () => {
    const page = await browser.newPage({ height: 1000 });
    await browser.signIn(page, MANAGER, api.url);
    const before = await stack.prisma.auditEntry.count({ where: { action: 'audit.accessed', actor: MANAGER } });
    const statuses = await openInTemporalUi(page);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await expect.poll(async () => (await page.content()).includes(PATIENT), { timeout: 30_000 }).toBe(true);
    await shot(page, 'temporal-ui-decoded', { fullPage: false });
    const reads = await stack.prisma.auditEntry.findMany({ where: { action: 'audit.accessed', actor: MANAGER }, orderBy: { seq: 'asc' } });
    expect(reads.length).toBeGreaterThan(before);
    expect(reads.at(-1)!.detail).toMatchObject({ operation: 'decode Temporal payloads', via: 'codec', query: { namespace: 'default' } });
    await page.context().close();
  });
});

describe('the codec endpoint', () => {
  const encrypted = async () => {
    const raw = await stack.request('GET', `/api/audit/flows/${FLOW}/history`);
    expect(raw.status).toBe(200);
    // The history the API answers is decrypted: encrypt one payload again through the codec.
    const encode = await stack.request('POST', `${CODEC_PATH}/encode`, { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ patientRef: PATIENT })).toString('base64') }] }, {}, { token: await stack.tokenFor(MANAGER) });
    expect(encode.status, JSON.stringify(encode.json)).toBe(200);
    return encode.json.payloads as { metadata: Record<string, string>; data: string }[];
  };

  it('decodes for admins, managers and auditors; staff get 403 and anonymous callers 401', async () => {
    const payloads = await encrypted();
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(payloads[0]!.data, 'base64').toString('latin1')).not.toContain(PATIENT);
    // What the worker's own codec wrote decodes the same way (one key ring).
    const [mine] = await TEST_DATA_CONVERTER.payloadCodecs[0].decode([{ metadata: { encoding: Buffer.from(payloads[0]!.metadata.encoding!, 'base64'), 'encryption-key-id': Buffer.from(payloads[0]!.metadata['encryption-key-id']!, 'base64') }, data: Buffer.from(payloads[0]!.data, 'base64') }]);
    expect(Buffer.from(mine!.data!).toString()).toContain(PATIENT);
    for (const [email, role, status] of [[MANAGER, 'manager', 200], ['ui-auditor@clinic.example', 'auditor', 200], ['ui-staff@clinic.example', 'staff', 403]] as const) {
      const res = await stack.request('POST', `${CODEC_PATH}/decode`, { payloads }, { 'X-Namespace': 'default' }, { token: await stack.tokenFor(email, role) });
      expect(res.status, `${role}: ${JSON.stringify(res.json)}`).toBe(status);
      if (status === 200) expect(Buffer.from(res.json.payloads[0].data, 'base64').toString()).toContain(PATIENT);
    }
    expect((await stack.request('POST', `${CODEC_PATH}/decode`, { payloads }, {}, { token: null })).status).toBe(401);
    expect((await stack.request('POST', `${CODEC_PATH}/encode`, { payloads }, {}, { token: await stack.tokenFor('ui-auditor@clinic.example', 'auditor') })).status).toBe(403);
  });

  it('refuses a malformed body by field, and a payload of an unknown key by name', async () => {
    const token = await stack.tokenFor(MANAGER);
    const bad = await stack.request('POST', `${CODEC_PATH}/decode`, { payloads: [{ data: 'not base64!' }] }, {}, { token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems[0]).toMatchObject({ path: 'payloads.0.data', message: 'must be base64' });
    const foreign = { metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('retired-2019').toString('base64') }, data: Buffer.alloc(40).toString('base64') };
    const unknown = await stack.request('POST', `${CODEC_PATH}/decode`, { payloads: [foreign] }, {}, { token });
    expect(unknown.status).toBe(409);
    expect(unknown.json.error.message).toMatch(/key "retired-2019", which is not in PAYLOAD_ENCRYPTION_KEYS/);
  });

  it("answers CORS for the Web UI's origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}${CODEC_PATH}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const fromUi = await preflight(ui.url);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(ui.url);
    expect(fromUi.headers.get('access-control-allow-credentials')).toBe('true');
    const fromElsewhere = await preflight('http://evil.example');
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
