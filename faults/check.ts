// What the fault suite counts once the faults are over and the flows had time to finish:
// - lost: a flow Temporal acknowledged that did not reach its end state (in Temporal, in the flow
//   or credential table, and in the ledger), or a sent email the mail sink never received;
// - duplicate rows: a business key twice (ledger, outbox, flow, credential tables) or a once-only
//   event of a flow recorded twice under different keys;
// - duplicate emails: a Message-ID delivered more than once. One is "in the window" (README,
//   "The one window that cannot be closed") when every delivery came before its outbox row was
//   marked sent, each from an attempt of its own (the row's attempts); any other is outside it,
//   and so is the same notice (flow, task, step) sent under two Message-IDs;
// - the chain: verifyAuditChain against the ledger notary's witness, as `audit verify` does.
import type { ReceivedMail } from '../devstack/mailbox';
import { delay } from '../devstack/process';
import { verifyAuditChain } from '../activities/audit/ledger';
import { notaryReport } from '../activities/audit/notary';
import { pendingWork } from './pending';
import { CHECKLIST_TASKS, type DrivenFlow } from './workload';
import type { FaultStack } from './stack';

export interface FlowsVerdict {
  flows: number;
  lost: number;
  emailsLost: number;
  duplicateRows: number;
  duplicateEmailsInWindow: number;
  duplicateEmailsOutside: number;
  /** The first few reasons, for the report. */
  details: string[];
}

const MAX_DETAILS = 12;
const ONCE = {
  checklist: [['flow.started', null], ...CHECKLIST_TASKS.flatMap((t) => [['task.created', t], ['task.completed', t]]), ['flow.completed', null]],
  credential: [['credential.added', null], ['credential.renewed', null]],
} as const;

export async function checkFlows(stack: FaultStack, all: DrivenFlow[]): Promise<FlowsVerdict> {
  const flows = all.filter((f) => f.started);
  const ids = flows.map((f) => f.workflowId);
  const details: string[] = [];
  const note = (line: string) => void (details.length < MAX_DETAILS && details.push(line));
  const { prisma } = stack;
  const [entries, flowRows, outbox, credentials] = await Promise.all([
    prisma.auditEntry.findMany({ where: { workflowId: { in: ids } }, select: { workflowId: true, action: true, taskKey: true } }),
    prisma.flow.findMany({ where: { workflowId: { in: ids } }, select: { workflowId: true, status: true } }),
    prisma.outboxEmail.findMany({ where: { workflowId: { in: ids } } }),
    prisma.credential.findMany({ where: { workflowId: { in: ids } }, select: { workflowId: true, cycle: true, dueDate: true } }),
  ]);
  const pending = await inBatches(ids, (id) => pendingWork(stack, id));
  let lost = 0;
  let duplicateRows = 0;
  for (const flow of flows) {
    const mine = entries.filter((e) => e.workflowId === flow.workflowId);
    const count = (action: string, task: string | null) => mine.filter((e) => e.action === action && (task === null || e.taskKey === task)).length;
    const missing: string[] = [];
    for (const [action, task] of ONCE[flow.kind]) {
      const n = count(action, task);
      if (n === 0) missing.push(`${action}${task ? ` ${task}` : ''} not in the ledger`);
      if (n > 1) {
        duplicateRows += n - 1;
        note(`${flow.workflowId}: ${action}${task ? ` ${task}` : ''} in the ledger ${n} times`);
      }
    }
    const sent = outbox.filter((o) => o.workflowId === flow.workflowId && o.status === 'sent').length;
    const status = pending.get(flow.workflowId)?.status;
    if (flow.kind === 'checklist') {
      if (status !== 'COMPLETED') missing.push(`Temporal says ${status ?? 'nothing'}`);
      if (flowRows.find((r) => r.workflowId === flow.workflowId)?.status !== 'completed') missing.push('flow row not completed');
      if (sent < CHECKLIST_TASKS.length) missing.push(`${sent} of ${CHECKLIST_TASKS.length} notices sent`);
    } else {
      if (status !== 'RUNNING') missing.push(`Temporal says ${status ?? 'nothing'}`);
      const row = credentials.find((r) => r.workflowId === flow.workflowId);
      if (!row || row.cycle !== 2 || row.dueDate.toISOString().slice(0, 10) !== flow.renewal?.to) missing.push(`credential row ${row ? `cycle ${row.cycle}, due ${row.dueDate.toISOString().slice(0, 10)}` : 'missing'}`);
      if (sent < 1) missing.push('renewal confirmation not sent');
    }
    if (missing.length > 0) {
      lost += 1;
      note(`${flow.workflowId} lost: ${missing.join('; ')} (Temporal: ${pending.get(flow.workflowId)?.summary ?? '?'})${flow.problems.length ? ` (driver: ${flow.problems.join('; ')})` : ''}`);
    }
  }
  const mail = stack.sink.messages().filter((m) => ids.includes(m.headers['x-practiceflow-flow'] ?? ''));
  const delivered = new Set(mail.map((m) => m.messageId));
  const emailsLost = outbox.filter((o) => o.status === 'sent' && !delivered.has(o.messageId)).length;
  if (emailsLost > 0) note(`${emailsLost} email(s) marked sent that the mail sink never received`);
  const duplicates = classifyDuplicates(mail, outbox, note);
  return { flows: flows.length, lost, emailsLost, duplicateRows, duplicateEmailsInWindow: duplicates.inWindow, duplicateEmailsOutside: duplicates.outside, details };
}

interface OutboxRow {
  messageId: string;
  status: string;
  attempts: number;
  sentAt: Date | null;
}

function classifyDuplicates(mail: ReceivedMail[], outbox: OutboxRow[], note: (line: string) => void): { inWindow: number; outside: number } {
  let inWindow = 0;
  let outside = 0;
  const byMessageId = groupBy(mail, (m) => m.messageId);
  for (const [messageId, deliveries] of byMessageId) {
    if (deliveries.length < 2) continue;
    const extra = deliveries.length - 1;
    const row = outbox.find((o) => o.messageId === messageId);
    // Every delivery before the row was marked sent (or it is not marked yet: still being retried).
    const beforeMarked = row !== undefined && (row.status === 'sent' ? row.sentAt !== null && deliveries.every((d) => Date.parse(d.receivedAt) <= row.sentAt!.getTime()) : row.status === 'sending' || row.status === 'pending');
    if (beforeMarked && row.attempts >= deliveries.length) {
      inWindow += extra;
    } else {
      outside += extra;
      note(`${messageId} delivered ${deliveries.length} times outside the window (row ${row ? `${row.status}, ${row.attempts} attempt(s), sent ${row.sentAt?.toISOString() ?? 'never'}` : 'missing'}; received ${deliveries.map((d) => d.receivedAt).join(', ')})`);
    }
  }
  // The same notice under two Message-IDs: two business keys for one step (e.g. a run id in the key).
  const byNotice = groupBy(mail, (m) => ['x-practiceflow-flow', 'x-practiceflow-task', 'x-practiceflow-step', 'x-practiceflow-due', 'x-practiceflow-scheduled-at'].map((h) => m.headers[h] ?? '').join('|'));
  for (const [notice, deliveries] of byNotice) {
    const distinct = new Set(deliveries.map((d) => d.messageId)).size;
    if (distinct < 2) continue;
    outside += distinct - 1;
    note(`one notice (${notice}) sent under ${distinct} Message-IDs`);
  }
  return { inWindow, outside };
}

/** Business keys present more than once anywhere (the unique indexes should make this 0). */
export async function duplicateKeys(stack: FaultStack): Promise<{ count: number; details: string[] }> {
  const queries: [string, string][] = [
    ['audit_entry.business_key', 'SELECT count(*) - count(DISTINCT business_key) AS n FROM audit_entry'],
    ['audit_entry.seq', 'SELECT count(*) - count(DISTINCT seq) AS n FROM audit_entry'],
    ['outbox_email.business_key', 'SELECT count(*) - count(DISTINCT business_key) AS n FROM outbox_email'],
    ['outbox_email.message_id', 'SELECT count(*) - count(DISTINCT message_id) AS n FROM outbox_email'],
    ['flow.workflow_id', 'SELECT count(*) - count(DISTINCT workflow_id) AS n FROM flow'],
    ['credential.credential_id', 'SELECT count(*) - count(DISTINCT credential_id) AS n FROM credential'],
  ];
  let count = 0;
  const details: string[] = [];
  for (const [what, sql] of queries) {
    const [row] = await stack.prisma.$queryRawUnsafe<{ n: bigint }[]>(sql);
    const n = Number(row?.n ?? 0);
    if (n > 0) details.push(`${n} duplicate ${what}`);
    count += n;
  }
  return { count, details };
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  message: string;
}

/**
 * `audit verify`: the chain and its end against the head row; with `wait`, also against the
 * ledger notary's witness and its evidence of a cut tail (at the end: the notary answers only
 * once a worker has its workflow again, which takes seconds after each kill).
 */
export async function verifyChain(stack: FaultStack, options: { witness: 'skip' | 'wait' }): Promise<ChainCheck> {
  if (options.witness === 'skip') {
    const verdict = await verifyAuditChain(stack.prisma);
    return verdict.ok ? { ok: true, entries: verdict.entries, message: `${verdict.entries} entries, head row matches` } : { ok: false, entries: verdict.entries, message: `${verdict.problem}: ${verdict.message}` };
  }
  // A query needs a worker: right after a restart the notary may not answer for a few seconds.
  let notary = await notaryReport(stack.client);
  for (let attempt = 1; notary.status === 'none' && attempt < 10; attempt++) {
    await delay(2_000);
    notary = await notaryReport(stack.client);
  }
  const verdict = await verifyAuditChain(stack.prisma, { witnessed: notary.status === 'witnessed' ? notary.head : undefined });
  if (!verdict.ok) return { ok: false, entries: verdict.entries, message: `${verdict.problem}: ${verdict.message}` };
  const witness = notary.status === 'witnessed' ? `witnessed up to entry ${notary.head.seq.toString()}` : `no witness (${notary.reason})`;
  if (notary.status === 'witnessed' && notary.regressions.length > 0) {
    return { ok: false, entries: verdict.entries, message: `the notary found the head lower than it had witnessed ${notary.regressions.length} time(s)` };
  }
  return { ok: true, entries: verdict.entries, message: `${verdict.entries} entries, ${witness}` };
}

/** `work` for every id, eight at a time. */
async function inBatches<T>(ids: string[], work: (id: string) => Promise<T>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (let i = 0; i < ids.length; i += 8) {
    await Promise.all(ids.slice(i, i + 8).map(async (id) => out.set(id, await work(id))));
  }
  return out;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
