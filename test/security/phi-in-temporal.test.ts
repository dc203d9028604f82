// Patient data never reaches Temporal in plaintext (issue: "every Temporal payload is encrypted").
// A prior authorization (with its denial handed to an appeal, a child workflow) and an onboarding
// carry sentinel strings in every free-text and identifier field that is not the flow's own key,
// go through the changes a manager makes, and then their histories are read back as Temporal holds
// them: by a client WITHOUT the codec (what the Web UI, `temporal workflow show` or Temporal Cloud
// staff would see) none of the sentinels appears, neither as text nor inside any base64 payload;
// read WITH the codec, every one of them does (so the test would fail if they were never sent).
// The flows' ids carry only the practice's identifiers (domain/identifiers.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { decodeHistoryJson } from '../../encryption/history';
import { TEST_DATA_CONVERTER } from '../support/encryption';
import { HISTORIES_DIR } from '../support/histories';
import { eventually, isoDay, priorAuthBody, useApiStack } from '../api/stack';

const MANAGER = 'manager@clinic.example';
const STAFF = 'zqstaffmail@clinic.example';

/** Free text and identifiers of people and patients, each unique enough to be found anywhere. */
const SENTINELS = {
  patientRef: 'mrnZQ77310',
  payerName: 'ZQPayerName Health',
  orderingProvider: 'npiZQ44120',
  staffEmail: STAFF,
  confirmation: 'ZQCONF99110',
  denialReason: 'ZQDenyReason lumbar MRI not necessary',
  denialNote: 'ZQDenialNote eight weeks of PT',
  infoRequested: 'ZQInfoRequested operative note',
  cancelReason: 'Patient Jane ZQDoe DOB 1970-01-01, dx E11.9, member id W123456789ZQ',
  hireName: 'Zqdana Zqreyes',
  hireEmail: 'zqhire@staff.example',
  declinationNote: 'ZQDeclinesHepB after counselling',
  hireCancel: 'ZQWithdrawn offer: candidate ZQ relocated',
} as const;

const stack = useApiStack();
const post = (path: string, body: unknown) => stack.request('POST', path, body);

/** Every string in a JSON document, and the bytes of every base64 string in it read as text. */
function haystack(json: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      parts.push(v);
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) parts.push(Buffer.from(v, 'base64').toString('latin1'));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        parts.push(k);
        walk(x);
      }
    }
  };
  walk(json);
  return parts.join('\n');
}

/** The text of every payload ({ metadata: { encoding }, data }) that is not encrypted. */
function plaintextPayloads(json: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as { metadata?: Record<string, unknown>; data?: unknown };
    const encoding = typeof o.metadata?.encoding === 'string' ? Buffer.from(o.metadata.encoding, 'base64').toString('utf8') : undefined;
    if (encoding !== undefined && encoding !== 'binary/encrypted') found.push(Buffer.from(typeof o.data === 'string' ? o.data : '', 'base64').toString('utf8'));
    Object.values(o).forEach(walk);
  };
  walk(json);
  return found;
}

/** The history as Temporal holds it, read by a client without the key. */
async function rawHistory(workflowId: string): Promise<unknown> {
  const plainClient = new Client({ connection: stack.connection });
  return JSON.parse(historyToJSON(await plainClient.workflow.getHandle(workflowId).fetchHistory())) as unknown;
}

async function describeRaw(workflowId: string): Promise<string> {
  const d = await new Client({ connection: stack.connection }).workflow.getHandle(workflowId).describe();
  return JSON.stringify({ ...d.raw, memo: d.memo, searchAttributes: d.searchAttributes, typedSearchAttributes: d.typedSearchAttributes }, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? String(v) : v));
}

describe('patient data in Temporal', () => {
  const flows: string[] = [];

  it('runs a prior authorization, its appeal, and an onboarding with sentinels in every field', async () => {
    const pa = priorAuthBody('pa-zq-1', { patientRef: SENTINELS.patientRef, orderingProvider: SENTINELS.orderingProvider, payer: { type: 'medicare_advantage', id: 'zq-ma', name: SENTINELS.payerName } }, { staff: STAFF, manager: MANAGER });
    expect((await post('/api/prior-auth', pa)).status).toBe(201);
    const submitted = await post('/api/prior-auth/pa-zq-1/submission', { channel: 'portal', submittedAt: new Date().toISOString(), confirmationNumber: SENTINELS.confirmation, by: STAFF });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(200);
    const denied = await post('/api/prior-auth/pa-zq-1/decision', { outcome: 'denied', reason: SENTINELS.denialReason, denialCodes: ['CO-50'], by: STAFF });
    expect(denied.status, JSON.stringify(denied.json)).toBe(200);
    const appealed = await post('/api/prior-auth/pa-zq-1/denial-path', { path: 'appeal', by: MANAGER, note: SENTINELS.denialNote });
    expect(appealed.status, JSON.stringify(appealed.json)).toBe(200);
    await eventually(async () => (await stack.request('GET', '/api/appeals/pa-zq-1-1')).status === 200, 'the appeal child flow');

    const pa2 = priorAuthBody('pa-zq-2', { patientRef: SENTINELS.patientRef }, { staff: STAFF, manager: MANAGER });
    expect((await post('/api/prior-auth', pa2)).status).toBe(201);
    await post('/api/prior-auth/pa-zq-2/submission', { channel: 'portal', submittedAt: new Date().toISOString(), confirmationNumber: 'C-2', by: STAFF });
    const pended = await post('/api/prior-auth/pa-zq-2/decision', { outcome: 'pended', infoRequested: SENTINELS.infoRequested, respondBy: isoDay(10), by: STAFF });
    expect(pended.status, JSON.stringify(pended.json)).toBe(200);
    const cancelled = await post('/api/prior-auth/pa-zq-2/cancel', { by: MANAGER, reason: SENTINELS.cancelReason });
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBe(200);

    const hire = { hireId: 'h-zq-1', name: SENTINELS.hireName, email: SENTINELS.hireEmail, role: 'medical_assistant', startDate: isoDay(20), managerEmail: MANAGER };
    expect((await post('/api/onboarding', hire)).status).toBe(201);
    const declined = await post('/api/flows/onboarding-h-zq-1/tasks/hepb_vaccine_offer/complete', { by: MANAGER, outcome: 'declined', note: SENTINELS.declinationNote });
    expect(declined.status, JSON.stringify(declined.json)).toBe(200);
    const withdrawn = await post('/api/flows/onboarding-h-zq-1/cancel', { by: MANAGER, reason: SENTINELS.hireCancel });
    expect(withdrawn.status, JSON.stringify(withdrawn.json)).toBe(200);

    flows.push('prior-auth-pa-zq-1', 'appeal-pa-zq-1-1', 'prior-auth-pa-zq-2', 'onboarding-h-zq-1');
    // Let the flows write what follows (audit, emails) so the histories hold every activity.
    await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: 'onboarding-h-zq-1', action: 'flow.cancelled' } })) > 0, 'the onboarding cancel in the ledger');
    await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: 'prior-auth-pa-zq-2', action: 'flow.cancelled' } })) > 0, 'the prior-auth cancel in the ledger');
  });

  it('holds none of them in what Temporal stores and shows, and all of them behind the codec', async () => {
    expect(flows).toHaveLength(4);
    let plain = '';
    let decoded = '';
    const rawDocs: string[] = [];
    for (const id of flows) {
      const raw = await rawHistory(id);
      rawDocs.push(JSON.stringify(raw));
      plain += haystack(raw) + (await describeRaw(id));
      decoded += haystack((await decodeHistoryJson(raw, TEST_DATA_CONVERTER.payloadCodecs[0])).history);
    }
    for (const [field, sentinel] of Object.entries(SENTINELS)) {
      expect(plain.includes(sentinel), `${field} visible to Temporal in plaintext`).toBe(false);
      expect(decoded.includes(sentinel), `${field} present once decrypted`).toBe(true);
    }
    // Every payload is ciphertext, but for what Temporal's Core itself writes: patch markers and
    // the TemporalChangeVersion search attribute, which hold patch ids (fixed words), nothing else.
    const unencrypted = plaintextPayloads(JSON.parse(`[${rawDocs.join(',')}]`));
    expect(unencrypted.length).toBeGreaterThan(0);
    for (const text of unencrypted) expect(text).toMatch(/^(\{"id":"[a-z0-9-]+","deprecated":(true|false)\}|\["[a-z0-9-]+"(,"[a-z0-9-]+")*\])$/);
    expect(plain).toContain('binary/encrypted');
  });

  it('replays an encrypted history only with the key, and a plaintext one from before encryption as before', async () => {
    const encrypted = historyFromJSON(await rawHistory('onboarding-h-zq-1'));
    const bundle = { workflowBundle: { codePath: inject('workflowBundlePath') } };
    await expect(Worker.runReplayHistory({ ...bundle, dataConverter: TEST_DATA_CONVERTER }, encrypted, 'onboarding-h-zq-1')).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory(bundle, encrypted, 'onboarding-h-zq-1')).rejects.toThrow(/Encoded failure|encoding/);
    const before = readdirSync(HISTORIES_DIR).find((f) => f.startsWith('onboardingFlow'))!;
    const plaintext = historyFromJSON(JSON.parse(readFileSync(`${HISTORIES_DIR}${before}`, 'utf8')));
    await expect(Worker.runReplayHistory({ ...bundle, dataConverter: TEST_DATA_CONVERTER }, plaintext, before)).resolves.toBeUndefined();
  });

  it('gives the auditor the decrypted history, and records that access', async () => {
    const before = await stack.prisma.auditEntry.count({ where: { action: 'audit.accessed' } });
    const res = await stack.request('GET', '/api/audit/flows/prior-auth-pa-zq-1/history');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.decryptedPayloads).toBeGreaterThan(5);
    expect(haystack(res.json.history)).toContain(SENTINELS.patientRef);
    const replay = await stack.request('POST', '/api/audit/flows/prior-auth-pa-zq-1/replay');
    expect(replay.json).toMatchObject({ ok: true });
    const entries = await stack.prisma.auditEntry.findMany({ where: { action: 'audit.accessed' }, orderBy: { seq: 'desc' }, take: 2 });
    expect(await stack.prisma.auditEntry.count({ where: { action: 'audit.accessed' } })).toBe(before + 2);
    expect(entries.map((e) => (e.detail as { operation: string; query: { decrypted?: boolean } }).operation).sort()).toEqual(['Temporal history', 'replay']);
    expect(entries.every((e) => (e.detail as { query: { decrypted?: boolean } }).query.decrypted === true)).toBe(true);
  });
});
