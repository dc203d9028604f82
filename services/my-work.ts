// A person's own open work, the ONE query behind GET /api/me/tasks (the console's "My work", the
// CLI's `my-work`) and the calendar feed (./calendar-feed.ts), so the two never disagree:
//   - open tasks assigned to them in running flows, rebuilt from the audit ledger's task events
//     (the same rebuild the flow detail falls back to, with its `overdue`; one indexed query, no
//     Temporal call per flow, so a list of many flows stays fast and works while Temporal is down);
//   - credential due dates where they are the provider, the owner or the manager (credential table);
//   - open OSHA and fire-safety occurrences of sites they are responsible for (safety_occurrence, site).
import type { PracticeProfile } from '../domain/practice/profile';
import type { PrismaClient } from '../generated/prisma/client';
import type { MyCredential, MyOccurrence, MyTask, MyWork } from './auth-schemas';
import { practiceCalendar } from './credential-plan';
import { toServiceError } from './errors';
import { summaryOf } from './flow-rows';
import { CHECKLIST_ACTIONS, flowViewFromLedger, type LedgerRow } from './ledger-view';
import { occurrenceView } from './osha';
import { isoDateOfColumn as isoDate } from '../domain/calendar/iso-date';

export interface MyWorkOptions {
  prisma: PrismaClient;
  practice: PracticeProfile;
}


/** Overdue first (the longest overdue on top), then by due date; ties in a stable order. */
function byUrgency(a: MyTask, b: MyTask): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return a.dueDate.localeCompare(b.dueDate) || a.flowId.localeCompare(b.flowId) || a.key.localeCompare(b.key);
}

/** `email` is compared lower-cased, as identities are stored. */
export async function openWorkOf(prisma: PrismaClient, practice: PracticeProfile, email: string, now: Date = new Date()): Promise<MyWork> {
  const me = email.toLowerCase();
  const today = practiceCalendar(practice).dateOf(now.getTime());

  // Tasks: running flows where a task was ever created for this person, then each checklist from the ledger.
  const assigned = await prisma.auditEntry.findMany({
    where: { action: 'task.created', detail: { path: ['assignee'], equals: me }, workflowId: { not: null } },
    select: { workflowId: true },
    distinct: ['workflowId'],
  });
  const flows = await prisma.flow.findMany({ where: { workflowId: { in: assigned.map((a) => a.workflowId!) }, status: 'running' } });
  const rows = await prisma.auditEntry.findMany({
    where: { workflowId: { in: flows.map((f) => f.workflowId) }, action: { in: CHECKLIST_ACTIONS } },
    orderBy: { seq: 'asc' },
    select: { seq: true, occurredAt: true, actor: true, action: true, taskKey: true, rule: true, detail: true, workflowId: true },
  });
  const byFlow = new Map<string, LedgerRow[]>();
  for (const row of rows) {
    const list = byFlow.get(row.workflowId!);
    if (list) list.push(row);
    else byFlow.set(row.workflowId!, [row]);
  }
  const tasks: MyTask[] = [];
  for (const flow of flows) {
    const view = flowViewFromLedger(summaryOf(flow), byFlow.get(flow.workflowId) ?? [], now);
    for (const task of view.tasks) {
      if (task.status !== 'open' || task.assignee.email.toLowerCase() !== me) continue;
      tasks.push({
        flowId: flow.workflowId,
        flowType: flow.flowType,
        flowTitle: flow.title,
        key: task.key,
        title: task.title,
        due: task.due,
        dueDate: task.dueDate,
        overdue: task.overdue,
        rule: task.rule?.citation ?? null,
      });
    }
  }
  // A credential or OSHA occurrence flow that shows its open task above is not listed again below.
  const covered = new Set(tasks.map((t) => t.flowId));

  const credentialRows = await prisma.credential.findMany({
    where: { status: { not: 'retired' }, OR: [{ providerEmail: me }, { ownerEmail: me }, { managerEmail: me }] },
    orderBy: [{ dueDate: 'asc' }, { credentialId: 'asc' }],
  });
  const credentials: MyCredential[] = credentialRows
    .filter((c) => !covered.has(c.workflowId))
    .map((c) => ({ credentialId: c.credentialId, flowId: c.workflowId, type: c.type, jurisdiction: c.jurisdiction, issuer: c.issuer, providerId: c.providerId, dueDate: isoDate(c.dueDate), status: c.status }));

  const sites = await prisma.site.findMany({ where: { responsibleEmail: me, status: 'active' }, select: { siteId: true } });
  const occurrenceRows =
    sites.length === 0
      ? []
      : await prisma.safetyOccurrence.findMany({ where: { siteId: { in: sites.map((s) => s.siteId) }, status: 'open' }, orderBy: [{ dueDate: 'asc' }, { occurrenceKey: 'asc' }] });
  const occurrences: MyOccurrence[] = occurrenceRows
    .filter((o) => !covered.has(o.workflowId))
    .map((o) => ({
      occurrenceKey: o.occurrenceKey,
      flowId: o.workflowId,
      siteId: o.siteId,
      obligation: o.obligation,
      shift: o.shift,
      dueDate: isoDate(o.dueDate),
      overdue: occurrenceView(o, today).status === 'overdue',
      rule: o.rule,
    }));

  return { email: me, today, timeZone: practice.timeZone, tasks: tasks.sort(byUrgency), credentials, occurrences };
}

export class MyWorkService {
  constructor(private readonly options: MyWorkOptions) {}

  async of(email: string): Promise<MyWork> {
    try {
      return await openWorkOf(this.options.prisma, this.options.practice, email);
    } catch (err) {
      throw toServiceError(err, { operation: 'list your open work' }) ?? err;
    }
  }
}
