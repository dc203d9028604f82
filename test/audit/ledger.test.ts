// The audit ledger against real Postgres: idempotent appends, a chain that verifies, and
// tampering in SQL (edit, delete, reorder) reported at the exact entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvents, verifyAuditChain } from '../../activities/audit/ledger';
import type { AuditEvent } from '../../activities/contracts';
import type { PrismaClient } from '../../generated/prisma/client';
import { freshDatabase } from '../support/db';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let prisma: PrismaClient;

beforeEach(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
});
afterEach(async () => db?.drop());

const event = (n: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  businessKey: `wf-1:task.completed:task_${n}`,
  occurredAt: new Date(Date.UTC(2026, 10, 23, 14, n)).toISOString(),
  actor: 'manager@clinic.example',
  action: 'task.completed',
  flowType: 'onboarding',
  workflowId: 'onboarding:h-1042',
  runId: 'run-1',
  taskKey: `task_${n}`,
  rule: '8 CFR 274a.2(b)(1)(ii)',
  detail: { note: `entry ${n}`, nested: { b: 2, a: [1, 'x', null] } },
  ...extra,
});

async function seed(count: number): Promise<void> {
  await appendAuditEvents(prisma, Array.from({ length: count }, (_, i) => event(i + 1)));
}

describe('audit ledger', () => {
  it('chains entries and verifies a clean ledger', async () => {
    await seed(5);
    const verdict = await verifyAuditChain(prisma);
    expect(verdict).toMatchObject({ ok: true, entries: 5, headSeq: '5' });
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(rows[0]!.prevHash).toBe('0'.repeat(64));
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
  });

  it('is idempotent on the business key: a retried append writes nothing new', async () => {
    await seed(3);
    const again = await appendAuditEvents(prisma, [event(2), event(3), event(4)]);
    expect(again.map((e) => e.seq)).toEqual([2n, 3n, 4n]);
    expect(await prisma.auditEntry.count()).toBe(4);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: 4 });
  });

  it('keeps one gapless chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAuditEvents(prisma, [event(i + 1)])));
    const seqs = (await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } })).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: 20 });
  });

  it('reports the exact entry whose content was edited in SQL', async () => {
    await seed(6);
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor = 'someone.else@clinic.example' WHERE seq = 4`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: '4', problem: 'edited', entries: 3 });
  });

  it('catches an edit inside the JSON detail', async () => {
    await seed(3);
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET detail = jsonb_set(detail, '{note}', '"rewritten"') WHERE seq = 2`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: '2', problem: 'edited' });
  });

  it('reports a deleted entry at the entry after the gap', async () => {
    await seed(5);
    await prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq = 3`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: '4', problem: 'missing_or_reordered' });
  });

  it('reports reordered entries (positions swapped) where the link breaks', async () => {
    await seed(5);
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET seq = -1 WHERE seq = 2`);
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET seq = 2 WHERE seq = 3`);
    await prisma.$executeRawUnsafe(`UPDATE audit_entry SET seq = 3 WHERE seq = -1`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: '2', problem: 'chain_link_broken' });
  });

  it('reports a rewritten entry even when its hash was recomputed, at the next link', async () => {
    await seed(4);
    // A forger edits entry 2 and recomputes its own hash, but cannot fix entry 3's prevHash
    // without rewriting every later entry.
    const { entryHash } = await import('../../activities/audit/ledger');
    const row = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: 2n } });
    const forged = { ...row, actor: 'forger@clinic.example' };
    await prisma.auditEntry.update({ where: { seq: 2n }, data: { actor: forged.actor, hash: entryHash(forged) } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenAtSeq: '3', problem: 'chain_link_broken' });
  });

  it.each([1, 3, 5])('reports a deleted tail of %i entries with the missing range, and never reuses their numbers', async (cut) => {
    await seed(8);
    await prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq > ${8 - cut}`);
    const range = cut === 1 ? 'entry 8 is missing' : `entries ${9 - cut}..8 are missing`;
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: 'truncated', brokenAtSeq: String(9 - cut), message: expect.stringContaining(range) });
    // The next append takes entry 9 and links to entry 8's hash: the gap stays, it does not close.
    const [next] = await appendAuditEvents(prisma, [event(100)]);
    expect(next!.seq).toBe(9n);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: 'missing_or_reordered', brokenAtSeq: '9', message: expect.stringContaining(`entries ${9 - cut}..8 are missing`) });
  });

  it('keeps its head row moving forward only: rolling it back is refused by the database', async () => {
    await seed(3);
    await expect(prisma.$executeRawUnsafe(`UPDATE audit_head SET seq = 1`)).rejects.toThrow(/audit_head moves forward only/);
    await expect(prisma.$executeRawUnsafe(`INSERT INTO audit_head (id, seq, hash, updated_at) VALUES (2, 1, 'x', now())`)).rejects.toThrow(/audit_head_single_row|duplicate|check/);
  });

  it('compares its end with a witnessed head: a tail cut together with the head row, or a rewritten tail', async () => {
    await seed(6);
    const last = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: 6n } });
    const witnessed = { seq: 6n, hash: last.hash, at: '2026-12-07T12:00:00.000Z', by: 'the test witness' };
    expect(await verifyAuditChain(prisma, { witnessed })).toMatchObject({ ok: true, entries: 6 });
    // Someone with full control of the database cuts the tail and puts the head row back.
    await prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq > 4`);
    await prisma.$executeRawUnsafe(`ALTER TABLE audit_head DISABLE TRIGGER audit_head_forward_only`);
    await prisma.$executeRawUnsafe(`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_entry WHERE seq = 4)`);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: 4 });
    expect(await verifyAuditChain(prisma, { witnessed })).toMatchObject({ ok: false, problem: 'truncated', brokenAtSeq: '5', message: expect.stringMatching(/^entries 5\.\.6 are missing: the test witness witnessed entry 6/) });
    // ...or appends a new, self-consistent tail in its place: the hash at 6 is not the witnessed one.
    await appendAuditEvents(prisma, [event(50), event(51)]);
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, entries: 6 });
    expect(await verifyAuditChain(prisma, { witnessed })).toMatchObject({ ok: false, problem: 'witness_mismatch', brokenAtSeq: '6' });
  });
});
