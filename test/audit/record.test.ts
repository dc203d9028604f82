// The auditor's record over a real Postgres ledger (AuditService, no Temporal call is made: its
// client is never connected): the timeline reads as sentences in the practice's time zone, the
// queries across flows find what is late, who completed what, flows in a range and what is
// overdue, every read is in the access log, and exports round-trip: exported, checked against
// the database, and caught when either side is altered.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvExport, type ExportDocument } from '../../activities/audit/export';
import { appendAuditEvents, entryHash, verifyAuditChain } from '../../activities/audit/ledger';
import { purgeLedger } from '../../activities/audit/purge';
import type { AuditEvent } from '../../activities/contracts';
import { loadConfig } from '../../config/env';
import { practiceProfileFromConfig } from '../../config/practice';
import type { PrismaClient } from '../../generated/prisma/client';
import { AuditService } from '../../services/audit';
import { ServiceError } from '../../services/errors';
import { freshDatabase, type TestDatabase } from '../support/db';
import { TEST_DATA_CONVERTER } from '../support/encryption';

const ZONE = 'America/New_York';
const AUDITOR = 'surveyor@accreditor.example';
const WF = 'onboarding-h-1042';
let db: TestDatabase;
let prisma: PrismaClient;
let connection: Connection;
let audit: AuditService;

const base = { flowType: 'onboarding', workflowId: WF, runId: 'run-1' };
const ev = (key: string, occurredAt: string, actor: string, action: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({ ...base, businessKey: `${WF}:${key}`, occurredAt, actor, action, detail: {}, ...extra });
const I9_RULE = '8 CFR 274a.2(b)(1)(ii)';

/** Dana Reyes' onboarding as the engine records it: I-9 Section 2 reminded, then completed late by the manager. */
const danaEvents: AuditEvent[] = [
  ev('flow.started', '2025-11-23T14:00:00.000Z', 'hr@clinic.example', 'flow.started', { detail: { title: 'Onboarding: Dana Reyes (medical_assistant)', subjectId: 'h-1042', managerEmail: 'manager@clinic.example', timeZone: ZONE, startDate: '2025-11-23' } }),
  ev('task.created:i9_section2', '2025-11-23T14:00:00.000Z', 'hr@clinic.example', 'task.created', {
    taskKey: 'i9_section2',
    rule: I9_RULE,
    detail: { title: 'I-9 Section 2', assignee: 'manager@clinic.example', due: { date: '2025-11-27' }, dueDate: '2025-11-27', required: true },
  }),
  ev('task.created:hipaa_training', '2025-11-23T14:00:00.000Z', 'hr@clinic.example', 'task.created', {
    taskKey: 'hipaa_training',
    rule: '45 CFR 164.530(b)(2)(i)(B)',
    detail: { title: 'HIPAA privacy and security training', assignee: 'dana@clinic.example', due: { date: '2025-11-24' }, dueDate: '2025-11-24', required: true },
  }),
  ev('notice.reminder:i9_section2:2025-11-27:remind_1bd', '2025-11-24T14:00:00.000Z', 'system:practiceflow', 'notice.reminder', {
    taskKey: 'i9_section2',
    rule: I9_RULE,
    detail: { step: 'remind_1bd', scheduledAt: '2025-11-24T14:00:00.000Z', to: ['manager@clinic.example'], cc: [], dueDate: '2025-11-27', messageId: '<m1@practiceflow>' },
  }),
  ev('task.completed:i9_section2', '2025-11-30T19:12:00.000Z', 'manager@clinic.example', 'task.completed', {
    taskKey: 'i9_section2',
    rule: I9_RULE,
    detail: { by: 'manager@clinic.example', at: '2025-11-30T19:12:00.000Z', recordedAt: '2025-11-30T19:12:00.000Z', note: 'passport seen', lateReason: 'documents arrived late', late: true, dueDate: '2025-11-27' },
  }),
];

beforeAll(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  audit = new AuditService({
    client: new Client({ connection, dataConverter: TEST_DATA_CONVERTER }),
    dataConverter: TEST_DATA_CONVERTER,
    prisma,
    practice: practiceProfileFromConfig(loadConfig({ PRACTICE_TIME_ZONE: ZONE })),
    taskQueue: 'unused',
  });
  await appendAuditEvents(prisma, danaEvents);
  await prisma.flow.create({
    data: { workflowId: WF, flowType: 'onboarding', subjectId: 'h-1042', title: 'Onboarding: Dana Reyes (medical_assistant)', status: 'running', startedAt: new Date('2025-11-23T14:00:00Z'), startedBy: 'hr@clinic.example' },
  });
});
afterAll(async () => {
  await connection?.close().catch(() => undefined);
  await db?.drop();
});

const accessEntries = () => prisma.auditEntry.findMany({ where: { action: 'audit.accessed' }, orderBy: { seq: 'asc' } });

describe('timeline', () => {
  it('tells who did what and when, in the practice time zone, with the rule and due date', async () => {
    const t = await audit.timeline(WF, AUDITOR);
    const text = t.lines.map((l) => `${l.local}  ${l.text}`);
    expect(text).toContain('2025-11-24 09:00  reminder sent to manager@clinic.example for I-9 Section 2 (due 2025-11-27, 8 CFR 274a.2(b)(1)(ii))');
    expect(text).toContain('2025-11-30 14:12  I-9 Section 2 completed by manager@clinic.example LATE (due 2025-11-27): documents arrived late (note: passport seen)');
    expect(text).toContain('2025-11-23 09:00  required: I-9 Section 2 of manager@clinic.example (due 2025-11-27, 8 CFR 274a.2(b)(1)(ii)); set by hr@clinic.example');
    const completion = t.lines.find((l) => l.action === 'task.completed')!;
    expect(completion).toMatchObject({ actor: 'manager@clinic.example', actorIsPerson: true });
    expect(t.lines.find((l) => l.action === 'notice.reminder')).toMatchObject({ actorIsPerson: false });
    // Each line carries its chain values.
    const rows = await prisma.auditEntry.findMany({ where: { workflowId: WF }, orderBy: { seq: 'asc' } });
    expect(t.lines.map((l) => [l.seq, l.hash, l.prevHash])).toEqual(rows.map((r) => [r.seq.toString(), r.hash, r.prevHash]));
    expect(t.obligations.find((o) => o.task === 'i9_section2')).toMatchObject({ rule: I9_RULE, dueDate: '2025-11-27', status: 'completed', completedBy: 'manager@clinic.example', late: true, lateReason: 'documents arrived late' });
  });

  it('is logged in the access log with who read which flow, and refuses a read without a reader', async () => {
    const before = (await accessEntries()).length;
    await audit.timeline(WF, 'payer.reviewer@payer.example');
    const entries = await accessEntries();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ actor: 'payer.reviewer@payer.example', rule: '45 CFR 164.312(b)', detail: { operation: 'timeline', subject: { kind: 'flow', id: WF } } });
    const log = await audit.accessLog({ flowId: WF }, AUDITOR);
    expect(log.reads.map((r) => r.actor)).toContain('payer.reviewer@payer.example');
    expect(log.reads.every((r) => r.subject.id === WF)).toBe(true);

    const refused = await audit.timeline(WF, undefined).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ type: 'ValidationError', problems: [{ path: 'X-PracticeFlow-Actor' }] });
    expect(await accessEntries()).toHaveLength(before + 2); // the access-log read itself, not the refused one
    await expect(audit.timeline('onboarding-nobody', AUDITOR)).rejects.toMatchObject({ type: 'NotFound' });
  });
});

describe('queries across flows', () => {
  it('finds late completions with reasons, completions by a person, flows in a range and what is overdue', async () => {
    const late = await audit.late({ from: '2025-11-01', to: '2025-11-30' }, AUDITOR);
    expect(late.lateCompletions).toEqual([
      expect.objectContaining({ flowId: WF, task: 'i9_section2', title: 'I-9 Section 2', rule: I9_RULE, dueDate: '2025-11-27', completedBy: 'manager@clinic.example', lateReason: 'documents arrived late', daysLate: 3 }),
    ]);
    // HIPAA training (due 2025-11-24) is still open and past due.
    expect(late.stillOpen).toEqual([expect.objectContaining({ flowId: WF, task: 'hipaa_training', dueDate: '2025-11-24', assignee: 'dana@clinic.example' })]);
    expect((await audit.late({ from: '2025-12-01', to: '2025-12-31' }, AUDITOR)).lateCompletions).toEqual([]);

    const done = await audit.completions({ by: 'manager@clinic.example' }, AUDITOR);
    expect(done.completions).toEqual([expect.objectContaining({ flowId: WF, task: 'i9_section2', late: true, note: 'passport seen' })]);
    expect((await audit.completions({ by: 'dana@clinic.example' }, AUDITOR)).completions).toEqual([]);

    expect((await audit.flows({ type: 'onboarding', from: '2025-11-23', to: '2025-11-23' }, AUDITOR)).flows.map((f) => f.flowId)).toEqual([WF]);
    expect((await audit.flows({ type: 'onboarding', from: '2025-11-24', to: '2025-12-31' }, AUDITOR)).flows).toEqual([]);
    expect((await audit.flows({ type: 'credential', from: '2025-01-01', to: '2025-12-31' }, AUDITOR)).flows).toEqual([]);
    await expect(audit.flows({ from: '2025-12-01', to: '2025-11-01' }, AUDITOR)).rejects.toMatchObject({ type: 'ValidationError', problems: [{ path: 'to' }] });

    const overdue = await audit.overdue({}, AUDITOR);
    expect(overdue.obligations.map((o) => o.task)).toEqual(['hipaa_training']);
    expect(overdue.obligations[0]).toMatchObject({ rule: '45 CFR 164.530(b)(2)(i)(B)', dueDate: '2025-11-24' });
    expect(overdue.obligations[0]!.daysOverdue).toBeGreaterThan(0);
  });
});

describe('exports', () => {
  it('round-trips: a JSON and a CSV export verify against the database', async () => {
    const json = (await audit.exportFlow(WF, { format: 'json' }, AUDITOR)) as ExportDocument;
    expect(json.entries.map((e) => e.action)).toEqual(danaEvents.map((e) => e.action));
    expect(json.chain).toMatchObject({ headSeq: expect.any(String), headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const csv = (await audit.exportFlow(WF, { format: 'csv' }, AUDITOR)) as { content: string; digest: string };
    expect(csv.digest).toBe(json.digest);
    expect(parseCsvExport(csv.content).entries.map((e) => e.hash)).toEqual(json.entries.map((e) => e.hash));

    // More entries since the export (the reads themselves) do not matter.
    await expect(audit.verifyExport({ content: JSON.stringify(json) }, AUDITOR)).resolves.toMatchObject({ ok: true, entries: 5, matched: 5, problems: [] });
    await expect(audit.verifyExport({ content: csv.content }, AUDITOR)).resolves.toMatchObject({ ok: true, entries: 5, matched: 5 });

    // A person's and a period's exports verify too.
    const person = (await audit.exportPerson('manager@clinic.example', { format: 'json' }, AUDITOR)) as ExportDocument;
    expect(person.entries.map((e) => e.action)).toEqual(['task.created', 'notice.reminder', 'task.completed']);
    await expect(audit.verifyExport({ content: JSON.stringify(person) }, AUDITOR)).resolves.toMatchObject({ ok: true });
    const period = (await audit.exportPeriod({ from: '2025-11-24', to: '2025-11-24', format: 'json' }, AUDITOR)) as ExportDocument;
    expect(period.entries.map((e) => e.action)).toEqual(['notice.reminder']);

    const html = (await audit.exportFlow(WF, { format: 'html' }, AUDITOR)) as { content: string; contentType: string };
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.content).toContain('I-9 Section 2 completed by manager@clinic.example LATE');
    for (const e of json.entries) expect(html.content).toContain(e.hash);
    expect(html.content).toContain(json.digest);
    expect(html.content).not.toMatch(/<script/i);
  });

  it('catches an edited export, an edited or deleted database entry, and a rewritten chain', async () => {
    const db2 = await freshDatabase();
    const conn = Connection.lazy({ address: '127.0.0.1:1' });
    const svc = new AuditService({ client: new Client({ connection: conn, dataConverter: TEST_DATA_CONVERTER }), dataConverter: TEST_DATA_CONVERTER, prisma: db2.prisma, practice: practiceProfileFromConfig(loadConfig({ PRACTICE_TIME_ZONE: ZONE })), taskQueue: 'unused' });
    try {
      await appendAuditEvents(db2.prisma, danaEvents);
      const json = (await svc.exportFlow(WF, { format: 'json' }, AUDITOR)) as ExportDocument;
      const csv = ((await svc.exportFlow(WF, { format: 'csv' }, AUDITOR)) as { content: string }).content;

      // The export is edited: its own hash no longer matches.
      const edited = structuredClone(json);
      (edited.entries[4]!.detail as Record<string, unknown>).lateReason = 'a better excuse';
      expect(await svc.verifyExport({ content: JSON.stringify(edited) }, AUDITOR)).toMatchObject({ ok: false, problems: [{ seq: '5', problem: 'export_edited' }] });
      const editedCsv = csv.replace('documents arrived late', 'a better excuse');
      expect(editedCsv).not.toBe(csv);
      expect(await svc.verifyExport({ content: editedCsv }, AUDITOR)).toMatchObject({ ok: false, problems: [{ seq: '5', problem: 'export_edited' }] });

      // The database is edited in SQL: the chain breaks there.
      await db2.prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor = 'dana@clinic.example' WHERE seq = 5`);
      expect(await svc.verifyExport({ content: JSON.stringify(json) }, AUDITOR)).toMatchObject({ ok: false, chain: { ok: false, brokenAtSeq: '5', problem: 'edited' } });

      // A forger rewrites the entry and its hash: the export no longer matches the database.
      const row = await db2.prisma.auditEntry.findUniqueOrThrow({ where: { seq: 5n } });
      await db2.prisma.auditEntry.update({ where: { seq: 5n }, data: { hash: entryHash(row) } });
      expect(await svc.verifyExport({ content: JSON.stringify(json) }, AUDITOR)).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.objectContaining({ seq: '5', problem: 'differs_from_database' })]) });

      // An entry is deleted.
      await db2.prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq = 4`);
      const verdict = await svc.verifyExport({ content: JSON.stringify(json) }, AUDITOR);
      expect(verdict.problems).toContainEqual(expect.objectContaining({ seq: '4', problem: 'missing_from_database' }));

      // Not an export at all.
      await expect(svc.verifyExport({ content: 'hello' }, AUDITOR)).rejects.toMatchObject({ type: 'ValidationError', problems: [{ path: 'content' }] });
    } finally {
      await conn.close().catch(() => undefined);
      await db2.drop();
    }
  });

  it('still verifies after a purge redacted exported entries', async () => {
    const db3 = await freshDatabase();
    const conn = Connection.lazy({ address: '127.0.0.1:1' });
    const svc = new AuditService({ client: new Client({ connection: conn, dataConverter: TEST_DATA_CONVERTER }), dataConverter: TEST_DATA_CONVERTER, prisma: db3.prisma, practice: practiceProfileFromConfig(loadConfig({ PRACTICE_TIME_ZONE: ZONE })), taskQueue: 'unused' });
    try {
      const old = danaEvents.map((e) => ({ ...e, occurredAt: e.occurredAt.replace('2025-', '2012-') }));
      old.push(ev('flow.completed', '2012-12-01T15:00:00.000Z', 'system:practiceflow', 'flow.completed'));
      await appendAuditEvents(db3.prisma, old);
      const json = (await svc.exportFlow(WF, { format: 'json' }, AUDITOR)) as ExportDocument;
      const purge = await purgeLedger(db3.prisma, { asOf: '2025-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false });
      expect(purge.purged).toBeGreaterThan(0);
      expect(await verifyAuditChain(db3.prisma)).toMatchObject({ ok: true });
      const verdict = await svc.verifyExport({ content: JSON.stringify(json) }, AUDITOR);
      const redacted = await db3.prisma.auditEntry.count({ where: { workflowId: WF, purgedBy: { not: null } } });
      expect(redacted).toBeGreaterThan(0);
      expect(verdict).toMatchObject({ ok: true, entries: old.length, matched: old.length, purgedSince: redacted });
      // The timeline now shows the redaction instead of the content.
      const t = await svc.timeline(WF, AUDITOR);
      expect(t.lines.filter((l) => l.purged).every((l) => l.text.startsWith('[redacted past its retention period'))).toBe(true);
    } finally {
      await conn.close().catch(() => undefined);
      await db3.drop();
    }
  });
});
