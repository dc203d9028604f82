// The billing lead's worklists and the prior-authorization metrics, from the flow table and the
// audit ledger (which the flows write before their Updates answer), so they need no Temporal call
// and keep working after Temporal's retention. Queries use the indexes: flow (flow_type, status,
// started_at), audit_entry (workflow_id, seq) and (action, occurred_at).
import type { Payer } from '../domain/payers/payer';
import type { Prisma } from '../generated/prisma/client';
import { APPEAL_FLOW_TYPE } from './appeals';
import { parseInput } from './errors';
import type { LedgerRow } from './ledger-view';
import { PRIOR_AUTH_FLOW_TYPE } from './prior-auth';
import {
  PriorAuthMetricsQuerySchema,
  WorklistQuerySchema,
  type AppealWorkItem,
  type AppealWorklist,
  type PriorAuthMetrics,
  type PriorAuthMetricsReport,
  type PriorAuthWorkItem,
  type PriorAuthWorklist,
} from './schemas';
import { TemporalService } from './temporal-service';

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const daysBetween = (from: string, to: string): number => Math.round(dayNumber(to) - dayNumber(from));
const round2 = (n: number): number => Math.round(n * 100) / 100;
const payerOf = (v: unknown): Payer | null => {
  const d = asDetail(v);
  return typeof d.type === 'string' ? (d as unknown as Payer) : null;
};

const SUBMITTED = ['prior_auth.submitted', 'prior_auth.resubmitted'];
const DECIDED = ['prior_auth.approved', 'prior_auth.denied', 'prior_auth.pended'];

/** Rows of running flows' ledgers, grouped by workflow id, oldest first. */
function byWorkflow(rows: readonly (LedgerRow & { workflowId: string | null })[]): Map<string, LedgerRow[]> {
  const map = new Map<string, LedgerRow[]>();
  for (const row of rows) {
    if (!row.workflowId) continue;
    const list = map.get(row.workflowId) ?? [];
    list.push(row);
    map.set(row.workflowId, list);
  }
  return map;
}

/** A prior authorization waiting on the payer (its last event a submission or a peer-to-peer choice), else undefined. */
export function priorAuthWorkItem(flow: { workflowId: string; subjectId: string; title: string }, rows: readonly LedgerRow[], now: number): PriorAuthWorkItem | undefined {
  let started: Detail = {};
  let waiting: 'submitted' | 'peer_to_peer' | undefined;
  let submission: Detail = {};
  for (const row of rows) {
    const d = asDetail(row.detail);
    if (row.action === 'flow.started') started = d;
    else if (SUBMITTED.includes(row.action)) {
      waiting = 'submitted';
      submission = { ...d, rule: row.rule };
    } else if (DECIDED.includes(row.action)) waiting = undefined;
    else if (row.action === 'prior_auth.denial_path_chosen') waiting = d.path === 'peer_to_peer' ? 'peer_to_peer' : undefined;
  }
  if (!waiting) return undefined;
  // After a peer-to-peer choice the payer's original clock has stopped: no deadline to flag.
  const dueAt = waiting === 'submitted' ? str(submission.decisionDueAt) : null;
  const dueMs = dueAt ? Date.parse(dueAt) : NaN;
  return {
    flowId: flow.workflowId,
    authorizationId: flow.subjectId,
    title: flow.title,
    payer: payerOf(started.payer),
    urgency: str(started.urgency),
    status: waiting,
    submission: num(submission.submission),
    submittedAt: str(submission.submittedAt),
    confirmationNumber: str(submission.confirmationNumber),
    decisionDueAt: dueAt,
    decisionDueDate: waiting === 'submitted' ? str(submission.decisionDueDate) : null,
    rule: waiting === 'submitted' ? str(submission.rule) : null,
    hoursLeft: Number.isNaN(dueMs) ? null : round2((dueMs - now) / 3_600_000),
    pastClock: !Number.isNaN(dueMs) && now >= dueMs,
  };
}

/** An open appeal's current level: the filing deadline, or the payer's decision due date once submitted. */
export function appealWorkItem(flow: { workflowId: string; subjectId: string; title: string }, rows: readonly LedgerRow[], today: string): AppealWorkItem {
  let started: Detail = {};
  let level: Detail = {};
  let submitted: Detail | undefined;
  for (const row of rows) {
    const d = asDetail(row.detail);
    if (row.action === 'flow.started') started = d;
    else if (row.action === 'appeal.level_started') {
      level = d;
      submitted = undefined;
    } else if (row.action === 'appeal.submitted') submitted = d;
  }
  const filingDeadline = str(level.filingDeadline);
  const decisionDue = submitted ? str(submitted.decisionDue) : null;
  const dueDate = submitted ? decisionDue : filingDeadline;
  const daysUntilDue = dueDate ? daysBetween(today, dueDate) : null;
  return {
    flowId: flow.workflowId,
    appealId: flow.subjectId,
    claimId: str(started.claimId) ?? str(level.claimId),
    title: flow.title,
    payer: payerOf(started.payer),
    level: str(level.level),
    stage: submitted ? 'awaiting_decision' : 'filing',
    filingDeadline,
    daysLeft: filingDeadline ? daysBetween(today, filingDeadline) : null,
    submittedAt: submitted ? str(submitted.submittedAt) : null,
    decisionDue,
    dueDate,
    daysUntilDue,
    overdue: daysUntilDue !== null && daysUntilDue < 0,
  };
}

interface DecisionFact {
  workflowId: string;
  outcome: 'approved' | 'denied' | 'pended';
  hours: number | null;
  afterClock: boolean;
}

function metricsOf(requests: number, decisions: readonly DecisionFact[]): PriorAuthMetrics {
  const count = (o: DecisionFact['outcome']) => decisions.filter((d) => d.outcome === o).length;
  const approved = count('approved');
  const denied = count('denied');
  const pended = count('pended');
  const determinations = decisions.filter((d) => d.outcome !== 'pended');
  const hours = determinations.flatMap((d) => (d.hours === null ? [] : [d.hours])).sort((a, b) => a - b);
  const median = hours.length === 0 ? null : hours.length % 2 === 1 ? hours[(hours.length - 1) / 2]! : (hours[hours.length / 2 - 1]! + hours[hours.length / 2]!) / 2;
  return {
    requests,
    decisions: decisions.length,
    approved,
    denied,
    pended,
    approvalRate: decisions.length === 0 ? null : round2(approved / decisions.length),
    denialRate: decisions.length === 0 ? null : round2(denied / decisions.length),
    averageDecisionHours: hours.length === 0 ? null : round2(hours.reduce((a, b) => a + b, 0) / hours.length),
    medianDecisionHours: median === null ? null : round2(median),
    decidedAfterClock: determinations.filter((d) => d.afterClock).length,
  };
}

const payerKey = (p: Payer): string => [p.type, p.id ?? p.name ?? ''].filter(Boolean).join(':');

export class WorklistService extends TemporalService {
  /** Open appeals, soonest due first: the filing deadline, or the payer's decision due date once submitted. */
  async appealWorklist(query: unknown = {}): Promise<AppealWorklist> {
    return this.guard({ operation: 'read the appeals worklist' }, async () => {
      const q = parseInput(WorklistQuerySchema, query);
      const today = this.calendar.dateOf(Date.now());
      const flows = await this.prisma.flow.findMany({ where: { flowType: APPEAL_FLOW_TYPE, status: 'running' }, orderBy: [{ startedAt: 'asc' }], take: 2000 });
      const ledgers = await this.ledgers(flows.map((f) => f.workflowId), ['flow.started', 'appeal.level_started', 'appeal.submitted']);
      const items = flows.map((f) => appealWorkItem(f, ledgers.get(f.workflowId) ?? [], today));
      items.sort((a, b) => (a.dueDate ?? '9999-12-31').localeCompare(b.dueDate ?? '9999-12-31') || a.flowId.localeCompare(b.flowId));
      return { today, timeZone: this.calendar.timeZone, items: items.slice(0, q.limit) };
    });
  }

  /** Prior authorizations waiting on the payer, soonest decision due first; pastClock when the payer has missed it. */
  async priorAuthWorklist(query: unknown = {}): Promise<PriorAuthWorklist> {
    return this.guard({ operation: 'read the prior-authorization worklist' }, async () => {
      const q = parseInput(WorklistQuerySchema, query);
      const now = Date.now();
      const flows = await this.prisma.flow.findMany({ where: { flowType: PRIOR_AUTH_FLOW_TYPE, status: 'running' }, orderBy: [{ startedAt: 'asc' }], take: 2000 });
      const ledgers = await this.ledgers(flows.map((f) => f.workflowId), ['flow.started', ...SUBMITTED, ...DECIDED, 'prior_auth.denial_path_chosen']);
      const items = flows.flatMap((f) => priorAuthWorkItem(f, ledgers.get(f.workflowId) ?? [], now) ?? []);
      const dueMs = (i: PriorAuthWorkItem) => (i.decisionDueAt ? Date.parse(i.decisionDueAt) : Number.POSITIVE_INFINITY);
      items.sort((a, b) => dueMs(a) - dueMs(b) || a.flowId.localeCompare(b.flowId));
      return { now: this.calendar.formatInstant(now), timeZone: this.calendar.timeZone, items: items.slice(0, q.limit) };
    });
  }

  /**
   * CMS-0057-F style metrics for the practice's own requests, from the ledger, for [from, to] in
   * the practice's time zone (by when each event was recorded): requests = first submissions;
   * decisions = approvals, denials and pended requests; decision time = hours from the submission
   * to the payer's approval or denial; decidedAfterClock = approvals and denials past the clock.
   */
  async priorAuthMetrics(query: unknown): Promise<PriorAuthMetricsReport> {
    return this.guard({ operation: 'report prior-authorization metrics' }, async () => {
      const q = parseInput(PriorAuthMetricsQuerySchema, query);
      const window = { gte: new Date(this.calendar.endOf(this.calendar.addCalendarDays(q.from, -1))), lt: new Date(this.calendar.endOf(q.to)) };
      const inWindow = await this.prisma.auditEntry.findMany({
        where: { action: { in: ['prior_auth.submitted', ...DECIDED] }, occurredAt: window, flowType: PRIOR_AUTH_FLOW_TYPE },
        orderBy: { seq: 'asc' },
      });
      const ids = [...new Set(inWindow.flatMap((r) => (r.workflowId ? [r.workflowId] : [])))];
      // The payer (flow.started) and the submission each decision answers, whenever they were recorded.
      const context = await this.ledgers(ids, ['flow.started', ...SUBMITTED]);
      const payers = new Map<string, Payer>();
      const submittedAt = new Map<string, string>();
      for (const [id, rows] of context) {
        for (const row of rows) {
          const d = asDetail(row.detail);
          if (row.action === 'flow.started') {
            const payer = payerOf(d.payer);
            if (payer) payers.set(id, payer);
          } else if (typeof d.submittedAt === 'string') submittedAt.set(`${id}#${String(d.submission)}`, d.submittedAt);
        }
      }
      const requests: string[] = [];
      const decisions: DecisionFact[] = [];
      for (const row of inWindow) {
        if (!row.workflowId) continue;
        const d = asDetail(row.detail);
        if (row.action === 'prior_auth.submitted') {
          requests.push(row.workflowId);
          continue;
        }
        const outcome = row.action.slice('prior_auth.'.length) as DecisionFact['outcome'];
        const from = submittedAt.get(`${row.workflowId}#${String(d.submission)}`);
        const received = str(d.receivedAt);
        const hours = from && received ? (Date.parse(received) - Date.parse(from)) / 3_600_000 : null;
        const dueAt = str(d.decisionDueAt);
        const afterClock = d.withinDeadline === false || (d.withinDeadline === undefined && dueAt !== null && received !== null && Date.parse(received) > Date.parse(dueAt));
        decisions.push({ workflowId: row.workflowId, outcome, hours, afterClock });
      }
      const keys = new Map<string, Payer>();
      for (const id of ids) {
        const payer = payers.get(id);
        if (payer) keys.set(payerKey(payer), payer);
      }
      const ofPayer = (key: string) => (id: string) => {
        const p = payers.get(id);
        return p !== undefined && payerKey(p) === key;
      };
      return {
        from: q.from,
        to: q.to,
        timeZone: this.calendar.timeZone,
        overall: metricsOf(requests.length, decisions),
        payers: [...keys.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, payer]) => ({ payer, key, ...metricsOf(requests.filter(ofPayer(key)).length, decisions.filter((d) => ofPayer(key)(d.workflowId))) })),
      };
    });
  }

  /** The named ledger entries of these workflows, grouped by workflow, oldest first (index workflow_id, seq). */
  private async ledgers(workflowIds: string[], actions: string[]): Promise<Map<string, LedgerRow[]>> {
    const rows: (LedgerRow & { workflowId: string | null })[] = [];
    for (let i = 0; i < workflowIds.length; i += 500) {
      const where: Prisma.AuditEntryWhereInput = { workflowId: { in: workflowIds.slice(i, i + 500) }, action: { in: actions } };
      rows.push(...(await this.prisma.auditEntry.findMany({ where, orderBy: { seq: 'asc' } })));
    }
    return byWorkflow(rows);
  }
}
