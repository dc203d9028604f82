// Exports an auditor takes away (JSON, CSV, print-ready HTML), each carrying every entry's full
// content with its seq, prevHash and hash, and the chain head when it was made; and the check of
// an export against the database: each entry's hash is recomputed from the exported content
// (an edited export fails), compared with the database's entry at the same seq (an edited or
// replaced database entry fails), and the database chain is verified as a whole.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parse } from 'csv-parse/sync';
import type { PrismaClient } from '../../generated/prisma/client';
import { entryHash, verifyAuditChain, type ChainVerdict } from './ledger';
import { localTime, timelineLine, type AuditRow, type TaskTitles, type TimelineLine } from './timeline';

export const EXPORT_FORMAT = 'practiceflow-audit-export';
export const EXPORT_VERSION = 1;

export type ExportScope = { kind: 'flow'; flowId: string } | { kind: 'person'; person: string; from?: string; to?: string } | { kind: 'period'; from: string; to: string };

export interface ExportedEntry {
  seq: string;
  businessKey: string;
  occurredAt: string;
  recordedAt: string;
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
  /** The purge entry that redacted this entry's content (its hash still links the chain). */
  purgedBy: string | null;
  /** For people; not covered by the hash. */
  local: string;
  text: string;
}

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  scope: ExportScope;
  exportedAt: string;
  exportedBy: string;
  timeZone: string;
  /**
   * The ledger's chain when the export was made: its head (the last entry's seq and hash) and
   * size. Checking the export later (verifyExport) verifies the whole chain and requires this
   * head to still be in it unchanged, so a ledger rewritten after the export is caught.
   */
  chain: { entries: number; headSeq: string | null; headHash: string };
  /** sha256 over the exported entries' `seq:hash` lines: one value to quote in a report. */
  digest: string;
  entries: ExportedEntry[];
}

export function exportedEntry(row: AuditRow, titles: TaskTitles, zone: string): ExportedEntry {
  const line: TimelineLine = timelineLine(row, titles, zone);
  return {
    seq: row.seq.toString(),
    businessKey: row.businessKey,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    actor: row.actor,
    action: row.action,
    flowType: row.flowType,
    workflowId: row.workflowId,
    runId: row.runId,
    taskKey: row.taskKey,
    rule: row.rule,
    detail: row.detail,
    prevHash: row.prevHash,
    hash: row.hash,
    purgedBy: row.purgedBy?.toString() ?? null,
    local: line.local,
    text: line.text,
  };
}

export const exportDigest = (entries: readonly Pick<ExportedEntry, 'seq' | 'hash'>[]): string =>
  createHash('sha256')
    .update(entries.map((e) => `${e.seq}:${e.hash}\n`).join(''))
    .digest('hex');

export function exportDocument(input: { scope: ExportScope; exportedBy: string; timeZone: string; head: ExportDocument['chain']; rows: readonly AuditRow[]; titles: TaskTitles; now?: Date }): ExportDocument {
  const entries = input.rows.map((r) => exportedEntry(r, input.titles, input.timeZone));
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    scope: input.scope,
    exportedAt: (input.now ?? new Date()).toISOString(),
    exportedBy: input.exportedBy,
    timeZone: input.timeZone,
    chain: input.head,
    digest: exportDigest(entries),
    entries,
  };
}

// ---- CSV ------------------------------------------------------------------------------------

const CSV_COLUMNS = [
  'seq',
  'occurred_at',
  'local_time',
  'recorded_at',
  'actor',
  'action',
  'flow_type',
  'workflow_id',
  'run_id',
  'task_key',
  'rule',
  'business_key',
  'detail',
  'prev_hash',
  'hash',
  'purged_by',
  'description',
] as const;

const quote = (v: string | null): string => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

/**
 * One row per entry, every field quoted; `#` lines before the header carry the scope and the
 * chain head. `detail` is RFC 8785 canonical JSON, exactly what the hash covers.
 */
export function exportCsv(doc: ExportDocument): string {
  const meta = [
    `# ${EXPORT_FORMAT} v${EXPORT_VERSION}`,
    `# scope: ${JSON.stringify(doc.scope)}`,
    `# exported_at: ${doc.exportedAt} by ${doc.exportedBy} (times in local_time: ${doc.timeZone})`,
    `# chain: entries=${doc.chain.entries} head_seq=${doc.chain.headSeq ?? ''} head_hash=${doc.chain.headHash}`,
    `# digest: ${doc.digest}`,
  ];
  const rows = doc.entries.map((e) =>
    [
      e.seq,
      e.occurredAt,
      e.local,
      e.recordedAt,
      e.actor,
      e.action,
      e.flowType,
      e.workflowId,
      e.runId,
      e.taskKey,
      e.rule,
      e.businessKey,
      canonicalize(e.detail ?? null) ?? 'null',
      e.prevHash,
      e.hash,
      e.purgedBy,
      e.text,
    ]
      .map(quote)
      .join(','),
  );
  return `${[...meta, CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The entries and chain head of a CSV export (for verification). */
export function parseCsvExport(csv: string): { entries: ExportedEntry[]; headSeq: string | null; headHash: string | null } {
  const chainLine = /^# chain: .*head_seq=(\d*) head_hash=([0-9a-f]*)/m.exec(csv);
  const records = parse(csv, { columns: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
  const orNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  const entries = records.map((r) => ({
    seq: r.seq ?? '',
    businessKey: r.business_key ?? '',
    occurredAt: r.occurred_at ?? '',
    recordedAt: r.recorded_at ?? '',
    actor: r.actor ?? '',
    action: r.action ?? '',
    flowType: orNull(r.flow_type),
    workflowId: orNull(r.workflow_id),
    runId: orNull(r.run_id),
    taskKey: orNull(r.task_key),
    rule: orNull(r.rule),
    detail: JSON.parse(r.detail || 'null') as unknown,
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? '',
    purgedBy: orNull(r.purged_by),
    local: r.local_time ?? '',
    text: r.description ?? '',
  }));
  return { entries, headSeq: orNull(chainLine?.[1]), headHash: orNull(chainLine?.[2]) };
}

// ---- HTML -----------------------------------------------------------------------------------

const esc = (s: string | null | undefined): string =>
  (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface ReportObligation {
  task: string;
  title: string;
  rule: string | null;
  assignee: string;
  dueDate: string;
  status: string;
  completedBy: string | null;
  completedAt: string | null;
  late: boolean;
  lateReason: string | null;
}

/** A print-ready report (A4/Letter, no script, no external resources). */
export function exportHtml(doc: ExportDocument, extra: { title: string; facts: [string, string][]; obligations?: ReportObligation[] }): string {
  const zone = doc.timeZone;
  const obligations = extra.obligations
    ? `<h2>What was required</h2>
<table><thead><tr><th>Task</th><th>Rule</th><th>Who</th><th>Due</th><th>Status</th><th>Done by / at</th><th>Late reason</th></tr></thead><tbody>
${extra.obligations
  .map(
    (o) =>
      `<tr${o.late || o.status === 'OVERDUE' ? ' class="late"' : ''}><td>${esc(o.title)}<br><code>${esc(o.task)}</code></td><td>${esc(o.rule)}</td><td>${esc(o.assignee)}</td><td>${esc(o.dueDate)}</td><td>${esc(o.status)}</td><td>${esc(o.completedBy)}${o.completedAt ? `<br>${esc(localTime(o.completedAt, zone))}` : ''}</td><td>${esc(o.lateReason)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
    : '';
  const rows = doc.entries
    .map(
      (e) =>
        `<tr${e.purgedBy ? ' class="purged"' : ''}><td class="n">${esc(e.seq)}</td><td class="t">${esc(e.local)}</td><td>${esc(e.actor)}</td><td>${esc(e.text)}</td><td class="h"><code>${esc(e.hash)}</code><br><span>prev <code>${esc(e.prevHash)}</code></span></td></tr>`,
    )
    .join('\n');
  const chain = `When this report was made the ledger held ${doc.chain.entries} entries; its last entry (the chain head) was entry ${esc(doc.chain.headSeq)} with hash <code>${esc(doc.chain.headHash)}</code>. Each entry's hash covers its content and the previous entry's hash.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(extra.title)}</title>
<style>
@page { size: auto; margin: 14mm; }
body { font: 10pt/1.35 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #000; }
h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
table { border-collapse: collapse; width: 100%; } th, td { border: 0.5pt solid #888; padding: 2pt 4pt; vertical-align: top; text-align: left; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
td.n, td.t { white-space: nowrap; } td.h code { font-size: 6.5pt; word-break: break-all; } td.h span { font-size: 6.5pt; color: #444; }
tr.late td { background: #fde8e8; } tr.purged td { color: #777; font-style: italic; }
dl { display: grid; grid-template-columns: max-content auto; gap: 1pt 10pt; } dt { font-weight: 600; } dd { margin: 0; }
.chain { border: 0.5pt solid #000; padding: 4pt 6pt; margin-top: 10pt; font-size: 9pt; } .chain code { word-break: break-all; }
</style></head>
<body>
<h1>${esc(extra.title)}</h1>
<dl>
${[...extra.facts, ['Exported', `${localTime(doc.exportedAt, zone)} (${zone}) by ${doc.exportedBy}`] as [string, string]].map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n')}
</dl>
${obligations}
<h2>Who did what, and when (times in ${esc(zone)})</h2>
<table><thead><tr><th>#</th><th>When</th><th>Who</th><th>What</th><th>Entry hash</th></tr></thead><tbody>
${rows}
</tbody></table>
<div class="chain">${chain}<br>Digest of the entries in this report (sha256 over "seq:hash" lines): <code>${esc(doc.digest)}</code>.
Check this record against the database with <code>practiceflow audit verify --export &lt;the JSON or CSV export&gt;</code>.</div>
</body></html>
`;
}

// ---- Verification ---------------------------------------------------------------------------

export interface ExportProblem {
  seq: string;
  problem: 'export_edited' | 'differs_from_database' | 'missing_from_database' | 'head_not_in_database';
  message: string;
}

export interface ExportVerdict {
  ok: boolean;
  /** Entries in the export. */
  entries: number;
  /** Entries whose hash matches the database entry at the same seq. */
  matched: number;
  /** Entries a purge has redacted in the database since the export (their hash still matches). */
  purgedSince: number;
  /** The database's chain as verified now. */
  chain: ChainVerdict;
  problems: ExportProblem[];
}

/** Checks an export (its entries and the chain head it quotes) against the database. */
export async function verifyExport(prisma: PrismaClient, exported: { entries: readonly ExportedEntry[]; headSeq: string | null; headHash: string | null }): Promise<ExportVerdict> {
  const problems: ExportProblem[] = [];
  for (const e of exported.entries) {
    if (e.purgedBy !== null) continue; // content redacted before the export: only its hash can be compared
    const recomputed = entryHash({
      seq: BigInt(e.seq),
      businessKey: e.businessKey,
      occurredAt: new Date(e.occurredAt),
      recordedAt: new Date(e.recordedAt),
      actor: e.actor,
      action: e.action,
      flowType: e.flowType,
      workflowId: e.workflowId,
      runId: e.runId,
      taskKey: e.taskKey,
      rule: e.rule,
      detail: e.detail,
      prevHash: e.prevHash,
    });
    if (recomputed !== e.hash) problems.push({ seq: e.seq, problem: 'export_edited', message: `entry ${e.seq} in the export does not match its own hash: the export was altered after it was made` });
  }
  let matched = 0;
  let purgedSince = 0;
  const seqs = exported.entries.map((e) => BigInt(e.seq));
  const inDb = new Map<string, { hash: string; prevHash: string; purgedBy: bigint | null }>();
  for (let i = 0; i < seqs.length; i += 5_000) {
    const rows = await prisma.auditEntry.findMany({ where: { seq: { in: seqs.slice(i, i + 5_000) } }, select: { seq: true, hash: true, prevHash: true, purgedBy: true } });
    for (const r of rows) inDb.set(r.seq.toString(), r);
  }
  for (const e of exported.entries) {
    const row = inDb.get(e.seq);
    if (!row) problems.push({ seq: e.seq, problem: 'missing_from_database', message: `entry ${e.seq} is in the export but not in the database: it was deleted` });
    else if (row.hash !== e.hash || row.prevHash !== e.prevHash) problems.push({ seq: e.seq, problem: 'differs_from_database', message: `entry ${e.seq} differs between the export and the database: one of them was altered` });
    else {
      matched += 1;
      if (row.purgedBy !== null && e.purgedBy === null) purgedSince += 1;
    }
  }
  if (exported.headSeq && exported.headHash) {
    const head = await prisma.auditEntry.findUnique({ where: { seq: BigInt(exported.headSeq) }, select: { hash: true } });
    if (head?.hash !== exported.headHash) {
      problems.push({ seq: exported.headSeq, problem: 'head_not_in_database', message: `the chain head the export quotes (entry ${exported.headSeq}) is not in the database as it was: the ledger was rewritten since` });
    }
  }
  const chain = await verifyAuditChain(prisma);
  return { ok: problems.length === 0 && chain.ok, entries: exported.entries.length, matched, purgedSince, chain, problems };
}

/** An export as text (the JSON document or the CSV file), parsed for verification. */
export function parseExport(text: string): { entries: ExportedEntry[]; headSeq: string | null; headHash: string | null } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as ExportDocument;
    if (doc.format !== EXPORT_FORMAT || !Array.isArray(doc.entries)) throw new Error(`is not a PracticeFlow audit export (format "${String(doc.format)}")`);
    return { entries: doc.entries, headSeq: doc.chain?.headSeq ?? null, headHash: doc.chain?.headHash || null };
  }
  if (trimmed.startsWith(`# ${EXPORT_FORMAT}`)) return parseCsvExport(text);
  throw new Error('is neither a JSON nor a CSV PracticeFlow audit export');
}
