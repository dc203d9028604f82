// The OSHA and fire-safety operations: register a site (its flow keeps the schedules in line
// with the profile), change or retire it, list occurrences (open, overdue, upcoming, completed),
// record an occurrence, the compliance calendar of a year, and the sharps injury log.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { appendInTransaction } from '../activities/audit/ledger';
import { BusinessCalendar } from '../domain/calendar/business-calendar';
import {
  applicableObligations,
  CATCH_UP_DAYS,
  occurrenceKeyOf,
  planSiteOccurrences,
  retainUntil,
  RETENTION,
  scheduledObligations,
  scheduleIdOf,
  SiteProfileSchema,
  siteWorkflowIdOf,
  type SiteProfile,
} from '../domain/osha';
import type { Prisma, SafetyOccurrence, Site } from '../generated/prisma/client';
import { changeSiteProfileUpdate, recordOccurrenceUpdate, retireSiteUpdate, siteQuery, type SiteView } from '../workflows/osha/definitions';
import type { SiteFlowInput } from '../workflows/osha/site';
import { conflict, invalid, notFound, parseInput } from './errors';
import { planOsha } from './osha-plan';
import {
  CalendarQuerySchema,
  ChangeSiteBodySchema,
  ListOccurrencesQuerySchema,
  ListSharpsQuerySchema,
  RecordOccurrenceBodySchema,
  RegisterSiteBodySchema,
  RetireSiteBodySchema,
  SharpsInjuryBodySchema,
  SiteIdSchema,
  type ComplianceCalendar,
  type OccurrenceView,
  type SiteViewResult,
} from './osha-schemas';
import { TemporalService } from './temporal-service';
import { isoDateOfColumn as isoDate } from '../domain/calendar/iso-date';

const ACTOR_HEADER = 'X-PracticeFlow-Actor';
const asDate = (d: string): Date => new Date(`${d}T00:00:00Z`);

/** An occurrence as the API shows it; open and past `today` (practice time zone) is `overdue`. */
export function occurrenceView(row: SafetyOccurrence, today: string): OccurrenceView {
  const open = row.status === 'open';
  return {
    occurrenceKey: row.occurrenceKey,
    siteId: row.siteId,
    obligation: row.obligation,
    period: row.period,
    shift: row.shift ?? undefined,
    employeeId: row.employeeId ?? undefined,
    dueDate: isoDate(row.dueDate),
    plannedAt: row.plannedAt ?? undefined,
    rule: row.rule,
    status: open && isoDate(row.dueDate) < today ? 'overdue' : row.status,
    flowId: row.workflowId,
    completion:
      row.completedAt && row.recordedBy && row.retainUntil
        ? {
            completedAt: row.completedAt.toISOString(),
            recordedBy: row.recordedBy,
            late: row.late ?? false,
            lateReason: row.lateReason ?? undefined,
            participants: row.participants,
            durationMinutes: row.durationMinutes ?? undefined,
            findings: row.findings ?? '',
            correctiveActions: (row.correctiveActions ?? []) as { action: string; owner: string; due?: string }[],
            retainUntil: isoDate(row.retainUntil),
          }
        : undefined,
  };
}

export class OshaService extends TemporalService {
  private get siteCalendar() {
    return { timeZone: this.practice.timeZone, closureDays: this.practice.closureDays, observeInaugurationDay: this.practice.observeInaugurationDay };
  }

  private today(timeZone = this.practice.timeZone): string {
    return new BusinessCalendar({ timeZone }).dateOf(Date.now());
  }

  plan(body: unknown) {
    return this.guard({ operation: 'plan the site' }, async () => {
      const b = (body ?? {}) as { site?: unknown; from?: unknown; to?: unknown };
      return planOsha(b.site, { from: b.from, to: b.to });
    });
  }

  /** Registers a site: its flow creates one schedule per obligation and starts the BBP cycles. */
  async registerSite(body: unknown, actor?: string): Promise<SiteViewResult> {
    return this.guard({ operation: 'register the site' }, async () => {
      const input = parseInput(RegisterSiteBodySchema, body);
      const by = actor ?? input.by ?? input.contacts.managerEmail;
      const siteId = input.profile.siteId;
      const existing = await this.prisma.site.findUnique({ where: { siteId } });
      if (existing) throw conflict(`profile.siteId: site ${siteId} is already registered (${existing.status}); change its profile instead`);
      const flowId = siteWorkflowIdOf(siteId);
      const args: SiteFlowInput = { profile: input.profile, contacts: input.contacts, practice: this.siteCalendar, by };
      try {
        await this.temporal(() => this.client.workflow.start('oshaSiteFlow', { taskQueue: this.taskQueue, workflowId: flowId, workflowIdReusePolicy: 'REJECT_DUPLICATE', args: [args] }));
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`profile.siteId: site ${siteId} is already registered (flow ${flowId})`);
        throw err;
      }
      return {
        siteId,
        status: 'active',
        version: 1,
        registeredOn: this.today(input.profile.timeZone),
        profile: input.profile,
        contacts: input.contacts,
        obligations: applicableObligations(input.profile),
        schedules: scheduledObligations(input.profile).map((o) => scheduleIdOf(siteId, o)),
        flowId,
      };
    });
  }

  async listSites(): Promise<{ sites: Omit<SiteViewResult, 'contacts'>[] }> {
    return this.guard({ operation: 'list sites' }, async () => {
      const rows = await this.prisma.site.findMany({ orderBy: { siteId: 'asc' } });
      return { sites: rows.map((r) => this.siteRowView(r)) };
    });
  }

  private siteRowView(r: Site): SiteViewResult {
    const profile = SiteProfileSchema.parse(r.profile);
    return {
      siteId: r.siteId,
      status: r.status,
      version: r.version,
      registeredOn: r.registeredOn ? isoDate(r.registeredOn) : undefined,
      profile,
      obligations: applicableObligations(profile),
      schedules: r.schedules,
      flowId: r.workflowId,
    };
  }

  /** The site as its flow holds it; from the site table when Temporal cannot show it. */
  async getSite(siteId: string): Promise<SiteViewResult> {
    const flowId = siteWorkflowIdOf(siteId);
    return this.guard({ operation: 'show the site', flowId }, async () => {
      parseInput(SiteIdSchema, siteId, 'siteId');
      const row = await this.prisma.site.findUnique({ where: { siteId } });
      try {
        const view: SiteView = await this.temporal(() => this.client.workflow.getHandle(flowId).query(siteQuery));
        return { ...view, flowId };
      } catch (err) {
        if (!row) throw notFound(`siteId: no site "${siteId}"`);
        const { row: recorded, notice } = this.recordedInstead(err, row, { operation: 'show the site', flowId }, {
          forgotten: 'Temporal no longer has this site flow; shown from the site table.',
          unavailable: 'shown from the site table, which may lag behind.',
        });
        return { ...this.siteRowView(recorded), notice };
      }
    });
  }

  async changeSite(siteId: string, body: unknown): Promise<SiteViewResult> {
    const flowId = siteWorkflowIdOf(siteId);
    return this.sendUpdate({ flowId, field: 'siteId', subject: { id: siteId, schema: SiteIdSchema } }, 'change the site profile', ChangeSiteBodySchema, body, async (handle, input) => ({
      ...(await handle.executeUpdate(changeSiteProfileUpdate, { args: [input] })),
      flowId,
    }));
  }

  async retireSite(siteId: string, body: unknown): Promise<SiteViewResult> {
    const flowId = siteWorkflowIdOf(siteId);
    return this.sendUpdate({ flowId, field: 'siteId', subject: { id: siteId, schema: SiteIdSchema } }, 'retire the site', RetireSiteBodySchema, body, async (handle, input) => ({
      ...(await handle.executeUpdate(retireSiteUpdate, { args: [input] })),
      flowId,
    }));
  }

  /** Records a drill, inspection, training or review (the completion record the rule asks for). */
  async recordOccurrence(flowId: string, body: unknown) {
    if (!/^osha-(occurrence|bbp)-/.test(flowId)) {
      return this.guard({ operation: 'record the occurrence' }, async () => {
        throw invalid([{ path: 'flowId', message: 'must be an occurrence flow id (osha-occurrence-... or osha-bbp-...), as listed by the occurrences' }]);
      });
    }
    return this.sendUpdate({ flowId, field: 'flowId' }, 'record the occurrence', RecordOccurrenceBodySchema, body, (handle, input) =>
      handle.executeUpdate(recordOccurrenceUpdate, { args: [input] }),
    );
  }

  private async sitesFor(siteId?: string): Promise<{ profile: SiteProfile; anchor: string }[]> {
    const rows = await this.prisma.site.findMany({ where: { status: 'active', ...(siteId ? { siteId } : {}) } });
    return rows.map((r) => ({ profile: SiteProfileSchema.parse(r.profile), anchor: r.registeredOn ? isoDate(r.registeredOn) : isoDate(r.updatedAt) }));
  }

  /** Open, overdue and completed occurrences from the record; upcoming ones from the sites' plans. */
  async listOccurrences(query: unknown): Promise<{ occurrences: OccurrenceView[] }> {
    return this.guard({ operation: 'list occurrences' }, async () => {
      const q = parseInput(ListOccurrencesQuerySchema, query);
      const today = this.today();
      const where: Prisma.SafetyOccurrenceWhereInput = { siteId: q.siteId, obligation: q.obligation, employeeId: q.employeeId };
      if (q.status !== 'upcoming') {
        const status = q.status === 'completed' ? 'completed' : 'open';
        const rows = await this.prisma.safetyOccurrence.findMany({
          where: { ...where, status, ...(q.status === 'overdue' ? { dueDate: { lt: asDate(today) } } : {}) },
          orderBy: [{ dueDate: q.status === 'completed' ? 'desc' : 'asc' }, { occurrenceKey: 'asc' }],
          take: 500,
        });
        return { occurrences: rows.map((r) => occurrenceView(r, today)) };
      }
      // BBP training is never upcoming: each employee's cycle is open from the last training on.
      if (q.employeeId || q.obligation === 'bbp_training') return { occurrences: [] };
      const to = new BusinessCalendar({ timeZone: this.practice.timeZone }).addCalendarDays(today, q.withinDays);
      const known = new Set(
        (await this.prisma.safetyOccurrence.findMany({ where: { siteId: q.siteId, dueDate: { gte: asDate(today) } }, select: { occurrenceKey: true } })).map((r) => r.occurrenceKey),
      );
      const upcoming: OccurrenceView[] = [];
      for (const { profile, anchor } of await this.sitesFor(q.siteId)) {
        for (const occ of planSiteOccurrences(profile, today, to, anchor).occurrences) {
          if (occ.obligation === 'bbp_training' || (q.obligation && occ.obligation !== q.obligation)) continue;
          const key = occurrenceKeyOf(profile.siteId, occ);
          if (known.has(key)) continue;
          // A drill's planned time is left out: drills are unannounced, and lists are read by staff.
          const { at: _at, ...rest } = occ;
          void _at;
          upcoming.push({ ...rest, occurrenceKey: key, siteId: profile.siteId, status: 'upcoming' });
        }
      }
      upcoming.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.occurrenceKey.localeCompare(b.occurrenceKey));
      return { occurrences: upcoming };
    });
  }

  /** Everything due in a year at a site: done, late, open, overdue, missed (never opened) or upcoming. */
  async complianceCalendar(siteId: string, query: unknown): Promise<ComplianceCalendar> {
    return this.guard({ operation: 'build the compliance calendar' }, async () => {
      parseInput(SiteIdSchema, siteId, 'siteId');
      const { year } = parseInput(CalendarQuerySchema, query);
      const row = await this.prisma.site.findUnique({ where: { siteId } });
      if (!row) throw notFound(`siteId: no site "${siteId}"`);
      const profile = SiteProfileSchema.parse(row.profile);
      const calendar = new BusinessCalendar({ timeZone: profile.timeZone });
      const today = calendar.dateOf(Date.now());
      const anchor = row.registeredOn ? isoDate(row.registeredOn) : `${year}-01-01`;
      const from = `${year}-01-01`;
      const to = `${year}-12-31`;
      const rows = await this.prisma.safetyOccurrence.findMany({ where: { siteId, dueDate: { gte: asDate(from), lte: asDate(to) } } });
      const byKey = new Map(rows.map((r) => [r.occurrenceKey, r]));
      const entries: ComplianceCalendar['entries'] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        const view = occurrenceView(r, today);
        const state = r.status === 'completed' ? (r.late ? 'late' : 'done') : r.status === 'cancelled' ? 'cancelled' : view.status === 'overdue' ? 'overdue' : 'open';
        const { status: _status, ...rest } = view;
        void _status;
        entries.push({ ...rest, state, monthOf: view.dueDate.slice(0, 7) });
        seen.add(r.occurrenceKey);
      }
      for (const occ of planSiteOccurrences(profile, from, to, anchor).occurrences) {
        if (occ.obligation === 'bbp_training') continue;
        const key = occurrenceKeyOf(siteId, occ);
        if (seen.has(key) || byKey.has(key) || occ.dueDate < anchor) continue;
        // Not opened: upcoming while its notice may still come, missed once past the catch-up window.
        const state = calendar.addCalendarDays(occ.dueDate, CATCH_UP_DAYS) < today ? 'missed' : 'upcoming';
        const { at: _at, ...rest } = occ;
        void _at;
        entries.push({ ...rest, occurrenceKey: key, siteId, state, monthOf: occ.dueDate.slice(0, 7) });
      }
      entries.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.occurrenceKey.localeCompare(b.occurrenceKey));
      const summary = Object.fromEntries(['done', 'late', 'open', 'overdue', 'missed', 'upcoming', 'cancelled'].map((s) => [s, entries.filter((e) => e.state === s).length])) as ComplianceCalendar['summary'];
      return { siteId, year, summary, entries };
    });
  }

  /** Sharps injury log entry (29 CFR 1910.1030(h)(5)); audited; once per case id. */
  async recordSharpsInjury(body: unknown, actor?: string) {
    return this.guard({ operation: 'record the sharps injury' }, async () => {
      const input = parseInput(SharpsInjuryBodySchema, body);
      const by = actor ?? input.by;
      if (!by) throw invalid([{ path: 'by', message: `is required (or the ${ACTOR_HEADER} header): who records the entry` }]);
      const site = await this.prisma.site.findUnique({ where: { siteId: input.siteId }, select: { profile: true } });
      if (!site) throw notFound(`siteId: no site "${input.siteId}"`);
      // "Today" where the injury happened: the site's time zone.
      if (input.occurredOn > this.today(SiteProfileSchema.parse(site.profile).timeZone)) throw invalid([{ path: 'occurredOn', message: 'must not be in the future' }]);
      const existing = await this.prisma.sharpsInjury.findUnique({ where: { caseId: input.caseId } });
      if (existing) throw conflict(`caseId: case ${input.caseId} is already in the sharps injury log (recorded ${existing.recordedAt.toISOString()} by ${existing.recordedBy})`);
      const recordedAt = new Date();
      const keepUntil = retainUntil('sharps_injury', input.occurredOn);
      const { by: _by, ...entry } = input;
      void _by;
      // The log entry and its ledger entry in one transaction: neither exists without the other.
      await this.prisma.$transaction(async (tx) => {
        await tx.sharpsInjury.create({
          data: { ...entry, deviceBrand: entry.deviceBrand ?? null, occurredOn: asDate(entry.occurredOn), recordedBy: by, recordedAt, retainUntil: asDate(keepUntil) },
        });
        await appendInTransaction(tx, [
          {
            businessKey: `sharps-injury:${input.caseId}`,
            occurredAt: recordedAt.toISOString(),
            actor: by,
            action: 'osha.sharps_injury_recorded',
            flowType: 'osha_sharps_log',
            rule: RETENTION.sharps_injury.rule,
            detail: { ...entry, retainUntil: keepUntil },
          },
        ]);
      });
      return { ...entry, recordedBy: by, recordedAt: recordedAt.toISOString(), retainUntil: keepUntil };
    });
  }

  async listSharpsInjuries(query: unknown) {
    return this.guard({ operation: 'list the sharps injury log' }, async () => {
      const q = parseInput(ListSharpsQuerySchema, query);
      const rows = await this.prisma.sharpsInjury.findMany({
        where: { siteId: q.siteId, ...(q.year ? { occurredOn: { gte: asDate(`${q.year}-01-01`), lte: asDate(`${q.year}-12-31`) } } : {}) },
        orderBy: [{ occurredOn: 'asc' }, { caseId: 'asc' }],
      });
      return {
        injuries: rows.map((r) => ({
          caseId: r.caseId,
          siteId: r.siteId,
          occurredOn: isoDate(r.occurredOn),
          deviceType: r.deviceType,
          deviceBrand: r.deviceBrand ?? undefined,
          workArea: r.workArea,
          description: r.description,
          recordedBy: r.recordedBy,
          recordedAt: r.recordedAt.toISOString(),
          retainUntil: isoDate(r.retainUntil),
        })),
      };
    });
  }
}
