// The ledger as an auditor reads it: one sentence per entry, in the practice's time zone, naming
// the person who acted (the ledger records the person wherever one acted; `system:practiceflow`
// only for what PracticeFlow did by itself, e.g. sending a reminder). Pure functions over rows.
import { DateTime } from 'luxon';

import type { LedgerEntry } from './ledger';
import { ACCESS_ACTIONS, SIGN_IN_ACTIONS } from './retention';

/** A ledger row as the database returns it: the chained entry and, once purged, who redacted it. */
export type AuditRow = LedgerEntry & { purgedBy: bigint | null };

export interface TimelineLine {
  seq: string;
  /** ISO 8601 instant. */
  at: string;
  /** `YYYY-MM-DD HH:mm` in the practice's time zone. */
  local: string;
  actor: string;
  /** False for PracticeFlow itself (`system:...`), a service account (`service:...`) and redacted entries. */
  actorIsPerson: boolean;
  action: string;
  flowId: string | null;
  flowType: string | null;
  task: string | null;
  taskTitle: string | null;
  rule: string | null;
  dueDate: string | null;
  /** The sentence: "reminder sent to dana@clinic.example for I-9 Section 2 (due 2026-11-27, 8 CFR 274a.2(b)(1)(ii))". */
  text: string;
  purged: boolean;
  prevHash: string;
  hash: string;
}

type Detail = Record<string, unknown>;
const asDetail = (v: unknown): Detail => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Detail) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** A person acted: not PracticeFlow itself (`system:`), not a service account (`service:`, an integration). */
export const isPerson = (actor: string): boolean => !actor.startsWith('system:') && !actor.startsWith('service:') && actor !== 'redacted';

/** "user x@clinic.example" or "service account service:hr-system". */
const accountOf = (d: Detail): string => `${str(d.email)?.startsWith('service:') ? 'service account' : 'user'} ${str(d.email) ?? '?'}`;

export function localTime(at: Date | string, zone: string): string {
  const dt = (typeof at === 'string' ? DateTime.fromISO(at, { zone: 'utc' }) : DateTime.fromJSDate(at)).setZone(zone);
  return dt.isValid ? dt.toFormat('yyyy-LL-dd HH:mm') : String(at);
}

/** Task titles by `<workflowId>#<taskKey>`, from task.created entries. */
export type TaskTitles = ReadonlyMap<string, string>;
export const titleKey = (workflowId: string | null, taskKey: string | null): string => `${workflowId ?? ''}#${taskKey ?? ''}`;

export function taskTitlesOf(rows: readonly Pick<AuditRow, 'action' | 'workflowId' | 'taskKey' | 'detail'>[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const row of rows) {
    const title = str(asDetail(row.detail).title);
    if (row.action === 'task.created' && row.taskKey && title) titles.set(titleKey(row.workflowId, row.taskKey), title);
  }
  return titles;
}

const NOTICE_NAMES: Record<string, string> = {
  reminder: 'reminder',
  due: 'due-date notice',
  escalation: 'escalation',
  overdue: 'overdue escalation',
};

function dueAndRule(due: string | undefined, rule: string | null): string {
  const parts = [due ? `due ${due}` : undefined, rule ?? undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The sentence for one entry (without its time). */
export function describeEntry(row: AuditRow, titles: TaskTitles, zone: string): string {
  const d = asDetail(row.detail);
  const task = row.taskKey ? (titles.get(titleKey(row.workflowId, row.taskKey)) ?? str(d.title) ?? row.taskKey) : undefined;
  const due = str(d.dueDate);
  if (row.purgedBy !== null) {
    return `[redacted past its retention period by purge entry ${row.purgedBy.toString()}] ${row.action}${task ? ` for ${task}` : ''}`;
  }
  if (row.action.startsWith('notice.') && row.action !== 'notice.undeliverable') {
    const kind = row.action.slice('notice.'.length);
    const to = list(d.to);
    const cc = list(d.cc);
    return `${NOTICE_NAMES[kind] ?? `${kind} notice`} sent to ${to.join(', ') || '(no recipient)'}${cc.length ? ` (cc ${cc.join(', ')})` : ''}${task ? ` for ${task}` : ''}${dueAndRule(due, row.rule)}`;
  }
  switch (row.action) {
    case 'flow.started':
      return `flow started by ${row.actor}: ${str(d.title) ?? row.workflowId ?? ''}${str(d.startDate) ? ` (start date ${str(d.startDate)})` : ''}`;
    case 'task.created':
      return `required: ${task ?? row.taskKey ?? 'a task'} of ${str(d.assignee) ?? '(unassigned)'}${dueAndRule(due, row.rule)}${isPerson(row.actor) || row.actor.startsWith('service:') ? `; set by ${row.actor}` : ''}`;
    case 'task.completed': {
      const by = str(d.by) ?? row.actor;
      const parts = [`${task ?? row.taskKey ?? 'task'} completed by ${by}`];
      const at = str(d.at);
      if (at && Math.abs(Date.parse(at) - row.occurredAt.getTime()) > 60_000) parts.push(`(done ${localTime(at, zone)}, recorded later)`);
      if (d.late === true) parts.push(`LATE (due ${due ?? '?'}): ${str(d.lateReason) ?? 'no reason recorded'}`);
      if (str(d.outcome)) parts.push(`outcome: ${str(d.outcome)}`);
      if (str(d.note)) parts.push(`(note: ${str(d.note)})`);
      return parts.join(' ');
    }
    case 'task.due_changed':
      return `due date of ${task ?? row.taskKey} moved from ${str(d.from) ?? '?'} to ${str(d.to) ?? '?'} by ${row.actor}${str(d.reason) ? `: ${str(d.reason)}` : ''}`;
    case 'notice.undeliverable':
      return `notice${task ? ` for ${task}` : ''} could not be delivered to ${[...list(d.recipients), ...list(d.to)].join(', ') || '(unknown)'}: ${str(d.reason) ?? 'no reason given'}`;
    case 'escalation.undeliverable_notice':
      return `manager ${list(d.to).join(', ')} told that a notice${task ? ` for ${task}` : ''} was undeliverable`;
    case 'onboarding.start_date_changed':
      return `start date changed from ${str(d.from) ?? '?'} to ${str(d.to) ?? '?'} by ${row.actor}${str(d.reason) ? `: ${str(d.reason)}` : ''}; ${Array.isArray(d.moved) ? d.moved.length : 0} open task(s) moved`;
    case 'flow.cancelled':
      return `flow cancelled by ${row.actor}${str(d.reason) ? `: ${str(d.reason)}` : ''}`;
    case 'flow.completed':
      return `flow completed${str(d.outcome) ? ` (${str(d.outcome)})` : str(d.status) ? ` (${str(d.status)})` : ''}`;
    case 'audit.purged':
      return `${Array.isArray(d.entries) ? d.entries.length : 0} entries past their retention period purged by ${row.actor} (as of ${str(d.asOf) ?? '?'})`;
    case 'audit.accessed': {
      const subject = asDetail(d.subject);
      return `${row.actor} read the audit record: ${str(d.operation) ?? '?'}${str(subject.id) ? ` ${str(subject.kind) ?? ''} ${str(subject.id)}` : ''}`.trim();
    }
    case 'audit.history_archived':
      return `Temporal history of ${row.workflowId ?? str(d.workflowId) ?? '?'} archived by ${row.actor} (${String(d.eventCount ?? '?')} events, sha256 ${str(d.sha256)?.slice(0, 12) ?? '?'}...)`;
    case ACCESS_ACTIONS.userCreated:
      return `user ${str(d.email) ?? '?'} created as ${str(d.role) ?? '?'} by ${row.actor}`;
    case ACCESS_ACTIONS.userDisabled:
      return `${accountOf(d)} (${str(d.role) ?? '?'}) disabled by ${row.actor}; ${String(d.sessionsEnded ?? 0)} session(s) ended${typeof d.tokensRevoked === 'number' && d.tokensRevoked > 0 ? `, ${d.tokensRevoked} API token(s) revoked` : ''}`;
    case ACCESS_ACTIONS.userEnabled:
      return `${accountOf(d)} (${str(d.role) ?? '?'}) enabled again by ${row.actor}`;
    case ACCESS_ACTIONS.serviceAccountCreated:
      return `service account ${str(d.email) ?? '?'} created as ${str(d.role) ?? '?'} by ${row.actor}`;
    case SIGN_IN_ACTIONS.locked:
      return `sign-in locked ${d.scope === 'address' ? 'from address' : 'for'} ${str(d.key) ?? '?'} until ${str(d.lockedUntil) ? localTime(str(d.lockedUntil)!, zone) : '?'} after ${String(d.failures ?? '?')} failed attempts (last from ${str(d.attemptFrom) ?? 'unknown'})`;
    case SIGN_IN_ACTIONS.unlocked:
      return `sign-in lock ${d.scope === 'address' ? 'on address' : 'on'} ${str(d.key) ?? '?'} lifted by ${row.actor} (${String(d.failures ?? '?')} failed attempts cleared)`;
    case ACCESS_ACTIONS.tokenCreated:
      return `API token "${str(d.name) ?? '?'}" for ${str(d.email) ?? '?'} issued by ${row.actor}`;
    case ACCESS_ACTIONS.tokenRevoked:
      return `API token "${str(d.name) ?? '?'}" of ${str(d.email) ?? '?'} revoked by ${row.actor}`;
    case 'workforce.separated':
      return `separation of ${str(d.subjectId) ?? '?'} on ${str(d.separatedOn) ?? '?'} recorded by ${row.actor}`;
    default: {
      const facts = ['reason', 'note', 'outcome', 'path', 'confirmationNumber', 'decisionDueAt', 'level']
        .flatMap((k) => (str(d[k]) ? [`${k}: ${str(d[k])}`] : []))
        .join('; ');
      return `${row.action.replace(/[._]/g, ' ')} by ${row.actor}${task ? ` for ${task}` : ''}${row.rule ? ` (${row.rule})` : ''}${facts ? `: ${facts}` : ''}`;
    }
  }
}

export function timelineLine(row: AuditRow, titles: TaskTitles, zone: string): TimelineLine {
  const d = asDetail(row.detail);
  return {
    seq: row.seq.toString(),
    at: row.occurredAt.toISOString(),
    local: localTime(row.occurredAt, zone),
    actor: row.actor,
    actorIsPerson: isPerson(row.actor),
    action: row.action,
    flowId: row.workflowId,
    flowType: row.flowType,
    task: row.taskKey,
    taskTitle: row.taskKey ? (titles.get(titleKey(row.workflowId, row.taskKey)) ?? str(d.title) ?? null) : null,
    rule: row.rule,
    dueDate: str(d.dueDate) ?? null,
    text: describeEntry(row, titles, zone),
    purged: row.purgedBy !== null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** "2026-11-24 09:00  reminder sent to ..." lines, oldest first. */
export function formatTimeline(lines: readonly TimelineLine[]): string {
  return lines.map((l) => `${l.local}  ${l.text}`).join('\n');
}
