// One boundary for text and dates (domain/text.ts, domain/calendar/iso-date.ts): the reproducers
// of the poison-input report, each now a 400 naming the field, with nothing started and nothing
// written; what should pass still passes (a note over several lines, a date in range); and an
// exception that still reaches the error mapper answers 500 with a request id the log carries.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/app';
import type { ApiServices } from '../../api/routes';
import { ConfigError, loadConfig } from '../../config/env';
import { ServiceError as TemporalServiceError } from '@temporalio/client';
import { textProblems } from '../../domain/text';
import { toServiceError } from '../../services/errors';
import { isoDay, temporalHas, useApiStack, hireBody } from './stack';

const MANAGER = 'boundary-manager@clinic.example';
const hire = (hireId: string, extra: Record<string, unknown> = {}) => hireBody(hireId, extra, MANAGER);

const stack = useApiStack();

async function refused(method: 'GET' | 'POST', path: string, body: unknown, field: string, message: RegExp): Promise<void> {
  const res = await stack.request(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBe(400);
  expect(res.json.error.type).toBe('ValidationError');
  expect(res.json.error.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: field, message: expect.stringMatching(message) })]));
}

describe('the text and date boundary', () => {
  it('refuses a NUL in a name: 400 naming the field, no flow, no ledger entry, no flow row', async () => {
    await refused('POST', '/api/onboarding', hire('h-nul', { name: 'Nul\u0000Name' }), 'name', /control characters \(U\+0000 at character 4\)/);
    expect(await temporalHas(stack, 'onboarding-h-nul')).toBe(false);
    expect(await stack.prisma.flow.count({ where: { workflowId: 'onboarding-h-nul' } })).toBe(0);
    expect(await stack.prisma.auditEntry.count({ where: { workflowId: 'onboarding-h-nul' } })).toBe(0);
  });

  it('keeps line breaks and tabs to notes and reasons', async () => {
    await refused('POST', '/api/onboarding', hire('h-tab', { name: 'Dana\tReyes' }), 'name', /U\+0009 .*line breaks and tabs only in notes and reasons/);
    await refused('POST', '/api/onboarding', hire('h-ls', { name: 'Dana\u2028Reyes' }), 'name', /U\+2028/);
    await refused('POST', '/api/onboarding', hire('h-c1', { managerEmail: 'a\u0085b@clinic.example' }), 'managerEmail', /U\+0085/);
    expect((await stack.request('POST', '/api/onboarding', hire('h-multi'))).status).toBe(201);
    const note = await stack.request('POST', '/api/flows/onboarding-h-multi/tasks/hepb_vaccine_offer/complete', { by: MANAGER, outcome: 'declined', note: 'Declined after counselling.\nSigned the declination form.' });
    expect(note.status, JSON.stringify(note.json)).toBe(200);
    await refused('POST', '/api/flows/onboarding-h-multi/cancel', { by: MANAGER, reason: 'withdrawn\u0000' }, 'reason', /U\+0000/);
  });

  it('refuses dates and instants outside 1900-2199, where they used to start empty flows or answer 500', async () => {
    await refused('POST', '/api/onboarding', hire('h-year0', { startDate: '0000-01-01' }), 'startDate', /must be between 1900-01-01 and 2199-12-31/);
    expect(await temporalHas(stack, 'onboarding-h-year0')).toBe(false);
    await refused('POST', '/api/onboarding/plan', hire('h-9999', { startDate: '9999-12-31' }), 'startDate', /must be between 1900-01-01 and 2199-12-31/);
    await refused('POST', '/api/claims/timely-filing/plan', { dateOfService: '2026-01-05', submittedAt: '0195-10-08T16:47:57-04:57' }, 'submittedAt', /must be between/);
    await refused('GET', '/api/audit/late?from=0001-01-01&to=9999-12-31', undefined, 'from', /must be between/);
    // In range, the same routes answer.
    expect((await stack.request('POST', '/api/onboarding/plan', hire('h-2199', { startDate: '2199-12-01' }))).status).toBe(200);
    expect((await stack.request('GET', '/api/audit/late?from=1900-01-01&to=2199-12-31')).status).toBe(200);
  });

  it('refuses a NUL in a search and codes that are not in their tables', async () => {
    await refused('GET', `/api/flows?search=${encodeURIComponent('dana\u0000')}`, undefined, 'search', /U\+0000/);
    await refused('POST', '/api/onboarding', hire('h-xx', { practice: { state: 'XX' } }), 'practice.state', /is not a US state, DC or territory code/);
    expect((await stack.request('POST', '/api/onboarding/plan', hire('h-pr', { practice: { state: 'PR' } }))).status).toBe(200);
    const appeal = { appealId: 'A-xx', claimId: 'CLM-1', patientRef: 'mrn-1', payer: { type: 'medicare_ffs' }, dateOfService: isoDay(-40), noticeDate: isoDay(-10), denialCodes: ['XX-50'], billedAmount: 500, deniedAmount: 450, staffEmail: 'b@clinic.example', managerEmail: MANAGER };
    await refused('POST', '/api/appeals/plan', appeal, 'denialCodes.0', /claim adjustment group code: CO, PR, OA, PI, CR/);
    expect(() => loadConfig({ PRACTICE_STATE: 'XX' })).toThrow(ConfigError);
    // Environment variables too: a line break in MAIL_FROM would inject a mail header.
    expect(() => loadConfig({ MAIL_FROM: 'PracticeFlow <pf@clinic.example>\nBcc: x@evil.example' })).toThrow(/MAIL_FROM: must not contain control characters \(U\+000A/);
  });

  it('refuses a body nested too deeply: 400 naming the field (found while fuzzing the API: a stack overflow, 500)', async () => {
    for (const body of ['{"hireId":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}', '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)]) {
      const res = await stack.request('POST', '/api/onboarding/plan', body);
      expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(400);
      expect(res.json.error.problems[0].message).toBe('is nested too deeply (objects and arrays at most 64 levels deep)');
    }
    expect(textProblems(JSON.parse('{"hireId":' + '['.repeat(64) + ']'.repeat(64) + '}'))).toEqual([{ path: `hireId${'.0'.repeat(63)}`, message: expect.stringMatching(/nested too deeply/) }]);
    expect(textProblems(JSON.parse('{"hireId":' + '['.repeat(63) + ']'.repeat(63) + '}'))).toEqual([]);
  });

  it('checks every string, field names and nested ones included, and bounds their length', () => {
    expect(textProblems({ a: [{ b: 'ok', c: 'x\u0007' }], 'bad\u0000key': 1 })).toEqual([
      { path: 'a.0.c', message: 'must not contain control characters (U+0007 at character 2)' },
      { path: '"bad\\u0000key"', message: 'field name must not contain control characters (U+0000 at character 4)' },
    ]);
    expect(textProblems({ name: 'x'.repeat(20_001) })[0]).toMatchObject({ path: 'name', message: 'must be at most 20000 characters' });
    expect(textProblems({ note: 'line\nline' })).toEqual([]);
    expect(textProblems({ name: 'Zoë \u05D3\u05E0\u05D4' })).toEqual([]); // accents and right-to-left scripts are text
    expect(textProblems({ name: '\uD800x' })[0]?.message).toMatch(/unpaired surrogate/);
    // Inside a workflow (carried state an older run wrote) tab and newline pass anywhere; NUL never.
    expect(textProblems({ letter: 'a\nb', title: 'a\tb' }, { strict: false })).toEqual([]);
    expect(textProblems({ title: 'a\u0000b' }, { strict: false })).toHaveLength(1);
  });
});

describe('an unexpected error', () => {
  it('is not a flow whose workflow task keeps failing: 503 naming the flow, so reads fall back to the ledger (found by fuzzing: a 500)', () => {
    const grpc = Object.assign(new Error('9 FAILED_PRECONDITION'), { code: 9, details: 'Unable to query workflow due to Workflow Task in failed state.', metadata: {} });
    const mapped = toServiceError(new TemporalServiceError('Failed to query Workflow', { cause: grpc }), { operation: 'show the flow', flowId: 'prior-auth-pa-1' });
    expect(mapped?.toJSON()).toEqual({ type: 'Unavailable', message: "flow prior-auth-pa-1 cannot answer to show the flow: its workflow task is failing (the worker's log says why)", problems: [] });
    // Another failed precondition is still not mapped (a bug, answered 500 with a request id).
    expect(toServiceError(Object.assign(new Error('9'), { code: 9, details: 'something else', metadata: {} }), { operation: 'x' })).toBeUndefined();
  });

  it('answers 500 with a request id, and logs the error under the same id', async () => {
    const logged: string[] = [];
    const broken = { flows: { listFlows: () => Promise.reject(new Error('boom: something nobody mapped')) } } as unknown as ApiServices;
    const app: Hono = createApiApp(broken, { logError: (err, where) => logged.push(`${where}: ${(err as Error).message}`) }) as unknown as Hono;
    const res = await app.request('/api/flows');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { type: string; message: string; requestId: string } };
    expect(body.error.type).toBe('Internal');
    expect(body.error.message).not.toContain('boom');
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
    expect(body.error.message).toContain(body.error.requestId);
    expect(logged).toEqual([`GET /api/flows (request ${body.error.requestId}): boom: something nobody mapped`]);
  });
});
