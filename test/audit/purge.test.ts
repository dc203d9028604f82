// Retention purges against real Postgres: each record class is purged exactly when its cited
// period has passed (and never while it cannot be computed), the chain still verifies after a
// purge, the purge is itself in the ledger, and a redaction outside a purge is caught.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvents, verifyAuditChain } from '../../activities/audit/ledger';
import { planPurge, purgeLedger, PurgeRefusedError } from '../../activities/audit/purge';
import { retentionOf } from '../../activities/audit/retention';
import type { AuditEvent } from '../../activities/contracts';
import type { PrismaClient } from '../../generated/prisma/client';
import { freshDatabase } from '../support/db';

const ZONE = 'America/New_York';
let db: Awaited<ReturnType<typeof freshDatabase>>;
let prisma: PrismaClient;

beforeEach(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
});
afterEach(async () => db?.drop());

const at = (date: string): string => new Date(`${date}T15:00:00Z`).toISOString();

/** An onboarding flow's entries as the engine writes them (keys, actors, details). */
function onboarding(hireId: string, o: { start: string; closed?: string; bbpDone?: string; tasks?: string[] }): AuditEvent[] {
  const wf = `onboarding-${hireId}`;
  const base = { flowType: 'onboarding', workflowId: wf, runId: 'run-1' };
  const tasks = o.tasks ?? ['i9_section2', 'bbp_training', 'hepb_vaccine_offer', 'hipaa_training'];
  const events: AuditEvent[] = [
    { ...base, businessKey: `${wf}:flow.started`, occurredAt: at(o.start), actor: 'manager@clinic.example', action: 'flow.started', detail: { title: `Onboarding ${hireId}`, subjectId: hireId, hireId, startDate: o.start, timeZone: ZONE } },
    ...tasks.map((t) => ({ ...base, businessKey: `${wf}:task.created:${t}`, occurredAt: at(o.start), actor: 'manager@clinic.example', action: 'task.created', taskKey: t, rule: `rule of ${t}`, detail: { title: t, assignee: 'dana@clinic.example', dueDate: o.start } })),
  ];
  if (o.bbpDone) {
    events.push({ ...base, businessKey: `${wf}:task.completed:bbp_training`, occurredAt: at(o.bbpDone), actor: 'dana@clinic.example', action: 'task.completed', taskKey: 'bbp_training', detail: { by: 'dana@clinic.example', at: at(o.bbpDone), late: false } });
  }
  if (o.closed) events.push({ ...base, businessKey: `${wf}:flow.completed`, occurredAt: at(o.closed), actor: 'system:practiceflow', action: 'flow.completed', detail: {} });
  return events;
}

const separation = (hireId: string, on: string): AuditEvent => ({
  businessKey: `workforce.separated:${hireId}:${on}`,
  occurredAt: at(on),
  actor: 'hr@clinic.example',
  action: 'workforce.separated',
  detail: { subjectId: hireId, separatedOn: on },
});

async function seqsOf(where: { workflowId?: string; taskKey?: string | null; action?: string }): Promise<string[]> {
  return (await prisma.auditEntry.findMany({ where, orderBy: { seq: 'asc' }, select: { seq: true } })).map((r) => r.seq.toString());
}

/** Old, recent, running, unseparated and unknown flows, interleaved in one chain. */
async function seedPractice(): Promise<void> {
  await appendAuditEvents(prisma, onboarding('h-old', { start: '2017-01-09', bbpDone: '2017-01-10', closed: '2017-02-01' }));
  await appendAuditEvents(prisma, onboarding('h-recent', { start: '2023-11-01', bbpDone: '2023-11-25', closed: '2023-12-01' }));
  await appendAuditEvents(prisma, onboarding('h-running', { start: '2015-03-02' }));
  await appendAuditEvents(prisma, onboarding('h-stayed', { start: '2016-05-02', closed: '2016-06-01', tasks: ['i9_section2', 'hepb_vaccine_offer'] }));
  await appendAuditEvents(prisma, [
    separation('h-old', '2018-06-30'),
    // Hire + 3 years (2026-11-01) has passed, separation + 1 year (2026-12-31) has not.
    separation('h-recent', '2025-12-31'),
    {
      businessKey: 'audit.accessed:old-read',
      occurredAt: at('2019-04-01'),
      actor: 'surveyor@accreditor.example',
      action: 'audit.accessed',
      rule: '45 CFR 164.312(b)',
      detail: { operation: 'timeline', subject: { kind: 'flow', id: 'onboarding-h-old' } },
    },
    {
      businessKey: 'osha-site-1:incident.recorded:1',
      occurredAt: at('2010-01-05'),
      actor: 'safety@clinic.example',
      action: 'incident.recorded',
      flowType: 'osha_incident',
      workflowId: 'osha-site-1',
      detail: { note: 'no rule covers this flow type yet' },
    },
  ]);
}

describe('retention rules', () => {
  it('compute each class from its own basis, with its citation', () => {
    const entry = (taskKey: string | null, action = 'task.created') => ({ action, flowType: 'onboarding', workflowId: 'onboarding-h-1', taskKey, occurredAt: new Date('2020-01-06T15:00:00Z') });
    const facts = { closedAt: '2020-02-01T15:00:00Z', hireDate: '2020-01-06', subjectId: 'h-1', completedAt: { bbp_training: '2020-01-07T15:00:00Z' } };
    const separated = new Map([['h-1', '2024-03-31']]);
    expect(retentionOf(entry(null, 'flow.started'), facts, separated, ZONE)).toMatchObject({ recordClass: 'hipaa_documentation', citation: '45 CFR 164.316(b)(2)(i)', retainUntil: '2026-02-01' });
    expect(retentionOf(entry('i9_section2'), facts, separated, ZONE)).toMatchObject({ recordClass: 'i9', citation: '8 CFR 274a.2(b)(2)(i)(A)', retainUntil: '2025-03-31' });
    expect(retentionOf(entry('i9_section2'), facts, new Map([['h-1', '2020-03-31']]), ZONE)).toMatchObject({ retainUntil: '2023-01-06' });
    expect(retentionOf(entry('bbp_training'), facts, separated, ZONE)).toMatchObject({ recordClass: 'bbp_training', citation: '29 CFR 1910.1030(h)(2)(ii)', retainUntil: '2023-01-07' });
    expect(retentionOf(entry('hepb_vaccine_offer'), facts, separated, ZONE)).toMatchObject({ recordClass: 'exposure_medical', retainUntil: '2054-03-31' });
    expect(retentionOf(entry('hepb_vaccine_offer'), facts, new Map(), ZONE)).toMatchObject({ retainUntil: null, keptBecause: expect.stringMatching(/no separation date/) });
    expect(retentionOf(entry('i9_section2'), { ...facts, closedAt: undefined }, separated, ZONE)).toMatchObject({ retainUntil: null, keptBecause: expect.stringMatching(/still running/) });
    expect(retentionOf({ ...entry(null, 'audit.purged'), workflowId: null, flowType: null }, undefined, separated, ZONE)).toMatchObject({ recordClass: 'audit_control', retainUntil: null });
  });
});

describe('purge', () => {
  it('purges exactly what is past each retention period and keeps the chain verifiable', async () => {
    await seedPractice();
    const total = await prisma.auditEntry.count();

    // h-old: everything but its medical record (separation + 30 years) is past retention; so is the 2019 read.
    const hOldMedical = await seqsOf({ workflowId: 'onboarding-h-old', taskKey: 'hepb_vaccine_offer' });
    // h-stayed (closed 2016, never separated): its flow documentation is past 6 years; its I-9 and medical record are not purgeable.
    const hStayedDocs = [...(await seqsOf({ workflowId: 'onboarding-h-stayed', action: 'flow.started' })), ...(await seqsOf({ workflowId: 'onboarding-h-stayed', action: 'flow.completed' }))];
    const expected = [...(await seqsOf({ workflowId: 'onboarding-h-old' })), ...(await seqsOf({ action: 'audit.accessed' })), ...hStayedDocs];
    const expectedSet = new Set(expected.filter((s) => !hOldMedical.includes(s)));
    expect(hOldMedical).toHaveLength(1);

    const plan = await planPurge(prisma, { asOf: '2026-11-22', timeZone: ZONE });
    expect(new Set(plan.candidates.map((c) => c.seq))).toEqual(expectedSet);
    const byClass = Object.fromEntries(plan.classes.map((c) => [c.recordClass, c]));
    expect(byClass.i9!.keptBecause.join(' ')).toMatch(/retained until 2026-12-31|no separation date/);
    expect(byClass.unclassified!.purgeable).toBe(0);
    expect(byClass.exposure_medical!.purgeable).toBe(0);

    // A dry run changes nothing.
    const dry = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, purged: expectedSet.size, purgeEntries: [] });
    expect(await prisma.auditEntry.count()).toBe(total);
    expect(await prisma.auditEntry.count({ where: { purgedBy: { not: null } } })).toBe(0);

    const result = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false, reason: 'annual retention review' });
    expect(result.purged).toBe(expectedSet.size);
    expect(result.purgeEntries).toHaveLength(1);

    // The purge is in the ledger, by whoever ran it, listing each entry with its hash.
    const purge = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: BigInt(result.purgeEntries[0]!) } });
    expect(purge).toMatchObject({ action: 'audit.purged', actor: 'compliance@clinic.example', seq: BigInt(total + 1) });
    const listed = (purge.detail as { entries: { seq: string; hash: string; recordClass: string }[]; reason: string }).entries;
    expect(new Set(listed.map((e) => e.seq))).toEqual(expectedSet);
    expect((purge.detail as { reason: string }).reason).toBe('annual retention review');

    // Redacted in place: the content is gone, the chain values and the facts stay.
    const redacted = await prisma.auditEntry.findMany({ where: { purgedBy: purge.seq }, orderBy: { seq: 'asc' } });
    expect(redacted.map((r) => r.seq.toString())).toEqual([...expectedSet].sort((a, b) => Number(a) - Number(b)));
    for (const r of redacted) {
      expect(r).toMatchObject({ actor: 'redacted', detail: {}, runId: null, businessKey: `purged:${r.seq.toString()}` });
      expect(listed.find((e) => e.seq === r.seq.toString())!.hash).toBe(r.hash);
    }
    // Everything else is untouched.
    expect(await prisma.auditEntry.count({ where: { workflowId: 'onboarding-h-running', purgedBy: { not: null } } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { workflowId: 'onboarding-h-stayed', taskKey: { not: null }, purgedBy: { not: null } } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { workflowId: 'onboarding-h-recent', purgedBy: { not: null } } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { workflowId: 'osha-site-1', purgedBy: { not: null } } })).toBe(0);

    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: total + 1, redacted: expectedSet.size });

    // A second purge the same day finds nothing more, and is recorded all the same.
    const again = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false });
    expect(again).toMatchObject({ purged: 0, purgeEntries: [String(total + 2)] });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: total + 2 });
  });

  it('honours the boundary day of each period', async () => {
    await seedPractice();
    const recentBbp = await seqsOf({ workflowId: 'onboarding-h-recent', taskKey: 'bbp_training' });
    const recentI9 = await seqsOf({ workflowId: 'onboarding-h-recent', taskKey: 'i9_section2' });
    const candidates = async (asOf: string) => new Set((await planPurge(prisma, { asOf, timeZone: ZONE })).candidates.map((c) => c.seq));

    // BBP training completed 2023-11-25: kept through 2026-11-25, purgeable from 2026-11-26.
    for (const s of recentBbp) expect((await candidates('2026-11-25')).has(s)).toBe(false);
    for (const s of recentBbp) expect((await candidates('2026-11-26')).has(s)).toBe(true);
    // I-9: the later of hire + 3 years (2026-11-01) and separation + 1 year (2026-12-31).
    for (const s of recentI9) expect((await candidates('2026-12-31')).has(s)).toBe(false);
    for (const s of recentI9) expect((await candidates('2027-01-01')).has(s)).toBe(true);
    // HIPAA documentation: 6 years after the flow closed (2023-12-01).
    const started = await seqsOf({ workflowId: 'onboarding-h-recent', action: 'flow.started' });
    expect((await candidates('2029-12-01')).has(started[0]!)).toBe(false);
    expect((await candidates('2029-12-02')).has(started[0]!)).toBe(true);
    // Medical records: separation (2025-12-31) + 30 years.
    const medical = await seqsOf({ workflowId: 'onboarding-h-recent', taskKey: 'hepb_vaccine_offer' });
    expect((await candidates('2055-12-31')).has(medical[0]!)).toBe(false);
    expect((await candidates('2056-01-01')).has(medical[0]!)).toBe(true);
    // Without a separation, I-9 and medical records are never purged; running flows neither.
    const far = await candidates('2199-01-01');
    for (const s of await seqsOf({ workflowId: 'onboarding-h-stayed', taskKey: 'i9_section2' })) expect(far.has(s)).toBe(false);
    for (const s of await seqsOf({ workflowId: 'onboarding-h-running' })) expect(far.has(s)).toBe(false);
    for (const s of await seqsOf({ action: 'workforce.separated' })) expect(far.has(s)).toBe(false);
  });

  it('catches a redaction made outside a purge, an altered redacted entry, and an edited purge entry', async () => {
    await seedPractice();
    const { purgeEntries } = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false });
    const purgeSeq = purgeEntries[0]!;
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });

    // Someone "redacts" an entry no purge listed, to hide it.
    const [kept] = await seqsOf({ workflowId: 'onboarding-h-running', action: 'flow.started' });
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET purged_by = ${purgeSeq}, actor = 'redacted', detail = '{}' WHERE seq = ${kept}`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: kept, problem: 'edited' });
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET purged_by = NULL WHERE seq = ${kept}`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: kept, problem: 'edited' }); // its content is gone for good
  });

  it('catches an edit of what a redacted entry kept, and of the purge entry itself', async () => {
    await seedPractice();
    const { purgeEntries } = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false });
    const purgeSeq = purgeEntries[0]!;
    const [first] = (await prisma.auditEntry.findMany({ where: { purgedBy: BigInt(purgeSeq) }, orderBy: { seq: 'asc' }, take: 1 })).map((r) => r.seq.toString());
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET action = 'task.cancelled' WHERE seq = ${first}`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: first, problem: 'edited' });
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET action = 'flow.started' WHERE seq = ${first}`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });

    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET detail = jsonb_set(detail, '{reason}', '"nothing to see"') WHERE seq = ${purgeSeq}`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: purgeSeq, problem: 'edited' });
  });

  it("removes an archived Temporal history only once its flow's whole record is past retention, on the record", async () => {
    const checklist = (wf: string, start: string, closed: string): AuditEvent[] => {
      const base = { flowType: 'checklist', workflowId: wf, runId: 'run-1' };
      return [
        { ...base, businessKey: `${wf}:flow.started`, occurredAt: at(start), actor: 'manager@clinic.example', action: 'flow.started', detail: { title: wf } },
        { ...base, businessKey: `${wf}:flow.completed`, occurredAt: at(closed), actor: 'system:practiceflow', action: 'flow.completed', detail: {} },
        { ...base, businessKey: `audit.history_archived:${wf}:run-1:9`, occurredAt: at(closed), actor: 'system:history-archive', action: 'audit.history_archived', detail: { sha256: `sha-${wf}` } },
      ];
    };
    await appendAuditEvents(prisma, [...checklist('checklist-2017', '2017-03-01', '2017-03-20'), ...checklist('checklist-2025', '2025-03-01', '2025-03-20')]);
    for (const wf of ['checklist-2017', 'checklist-2025']) {
      await prisma.auditHistory.create({ data: { workflowId: wf, runId: 'run-1', workflowType: 'checklistFlow', capturedAt: new Date(), capturedBy: 'system:history-archive', eventCount: 9, closed: true, sha256: `sha-${wf}`, history: { events: [] } } });
    }
    const dry = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: true });
    expect(dry.historiesRemoved).toEqual([]);
    expect(await prisma.auditHistory.count()).toBe(2);

    const result = await purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false });
    expect(result.historiesRemoved).toEqual([{ workflowId: 'checklist-2017', runId: 'run-1', sha256: 'sha-checklist-2017' }]);
    expect((await prisma.auditHistory.findMany()).map((h) => h.workflowId)).toEqual(['checklist-2025']);
    const note = await prisma.auditEntry.findFirst({ where: { action: 'audit.histories_purged' } });
    expect(note).toMatchObject({ actor: 'compliance@clinic.example', detail: { histories: [{ workflowId: 'checklist-2017', runId: 'run-1', sha256: 'sha-checklist-2017' }] } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });
  });

  it('refuses to purge a ledger that does not verify', async () => {
    await seedPractice();
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor = 'someone.else@clinic.example' WHERE seq = 3`);
    await expect(purgeLedger(prisma, { asOf: '2026-11-22', timeZone: ZONE, actor: 'compliance@clinic.example', dryRun: false })).rejects.toBeInstanceOf(PurgeRefusedError);
    expect(await prisma.auditEntry.count({ where: { purgedBy: { not: null } } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { action: 'audit.purged' } })).toBe(0);
  });
});
