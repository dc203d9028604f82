// A person's own due dates as an iCalendar feed (RFC 5545), built with ical-generator (maintained,
// widely used), for Outlook, Google Calendar or Apple Calendar to subscribe to:
//   - open tasks assigned to them in running flows, rebuilt from the audit ledger's task events
//     (the same rebuild the flow detail falls back to; one indexed query, no Temporal call per flow);
//   - credential due dates where they are the provider, the owner or the manager (credential table);
//   - open OSHA and fire-safety occurrences of sites they are responsible for (safety_occurrence, site).
// Date-due items are all-day events on the practice-time-zone date. Tasks due at an instant are
// timed events written in UTC (unambiguous in every client, no VTIMEZONE needed); the feed names the
// practice time zone (X-WR-TIMEZONE) for clients that display in it.
import ical from 'ical-generator';
import type { PrismaClient } from '../generated/prisma/client';
import type { PracticeProfile } from '../domain/practice/profile';
import { summaryOf } from './flow-rows';
import { CHECKLIST_ACTIONS, flowViewFromLedger, type LedgerRow } from './ledger-view';
import { toServiceError } from './errors';

export interface CalendarFeedOptions {
  prisma: PrismaClient;
  practice: PracticeProfile;
}

/** A YYYY-MM-DD date as the Date ical-generator writes as that all-day date. */
const allDay = (date: string): Date => new Date(`${date}T00:00:00Z`);
const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

export class CalendarFeedService {
  constructor(private readonly options: CalendarFeedOptions) {}

  async feed(email: string): Promise<string> {
    try {
      return await this.build(email.toLowerCase());
    } catch (err) {
      throw toServiceError(err, { operation: 'build the calendar feed' }) ?? err;
    }
  }

  private async build(email: string): Promise<string> {
    const { prisma, practice } = this.options;
    const calendar = ical({ name: `PracticeFlow: ${email}`, prodId: { company: 'PracticeFlow', product: 'practiceflow', language: 'EN' }, ttl: 60 * 60 });
    calendar.x([{ key: 'X-WR-TIMEZONE', value: practice.timeZone }]);

    // Tasks: running flows where a task was ever created for this person, then each checklist from the ledger.
    const assigned = await prisma.auditEntry.findMany({
      where: { action: 'task.created', detail: { path: ['assignee'], equals: email }, workflowId: { not: null } },
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
    for (const row of rows) byFlow.set(row.workflowId!, [...(byFlow.get(row.workflowId!) ?? []), row]);
    // A credential or OSHA occurrence flow that shows its open task here is not listed again below.
    const covered = new Set<string>();
    for (const flow of flows) {
      const view = flowViewFromLedger(summaryOf(flow), byFlow.get(flow.workflowId) ?? []);
      for (const task of view.tasks) {
        if (task.status !== 'open' || task.assignee.email.toLowerCase() !== email) continue;
        const description = [`Flow: ${flow.title} (${flow.workflowId})`, task.rule ? `Rule: ${task.rule.citation}` : undefined].filter(Boolean).join('\n');
        covered.add(flow.workflowId);
        const id = `task:${flow.workflowId}:${task.key}@practiceflow`;
        if ('at' in task.due) {
          const start = new Date(task.due.at);
          calendar.createEvent({ id, start, end: new Date(start.getTime() + 30 * 60_000), summary: `Due: ${task.title}`, description });
        } else {
          calendar.createEvent({ id, start: allDay(task.dueDate), allDay: true, summary: `Due: ${task.title}`, description });
        }
      }
    }

    const credentials = await prisma.credential.findMany({
      where: { status: { not: 'retired' }, OR: [{ providerEmail: email }, { ownerEmail: email }, { managerEmail: email }] },
      orderBy: { dueDate: 'asc' },
    });
    for (const c of credentials) {
      if (covered.has(c.workflowId)) continue;
      calendar.createEvent({
        id: `credential:${c.credentialId}:${isoDate(c.dueDate)}@practiceflow`,
        start: allDay(isoDate(c.dueDate)),
        allDay: true,
        summary: `Credential due: ${c.type}${c.jurisdiction ? ` ${c.jurisdiction}` : ''} (${c.providerId})`,
        description: `Credential ${c.credentialId}, status ${c.status}${c.issuer ? `, issuer ${c.issuer}` : ''}`,
      });
    }

    const sites = await prisma.site.findMany({ where: { responsibleEmail: email, status: 'active' }, select: { siteId: true } });
    if (sites.length > 0) {
      const occurrences = await prisma.safetyOccurrence.findMany({ where: { siteId: { in: sites.map((s) => s.siteId) }, status: 'open' }, orderBy: { dueDate: 'asc' } });
      for (const o of occurrences) {
        if (covered.has(o.workflowId)) continue;
        calendar.createEvent({
          id: `osha:${o.occurrenceKey}@practiceflow`,
          start: allDay(isoDate(o.dueDate)),
          allDay: true,
          summary: `Due: ${o.obligation.replaceAll('_', ' ')} (${o.siteId}${o.shift ? `, ${o.shift} shift` : ''})`,
          description: `Rule: ${o.rule}\nFlow: ${o.workflowId}`,
        });
      }
    }
    return calendar.toString();
  }
}
