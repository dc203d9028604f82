// What the audit ledger knows about a flow, as the service shows it: recent history entries, and
// (when Temporal no longer has the workflow, e.g. after its retention period) the checklist
// rebuilt from the ledger's task events. Pure functions over ledger rows.
import { DateTime } from 'luxon';
import { BusinessCalendar } from '../domain/calendar/business-calendar';
import { lateFrom } from '../domain/tasks/ladder';
import type { Due, FlowView, TaskCompletion, TaskView } from '../domain/tasks/model';
import type { FlowSummary, HistoryEntry } from './schemas';

/** The ledger actions flowViewFromLedger rebuilds a checklist from. */
export const CHECKLIST_ACTIONS = ['flow.started', 'task.created', 'task.completed', 'task.due_changed', 'onboarding.start_date_changed', 'flow.cancelled', 'flow.completed'];

export interface LedgerRow {
  seq: bigint;
  occurredAt: Date;
  actor: string;
  action: string;
  taskKey: string | null;
  rule: string | null;
  detail: unknown;
}

export function historyEntry(row: LedgerRow): HistoryEntry {
  return { seq: row.seq.toString(), at: row.occurredAt.toISOString(), actor: row.actor, action: row.action, task: row.taskKey, rule: row.rule };
}

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function dueOf(detail: Detail): Due | undefined {
  const due = asDetail(detail.due);
  if (typeof due.date === 'string') return { date: due.date };
  if (typeof due.at === 'string') return { at: due.at };
  return undefined;
}

function completionOf(row: LedgerRow): TaskCompletion {
  const d = asDetail(row.detail);
  const evidence = asDetail(d.evidence);
  return {
    by: str(d.by) ?? row.actor,
    at: str(d.at) ?? row.occurredAt.toISOString(),
    recordedAt: str(d.recordedAt) ?? row.occurredAt.toISOString(),
    note: str(d.note),
    lateReason: str(d.lateReason),
    outcome: str(d.outcome),
    evidence: Object.keys(evidence).length > 0 ? (evidence as Record<string, string>) : undefined,
    late: d.late === true,
  };
}

/**
 * The checklist as the ledger records it, in the order tasks were created. `summary` (the flow
 * projection row) is authoritative for the flow's status; task statuses follow the ledger.
 */
export function flowViewFromLedger(summary: FlowSummary, rows: readonly LedgerRow[], now: Date = new Date()): FlowView {
  let managerEmail = '';
  let timeZone = 'UTC';
  let cancelled: FlowView['cancelled'];
  let completedAt: string | undefined;
  const tasks = new Map<string, TaskView>();

  for (const row of [...rows].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))) {
    const d = asDetail(row.detail);
    const task = row.taskKey ? tasks.get(row.taskKey) : undefined;
    switch (row.action) {
      case 'flow.started':
        managerEmail = str(d.managerEmail) ?? managerEmail;
        timeZone = str(d.timeZone) ?? timeZone;
        break;
      case 'task.created': {
        if (!row.taskKey) break;
        const due = dueOf(d) ?? { date: str(d.dueDate) ?? '' };
        tasks.set(row.taskKey, {
          key: row.taskKey,
          title: str(d.title) ?? row.taskKey,
          assignee: { email: str(d.assignee) ?? '' },
          due,
          dueDate: str(d.dueDate) ?? ('date' in due ? due.date : due.at.slice(0, 10)),
          rule: row.rule ? { citation: row.rule } : undefined,
          required: d.required !== false,
          status: 'open',
          overdue: false,
        });
        break;
      }
      case 'task.completed':
        if (task) {
          task.status = 'completed';
          task.completion = completionOf(row);
        }
        break;
      case 'task.due_changed':
        if (task) {
          task.due = dueOf(d) ?? task.due;
          task.dueDate = str(d.to) ?? task.dueDate;
        }
        break;
      case 'onboarding.start_date_changed':
        for (const move of Array.isArray(d.moved) ? d.moved : []) {
          const m = asDetail(move);
          const moved = typeof m.task === 'string' ? tasks.get(m.task) : undefined;
          if (moved && typeof m.to === 'string') {
            moved.due = { date: m.to };
            moved.dueDate = m.to;
          }
        }
        break;
      case 'flow.cancelled':
        cancelled = { by: row.actor, reason: str(d.reason) ?? '', at: row.occurredAt.toISOString() };
        for (const t of tasks.values()) if (t.status === 'open') t.status = 'cancelled';
        break;
      case 'flow.completed':
        completedAt = row.occurredAt.toISOString();
        break;
    }
  }

  if (summary.status === 'cancelled') for (const t of tasks.values()) if (t.status === 'open') t.status = 'cancelled';
  // Late as the workflow counts it (lateFrom): a date from the end of its day in the flow's zone, an
  // instant (a payer's clock) from that instant. A zone the ledger cannot vouch for reads as UTC.
  const calendar = new BusinessCalendar({ timeZone: DateTime.now().setZone(timeZone).isValid ? timeZone : 'UTC' });
  for (const t of tasks.values()) t.overdue = summary.status === 'running' && t.status === 'open' && now.getTime() >= lateFrom(t.due, calendar);

  return {
    flowId: summary.flowId,
    flowType: summary.flowType,
    title: summary.title,
    status: summary.status,
    timeZone,
    managerEmail,
    startedAt: summary.startedAt,
    startedBy: summary.startedBy,
    cancelled,
    completedAt: completedAt ?? (summary.status === 'completed' ? (summary.closedAt ?? undefined) : undefined),
    tasks: [...tasks.values()],
  };
}
