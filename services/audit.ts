// The auditor's record: timelines, queries across flows, exports that carry the hash chain,
// verification, Temporal histories (fetch, archive, replay), retention purges and separations,
// all from the audit ledger (which outlives Temporal's retention). Every read names who reads
// (`actor`) and is itself recorded in the ledger as `audit.accessed` (45 CFR 164.312(b)) before
// its answer is returned: a read that cannot be logged fails.
import { WorkflowNotFoundError } from '@temporalio/common';
import { exportCsv, exportDocument, exportHtml, parseExport, verifyExport, type ExportDocument, type ExportScope, type ExportVerdict, type ReportObligation } from '../activities/audit/export';
import { HISTORY_ARCHIVED_ACTION, storeHistory } from '../activities/audit/archive';
import { historyAsJson, historyFromJson, historySha256, replayHistory, workflowTypeOf, type ReplayOutcome, type WorkflowCode } from '../activities/audit/history';
import { appendAuditEvents, GENESIS_HASH, verifyAuditChain, type ChainVerdict } from '../activities/audit/ledger';
import { NOTARY_NAME, notaryReport } from '../activities/audit/notary';

/** What `verify` compared the chain's end with, outside the database. */
export interface WitnessSummary {
  by: string;
  witnessed: { seq: string; hash: string; at: string } | null;
  /** Why there is nothing witnessed to compare with. */
  note?: string;
  /** Times the notary found the head lower than it had seen it. */
  regressions?: number;
}
import { purgeLedger, PurgeRefusedError, type PurgeResult } from '../activities/audit/purge';
import { SEPARATION_ACTION } from '../activities/audit/retention';
import { taskTitlesOf, timelineLine, type AuditRow } from '../activities/audit/timeline';
import type { FlowView } from '../domain/tasks/model';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';
import { PayloadDecryptionError } from '../encryption/codec';
import { decodeHistoryJson } from '../encryption/history';
import { WORKFLOWS_ENTRY } from '../worker/create-worker';
import {
  AuditAccessQuerySchema,
  AuditActorSchema,
  AuditCompletionsQuerySchema,
  AuditFlowsQuerySchema,
  AuditLateQuerySchema,
  AuditOverdueQuerySchema,
  FlowExportQuerySchema,
  ParsedExportSchema,
  PeriodExportQuerySchema,
  PersonExportQuerySchema,
  PurgeBodySchema,
  SeparationBodySchema,
  VerifyExportBodySchema,
  type AccessLog,
  type AuditFlows,
  type Completions,
  type LateReport,
  type Obligation,
  type OpenObligation,
  type Overdue,
  type Timeline,
  type TimelineLineView,
} from './audit-schemas';
import { ACCESS_ACTION, recordAccess } from './access-log';
import { conflict, fieldProblems, invalid, notFound, parseInput } from './errors';
import { summaryOf } from './flow-rows';
import { CHECKLIST_ACTIONS, flowViewFromLedger, type LedgerRow } from './ledger-view';
import { FlowIdSchema, type FlowSummary } from './schemas';
import { TemporalService, type FlowServiceOptions } from './temporal-service';

export { ACCESS_ACTION };
export { HISTORY_ARCHIVED_ACTION };

/** The actions a flow's checklist is rebuilt from (see ledger-view.ts). */
/** Lateness a flow records by itself, besides late task completions. */
const LATE_EVENTS = ['prior_auth.decision_overdue', 'credential.lapsed', 'credential.grace_ended', 'notice.escalation'];

export interface AuditServiceOptions extends FlowServiceOptions {
  /** The workflow code histories are replayed against; default the workflows' source (bundled per replay). */
  workflowCode?: WorkflowCode;
}

export type ExportResult = ExportDocument | { format: 'csv' | 'html'; contentType: string; filename: string; content: string; digest: string; chain: ExportDocument['chain'] };

export interface HistoryResult {
  flowId: string;
  runId: string | null;
  workflowType: string | null;
  source: 'temporal' | 'archive';
  status: string | null;
  events: number;
  sha256: string;
  /** The latest archived copy of this run, and whether the ledger's record of it still matches. */
  archived: { capturedAt: string; sha256: string; events: number; ledgerSeq: string | null; matchesLedger: boolean } | null;
  /** Temporal's JSON with every encrypted payload decrypted (`sha256` is of the history as Temporal holds it). */
  history: unknown;
  /** How many encrypted payloads were decrypted for this answer. */
  decryptedPayloads: number;
}

const dayMs = 86_400_000;
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export class AuditService extends TemporalService {
  private readonly workflowCode: WorkflowCode;
  private readonly dataConverter: PracticeFlowDataConverter;

  constructor(options: AuditServiceOptions) {
    super(options);
    this.workflowCode = options.workflowCode ?? { workflowsPath: WORKFLOWS_ENTRY };
    this.dataConverter = options.dataConverter;
  }

  get timeZone(): string {
    return this.calendar.timeZone;
  }

  // ---- Verification ------------------------------------------------------------------------

  /**
   * Walks the chain and compares its end with the head row and with what the ledger notary in
   * Temporal witnessed (outside the database), so a cut tail is reported with its missing range.
   */
  async verify(actor: string | undefined): Promise<ChainVerdict & { witness: WitnessSummary }> {
    return this.read(actor, 'verify the ledger', { kind: 'ledger', id: null }, {}, async () => {
      const notary = await notaryReport(this.client);
      const verdict = await verifyAuditChain(this.prisma, { witnessed: notary.status === 'witnessed' ? notary.head : undefined });
      if (notary.status !== 'witnessed') return { ...verdict, witness: { by: NOTARY_NAME, witnessed: null, note: notary.reason } };
      const witness = { by: NOTARY_NAME, witnessed: { seq: notary.head.seq.toString(), hash: notary.head.hash, at: notary.head.at }, regressions: notary.regressions.length };
      const regression = notary.regressions.at(-1);
      if (verdict.ok && regression) {
        const found = regression.found ? `entry ${regression.found.seq}` : 'an empty ledger';
        return { ok: false, entries: verdict.entries, brokenAtSeq: regression.witnessed.seq, problem: 'truncated', message: `${NOTARY_NAME} witnessed entry ${regression.witnessed.seq} at ${regression.witnessed.at}, then found ${found} at ${regression.found?.at ?? 'a later look'}: the tail was cut (and has been put back or rewritten since)`, witness };
      }
      return { ...verdict, witness };
    });
  }

  /** Checks an export (the text of a JSON or CSV export) against the database. */
  async verifyExport(body: unknown, actor: string | undefined): Promise<ExportVerdict> {
    const { content } = parseInput(VerifyExportBodySchema, body);
    let parsed: ReturnType<typeof parseExport>;
    try {
      parsed = parseExport(content);
    } catch (err) {
      throw invalid([{ path: 'content', message: err instanceof Error ? err.message : String(err) }]);
    }
    // The file is the caller's: its entries are held to the shape verification computes with.
    const shaped = ParsedExportSchema.safeParse(parsed);
    if (!shaped.success) throw invalid(fieldProblems(shaped.error, 'content'));
    return this.read(actor, 'verify an export', { kind: 'export', id: null }, { entries: parsed.entries.length }, () => verifyExport(this.prisma, parsed));
  }

  // ---- A flow ------------------------------------------------------------------------------

  async timeline(flowId: string, actor: string | undefined): Promise<Timeline> {
    parseInput(FlowIdSchema, flowId, 'flowId');
    return this.read(actor, 'timeline', { kind: 'flow', id: flowId }, {}, async () => {
      const { flow, rows, view } = await this.flowRecord(flowId);
      const titles = taskTitlesOf(rows);
      return { flow, timeZone: this.timeZone, obligations: obligationsOf(view), lines: rows.map((r) => timelineLine(r, titles, this.timeZone)) };
    });
  }

  // ---- Across flows ------------------------------------------------------------------------

  /** Late completions in [from, to] with their reasons, open tasks due in the period and past due, and lateness the flows recorded. */
  async late(query: unknown, actor: string | undefined): Promise<LateReport> {
    const q = parseInput(AuditLateQuerySchema, query);
    return this.read(actor, 'late report', { kind: 'period', id: `${q.from}..${q.to}` }, q, async () => {
      const window = this.window(q.from, q.to);
      // `detail @> ...` can use the GIN index on detail; (action, occurred_at) narrows the rest.
      const lateSeqs = await this.prisma.$queryRaw<{ seq: bigint }[]>`
        SELECT seq FROM audit_entry
         WHERE action = 'task.completed' AND occurred_at >= ${window.gte} AND occurred_at < ${window.lt} AND detail @> '{"late": true}'::jsonb
         ORDER BY seq`;
      const completions = await this.rowsBySeq(lateSeqs.map((r) => r.seq));
      const titles = await this.titles(completions.map((r) => r.workflowId));
      const others = await this.prisma.auditEntry.findMany({ where: { action: { in: LATE_EVENTS }, occurredAt: window }, orderBy: { seq: 'asc' } });
      const otherTitles = await this.titles(others.map((r) => r.workflowId));
      const today = this.calendar.dateOf(Date.now());
      const open = await this.openObligations(today);
      return {
        from: q.from,
        to: q.to,
        timeZone: this.timeZone,
        lateCompletions: completions.map((r) => this.completionItem(r, titles)),
        stillOpen: open.filter((o) => o.dueDate >= q.from && o.dueDate <= q.to),
        otherEvents: others.map((r) => timelineLine(r, otherTitles, this.timeZone)),
      };
    });
  }

  async completions(query: unknown, actor: string | undefined): Promise<Completions> {
    const q = parseInput(AuditCompletionsQuerySchema, query);
    return this.read(actor, 'completions by a person', { kind: 'person', id: q.by }, q, async () => {
      const rows = await this.prisma.auditEntry.findMany({
        where: { actor: q.by, action: 'task.completed', ...(q.from || q.to ? { occurredAt: this.window(q.from, q.to) } : {}) },
        orderBy: { seq: 'asc' },
        take: q.limit,
      });
      const titles = await this.titles(rows.map((r) => r.workflowId));
      return {
        by: q.by,
        timeZone: this.timeZone,
        completions: rows.map((r) => {
          const d = asDetail(r.detail);
          return { ...this.completionItem(r, titles), late: d.late === true, note: str(d.note), outcome: str(d.outcome) };
        }),
      };
    });
  }

  async flows(query: unknown, actor: string | undefined): Promise<AuditFlows> {
    const q = parseInput(AuditFlowsQuerySchema, query);
    return this.read(actor, 'flows in a period', { kind: 'period', id: `${q.from}..${q.to}` }, q, async () => {
      const rows = await this.prisma.flow.findMany({
        where: { flowType: q.type, status: q.status, startedAt: this.window(q.from, q.to) },
        orderBy: [{ startedAt: 'asc' }, { workflowId: 'asc' }],
        take: q.limit,
      });
      return { from: q.from, to: q.to, timeZone: this.timeZone, flows: rows.map(summaryOf) };
    });
  }

  /** Open obligations past due today (practice time zone): tasks of running flows, and credentials past their due date. */
  async overdue(query: unknown, actor: string | undefined): Promise<Overdue> {
    const q = parseInput(AuditOverdueQuerySchema, query);
    return this.read(actor, 'overdue obligations', { kind: 'ledger', id: null }, q, async () => {
      const today = this.calendar.dateOf(Date.now());
      const obligations = (await this.openObligations(today)).slice(0, q.limit);
      return { today, timeZone: this.timeZone, obligations };
    });
  }

  /** Who read the audit record: of one flow, by one person, in a period. */
  async accessLog(query: unknown, actor: string | undefined): Promise<AccessLog> {
    const q = parseInput(AuditAccessQuerySchema, query);
    return this.read(actor, 'access log', { kind: q.flowId ? 'flow' : 'ledger', id: q.flowId ?? null }, q, async () => {
      const rows = await this.prisma.auditEntry.findMany({
        where: {
          action: ACCESS_ACTION,
          actor: q.by,
          ...(q.from || q.to ? { occurredAt: this.window(q.from, q.to) } : {}),
          ...(q.flowId ? { detail: { path: ['subject', 'id'], equals: q.flowId } } : {}),
        },
        orderBy: { seq: 'desc' },
        take: q.limit,
      });
      return {
        timeZone: this.timeZone,
        reads: rows.reverse().map((r) => {
          const d = asDetail(r.detail);
          const subject = asDetail(d.subject);
          return {
            seq: r.seq.toString(),
            at: r.occurredAt.toISOString(),
            local: timelineLine(r, new Map(), this.timeZone).local,
            actor: r.actor,
            operation: str(d.operation) ?? '',
            subject: { kind: str(subject.kind) ?? '', id: str(subject.id) },
            hash: r.hash,
          };
        }),
      };
    });
  }

  // ---- Exports -----------------------------------------------------------------------------

  async exportFlow(flowId: string, query: unknown, actor: string | undefined): Promise<ExportResult> {
    parseInput(FlowIdSchema, flowId, 'flowId');
    const q = parseInput(FlowExportQuerySchema, query);
    return this.read(actor, `export (${q.format})`, { kind: 'flow', id: flowId }, q, async (by) => {
      const { flow, rows, view } = await this.flowRecord(flowId);
      const doc = await this.document({ kind: 'flow', flowId }, rows, by);
      const facts: [string, string][] = [
        ['Flow', `${flow.flowId} (${flow.flowType})`],
        ['Subject', flow.subjectId],
        ['Status', flow.status + (flow.closedAt ? ` (closed ${flow.closedAt})` : '')],
        ['Started', `${flow.startedAt} by ${flow.startedBy}`],
      ];
      return this.render(doc, q.format, `flow-${flowId}`, { title: `Audit record: ${flow.title}`, facts, obligations: obligationsOf(view) });
    });
  }

  /** Everything a person did, and every notice and task addressed to them (optionally within a period). */
  async exportPerson(person: string, query: unknown, actor: string | undefined): Promise<ExportResult> {
    const who = parseInput(AuditActorSchema, person, 'person');
    const q = parseInput(PersonExportQuerySchema, query);
    return this.read(actor, `export (${q.format})`, { kind: 'person', id: who }, q, async (by) => {
      const window = q.from || q.to ? this.window(q.from, q.to) : { gte: new Date(0), lt: new Date('9999-12-31T00:00:00Z') };
      const seqs = await this.prisma.$queryRaw<{ seq: bigint }[]>`
        SELECT seq FROM audit_entry
         WHERE (actor = ${who} OR detail @> ${JSON.stringify({ to: [who] })}::jsonb OR detail @> ${JSON.stringify({ assignee: who })}::jsonb OR detail @> ${JSON.stringify({ by: who })}::jsonb)
           AND occurred_at >= ${window.gte} AND occurred_at < ${window.lt}
         ORDER BY seq`;
      const rows = await this.rowsBySeq(seqs.map((s) => s.seq));
      const doc = await this.document({ kind: 'person', person: who, from: q.from, to: q.to }, rows, by);
      const facts: [string, string][] = [
        ['Person', who],
        ['Period', q.from || q.to ? `${q.from ?? 'start'} to ${q.to ?? 'today'}` : 'all'],
        ['Entries', String(rows.length)],
      ];
      return this.render(doc, q.format, `person-${who.replace(/[^A-Za-z0-9._-]+/g, '_')}`, { title: `Audit record of ${who}`, facts });
    });
  }

  async exportPeriod(query: unknown, actor: string | undefined): Promise<ExportResult> {
    const q = parseInput(PeriodExportQuerySchema, query);
    return this.read(actor, `export (${q.format})`, { kind: 'period', id: `${q.from}..${q.to}` }, q, async (by) => {
      const rows = await this.prisma.auditEntry.findMany({ where: { occurredAt: this.window(q.from, q.to) }, orderBy: { seq: 'asc' } });
      const doc = await this.document({ kind: 'period', from: q.from, to: q.to }, rows, by);
      const facts: [string, string][] = [
        ['Period', `${q.from} to ${q.to} (${this.timeZone})`],
        ['Entries', String(rows.length)],
      ];
      return this.render(doc, q.format, `period-${q.from}-${q.to}`, { title: `Audit record ${q.from} to ${q.to}`, facts });
    });
  }

  // ---- Temporal history --------------------------------------------------------------------

  /**
   * The flow's full Temporal event history, from Temporal or the archived copy once Temporal has
   * deleted it, decrypted through the payload codec: reading it is reading PHI, so it is logged
   * like every audit read (the access entry says it was decrypted).
   */
  async history(flowId: string, actor: string | undefined): Promise<HistoryResult> {
    parseInput(FlowIdSchema, flowId, 'flowId');
    return this.read(actor, 'Temporal history', { kind: 'flow', id: flowId }, { decrypted: true }, async () => {
      const raw = await this.loadHistory(flowId);
      const { history, decoded } = await this.decrypt(raw.history);
      return { ...raw, history, decryptedPayloads: decoded };
    });
  }

  /** Archives the flow's current Temporal history beside the ledger; the ledger records its sha256. */
  async archiveHistory(flowId: string, actor: string | undefined): Promise<{ flowId: string; runId: string; events: number; sha256: string; closed: boolean; ledgerSeq: string }> {
    parseInput(FlowIdSchema, flowId, 'flowId');
    const by = this.actorOf(actor);
    return this.guard({ operation: 'archive the Temporal history', flowId }, async () => {
      const live = await this.liveHistory(flowId);
      const events = live.events;
      const { ledgerSeq } = await storeHistory(this.prisma, { flowId, runId: live.runId, workflowType: live.workflowType, closed: live.closed, events, sha256: live.sha256, history: live.history }, by);
      return { flowId, runId: live.runId, events, sha256: live.sha256, closed: live.closed, ledgerSeq };
    });
  }

  /** Replays the flow's recorded history against the current workflow code. */
  async replay(flowId: string, actor: string | undefined): Promise<ReplayOutcome & { source: 'temporal' | 'archive'; sha256: string }> {
    parseInput(FlowIdSchema, flowId, 'flowId');
    return this.read(actor, 'replay', { kind: 'flow', id: flowId }, { decrypted: true }, async () => {
      const h = await this.loadHistory(flowId);
      const outcome = await replayHistory(historyFromJson(h.history), flowId, this.workflowCode, this.dataConverter);
      return { ...outcome, source: h.source, sha256: h.sha256 };
    });
  }

  // ---- Retention ---------------------------------------------------------------------------

  /** Purges what is past retention today (dry run by default); the purge is a ledger entry of its own. */
  async purge(body: unknown, actor: string | undefined): Promise<PurgeResult> {
    const by = this.actorOf(actor);
    const b = parseInput(PurgeBodySchema, body ?? {});
    const run = async () => {
      try {
        return await purgeLedger(this.prisma, { asOf: this.calendar.dateOf(Date.now()), timeZone: this.timeZone, actor: by, dryRun: b.dryRun, reason: b.reason });
      } catch (err) {
        if (err instanceof PurgeRefusedError) throw conflict(err.message);
        throw err;
      }
    };
    // A dry run only reads: it is logged as a read. A purge is recorded by its own entries.
    if (b.dryRun) return this.read(actor, 'purge (dry run)', { kind: 'ledger', id: null }, {}, run);
    return this.guard({ operation: 'purge the audit ledger' }, run);
  }

  /** Records that a person's employment ended: the I-9 and medical-record retention periods count from it. */
  async recordSeparation(body: unknown, actor: string | undefined): Promise<{ subjectId: string; separatedOn: string; seq: string }> {
    const by = this.actorOf(actor);
    const b = parseInput(SeparationBodySchema, body);
    return this.guard({ operation: 'record a separation' }, async () => {
      const [entry] = await appendAuditEvents(this.prisma, [
        {
          businessKey: `${SEPARATION_ACTION}:${b.subjectId}:${b.separatedOn}`,
          occurredAt: new Date().toISOString(),
          actor: by,
          action: SEPARATION_ACTION,
          rule: '8 CFR 274a.2(b)(2)(i)(A); 29 CFR 1910.1020(d)(1)(i)',
          detail: { subjectId: b.subjectId, separatedOn: b.separatedOn, ...(b.note ? { note: b.note } : {}) },
        },
      ]);
      return { subjectId: b.subjectId, separatedOn: b.separatedOn, seq: entry!.seq.toString() };
    });
  }

  // ---- Plumbing ----------------------------------------------------------------------------

  private actorOf(actor: string | undefined): string {
    if (actor === undefined || actor.trim() === '') throw invalid([{ path: 'X-PracticeFlow-Actor', message: 'is required: name who reads the audit record (the CLI: --as)' }]);
    return parseInput(AuditActorSchema, actor, 'X-PracticeFlow-Actor');
  }

  /** Runs a read and records it in the ledger (who, what, which record) before answering. */
  private async read<T>(actor: string | undefined, operation: string, subject: { kind: string; id: string | null }, query: object, run: (by: string) => Promise<T>): Promise<T> {
    const by = this.actorOf(actor);
    return this.guard({ operation: `read the audit record (${operation})`, flowId: subject.kind === 'flow' ? (subject.id ?? undefined) : undefined }, async () => {
      const result = await run(by);
      await recordAccess(this.prisma, { by, operation, subject, query });
      return result;
    });
  }

  /** [start of from, end of to) in the practice's zone; an open end is the epoch or the far future. */
  private window(from: string | undefined, to: string | undefined): { gte: Date; lt: Date } {
    return {
      gte: from ? new Date(this.calendar.endOf(this.calendar.addCalendarDays(from, -1))) : new Date(0),
      lt: to ? new Date(this.calendar.endOf(to)) : new Date('9999-12-31T00:00:00Z'),
    };
  }

  private async flowRecord(flowId: string): Promise<{ flow: FlowSummary; rows: AuditRow[]; view: FlowView }> {
    const [row, rows] = await Promise.all([this.prisma.flow.findUnique({ where: { workflowId: flowId } }), this.prisma.auditEntry.findMany({ where: { workflowId: flowId }, orderBy: { seq: 'asc' } })]);
    if (!row && rows.length === 0) throw notFound(`flowId: no flow "${flowId}" in the audit ledger`);
    const flow = row ? summaryOf(row) : summaryFromLedger(flowId, rows);
    return { flow, rows, view: flowViewFromLedger(flow, rows) };
  }

  private async rowsBySeq(seqs: bigint[]): Promise<AuditRow[]> {
    const rows: AuditRow[] = [];
    for (let i = 0; i < seqs.length; i += 5_000) rows.push(...(await this.prisma.auditEntry.findMany({ where: { seq: { in: seqs.slice(i, i + 5_000) } }, orderBy: { seq: 'asc' } })));
    return rows;
  }

  /** Task titles of these flows (from their task.created entries). */
  private async titles(workflowIds: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(workflowIds.filter((id): id is string => id !== null))];
    const rows: Pick<AuditRow, 'action' | 'workflowId' | 'taskKey' | 'detail'>[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(...(await this.prisma.auditEntry.findMany({ where: { workflowId: { in: ids.slice(i, i + 500) }, action: 'task.created' }, select: { action: true, workflowId: true, taskKey: true, detail: true } })));
    }
    return taskTitlesOf(rows);
  }

  private completionItem(r: AuditRow, titles: Map<string, string>) {
    const d = asDetail(r.detail);
    const completedAt = str(d.at) ?? r.occurredAt.toISOString();
    const dueDate = str(d.dueDate);
    const doneOn = this.calendar.dateOf(Date.parse(completedAt));
    return {
      flowId: r.workflowId ?? '',
      flowType: r.flowType,
      task: r.taskKey ?? '',
      title: titles.get(`${r.workflowId ?? ''}#${r.taskKey ?? ''}`) ?? r.taskKey ?? '',
      rule: r.rule,
      dueDate,
      completedAt,
      completedBy: str(d.by) ?? r.actor,
      daysLate: dueDate && d.late === true ? Math.max(daysBetween(dueDate, doneOn), 0) : null,
      lateReason: str(d.lateReason),
      seq: r.seq.toString(),
      hash: r.hash,
    };
  }

  /** Open tasks of running flows whose due date is before `today`, and credentials past due; most overdue first. */
  private async openObligations(today: string): Promise<OpenObligation[]> {
    const flows = await this.prisma.flow.findMany({ where: { status: 'running' }, orderBy: { startedAt: 'asc' } });
    const byFlow = new Map<string, LedgerRow[]>();
    for (let i = 0; i < flows.length; i += 500) {
      const rows = await this.prisma.auditEntry.findMany({
        where: { workflowId: { in: flows.slice(i, i + 500).map((f) => f.workflowId) }, action: { in: CHECKLIST_ACTIONS } },
        orderBy: { seq: 'asc' },
        select: { seq: true, occurredAt: true, actor: true, action: true, taskKey: true, rule: true, detail: true, workflowId: true },
      });
      for (const row of rows) {
        const list = byFlow.get(row.workflowId!) ?? [];
        list.push(row);
        byFlow.set(row.workflowId!, list);
      }
    }
    const items: OpenObligation[] = [];
    for (const flow of flows) {
      const view = flowViewFromLedger(summaryOf(flow), byFlow.get(flow.workflowId) ?? []);
      for (const t of view.tasks) {
        if (t.status !== 'open' || t.dueDate >= today) continue;
        items.push({ flowId: flow.workflowId, flowType: flow.flowType, subjectId: flow.subjectId, task: t.key, title: t.title, assignee: t.assignee.email, dueDate: t.dueDate, daysOverdue: daysBetween(t.dueDate, today), rule: t.rule?.citation ?? null });
      }
    }
    const credentials = await this.prisma.credential.findMany({ where: { dueDate: { lt: new Date(`${today}T00:00:00Z`) }, status: { not: 'retired' } }, orderBy: { dueDate: 'asc' } });
    for (const c of credentials) {
      const dueDate = c.dueDate.toISOString().slice(0, 10);
      items.push({ flowId: c.workflowId, flowType: 'credential', subjectId: c.providerId, task: 'renewal', title: `${c.type} renewal (${c.credentialId}, ${c.status})`, assignee: c.ownerEmail, dueDate, daysOverdue: daysBetween(dueDate, today), rule: null });
    }
    return items.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.flowId.localeCompare(b.flowId) || a.task.localeCompare(b.task));
  }

  /**
   * The export document, with the chain head as it is now. The chain is not walked here (that
   * takes seconds on a large ledger); whoever checks the export later verifies the chain then
   * (verify-export), and the head the export quotes must still be in it.
   */
  private async document(scope: ExportScope, rows: AuditRow[], exportedBy: string): Promise<ExportDocument> {
    const [head, count, titles] = await Promise.all([
      this.prisma.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } }),
      this.prisma.auditEntry.count(),
      this.titles(rows.map((r) => r.workflowId)),
    ]);
    return exportDocument({ scope, exportedBy, timeZone: this.timeZone, head: { entries: count, headSeq: head?.seq.toString() ?? null, headHash: head?.hash ?? GENESIS_HASH }, rows, titles });
  }

  private render(doc: ExportDocument, format: 'json' | 'csv' | 'html', name: string, report: { title: string; facts: [string, string][]; obligations?: ReportObligation[] }): ExportResult {
    if (format === 'json') return doc;
    const stamp = doc.exportedAt.slice(0, 10);
    if (format === 'csv') return { format, contentType: 'text/csv; charset=utf-8', filename: `${name}-${stamp}.csv`, content: exportCsv(doc), digest: doc.digest, chain: doc.chain };
    return { format, contentType: 'text/html; charset=utf-8', filename: `${name}-${stamp}.html`, content: exportHtml(doc, report), digest: doc.digest, chain: doc.chain };
  }

  /** The current run's history from Temporal. */
  private async liveHistory(flowId: string): Promise<{ runId: string; workflowType: string | null; status: string; closed: boolean; events: number; sha256: string; history: unknown }> {
    const handle = this.client.workflow.getHandle(flowId);
    const description = await this.temporal(() => handle.describe());
    const history = await this.temporal(() => this.client.workflow.getHandle(flowId, description.runId).fetchHistory());
    const json = historyAsJson(history);
    return {
      runId: description.runId,
      workflowType: workflowTypeOf(history) ?? description.type,
      status: description.status.name,
      closed: description.status.name !== 'RUNNING',
      events: history.events?.length ?? 0,
      sha256: historySha256(json),
      history: json,
    };
  }

  /** A payload that does not decrypt (a key missing from the ring) is a 409 naming the key, not a 500. */
  private async decrypt(history: unknown): Promise<{ history: unknown; decoded: number }> {
    try {
      return await decodeHistoryJson(history, this.dataConverter.payloadCodecs[0]);
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw conflict(`history: ${err.message}`);
      throw err;
    }
  }

  private async loadHistory(flowId: string): Promise<Omit<HistoryResult, 'decryptedPayloads'>> {
    const archivedRow = await this.prisma.auditHistory.findFirst({ where: { workflowId: flowId }, orderBy: { capturedAt: 'desc' } });
    const archived = archivedRow ? await this.archiveIntegrity(archivedRow) : null;
    try {
      const live = await this.liveHistory(flowId);
      return { flowId, runId: live.runId, workflowType: live.workflowType, source: 'temporal', status: live.status, events: live.events, sha256: live.sha256, archived, history: live.history };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (!archivedRow) throw notFound(`flowId: Temporal has no history of "${flowId}" (unknown, or deleted after its retention period) and none was archived`);
      return { flowId, runId: archivedRow.runId, workflowType: archivedRow.workflowType || null, source: 'archive', status: archivedRow.closed ? 'CLOSED' : null, events: archivedRow.eventCount, sha256: archivedRow.sha256, archived, history: archivedRow.history };
    }
  }

  /** Whether an archived history still is what the ledger recorded when it was archived. */
  private async archiveIntegrity(row: { workflowId: string; runId: string; capturedAt: Date; sha256: string; eventCount: number; history: unknown }): Promise<NonNullable<HistoryResult['archived']>> {
    const entry = await this.prisma.auditEntry.findFirst({
      where: { workflowId: row.workflowId, action: HISTORY_ARCHIVED_ACTION, runId: row.runId },
      orderBy: { seq: 'desc' },
    });
    const recorded = str(asDetail(entry?.detail).sha256);
    const actual = historySha256(row.history);
    return { capturedAt: row.capturedAt.toISOString(), sha256: row.sha256, events: row.eventCount, ledgerSeq: entry?.seq.toString() ?? null, matchesLedger: recorded !== null && recorded === actual && row.sha256 === actual };
  }
}

/** A flow the flow table does not hold (e.g. written before the table existed), from its flow.started entry. */
function summaryFromLedger(flowId: string, rows: readonly AuditRow[]): FlowSummary {
  const started = rows.find((r) => r.action === 'flow.started');
  const closed = [...rows].reverse().find((r) => r.action === 'flow.completed' || r.action === 'flow.cancelled');
  const d = asDetail(started?.detail);
  return {
    flowId,
    flowType: started?.flowType ?? rows[0]?.flowType ?? 'unknown',
    subjectId: str(d.subjectId) ?? '',
    title: str(d.title) ?? flowId,
    status: closed ? (closed.action === 'flow.completed' ? 'completed' : 'cancelled') : 'running',
    startedAt: (started ?? rows[0])?.occurredAt.toISOString() ?? '',
    startedBy: started?.actor ?? '',
    closedAt: closed?.occurredAt.toISOString() ?? null,
  };
}

function obligationsOf(view: FlowView): Obligation[] {
  return view.tasks.map((t) => ({
    task: t.key,
    title: t.title,
    rule: t.rule?.citation ?? null,
    assignee: t.assignee.email,
    dueDate: t.dueDate,
    status: t.status === 'open' && t.overdue ? 'OVERDUE' : t.status,
    completedBy: t.completion?.by ?? null,
    completedAt: t.completion?.at ?? null,
    late: t.completion?.late ?? false,
    lateReason: t.completion?.lateReason ?? null,
  }));
}

export type { TimelineLineView };
