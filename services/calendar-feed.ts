// A person's own due dates as an iCalendar feed (RFC 5545), built with ical-generator (maintained,
// widely used), for Outlook, Google Calendar or Apple Calendar to subscribe to. What is in it is
// their open work as GET /api/me/tasks lists it (./my-work.ts: open tasks in running flows,
// credential due dates, open OSHA and fire-safety occurrences), so the feed and the list agree.
// Date-due items are all-day events on the practice-time-zone date. Tasks due at an instant are
// timed events written in UTC (unambiguous in every client, no VTIMEZONE needed); the feed names the
// practice time zone (X-WR-TIMEZONE) for clients that display in it.
import ical from 'ical-generator';
import type { PrismaClient } from '../generated/prisma/client';
import type { PracticeProfile } from '../domain/practice/profile';
import { toServiceError } from './errors';
import { openWorkOf } from './my-work';

export interface CalendarFeedOptions {
  prisma: PrismaClient;
  practice: PracticeProfile;
}

/** A YYYY-MM-DD date as the Date ical-generator writes as that all-day date. */
const allDay = (date: string): Date => new Date(`${date}T00:00:00Z`);

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
    const work = await openWorkOf(prisma, practice, email);

    for (const task of work.tasks) {
      const description = [`Flow: ${task.flowTitle} (${task.flowId})`, task.rule ? `Rule: ${task.rule}` : undefined].filter(Boolean).join('\n');
      const id = `task:${task.flowId}:${task.key}@practiceflow`;
      if ('at' in task.due) {
        const start = new Date(task.due.at);
        calendar.createEvent({ id, start, end: new Date(start.getTime() + 30 * 60_000), summary: `Due: ${task.title}`, description });
      } else {
        calendar.createEvent({ id, start: allDay(task.dueDate), allDay: true, summary: `Due: ${task.title}`, description });
      }
    }

    for (const c of work.credentials) {
      calendar.createEvent({
        id: `credential:${c.credentialId}:${c.dueDate}@practiceflow`,
        start: allDay(c.dueDate),
        allDay: true,
        summary: `Credential due: ${c.type}${c.jurisdiction ? ` ${c.jurisdiction}` : ''} (${c.providerId})`,
        description: `Credential ${c.credentialId}, status ${c.status}${c.issuer ? `, issuer ${c.issuer}` : ''}`,
      });
    }

    for (const o of work.occurrences) {
      calendar.createEvent({
        id: `osha:${o.occurrenceKey}@practiceflow`,
        start: allDay(o.dueDate),
        allDay: true,
        summary: `Due: ${o.obligation.replaceAll('_', ' ')} (${o.siteId}${o.shift ? `, ${o.shift} shift` : ''})`,
        description: `Rule: ${o.rule}\nFlow: ${o.flowId}`,
      });
    }
    return calendar.toString();
  }
}
