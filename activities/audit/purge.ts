// Purging the audit ledger past retention, without breaking its verifiability.
//
// Design (see README "Retention"): a purged entry is REDACTED IN PLACE, never deleted. Its row
// keeps seq, prevHash and hash (so every link of the chain still checks) and the facts an auditor
// needs to see that something was there (action, flow, task, time); its actor, business key,
// run id and detail are removed. Records of different classes are interleaved in the chain, so
// cutting off a prefix at a checkpoint would not work. Each purge appends ONE `audit.purged`
// entry per batch, in the same transaction as the redaction, listing every entry it redacted with
// its hash and kept facts, its record class, the retention day and the rule's citation. The
// verifier (./ledger.ts) accepts a redacted row only when a later purge entry lists it exactly
// so, and checks that purge entry's own hash when it reaches it: a redaction outside a purge, or
// a purge entry edited afterwards, is reported like any other edit.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client';
import { appendInTransaction, PURGE_ACTION, verifyAuditChain, type PurgedEntryRef } from './ledger';
import { retentionOf, RETENTION_RULES, SEPARATION_ACTION, type FlowFacts, type RecordClass } from './retention';

export const REDACTED_ACTOR = 'redacted';
/** Entries one purge ledger entry lists (its detail stays well under a megabyte). */
export const PURGE_BATCH = 500;

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The actions that carry retention facts (closure, hire date, training date, separation). */
const FACT_ACTIONS = ['flow.started', 'flow.completed', 'flow.cancelled', 'credential.retired', 'onboarding.start_date_changed', 'task.completed', SEPARATION_ACTION];

export interface RetentionFacts {
  flows: Map<string, FlowFacts>;
  /** Separation dates by subject (hire) id; the latest recorded wins. */
  separations: Map<string, string>;
}

export async function loadRetentionFacts(prisma: PrismaClient): Promise<RetentionFacts> {
  const flows = new Map<string, FlowFacts>();
  const separations = new Map<string, string>();
  const rows = await prisma.auditEntry.findMany({
    where: { action: { in: FACT_ACTIONS }, purgedBy: null },
    orderBy: { seq: 'asc' },
    select: { action: true, workflowId: true, taskKey: true, occurredAt: true, detail: true },
  });
  for (const row of rows) {
    const d = asDetail(row.detail);
    if (row.action === SEPARATION_ACTION) {
      const subject = str(d.subjectId);
      const on = str(d.separatedOn);
      if (subject && on) separations.set(subject, on);
      continue;
    }
    if (!row.workflowId) continue;
    const facts = flows.get(row.workflowId) ?? { completedAt: {} };
    flows.set(row.workflowId, facts);
    switch (row.action) {
      case 'flow.started':
        facts.subjectId = str(d.subjectId) ?? str(d.hireId) ?? facts.subjectId;
        facts.hireDate = str(d.startDate) ?? facts.hireDate;
        break;
      case 'onboarding.start_date_changed':
        facts.hireDate = str(d.to) ?? facts.hireDate;
        break;
      case 'task.completed':
        if (row.taskKey) facts.completedAt[row.taskKey] = str(d.at) ?? row.occurredAt.toISOString();
        break;
      default:
        facts.closedAt = row.occurredAt.toISOString();
    }
  }
  return { flows, separations };
}

export interface PurgeCandidate extends PurgedEntryRef {
  citation: string;
}

export interface PurgeClassSummary {
  recordClass: RecordClass | 'unclassified';
  citation: string | null;
  purgeable: number;
  kept: number;
  /** Why entries of this class are kept for now (first few distinct reasons). */
  keptBecause: string[];
}

export interface PurgePlan {
  asOf: string;
  timeZone: string;
  candidates: PurgeCandidate[];
  classes: PurgeClassSummary[];
}

/**
 * What may be purged on `asOf` (a date in the practice's zone): every entry whose retention day
 * is before it. Reads the ledger in seq batches without the details.
 */
export async function planPurge(prisma: PrismaClient, opts: { asOf: string; timeZone: string }): Promise<PurgePlan> {
  const facts = await loadRetentionFacts(prisma);
  const candidates: PurgeCandidate[] = [];
  const classes = new Map<string, PurgeClassSummary>();
  let cursor = 0n;
  for (;;) {
    const batch = await prisma.auditEntry.findMany({
      where: { seq: { gt: cursor }, purgedBy: null },
      orderBy: { seq: 'asc' },
      take: 5_000,
      select: { seq: true, hash: true, action: true, flowType: true, workflowId: true, taskKey: true, occurredAt: true },
    });
    if (batch.length === 0) break;
    for (const row of batch) {
      cursor = row.seq;
      const decision = retentionOf(row, row.workflowId ? facts.flows.get(row.workflowId) : undefined, facts.separations, opts.timeZone);
      const summary = classes.get(decision.recordClass) ?? { recordClass: decision.recordClass, citation: decision.citation, purgeable: 0, kept: 0, keptBecause: [] };
      classes.set(decision.recordClass, summary);
      if (decision.retainUntil !== null && decision.retainUntil < opts.asOf) {
        summary.purgeable += 1;
        candidates.push({
          seq: row.seq.toString(),
          hash: row.hash,
          action: row.action,
          workflowId: row.workflowId,
          taskKey: row.taskKey,
          occurredAt: row.occurredAt.toISOString(),
          recordClass: decision.recordClass,
          retainUntil: decision.retainUntil,
          citation: decision.citation,
        });
      } else {
        summary.kept += 1;
        const why = decision.retainUntil === null ? decision.keptBecause : `retained until ${decision.retainUntil}`;
        if (!summary.keptBecause.includes(why) && summary.keptBecause.length < 5) summary.keptBecause.push(why);
      }
    }
  }
  return { asOf: opts.asOf, timeZone: opts.timeZone, candidates, classes: [...classes.values()].sort((a, b) => a.recordClass.localeCompare(b.recordClass)) };
}

export interface PurgeResult {
  asOf: string;
  dryRun: boolean;
  purged: number;
  /** The `audit.purged` ledger entries written (one per batch). */
  purgeEntries: string[];
  classes: PurgeClassSummary[];
  /** The first entries purged (or that would be), for the report. */
  sample: PurgeCandidate[];
  /** Archived Temporal histories removed: their flow's every ledger entry is past retention. */
  historiesRemoved: { workflowId: string; runId: string; sha256: string }[];
}

export class PurgeRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PurgeRefusedError';
  }
}

/**
 * Purges what is past retention on `asOf`. Refuses when the chain does not verify (a purge must
 * not launder a tampered ledger). Each batch is one transaction: the `audit.purged` entry (actor:
 * who ran the purge) is appended and the listed entries are redacted together.
 */
export async function purgeLedger(prisma: PrismaClient, opts: { asOf: string; timeZone: string; actor: string; dryRun: boolean; reason?: string }): Promise<PurgeResult> {
  const before = await verifyAuditChain(prisma);
  if (!before.ok) throw new PurgeRefusedError(`the audit ledger does not verify (entry ${before.brokenAtSeq}: ${before.message}); nothing was purged`);
  const plan = await planPurge(prisma, opts);
  const result: PurgeResult = { asOf: opts.asOf, dryRun: opts.dryRun, purged: 0, purgeEntries: [], classes: plan.classes, sample: plan.candidates.slice(0, 50), historiesRemoved: [] };
  if (opts.dryRun) return { ...result, purged: plan.candidates.length };
  const runId = randomUUID();
  // Always at least one entry: a purge that found nothing to remove is on the record too.
  const batches = Math.max(1, Math.ceil(plan.candidates.length / PURGE_BATCH));
  for (let b = 0; b < batches; b += 1) {
    const i = b * PURGE_BATCH;
    const batch = plan.candidates.slice(i, i + PURGE_BATCH);
    const entry = await prisma.$transaction(
      async (tx) => {
        const [purge] = await appendInTransaction(tx, [
          {
            businessKey: `${PURGE_ACTION}:${runId}:${b}`,
            occurredAt: new Date().toISOString(),
            actor: opts.actor,
            action: PURGE_ACTION,
            rule: [...new Set(batch.map((c) => c.citation))].join('; ') || '45 CFR 164.316(b)(2)',
            detail: {
              asOf: opts.asOf,
              timeZone: opts.timeZone,
              reason: opts.reason ?? 'past the retention period',
              batch: b + 1,
              batches,
              rules: RETENTION_RULES.map((r) => ({ recordClass: r.recordClass, citation: r.citation, basis: r.basis })),
              entries: batch.map(({ citation: _citation, ...ref }) => ref),
            },
          },
        ]);
        if (batch.length === 0) return purge!;
        const seqs = batch.map((c) => BigInt(c.seq));
        // Only rows still as planned: a hash that changed since is left alone (and verification will say why).
        const updated = await tx.$executeRaw`
          UPDATE audit_entry
             SET purged_by = ${purge!.seq}, actor = ${REDACTED_ACTOR}, business_key = 'purged:' || seq::text, run_id = NULL, detail = '{}'::jsonb
           WHERE seq = ANY(${seqs}::bigint[]) AND purged_by IS NULL`;
        if (updated !== batch.length) throw new PurgeRefusedError(`${batch.length - updated} entries changed while the purge ran; nothing of this batch was purged`);
        return purge!;
      },
      { timeout: 60_000 },
    );
    result.purgeEntries.push(entry.seq.toString());
    result.purged += batch.length;
  }
  result.historiesRemoved = await purgeArchivedHistories(prisma, opts.actor, runId);
  return result;
}

/**
 * An archived Temporal history goes when its flow's record does: once every ledger entry of the
 * flow (reads and archive notes aside) has been purged. Its removal is a ledger entry listing each
 * history's sha256, in the same transaction, so what was removed stays provable.
 */
async function purgeArchivedHistories(prisma: PrismaClient, actor: string, runId: string): Promise<PurgeResult['historiesRemoved']> {
  const gone = await prisma.$queryRaw<{ workflowId: string; runId: string; sha256: string }[]>`
    SELECT h.workflow_id AS "workflowId", h.run_id AS "runId", h.sha256
      FROM audit_history h
     WHERE EXISTS (SELECT 1 FROM audit_entry e WHERE e.workflow_id = h.workflow_id AND e.purged_by IS NOT NULL)
       AND NOT EXISTS (
             SELECT 1 FROM audit_entry e
              WHERE e.workflow_id = h.workflow_id AND e.purged_by IS NULL
                AND e.action NOT IN ('audit.accessed', 'audit.history_archived', ${PURGE_ACTION}))
     ORDER BY h.workflow_id, h.run_id`;
  if (gone.length === 0) return [];
  await prisma.$transaction(async (tx) => {
    await appendInTransaction(tx, [
      {
        businessKey: `${PURGE_ACTION}:${runId}:histories`,
        occurredAt: new Date().toISOString(),
        actor,
        action: 'audit.histories_purged',
        rule: '45 CFR 164.316(b)(2)',
        detail: { reason: "every ledger entry of these flows is past retention", histories: gone },
      },
    ]);
    for (const h of gone) await tx.auditHistory.delete({ where: { workflowId_runId: { workflowId: h.workflowId, runId: h.runId } } });
  });
  return gone;
}
