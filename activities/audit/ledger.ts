// The audit ledger: an append-only, hash-chained record in Postgres (45 CFR 164.312(b) audit
// controls). Each entry's hash covers its canonical content and the previous entry's hash, so an
// edited, deleted or reordered row breaks the chain exactly there. Appends are idempotent on the
// event's business key, because activities run at least once.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { PrismaClient } from '../../generated/prisma/client';
import { crashPoint } from '../../faults/seam';
import type { AuditEvent } from '../contracts';

export const GENESIS_HASH = '0'.repeat(64);
/** Serialises appends: seq and prevHash must come from the true last entry. */
export const LEDGER_LOCK_KEY = 7_406_113_201;

export interface LedgerEntry {
  seq: bigint;
  businessKey: string;
  occurredAt: Date;
  recordedAt: Date;
  actor: string;
  action: string;
  flowType: string | null;
  workflowId: string | null;
  runId: string | null;
  taskKey: string | null;
  rule: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** The hash of an entry: sha256 over RFC 8785 canonical JSON of every field but the hash itself. */
export function entryHash(entry: Omit<LedgerEntry, 'hash'>): string {
  const canonical = canonicalize({
    seq: entry.seq.toString(),
    businessKey: entry.businessKey,
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.recordedAt.toISOString(),
    actor: entry.actor,
    action: entry.action,
    flowType: entry.flowType,
    workflowId: entry.workflowId,
    runId: entry.runId,
    taskKey: entry.taskKey,
    rule: entry.rule,
    detail: entry.detail ?? null,
    prevHash: entry.prevHash,
  });
  return createHash('sha256').update(canonical ?? '').digest('hex');
}

/** JSON round-trip: what is hashed must be exactly what Postgres stores and returns. */
function storableDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(detail)) as Record<string, unknown>;
}

/** A transaction of the Prisma client (what `$transaction(async (tx) => ...)` hands over). */
export type LedgerTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export async function appendAuditEvents(prisma: PrismaClient, events: AuditEvent[]): Promise<LedgerEntry[]> {
  if (events.length === 0) return [];
  // Appends queue on one advisory lock: under load a batch may wait its turn longer than Prisma's
  // default 2 s / 5 s; it is still one short transaction once it holds the lock.
  return prisma.$transaction((tx) => appendInTransaction(tx, events), { maxWait: 30_000, timeout: 60_000 });
}

/** Appends inside the caller's transaction (e.g. a purge that appends and redacts atomically). */
export async function appendInTransaction(tx: LedgerTx, events: AuditEvent[]): Promise<LedgerEntry[]> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY}::bigint)`;
  const existing = await tx.auditEntry.findMany({ where: { businessKey: { in: events.map((e) => e.businessKey) } } });
  const known = new Map<string, LedgerEntry>(existing.map((e) => [e.businessKey, e]));
  // The head row, not the last row: after a deleted tail the next entry still takes the next
  // number and links to the deleted head, so the gap stays visible (ledgerHeadOf).
  const { seq: headSeq, hash: headHash } = await ledgerHeadOf(tx);
  let seq = headSeq;
  let prevHash = headHash;
  const written: LedgerEntry[] = [];
  for (const event of events) {
    const already = known.get(event.businessKey);
    if (already) {
      written.push(already);
      continue;
    }
    seq += 1n;
    const base = {
      seq,
      businessKey: event.businessKey,
      occurredAt: new Date(event.occurredAt),
      recordedAt: new Date(),
      actor: event.actor,
      action: event.action,
      flowType: event.flowType ?? null,
      workflowId: event.workflowId ?? null,
      runId: event.runId ?? null,
      taskKey: event.taskKey ?? null,
      rule: event.rule ?? null,
      detail: storableDetail(event.detail),
      prevHash,
    };
    const entry: LedgerEntry = { ...base, hash: entryHash(base) };
    await tx.auditEntry.create({ data: { ...entry, detail: base.detail as object } });
    known.set(entry.businessKey, entry);
    written.push(entry);
    prevHash = entry.hash;
  }
  if (seq !== headSeq) {
    const updatedAt = new Date();
    await tx.auditHead.upsert({ where: { id: 1 }, create: { id: 1, seq, hash: prevHash, updatedAt }, update: { seq, hash: prevHash, updatedAt } });
    // Rows and head written, transaction open: the fault suite kills the worker here.
    crashPoint('ledger-append', `${written.length} event(s), seq ${(headSeq + 1n).toString()}..${seq.toString()}, first ${events[0]?.businessKey ?? ''}`);
  }
  return written;
}

/**
 * Where the next entry goes: the head row (audit_head, moved forward with every append, never
 * back), or the last row of a ledger written before the head row existed; the later of the two.
 */
async function ledgerHeadOf(tx: LedgerTx): Promise<{ seq: bigint; hash: string }> {
  const [head, last] = await Promise.all([
    tx.auditHead.findUnique({ where: { id: 1 }, select: { seq: true, hash: true } }),
    tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } }),
  ]);
  if (head && (!last || head.seq >= last.seq)) return head;
  return last ?? { seq: 0n, hash: GENESIS_HASH };
}

/** The ledger action of a purge; its detail lists every entry it redacted (see ./purge.ts). */
export const PURGE_ACTION = 'audit.purged';

/** What a purge entry records of each entry it redacted: enough to check the redacted row later. */
export interface PurgedEntryRef {
  seq: string;
  hash: string;
  action: string;
  workflowId: string | null;
  taskKey: string | null;
  occurredAt: string;
  recordClass: string;
  retainUntil: string;
}

export type ChainVerdict =
  | {
      ok: true;
      entries: number;
      /** Entries whose content a purge redacted past retention; checked against the purge entry that lists them. */
      redacted: number;
      headSeq: string | null;
      headHash: string;
    }
  | {
      ok: false;
      entries: number;
      /** The first entry at which the chain no longer holds. */
      brokenAtSeq: string;
      problem: 'edited' | 'missing_or_reordered' | 'chain_link_broken' | 'truncated' | 'witness_mismatch';
      message: string;
    };

/** A head seen outside the ledger's tables (the ledger notary in Temporal, ./notary.ts). */
export interface WitnessedHead {
  seq: bigint;
  hash: string;
  /** When it was witnessed (ISO 8601). */
  at: string;
  /** Who witnessed it, for messages: "the ledger notary in Temporal". */
  by: string;
}

/** Every redaction the purge entries authorise, by the redacted entry's seq. */
async function purgeListings(prisma: PrismaClient): Promise<Map<string, { purgeSeq: bigint; ref: PurgedEntryRef }>> {
  const purges = await prisma.auditEntry.findMany({ where: { action: PURGE_ACTION }, orderBy: { seq: 'asc' }, select: { seq: true, detail: true } });
  const listings = new Map<string, { purgeSeq: bigint; ref: PurgedEntryRef }>();
  for (const purge of purges) {
    const entries = (purge.detail as { entries?: unknown } | null)?.entries;
    if (!Array.isArray(entries)) continue;
    for (const ref of entries as PurgedEntryRef[]) if (typeof ref?.seq === 'string') listings.set(ref.seq, { purgeSeq: purge.seq, ref });
  }
  return listings;
}

/** Why a redacted row does not match the purge entry that should list it, or undefined when it does. */
function redactionProblem(
  row: { seq: bigint; hash: string; action: string; workflowId: string | null; taskKey: string | null; occurredAt: Date; purgedBy: bigint | null },
  listing: { purgeSeq: bigint; ref: PurgedEntryRef } | undefined,
): string | undefined {
  const seq = row.seq.toString();
  if (!listing || listing.purgeSeq !== row.purgedBy || listing.purgeSeq <= row.seq) {
    return `entry ${seq} is marked as purged by entry ${String(row.purgedBy)}, but no later purge entry lists it: its content was removed or altered outside a purge`;
  }
  const { ref } = listing;
  const same = ref.hash === row.hash && ref.action === row.action && ref.workflowId === row.workflowId && ref.taskKey === row.taskKey && ref.occurredAt === row.occurredAt.toISOString();
  return same ? undefined : `entry ${seq} (purged by entry ${listing.purgeSeq.toString()}) no longer matches what that purge entry recorded of it`;
}

/**
 * Walks the whole chain in seq order and reports the first broken link. An entry a purge
 * redacted cannot have its hash recomputed; it is checked against the purge entry that lists it
 * (its hash, action, flow, task and time), and that purge entry is itself checked when the walk
 * reaches it. Every link (prevHash) is checked for every entry, redacted or not.
 */
export async function verifyAuditChain(prisma: PrismaClient, options: { batchSize?: number; witnessed?: WitnessedHead } = {}): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 5_000;
  const listings = await purgeListings(prisma);
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let redacted = 0;
  let cursor = 0n;
  for (;;) {
    const batch = await prisma.auditEntry.findMany({ where: { seq: { gt: cursor } }, orderBy: { seq: 'asc' }, take: batchSize });
    if (batch.length === 0) break;
    for (const row of batch) {
      const seq = row.seq.toString();
      if (row.seq !== expectedSeq) {
        return {
          ok: false,
          entries: count,
          brokenAtSeq: seq,
          problem: 'missing_or_reordered',
          message: `entry ${seq} follows entry ${(expectedSeq - 1n).toString()}: entries ${expectedSeq.toString()}..${(row.seq - 1n).toString()} are missing`,
        };
      }
      if (row.prevHash !== prevHash) {
        return {
          ok: false,
          entries: count,
          brokenAtSeq: seq,
          problem: 'chain_link_broken',
          message: `entry ${seq} does not link to the hash of entry ${(row.seq - 1n).toString()}`,
        };
      }
      if (row.purgedBy !== null) {
        const problem = redactionProblem(row, listings.get(seq));
        if (problem) return { ok: false, entries: count, brokenAtSeq: seq, problem: 'edited', message: problem };
        redacted += 1;
      } else if (entryHash({ ...row, detail: row.detail }) !== row.hash) {
        return {
          ok: false,
          entries: count,
          brokenAtSeq: seq,
          problem: 'edited',
          message: `entry ${seq} (${row.action}, ${row.businessKey}) was altered after it was written: its content no longer matches its hash`,
        };
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      count += 1;
      cursor = row.seq;
    }
  }
  const lastSeq = count > 0 ? cursor : 0n;
  const tail = await tailProblem(prisma, lastSeq, prevHash, options.witnessed);
  if (tail) return { ok: false, entries: count, ...tail };
  return { ok: true, entries: count, redacted, headSeq: count > 0 ? cursor.toString() : null, headHash: prevHash };
}

/**
 * The end of the chain against what says where it should end: the head row in the database, then
 * the head a witness outside the database saw. A deleted tail leaves no broken link inside the
 * chain; it shows only here, as the range of entries that are missing.
 */
async function tailProblem(prisma: PrismaClient, lastSeq: bigint, lastHash: string, witnessed: WitnessedHead | undefined): Promise<Pick<Extract<ChainVerdict, { ok: false }>, 'brokenAtSeq' | 'problem' | 'message'> | undefined> {
  const missing = (to: bigint) => (to === lastSeq + 1n ? `entry ${to.toString()} is missing` : `entries ${(lastSeq + 1n).toString()}..${to.toString()} are missing`);
  const head = await prisma.auditHead.findUnique({ where: { id: 1 } });
  if (head && head.seq > lastSeq) {
    return { brokenAtSeq: (lastSeq + 1n).toString(), problem: 'truncated', message: `${missing(head.seq)}: the ledger's head record says entry ${head.seq.toString()} (hash ${head.hash.slice(0, 12)}...) was appended on ${head.updatedAt.toISOString()}, but the chain ends at entry ${lastSeq.toString()}` };
  }
  if (head && head.seq === lastSeq && head.hash !== lastHash) {
    return { brokenAtSeq: lastSeq.toString(), problem: 'edited', message: `the last entry ${lastSeq.toString()} is not the one the ledger's head record names (hash ${head.hash.slice(0, 12)}...)` };
  }
  if (!witnessed) return undefined;
  if (witnessed.seq > lastSeq) {
    return { brokenAtSeq: (lastSeq + 1n).toString(), problem: 'truncated', message: `${missing(witnessed.seq)}: ${witnessed.by} witnessed entry ${witnessed.seq.toString()} (hash ${witnessed.hash.slice(0, 12)}...) at ${witnessed.at}, but the chain ends at entry ${lastSeq.toString()}` };
  }
  const row = await prisma.auditEntry.findUnique({ where: { seq: witnessed.seq }, select: { hash: true } });
  if (row && row.hash !== witnessed.hash) {
    return { brokenAtSeq: witnessed.seq.toString(), problem: 'witness_mismatch', message: `entry ${witnessed.seq.toString()} is not the one ${witnessed.by} witnessed at ${witnessed.at} (hash ${witnessed.hash.slice(0, 12)}...): the chain was rewritten up to there` };
  }
  return undefined;
}
