// OSHA and fire-safety commands: `plan osha` previews every occurrence of a site's schedules
// (local); `osha site|occurrences|record|calendar|sharps` talk to the API. Flag values are checked
// here with the domain's own schemas, so a bad one is named by its flag (exit 2) before any call.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { z } from 'zod';
import { CorrectiveActionSchema, OBLIGATIONS, OccurrenceRecordSchema, type Cadence, type Obligation } from '../domain/osha';
import { ActorSchema, EmailSchema, type TaskView } from '../domain/tasks/model';
import { planOsha } from '../services/osha-plan';
import {
  OCCURRENCE_VIEWS,
  SiteIdSchema,
  type ComplianceCalendar,
  type OccurrenceView,
  type SharpsInjuryViewSchema,
  type SiteListSchema,
  type SiteViewResult,
} from '../services/osha-schemas';
import { apiPath } from './api-client';
import { table } from './format';
import { readJsonObject } from './input';
import { actorHeaders, api, planGroup, positiveInt, print, withFlagNames } from './options';

type SiteList = z.infer<typeof SiteListSchema>;
type SharpsEntry = z.infer<typeof SharpsInjuryViewSchema>;

// ---- Flag values -------------------------------------------------------------------------------

/** A flag value checked by a schema: its first problem becomes commander's "argument is invalid". */
function checkedBy<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'is not valid');
    return parsed.data;
  };
}

const siteId = checkedBy(SiteIdSchema);
const actor = checkedBy(ActorSchema);
const email = checkedBy(EmailSchema);

function year(value: string): number {
  const n = Number(value);
  if (!/^\d{4}$/.test(value.trim()) || n < 2000 || n > 2100) throw new InvalidArgumentError('must be a year such as 2026 (2000 to 2100)');
  return n;
}

function minutes(value: string): number {
  const n = Number(value);
  // The record's own limits (OccurrenceRecordSchema.durationMinutes): 1 minute to 24 hours.
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 24 * 60) throw new InvalidArgumentError('must be a whole number of minutes, 1 to 1440');
  return n;
}

/** "e-1,e-2": employee identifiers, never names. */
function participants(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new InvalidArgumentError('must list employee identifiers, comma-separated (e.g. e-1,e-2)');
  const parsed = OccurrenceRecordSchema.shape.participants.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = typeof issue?.path[0] === 'number' ? `"${list[issue.path[0]]}" ` : '';
    throw new InvalidArgumentError(`${at}${issue?.message ?? 'is not valid'}`);
  }
  return parsed.data;
}

type CorrectiveAction = z.infer<typeof CorrectiveActionSchema>;

/** "<action>|<owner>[|<YYYY-MM-DD>]", repeatable. */
function corrective(value: string, previous: CorrectiveAction[] = []): CorrectiveAction[] {
  const parts = value.split('|').map((s) => s.trim());
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError('must be "<action>|<owner>" or "<action>|<owner>|<YYYY-MM-DD>"');
  const [action, owner, due] = parts as [string, string, string | undefined];
  const parsed = CorrectiveActionSchema.safeParse({ action, owner, ...(due !== undefined ? { due } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(`${issue?.path.join('.') || 'action'} ${issue?.message ?? 'is not valid'}`);
  }
  return [...previous, parsed.data];
}

type ParticipantEmails = Partial<Record<Obligation, string[]>>;

/** "<obligation>=<email,email>", repeatable: who is told when an occurrence of it opens. */
function participantEmails(value: string, previous: ParticipantEmails = {}): ParticipantEmails {
  const eq = value.indexOf('=');
  const obligation = value.slice(0, Math.max(eq, 0)).trim();
  if (eq < 0 || !(OBLIGATIONS as readonly string[]).includes(obligation)) {
    throw new InvalidArgumentError(`must be <obligation>=<email,email> with an obligation among ${OBLIGATIONS.join(', ')}`);
  }
  const emails = value
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (emails.length === 0) throw new InvalidArgumentError(`must list at least one email after ${obligation}=`);
  for (const e of emails) if (!EmailSchema.safeParse(e).success) throw new InvalidArgumentError(`"${e}" must be an email address`);
  const key = obligation as Obligation;
  return { ...previous, [key]: [...(previous[key] ?? []), ...emails] };
}

// ---- Output ------------------------------------------------------------------------------------

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

export function cadenceText(cadence: { kind: string } & Record<string, unknown>): string {
  const c = cadence as Cadence;
  switch (c.kind) {
    case 'per_quarter_per_shift':
      return 'quarterly, on each shift';
    case 'per_year':
      return c.times === 1 ? 'once a year' : `${c.times} times a year`;
    case 'monthly':
      return 'monthly';
    case 'annual':
      return 'annually';
    case 'within_days_of_last':
      return `within ${c.days} days of the last`;
    default:
      return cadence.kind;
  }
}

const yesNo = (v: unknown): string => (v === true ? 'yes' : v === false ? 'no' : '');

export function formatSite(site: SiteViewResult): string {
  const p = site.profile;
  const obligations = site.obligations.map((o) => o.obligation as string);
  const facts: [string, string][] = [
    ['Status', `${site.status}, profile version ${site.version}`],
    ['Flow', site.flowId],
  ];
  if (site.registeredOn) facts.push(['Registered', site.registeredOn]);
  facts.push(
    ['Time zone', String(p.timeZone ?? '')],
    ['Occupancy', String(p.occupancy ?? '')],
    ['Shifts', Array.isArray(p.shifts) ? p.shifts.join(', ') : ''],
    ['Headcount', String(p.headcount ?? '')],
    ['Exposure', `${obligations.includes('ecp_review') ? 'yes' : 'no'}${p.occupationalExposure === undefined ? ' (from the staff roles)' : ''}`],
    ['Extinguishers', `on site: ${yesNo(p.extinguishersOnSite ?? true)}; staff use them: ${yesNo(p.extinguisherUse)}`],
    ['Accreditor', `${String(p.accreditor ?? 'none')}; CMS provider type ${String(p.cmsProviderType ?? 'none')}`],
  );
  if (Array.isArray(p.roster) && p.roster.length > 0) facts.push(['Roster', `${p.roster.length} exposed employee(s) with BBP training cycles`]);
  const contacts = site.contacts as { responsibleEmail?: string; managerEmail?: string; participantEmails?: Record<string, string[]> } | undefined;
  if (contacts?.responsibleEmail) facts.push(['Responsible', contacts.responsibleEmail]);
  if (contacts?.managerEmail) facts.push(['Manager', contacts.managerEmail]);
  for (const [obligation, emails] of Object.entries(contacts?.participantEmails ?? {})) facts.push(['Told', `${obligation}: ${emails.join(', ')}`]);
  if (site.notice) facts.push(['Note', site.notice]);

  const lines = [`Site ${site.siteId}`, '', ...facts.map(([k, v]) => `  ${k.padEnd(13)} ${v}`), '', 'Obligations'];
  lines.push(
    site.obligations.length === 0
      ? '  (none)'
      : indent(
          table(
            ['OBLIGATION', 'CADENCE', 'RULE'],
            site.obligations.map((o) => [o.obligation, cadenceText(o.cadence), o.rule]),
          ),
        ),
  );
  lines.push('', `Schedules (${site.schedules.length})`, ...(site.schedules.length === 0 ? ['  (none)'] : site.schedules.map((s) => `  ${s}`)));
  return lines.join('\n');
}

export function formatSiteList(list: SiteList): string {
  if (list.sites.length === 0) return 'No sites.';
  return table(
    ['SITE', 'STATUS', 'VERSION', 'REGISTERED', 'TIME ZONE', 'SHIFTS', 'SCHEDULES', 'FLOW'],
    list.sites.map((s) => [
      s.siteId,
      s.status,
      String(s.version),
      s.registeredOn ?? '',
      String(s.profile.timeZone ?? ''),
      Array.isArray(s.profile.shifts) ? s.profile.shifts.join(',') : '',
      String(s.schedules.length),
      s.flowId,
    ]),
  );
}

const whoOf = (o: { shift?: string; employeeId?: string }): string => (o.employeeId ? `employee ${o.employeeId}` : o.shift ? `${o.shift} shift` : '');

export function formatOccurrences(list: { occurrences: OccurrenceView[] }, status: string): string {
  if (list.occurrences.length === 0) return `No ${status} occurrences.`;
  return table(
    ['DUE', 'OBLIGATION', 'SHIFT/EMPLOYEE', 'SITE', 'PERIOD', 'STATUS', 'FLOW'],
    list.occurrences.map((o) => [o.dueDate, o.obligation, whoOf(o), o.siteId, o.period, o.status + (o.completion?.late ? ' (late)' : ''), o.flowId ?? '']),
  );
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function formatCalendar(cal: ComplianceCalendar): string {
  const s = cal.summary;
  const states = ['done', 'late', 'open', 'overdue', 'missed', 'upcoming'] as const;
  const summary = [...states.map((k) => `${k} ${s[k] ?? 0}`), ...(s.cancelled ? [`cancelled ${s.cancelled}`] : [])].join(', ');
  const lines = [`Compliance calendar ${cal.year}, site ${cal.siteId}`, `  ${summary}`];
  if (cal.entries.length === 0) return [...lines, '', `Nothing is due in ${cal.year}.`].join('\n');
  // One table for the year (columns line up across months), cut into months.
  const [header, ...rows] = table(
    ['DUE', 'OBLIGATION', 'SHIFT/EMPLOYEE', 'PERIOD', 'STATE', 'FLOW'],
    cal.entries.map((e) => [e.dueDate, e.obligation, whoOf(e), e.period, e.state === 'overdue' || e.state === 'missed' ? e.state.toUpperCase() : e.state, e.flowId ?? '']),
  ).split('\n');
  let month = '';
  cal.entries.forEach((e, i) => {
    if (e.monthOf !== month) {
      month = e.monthOf;
      lines.push('', `${MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`, `  ${header!}`);
    }
    lines.push(`  ${rows[i]!}`);
  });
  return lines.join('\n');
}

export function formatSharpsList(list: { injuries: SharpsEntry[] }): string {
  if (list.injuries.length === 0) return 'No entries in the sharps injury log.';
  return table(
    ['OCCURRED', 'CASE', 'SITE', 'DEVICE', 'WORK AREA', 'RECORDED BY', 'KEEP UNTIL', 'HOW'],
    list.injuries.map((i) => [i.occurredOn, i.caseId, i.siteId, [i.deviceType, i.deviceBrand].filter(Boolean).join(', '), i.workArea, i.recordedBy, i.retainUntil, clip(i.description, 60)]),
  );
}

function formatRecorded(flowId: string, task: TaskView): string {
  const c = task.completion;
  const lines = [`Recorded ${task.key} (${flowId}): ${task.status}, due ${task.dueDate}.`];
  if (c) lines.push(`  completed ${c.at} by ${c.by}${c.late ? `, late${c.lateReason ? `: ${c.lateReason}` : ''}` : ''}`);
  return lines.join('\n');
}

// ---- Commands ----------------------------------------------------------------------------------

const OBLIGATION_LIST = OBLIGATIONS.join(', ');

export function registerOshaCommands(program: Command): void {
  planGroup(program)
    .command('osha')
    .description('every occurrence the site profile\'s schedules would create between two dates, as JSON { occurrences: [...] } (local, no API needed)')
    .requiredOption('--site <file>', 'the site profile as JSON (a file, or - for standard input): siteId, timeZone, occupancy, shifts, headcount, occupationalExposure, extinguisherUse, accreditor, ...')
    .requiredOption('--from <YYYY-MM-DD>', 'first day of the range')
    .requiredOption('--to <YYYY-MM-DD>', 'last day of the range')
    .action((o: { site: string; from: string; to: string }) =>
      withFlagNames(
        async () => {
          console.log(JSON.stringify(planOsha(await readJsonObject(o.site, '--site'), { from: o.from, to: o.to })));
        },
        { from: '--from', to: '--to' },
      ),
    );

  const osha = program.command('osha').description('OSHA and fire-safety schedules: sites, occurrences and their records, the compliance calendar, the sharps injury log (through the API)');
  const site = osha.command('site').description('sites: register, list, show, change the profile, retire');

  site
    .command('register')
    .description('register a site: one Temporal Schedule per applicable obligation (drills, inspections, trainings, reviews); occurrences whose notice time has come open at once')
    .requiredOption('--site <file>', 'the site profile as JSON (a file, or - for standard input): siteId, timeZone, occupancy, shifts, headcount, occupationalExposure, extinguisherUse, ...')
    .requiredOption('--responsible <email>', 'who runs the drills and inspections and receives the occurrence notices (e.g. the safety officer)', email)
    .requiredOption('--manager <email>', 'who receives the escalations', email)
    .option('--participants <obligation=emails>', `who is told when an occurrence of an obligation opens, e.g. extinguisher_training=a@x.org,b@x.org (repeatable; never for drills); obligations: ${OBLIGATION_LIST}`, participantEmails)
    .option('--actor <who>', 'who registers it, recorded in the flow and the audit ledger (default: the manager)', actor)
    .option('--json', 'print the JSON answer')
    .action((o: { site: string; responsible: string; manager: string; participants?: ParticipantEmails; actor?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const body = { profile: await readJsonObject(o.site, '--site'), contacts: { responsibleEmail: o.responsible, managerEmail: o.manager, participantEmails: o.participants ?? {} } };
          const view = await api().post<SiteViewResult>('/api/osha/sites', body, actorHeaders(o.actor));
          print(view, o.json, () => `Registered site ${view.siteId} (flow ${view.flowId}): ${view.schedules.length} schedule(s).\n\n${formatSite(view)}`);
        },
        {
          'profile.siteId': '--site',
          'contacts.responsibleEmail': '--responsible',
          'contacts.managerEmail': '--manager',
          'contacts.participantEmails': '--participants',
          by: '--actor',
        },
      ),
    );

  site
    .command('list')
    .description('the registered sites')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await api().get<SiteList>('/api/osha/sites');
      print(list, o.json, () => formatSiteList(list));
    });

  site
    .command('show')
    .description('a site: profile, obligations with their cadence and rule, schedules')
    .argument('<siteId>', 'the site, e.g. main')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const view = await api().get<SiteViewResult>(apiPath('osha', 'sites', id));
      print(view, o.json, () => formatSite(view));
    });

  site
    .command('change')
    .description("change a site's profile (a new shift, occupancy, exposure, extinguisher use...): its schedules follow; audited with the reason")
    .argument('<siteId>', 'the site')
    .requiredOption('--site <file>', 'the whole new profile as JSON (a file, or - for standard input); its siteId must stay the same')
    .requiredOption('--reason <text>', 'why the profile changed')
    .requiredOption('--by <who>', 'who changes it', actor)
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { site: string; reason: string; by: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const profile = await readJsonObject(o.site, '--site');
          const client = api();
          // What it was, to say which schedules the change adds and removes (the change is what counts).
          const before = await client.get<SiteViewResult>(apiPath('osha', 'sites', id)).catch(() => undefined);
          const view = await client.post<SiteViewResult>(apiPath('osha', 'sites', id, 'profile'), { profile, by: o.by, reason: o.reason });
          print(view, o.json, () => {
            const lines = [`Changed site ${view.siteId} to profile version ${view.version}: ${o.reason}`];
            if (before) {
              const added = view.schedules.filter((s) => !before.schedules.includes(s));
              const removed = before.schedules.filter((s) => !view.schedules.includes(s));
              lines.push(`  schedules added: ${added.join(', ') || 'none'}`, `  schedules removed: ${removed.join(', ') || 'none'}`);
            }
            return [...lines, '', formatSite(view)].join('\n');
          });
        },
        { profile: '--site', 'profile.siteId': '--site', reason: '--reason', by: '--by' },
      ),
    );

  site
    .command('retire')
    .description('retire a site: its schedules are removed; its records are kept for their retention periods')
    .argument('<siteId>', 'the site')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--by <who>', 'who retires it', actor)
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { reason: string; by: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<SiteViewResult>(apiPath('osha', 'sites', id, 'retire'), { by: o.by, reason: o.reason });
          print(view, o.json, () => `Retired site ${view.siteId}: its schedules are removed; its records are kept for their retention periods.`);
        },
        { reason: '--reason', by: '--by' },
      ),
    );

  osha
    .command('occurrences')
    .description('occurrences by due date: open (default), overdue, upcoming (planned, not yet opened) or completed')
    .option('--site <siteId>', "only this site's", siteId)
    .addOption(new Option('--status <status>', 'which occurrences (default: open)').choices(OCCURRENCE_VIEWS))
    .option('--within-days <n>', 'for upcoming: how many days ahead (default 90, at most 730)', positiveInt)
    .addOption(new Option('--obligation <obligation>', 'only this obligation').choices(OBLIGATIONS))
    .option('--employee <id>', "only this employee's (BBP training)")
    .option('--json', 'print JSON')
    .action((o: { site?: string; status?: string; withinDays?: number; obligation?: string; employee?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const list = await api().get<{ occurrences: OccurrenceView[] }>('/api/osha/occurrences', { siteId: o.site, status: o.status, withinDays: o.withinDays, obligation: o.obligation, employeeId: o.employee });
          print(list, o.json, () => formatOccurrences(list, o.status ?? 'open'));
        },
        { siteId: '--site', status: '--status', withinDays: '--within-days', obligation: '--obligation', employeeId: '--employee' },
      ),
    );

  osha
    .command('record')
    .description('record a drill, inspection, training or review: who took part, how long, findings, corrective actions (and why, when late)')
    .argument('<flowId>', 'the occurrence flow, as listed by `practiceflow osha occurrences` (osha-occurrence-... or osha-bbp-...)')
    .requiredOption('--by <who>', 'who records it (email or user id)', actor)
    .option('--participants <ids>', 'employee identifiers of those who took part, comma-separated (e.g. e-1,e-2; not names); required for drills and trainings', participants)
    .option('--duration <minutes>', 'how long it took, in whole minutes', minutes)
    .option('--findings <text>', 'what was found (e.g. exit B blocked)')
    .option('--corrective <action|owner|YYYY-MM-DD>', 'a corrective action: "<action>|<owner>" or "<action>|<owner>|<due YYYY-MM-DD>" (repeatable)', corrective)
    .option('--completed-at <iso>', 'when it was held, ISO 8601 date-time with offset (default: now)', checkedBy(OccurrenceRecordSchema.shape.completedAt.unwrap()))
    .option('--late-reason <text>', 'why it was late (required when recorded after the due date)')
    .option('--json', 'print the JSON answer')
    .action(
      (
        flowId: string,
        o: { by: string; participants?: string[]; duration?: number; findings?: string; corrective?: CorrectiveAction[]; completedAt?: string; lateReason?: string; json?: boolean },
      ) => {
        const flags: Record<string, string> = {
          by: '--by',
          participants: '--participants',
          durationMinutes: '--duration',
          findings: '--findings',
          correctiveActions: '--corrective',
          completedAt: '--completed-at',
          lateReason: '--late-reason',
        };
        (o.participants ?? []).forEach((_, i) => (flags[`participants.${i}`] = '--participants'));
        (o.corrective ?? []).forEach((_, i) => {
          for (const f of ['action', 'owner', 'due']) flags[`correctiveActions.${i}.${f}`] = '--corrective';
        });
        return withFlagNames(async () => {
          const body = { by: o.by, participants: o.participants, durationMinutes: o.duration, findings: o.findings, correctiveActions: o.corrective, completedAt: o.completedAt, lateReason: o.lateReason };
          const task = await api().post<TaskView>(apiPath('osha', 'occurrences', flowId, 'record'), body);
          print(task, o.json, () => formatRecorded(flowId, task));
        }, flags);
      },
    );

  osha
    .command('calendar')
    .description("a site's compliance calendar for a year: every occurrence due, and whether it is done, late, open, overdue, missed or upcoming, by month")
    .requiredOption('--site <siteId>', 'the site', siteId)
    .requiredOption('--year <YYYY>', 'the year', year)
    .option('--json', 'print JSON')
    .action((o: { site: string; year: number; json?: boolean }) =>
      withFlagNames(
        async () => {
          const cal = await api().get<ComplianceCalendar>(apiPath('osha', 'sites', o.site, 'calendar'), { year: o.year });
          print(cal, o.json, () => formatCalendar(cal));
        },
        { siteId: '--site', year: '--year' },
      ),
    );

  const sharps = osha.command('sharps').description('the sharps injury log (29 CFR 1910.1030(h)(5)), kept 5 years after the end of each year');

  sharps
    .command('add')
    .description('add an entry: caseId (the OSHA 300 case number, no names), siteId, occurredOn, deviceType, deviceBrand, workArea, description')
    .requiredOption('--file <file>', 'the entry as JSON (a file, or - for standard input)')
    .option('--actor <who>', 'who records it (or "by" in the file)', actor)
    .option('--json', 'print the JSON answer')
    .action((o: { file: string; actor?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const entry = await api().post<SharpsEntry>('/api/osha/sharps-injuries', await readJsonObject(o.file, '--file'), actorHeaders(o.actor));
          print(entry, o.json, () => `Added case ${entry.caseId} to the sharps injury log of site ${entry.siteId} (occurred ${entry.occurredOn}); kept until ${entry.retainUntil}.`);
        },
        o.actor ? {} : { by: '--actor' },
      ),
    );

  sharps
    .command('list')
    .description('the sharps injury log, by date')
    .option('--site <siteId>', "only this site's entries", siteId)
    .option('--year <YYYY>', 'only the entries of this year', year)
    .option('--json', 'print JSON')
    .action((o: { site?: string; year?: number; json?: boolean }) =>
      withFlagNames(
        async () => {
          const list = await api().get<{ injuries: SharpsEntry[] }>('/api/osha/sharps-injuries', { siteId: o.site, year: o.year });
          print(list, o.json, () => formatSharpsList(list));
        },
        { siteId: '--site', year: '--year' },
      ),
    );
}
