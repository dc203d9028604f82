// The auditor's API and CLI against a real stack (Temporal dev server, Postgres, SMTP sink,
// worker, HTTP API): a real onboarding flow's timeline, export and its verification, the chain
// verified and tampering in SQL caught through the API and the CLI, the flow's Temporal history
// fetched, archived and replayed, the access log, purge dry run, and the refusals.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPracticeflow, NO_STACK } from '../support/cli';
import { databaseUrl } from '../support/db';
import { ADMIN, eventually, isoDay, useApiStack } from '../api/stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANAGER = 'manager@clinic.example';
const AUDITOR = 'surveyor@accreditor.example';
const WHO = { 'X-PracticeFlow-Actor': AUDITOR };
const FLOW = 'onboarding-h-7001';

const stack = useApiStack();
const get = (path: string, headers: Record<string, string> = WHO) => stack.request('GET', path, undefined, headers);
const post = (path: string, body: unknown = {}, headers: Record<string, string> = WHO) => stack.request('POST', path, body, headers);
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'audit-api-'));
  const started = await post(
    '/api/onboarding',
    { hireId: 'h-7001', name: 'Dana Reyes', email: 'dana@staff.example', role: 'medical_assistant', startDate: isoDay(-10), managerEmail: MANAGER },
    { 'X-PracticeFlow-Actor': 'hr@clinic.example' },
  );
  expect(started.status).toBe(201);
  const done = await post(`/api/flows/${FLOW}/tasks/i9_section2/complete`, { by: MANAGER, note: 'passport seen', lateReason: 'documents arrived late' }, {});
  expect(done.status).toBe(200);
  await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: FLOW, action: { startsWith: 'notice.' } } })) > 0, 'a notice in the ledger');
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('audit API', () => {
  it('answers a timeline of the real flow, naming the people who acted, and logs the read', async () => {
    const { status, json } = await get(`/api/audit/flows/${FLOW}/timeline`);
    expect(status).toBe(200);
    expect(json.timeZone).toBe('America/New_York');
    const completed = json.lines.find((l: any) => l.action === 'task.completed');
    expect(completed).toMatchObject({ actor: MANAGER, actorIsPerson: true, task: 'i9_section2', rule: expect.stringContaining('8 CFR 274a.2') });
    expect(completed.text).toMatch(/completed by manager@clinic\.example LATE \(due \d{4}-\d{2}-\d{2}\): documents arrived late \(note: passport seen\)/);
    expect(json.lines.find((l: any) => l.action === 'flow.started')).toMatchObject({ actor: 'hr@clinic.example', actorIsPerson: true });
    expect(json.lines.some((l: any) => /sent to .* for /.test(l.text as string))).toBe(true);
    expect(json.obligations.find((o: any) => o.task === 'i9_section2')).toMatchObject({ status: 'completed', late: true, lateReason: 'documents arrived late' });

    const reads = await stack.prisma.auditEntry.findMany({ where: { action: 'audit.accessed', actor: AUDITOR } });
    expect(reads.some((r) => (r.detail as any).subject?.id === FLOW && (r.detail as any).operation === 'timeline')).toBe(true);
  });

  it('records a read without the actor header as the signed-in user, refuses an anonymous one (401) and an unknown flow (404)', async () => {
    const refused = await stack.request('GET', `/api/audit/flows/${FLOW}/timeline`, undefined, {}, { token: null });
    expect(refused.status).toBe(401);
    expect(refused.json.error).toMatchObject({ type: 'Unauthorized' });
    const signedIn = await get(`/api/audit/flows/${FLOW}/timeline`, {});
    expect(signedIn.status).toBe(200);
    expect(await stack.prisma.auditEntry.count({ where: { action: 'audit.accessed', actor: ADMIN } })).toBeGreaterThan(0);
    expect((await get('/api/audit/flows/onboarding-nobody/timeline')).status).toBe(404);
    expect((await get('/api/audit/late?from=2026-02-30&to=2026-03-01')).status).toBe(400);
  });

  it('exports the flow as JSON, CSV and HTML, and verifies the export against the database', async () => {
    const json = await get(`/api/audit/flows/${FLOW}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ format: 'practiceflow-audit-export', chain: { headHash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const csv = await get(`/api/audit/flows/${FLOW}/export?format=csv`);
    expect(csv.json).toMatchObject({ format: 'csv', contentType: expect.stringMatching(/^text\/csv/) });
    const html = await get(`/api/audit/flows/${FLOW}/export?format=html`);
    expect(html.json.content).toContain('<!doctype html>');

    for (const content of [JSON.stringify(json.json), csv.json.content as string]) {
      const verdict = await post('/api/audit/verify-export', { content });
      expect(verdict.status).toBe(200);
      expect(verdict.json).toMatchObject({ ok: true, problems: [] });
      expect(verdict.json.matched).toBe(verdict.json.entries);
      expect(verdict.json.entries).toBeGreaterThanOrEqual(json.json.entries.length);
    }
    // download=1: the file itself, as an auditor's browser saves it; the same content verifies.
    const auditorToken = await stack.tokenFor(AUDITOR, 'auditor');
    const file = await fetch(`${stack.url}/api/audit/flows/${FLOW}/export?format=csv&download=1`, { headers: { authorization: `Bearer ${auditorToken}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    const downloaded = await file.text();
    expect((await post('/api/audit/verify-export', { content: downloaded })).json).toMatchObject({ ok: true });
    const report = await fetch(`${stack.url}/api/audit/flows/${FLOW}/export?format=html&download=1`, { headers: { authorization: `Bearer ${auditorToken}` } });
    expect(report.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await report.text()).toContain('<!doctype html>');
    const tampered = (csv.json.content as string).replace('documents arrived late', 'an excuse written later');
    expect((await post('/api/audit/verify-export', { content: tampered })).json).toMatchObject({ ok: false, problems: [expect.objectContaining({ problem: 'export_edited' })] });
  });

  it('refuses an export edited out of shape with a 400 naming the field (found while fuzzing the API: these were 500s)', async () => {
    const doc = (await get(`/api/audit/flows/${FLOW}/export?format=json`)).json;
    const refused = async (content: string, path: string, message: RegExp) => {
      const res = await post('/api/audit/verify-export', { content });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error.problems).toContainEqual({ path, message: expect.stringMatching(message) });
    };
    await refused(JSON.stringify({ ...doc, entries: [{ ...doc.entries[0], seq: '1e400' }] }), 'content.entries.0.seq', /ledger sequence number/);
    await refused(JSON.stringify({ ...doc, entries: [{ ...doc.entries[0], occurredAt: 'yesterday' }] }), 'content.entries.0.occurredAt', /ISO 8601 instant/);
    await refused(JSON.stringify({ ...doc, chain: { ...doc.chain, headSeq: 'the last one' } }), 'content.headSeq', /ledger sequence number/);
    const csv = (await get(`/api/audit/flows/${FLOW}/export?format=csv`)).json.content as string;
    const [header, first] = csv.split('\n').filter((line) => line && !line.startsWith('#'));
    const cells = first!.split(',');
    await refused(csv.replace(first!, ['abc', ...cells.slice(1)].join(',')), 'content.entries.0.seq', /ledger sequence number/);
    expect(header).toMatch(/^seq,/);
  });

  it('answers the queries across flows', async () => {
    const late = await get(`/api/audit/late?from=${isoDay(-30)}&to=${isoDay(0)}`);
    expect(late.status).toBe(200);
    expect(late.json.lateCompletions).toContainEqual(expect.objectContaining({ flowId: FLOW, task: 'i9_section2', completedBy: MANAGER, lateReason: 'documents arrived late' }));
    expect(late.json.stillOpen.length).toBeGreaterThan(0);
    expect((await get(`/api/audit/completions?by=${encodeURIComponent(MANAGER)}`)).json.completions).toContainEqual(expect.objectContaining({ flowId: FLOW, task: 'i9_section2' }));
    expect((await get(`/api/audit/flows?type=onboarding&from=${isoDay(-1)}&to=${isoDay(1)}`)).json.flows.map((f: any) => f.flowId)).toEqual([FLOW]);
    const overdue = await get('/api/audit/overdue');
    expect(overdue.json.obligations.every((o: any) => o.dueDate < overdue.json.today)).toBe(true);
    expect(overdue.json.obligations.some((o: any) => o.flowId === FLOW)).toBe(true);
    const access = await get(`/api/audit/access?flowId=${FLOW}`);
    expect(access.json.reads.map((r: any) => r.operation)).toEqual(expect.arrayContaining(['timeline', 'export (json)', 'export (csv)']));
  });

  it("fetches, archives and replays the flow's Temporal history", async () => {
    const history = await get(`/api/audit/flows/${FLOW}/history`);
    expect(history.status).toBe(200);
    expect(history.json).toMatchObject({ source: 'temporal', workflowType: 'onboardingFlow', archived: null });
    expect(history.json.events).toBeGreaterThan(5);
    expect(history.json.history.events[0].eventType).toMatch(/WORKFLOW_EXECUTION_STARTED/);

    const archived = await post(`/api/audit/flows/${FLOW}/history/archive`);
    expect(archived.status).toBe(200);
    const entry = await stack.prisma.auditEntry.findUniqueOrThrow({ where: { seq: BigInt(archived.json.ledgerSeq as string) } });
    expect(entry).toMatchObject({ action: 'audit.history_archived', actor: AUDITOR, workflowId: FLOW });
    expect((entry.detail as any).sha256).toBe(archived.json.sha256);
    const again = await get(`/api/audit/flows/${FLOW}/history`);
    expect(again.json.archived).toMatchObject({ sha256: archived.json.sha256, matchesLedger: true });
    // The archived copy altered in SQL no longer matches what the ledger recorded.
    await stack.prisma.$executeRawUnsafe(`UPDATE audit_history SET history = jsonb_set(history, '{events,0,eventId}', '"999"') WHERE workflow_id = '${FLOW}'`);
    expect((await get(`/api/audit/flows/${FLOW}/history`)).json.archived).toMatchObject({ matchesLedger: false });

    const replay = await post(`/api/audit/flows/${FLOW}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ ok: true, workflowId: FLOW, workflowType: 'onboardingFlow', source: 'temporal' });
  });

  it('records a separation and shows a purge dry run that removes nothing of a running flow', async () => {
    const sep = await post('/api/audit/separations', { subjectId: 'h-7001', separatedOn: isoDay(0) }, { 'X-PracticeFlow-Actor': 'hr@clinic.example' });
    expect(sep.status).toBe(200);
    const count = await stack.prisma.auditEntry.count();
    const dry = await post('/api/audit/purge', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, purged: 0, purgeEntries: [] });
    expect(dry.json.classes.find((c: any) => c.recordClass === 'i9')?.keptBecause.join(' ')).toMatch(/still running/);
    expect(await stack.prisma.auditEntry.count({ where: { purgedBy: { not: null } } })).toBe(0);
    expect(await stack.prisma.auditEntry.count()).toBeGreaterThan(count); // the dry run's read is logged
    expect((await stack.request('POST', '/api/audit/purge', { dryRun: true }, {}, { token: null })).status).toBe(401);
  });

  it('lists the audit routes in the OpenAPI document', async () => {
    const { json } = await stack.request('GET', '/api/openapi.json');
    for (const path of ['/api/audit/verify', '/api/audit/flows/{flowId}/timeline', '/api/audit/flows/{flowId}/replay', '/api/audit/purge']) expect(Object.keys(json.paths)).toContain(path);
  });

  it('the CLI reads through the API and directly from the database, and both see tampering', async () => {
    const env = { PRACTICEFLOW_ACTOR: AUDITOR };
    const timeline = await runPracticeflow(['audit', 'timeline', FLOW], { apiUrl: stack.url, env });
    expect(timeline.stderr).toBe('');
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}Form I-9 Section 2.* completed by manager@clinic\.example LATE/m);

    const out = join(scratch, 'flow.csv');
    const exported = await runPracticeflow(['audit', '--as', AUDITOR, 'export', 'flow', FLOW, '--format', 'csv', '--out', out], { apiUrl: stack.url });
    expect(exported.code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^# practiceflow-audit-export v1/);
    const checked = await runPracticeflow(['audit', 'verify', '--export', out], { apiUrl: stack.url, env });
    expect(checked.stdout).toMatch(/^OK: the export's \d+ entries match the database/);
    expect(checked.code).toBe(0);

    const noActor = await runPracticeflow(['audit', 'verify'], { apiUrl: stack.url });
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toMatch(/--as <who>/);
    expect(noActor.stderr).not.toMatch(NO_STACK);

    const dbEnv = { ...env, DATABASE_URL: await dbUrlOf(), TEMPORAL_ADDRESS: stack.temporal.address };
    const ok = await runPracticeflow(['audit', 'verify'], { env: dbEnv });
    expect(ok.stdout).toMatch(/^OK: \d+ entries, chain head [0-9a-f]{64}/);
    expect(ok.code).toBe(0);

    // Tamper in SQL: the API and the CLI (database mode) both report the entry.
    const target = await stack.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: FLOW, action: 'task.completed' } });
    await stack.prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor = 'someone.else@clinic.example' WHERE seq = ${target.seq}`);
    const viaApi = await get('/api/audit/verify');
    expect(viaApi.json).toMatchObject({ ok: false, brokenAtSeq: target.seq.toString(), problem: 'edited' });
    const viaCli = await runPracticeflow(['audit', 'verify'], { env: dbEnv });
    expect(viaCli.stdout).toMatch(new RegExp(`^BROKEN at entry ${target.seq} \\(edited\\)`));
    expect(viaCli.code).toBe(2);
    const exportNow = await runPracticeflow(['audit', 'verify', '--export', out], { apiUrl: stack.url, env });
    expect(exportNow.stdout).toMatch(/^NOT OK|database chain: BROKEN/m);
    expect(exportNow.code).toBe(2);
    await stack.prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor = '${target.actor}' WHERE seq = ${target.seq}`);
    expect((await get('/api/audit/verify')).json).toMatchObject({ ok: true });
  });
});

/** The stack database's URL (its name is on the Prisma client's connection). */
async function dbUrlOf(): Promise<string> {
  const rows = await stack.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  return databaseUrl(rows[0]!.name);
}
