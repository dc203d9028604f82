// `practiceflow audit ...`: the auditor's record. Every command names who reads (`--as`, or
// PRACTICEFLOW_ACTOR) and is recorded in the ledger's access log. With DATABASE_URL set the
// commands run against that database directly (through the same route table and services the
// API serves, in this process); otherwise they go through the API (PRACTICEFLOW_API_URL).
// `replay` runs the recorded history against the workflow code on this machine.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { historyFromJson, replayHistory, type ReplayOutcome } from '../activities/audit/history';
import { formatTimeline, type TimelineLine } from '../activities/audit/timeline';
import { ACTOR_HEADER, routes, type RouteSpec } from '../api/routes';
import { ConfigError, keyRingOf, loadConfigOrExit, type Config } from '../config/env';
import { keylessDataConverter, practiceFlowDataConverter, type PracticeFlowDataConverter } from '../encryption/data-converter';
import type { ExportVerdict } from '../activities/audit/export';
import type { ChainVerdict } from '../activities/audit/ledger';
import type { PurgeResult } from '../activities/audit/purge';
import type { HistoryResult, WitnessSummary } from '../services/audit';
import type { AccessLog, AuditFlows, Completions, LateReport, Overdue, Timeline } from '../services/audit-schemas';
import { openServices } from '../services/open';
import { WORKFLOWS_ENTRY } from '../worker/create-worker';
import { apiBaseUrl, apiError, apiToken, bearer, CliError, UsageError } from './api-client';
import { table } from './format';
import { readTextInput } from './input';
import { positiveInt, withFlagNames } from './options';


/**
 * This machine's key ring when it has one. Without one, the ledger can still be read and a
 * decrypted history (what the API answers) replayed; encrypted payloads are refused by name.
 */
function localDataConverter(config: Config, replayOnly: boolean): PracticeFlowDataConverter {
  try {
    return practiceFlowDataConverter(keyRingOf(config));
  } catch (err) {
    if (err instanceof ConfigError) return keylessDataConverter({ replayOnly });
    throw err;
  }
}

interface Backend {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The API as a client sees it, or the same routes served in this process over DATABASE_URL. */
function backend(config: Config, actor: string): Backend {
  const headers = { [ACTOR_HEADER]: actor };
  if (!config.DATABASE_URL) {
    const token = apiToken(config);
    Object.assign(headers, bearer(token));
    const base = apiBaseUrl(config);
    return {
      get: <T>(path: string, query: Record<string, string | number | undefined> = {}) => request<T>(base, 'GET', path, query, undefined, headers, token),
      post: <T>(path: string, body: unknown = {}) => request<T>(base, 'POST', path, {}, body, headers, token),
      close: async () => undefined,
    };
  }
  const opened = openServices(config, { databaseUrl: config.DATABASE_URL, dataConverter: localDataConverter(config, false) });
  const call = async <T>(method: 'get' | 'post', path: string, query: Record<string, string | number | undefined>, body: unknown): Promise<T> => {
    const [route, params] = matchRoute(method, path);
    const q = Object.fromEntries(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    const result = await route.handle(opened.services, { params, query: q, body, actor });
    return JSON.parse(JSON.stringify(result)) as T;
  };
  return {
    get: (path, query = {}) => call('get', path, query, undefined),
    post: (path, body = {}) => call('post', path, {}, body),
    close: () => opened.close(),
  };
}

/** One API call with the actor header; the API's error body becomes an ApiError, as in ./api-client.ts. */
async function request<T>(base: string, method: 'GET' | 'POST', path: string, query: Record<string, string | number | undefined>, body: unknown, headers: Record<string, string>, token: string | undefined): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const url = `${base}${path}${params.size ? `?${params.toString()}` : ''}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(300_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new CliError(`cannot reach the PracticeFlow API at ${base} (${cause?.code ?? (err as Error).message}). Start it with \`npm start\`, set PRACTICEFLOW_API_URL, or set DATABASE_URL to read the database directly.`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.ok && json !== undefined) return json as T;
  const error = (json as { error?: { type?: string; message?: string; problems?: { path: string; message: string }[] } } | undefined)?.error;
  if (error?.message) throw apiError(response.status, error.type ?? 'Error', error.message, error.problems ?? [], token);
  throw new CliError(`${method} ${url} answered ${response.status} without PracticeFlow's JSON: is PRACTICEFLOW_API_URL (now ${base}) the PracticeFlow API?`);
}

function matchRoute(method: 'get' | 'post', path: string): [RouteSpec, Record<string, string>] {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segments[i]!)), true) : p === segments[i]))) return [route, params];
  }
  throw new Error(`no route ${method.toUpperCase()} ${path}`);
}

const seg = (s: string): string => encodeURIComponent(s);

/** Who reads: --as, else PRACTICEFLOW_ACTOR. */
function actorOf(cmd: Command): string {
  const as = (cmd.optsWithGlobals() as { as?: string }).as ?? process.env.PRACTICEFLOW_ACTOR;
  if (!as) throw new UsageError('--as <who>: name who reads the audit record (an email or user id), or set PRACTICEFLOW_ACTOR; every read is recorded');
  return as;
}

async function withBackend<T>(cmd: Command, run: (b: Backend) => Promise<T>): Promise<T> {
  const b = backend(loadConfigOrExit(), actorOf(cmd));
  try {
    return await run(b);
  } finally {
    await b.close();
  }
}

const out = (json: boolean | undefined, value: unknown, human: () => string): void => console.log(json ? JSON.stringify(value, null, 2) : human());

export function formatVerdict(v: ChainVerdict & { witness?: WitnessSummary }): string {
  const line = v.ok
    ? `OK: ${v.entries} entries${v.redacted ? ` (${v.redacted} redacted past retention, each matching its purge entry)` : ''}, chain head ${v.headHash}`
    : `BROKEN at entry ${v.brokenAtSeq} (${v.problem}): ${v.message}`;
  if (!v.witness) return line;
  const w = v.witness.witnessed;
  return `${line}\nWitness: ${w ? `${v.witness.by} saw entry ${w.seq} (hash ${w.hash.slice(0, 12)}...) at ${w.at}` : `none (${v.witness.note ?? 'unknown'})`}`;
}

export function formatExportVerdict(v: ExportVerdict): string {
  const lines = [
    v.ok ? `OK: the export's ${v.entries} entries match the database (${v.matched} matched${v.purgedSince ? `, ${v.purgedSince} purged since the export` : ''}) and the chain verifies` : `NOT OK: ${v.problems.length} problem(s) in ${v.entries} exported entries`,
    ...v.problems.slice(0, 20).map((p) => `  entry ${p.seq}: ${p.problem}: ${p.message}`),
    `  database chain: ${formatVerdict(v.chain)}`,
  ];
  return lines.join('\n');
}

function formatTimelineReport(t: Timeline): string {
  return [
    `${t.flow.title} (${t.flow.flowId}, ${t.flow.flowType}, ${t.flow.status}); times in ${t.timeZone}`,
    '',
    'What was required',
    table(
      ['TASK', 'RULE', 'DUE', 'STATUS', 'DONE BY', 'LATE REASON'],
      t.obligations.map((o) => [o.task, o.rule ?? '', o.dueDate, o.status + (o.late ? ' (late)' : ''), o.completedBy ?? '', o.lateReason ?? '']),
    ),
    '',
    'Timeline',
    formatTimeline(t.lines as TimelineLine[]),
  ].join('\n');
}

export function formatReplay(r: ReplayOutcome & { source?: string }): string {
  return r.ok
    ? `OK: the recorded history of ${r.workflowId} (${r.workflowType ?? '?'}, ${r.events} events${r.source ? `, from ${r.source}` : ''}) replays against the current workflow code`
    : `FAILED: the recorded history of ${r.workflowId} (${r.workflowType ?? '?'}, ${r.events} events) does not replay against the current workflow code: ${r.error?.name}: ${r.error?.message}`;
}

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description("the auditor's record: timelines, queries, exports, verification, Temporal histories, retention (every read is logged)")
    .option('--as <who>', 'who reads the audit record (default: PRACTICEFLOW_ACTOR); recorded in the access log');

  audit
    .command('verify')
    .description('walk the audit ledger hash chain and report OK or the first broken entry; with --export, check an export against the database')
    .option('--export <file>', 'a JSON or CSV export to check against the database (- for standard input)')
    .option('--json', 'print JSON')
    .action(async (o: { export?: string; json?: boolean }, cmd: Command) => {
      if (o.export) {
        const content = await readTextInput(o.export, '--export');
        const verdict = await withBackend(cmd, (b) => b.post<ExportVerdict>('/api/audit/verify-export', { content }));
        out(o.json, verdict, () => formatExportVerdict(verdict));
        if (!verdict.ok) process.exitCode = 2;
        return;
      }
      const verdict = await withBackend(cmd, (b) => b.get<ChainVerdict>('/api/audit/verify'));
      out(o.json, verdict, () => formatVerdict(verdict));
      if (!verdict.ok) process.exitCode = 2;
    });

  audit
    .command('timeline')
    .description("a flow's record: what was required, by which rule, when due, who did what and when (practice time zone)")
    .argument('<flowId>')
    .option('--json', 'print JSON')
    .action(async (flowId: string, o: { json?: boolean }, cmd: Command) => {
      const t = await withBackend(cmd, (b) => b.get<Timeline>(`/api/audit/flows/${seg(flowId)}/timeline`));
      out(o.json, t, () => formatTimelineReport(t));
    });

  audit
    .command('late')
    .description('everything late in a period: late completions with their reasons, tasks due in it still open, lateness the flows recorded')
    .requiredOption('--from <YYYY-MM-DD>', 'first day (practice time zone)')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--json', 'print JSON')
    .action((o: { from: string; to: string; json?: boolean }, cmd: Command) =>
      withFlagNames(
        async () => {
          const r = await withBackend(cmd, (b) => b.get<LateReport>('/api/audit/late', { from: o.from, to: o.to }));
          out(o.json, r, () =>
            [
              `Late ${r.from} to ${r.to} (${r.timeZone})`,
              '',
              'Completed late',
              r.lateCompletions.length === 0
                ? '  (none)'
                : table(
                    ['FLOW', 'TASK', 'DUE', 'DONE', 'DAYS', 'BY', 'REASON'],
                    r.lateCompletions.map((c) => [c.flowId, c.task, c.dueDate ?? '', c.completedAt.slice(0, 10), String(c.daysLate ?? ''), c.completedBy, c.lateReason ?? '']),
                  ),
              '',
              'Due in the period and still open',
              r.stillOpen.length === 0 ? '  (none)' : table(['FLOW', 'TASK', 'DUE', 'DAYS OVERDUE', 'ASSIGNEE'], r.stillOpen.map((s) => [s.flowId, s.task, s.dueDate, String(s.daysOverdue), s.assignee])),
              '',
              'Other lateness recorded',
              r.otherEvents.length === 0 ? '  (none)' : formatTimeline(r.otherEvents as TimelineLine[]),
            ].join('\n'),
          );
        },
        { from: '--from', to: '--to' },
      ),
    );

  audit
    .command('completions')
    .description('all task completions by a person')
    .requiredOption('--by <person>', 'who completed them (as recorded, e.g. an email)')
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--json', 'print JSON')
    .action((o: { by: string; from?: string; to?: string; json?: boolean }, cmd: Command) =>
      withFlagNames(
        async () => {
          const r = await withBackend(cmd, (b) => b.get<Completions>('/api/audit/completions', { by: o.by, from: o.from, to: o.to }));
          out(o.json, r, () =>
            r.completions.length === 0
              ? `No completions by ${r.by}.`
              : table(
                  ['DONE', 'FLOW', 'TASK', 'DUE', 'LATE', 'RULE'],
                  r.completions.map((c) => [c.completedAt, c.flowId, c.task, c.dueDate ?? '', c.late ? `yes: ${c.lateReason ?? ''}` : '', c.rule ?? '']),
                ),
          );
        },
        { by: '--by', from: '--from', to: '--to' },
      ),
    );

  audit
    .command('flows')
    .description('every flow (of a type) started in a date range')
    .option('--type <type>', 'flow type, e.g. onboarding')
    .option('--status <status>', 'running, completed or cancelled')
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--limit <n>', 'at most n', positiveInt)
    .option('--json', 'print JSON')
    .action((o: { type?: string; status?: string; from: string; to: string; limit?: number; json?: boolean }, cmd: Command) =>
      withFlagNames(
        async () => {
          const r = await withBackend(cmd, (b) => b.get<AuditFlows>('/api/audit/flows', { type: o.type, status: o.status, from: o.from, to: o.to, limit: o.limit }));
          out(o.json, r, () => (r.flows.length === 0 ? 'No flows.' : table(['FLOW', 'TYPE', 'STATUS', 'STARTED', 'BY', 'TITLE'], r.flows.map((f) => [f.flowId, f.flowType, f.status, f.startedAt, f.startedBy, f.title]))));
        },
        { type: '--type', status: '--status', from: '--from', to: '--to' },
      ),
    );

  audit
    .command('overdue')
    .description('open obligations past due today, most overdue first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await withBackend(cmd, (b) => b.get<Overdue>('/api/audit/overdue'));
      out(o.json, r, () =>
        r.obligations.length === 0
          ? `Nothing overdue on ${r.today}.`
          : table(['DUE', 'DAYS', 'FLOW', 'TASK', 'ASSIGNEE', 'RULE'], r.obligations.map((x) => [x.dueDate, String(x.daysOverdue), x.flowId, x.task, x.assignee, x.rule ?? ''])),
      );
    });

  audit
    .command('access')
    .description('who read the audit record (a flow, by a person, in a period)')
    .option('--flow <flowId>', "reads of this flow's record")
    .option('--by <person>', 'reads by this person')
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--json', 'print JSON')
    .action(async (o: { flow?: string; by?: string; from?: string; to?: string; json?: boolean }, cmd: Command) => {
      const r = await withBackend(cmd, (b) => b.get<AccessLog>('/api/audit/access', { flowId: o.flow, by: o.by, from: o.from, to: o.to }));
      out(o.json, r, () => (r.reads.length === 0 ? 'No reads recorded.' : table(['WHEN', 'WHO', 'WHAT', 'OF'], r.reads.map((x) => [x.local, x.actor, x.operation, `${x.subject.kind} ${x.subject.id ?? ''}`.trim()]))));
    });

  audit
    .command('export')
    .description('export a flow, a person or a period as JSON, CSV or a print-ready HTML report, with the hash chain values')
    .argument('<scope>', 'flow, person or period')
    .argument('[id]', 'the flow id (flow) or the person (person)')
    .option('--format <format>', 'json, csv or html', 'json')
    .option('--from <YYYY-MM-DD>', 'first day (period, person)')
    .option('--to <YYYY-MM-DD>', 'last day (period, person)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((scope: string, id: string | undefined, o: { format: string; from?: string; to?: string; out?: string }, cmd: Command) =>
      withFlagNames(
        async () => {
          let path: string;
          const query: Record<string, string | undefined> = { format: o.format };
          if (scope === 'flow' || scope === 'person') {
            if (!id) throw new UsageError(`export ${scope}: give the ${scope === 'flow' ? 'flow id' : 'person'}`);
            path = scope === 'flow' ? `/api/audit/flows/${seg(id)}/export` : `/api/audit/people/${seg(id)}/export`;
            if (scope === 'person') Object.assign(query, { from: o.from, to: o.to });
          } else if (scope === 'period') {
            path = '/api/audit/export';
            Object.assign(query, { from: o.from, to: o.to });
          } else throw new UsageError(`<scope>: must be flow, person or period, not "${scope}"`);
          const r = await withBackend(cmd, (b) => b.get<{ format?: string; content?: string; digest?: string }>(path, query));
          const text = typeof r.content === 'string' && r.format !== undefined && o.format !== 'json' ? r.content : `${JSON.stringify(r, null, 2)}\n`;
          if (o.out) {
            await writeFile(o.out, text);
            console.error(`Wrote ${o.out} (digest ${r.digest ?? '?'})`);
          } else process.stdout.write(text);
        },
        { format: '--format', from: '--from', to: '--to' },
      ),
    );

  audit
    .command('history')
    .description("a flow's full Temporal event history (JSON), from Temporal or its archived copy; --archive keeps a copy beside the ledger")
    .argument('<flowId>')
    .option('--archive', 'archive the current history beside the ledger first (recorded in the ledger with its sha256)')
    .option('--out <file>', 'write the history JSON (as Temporal writes it) to this file')
    .option('--json', 'print the whole answer as JSON')
    .action(async (flowId: string, o: { archive?: boolean; out?: string; json?: boolean }, cmd: Command) => {
      await withBackend(cmd, async (b) => {
        if (o.archive) {
          const a = await b.post<{ runId: string; events: number; sha256: string; ledgerSeq: string }>(`/api/audit/flows/${seg(flowId)}/history/archive`);
          console.error(`Archived run ${a.runId}: ${a.events} events, sha256 ${a.sha256} (ledger entry ${a.ledgerSeq})`);
        }
        const h = await b.get<HistoryResult>(`/api/audit/flows/${seg(flowId)}/history`);
        if (o.out) {
          await writeFile(o.out, `${JSON.stringify(h.history, null, 1)}\n`);
          console.error(`Wrote ${o.out}: ${h.events} events of ${h.workflowType ?? '?'} run ${h.runId ?? '?'} from ${h.source}, sha256 ${h.sha256}`);
        }
        if (o.json) console.log(JSON.stringify(h, null, 2));
        else if (!o.out) console.log(JSON.stringify(h.history, null, 1));
      });
    });

  audit
    .command('replay')
    .description("replay a flow's recorded history against the current workflow code (Worker.runReplayHistory): OK, or the determinism error")
    .argument('<flowId>')
    .option('--history <file>', 'replay this history file (from `audit history --out`) instead of fetching it')
    .option('--workflows <path>', 'the workflows module to replay against (default: WORKFLOW_BUNDLE_PATH, else this checkout\'s workflows)')
    .option('--json', 'print JSON')
    .action(async (flowId: string, o: { history?: string; workflows?: string; json?: boolean }, cmd: Command) => {
      const config = loadConfigOrExit();
      let json: unknown;
      let source = 'file';
      if (o.history) {
        try {
          json = JSON.parse(await readTextInput(o.history, '--history'));
        } catch (err) {
          throw err instanceof CliError ? err : new CliError(`--history ${o.history}: is not valid JSON (${(err as Error).message})`);
        }
      } else {
        const h = await withBackend(cmd, (b) => b.get<HistoryResult>(`/api/audit/flows/${seg(flowId)}/history`));
        json = h.history;
        source = h.source;
      }
      const code = o.workflows ? { workflowsPath: o.workflows } : config.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH } : { workflowsPath: WORKFLOWS_ENTRY };
      // The API answers the history decrypted; a raw file from Temporal needs this machine's keys.
      const result = { ...(await replayHistory(historyFromJson(json), flowId, code, localDataConverter(config, true))), source };
      out(o.json, result, () => formatReplay(result));
      if (!result.ok) process.exitCode = 2;
    });

  audit
    .command('purge')
    .description('remove what is past its retention period (each record class by its cited rule); the chain still verifies and the purge is itself recorded')
    .option('--dry-run', 'only show what would be purged')
    .option('--reason <text>', 'why (recorded with the purge)')
    .option('--json', 'print JSON')
    .action(async (o: { dryRun?: boolean; reason?: string; json?: boolean }, cmd: Command) => {
      const r = await withBackend(cmd, (b) => b.post<PurgeResult>('/api/audit/purge', { dryRun: o.dryRun === true, ...(o.reason ? { reason: o.reason } : {}) }));
      out(o.json, r, () =>
        [
          `${r.dryRun ? 'Would purge' : 'Purged'} ${r.purged} entries past retention as of ${r.asOf}${r.purgeEntries.length ? ` (purge entries ${r.purgeEntries.join(', ')})` : ''}`,
          table(
            ['CLASS', 'RULE', 'PURGEABLE', 'KEPT', 'KEPT BECAUSE'],
            r.classes.map((c) => [c.recordClass, c.citation ?? '', String(c.purgeable), String(c.kept), c.keptBecause.join('; ')]),
          ),
        ].join('\n'),
      );
    });

  audit
    .command('separation')
    .description("record that a person's employment ended (I-9 and medical-record retention count from it)")
    .argument('<subjectId>', 'the person as flows name them (the hire id)')
    .requiredOption('--on <YYYY-MM-DD>', 'the last day of employment')
    .option('--note <text>')
    .action((subjectId: string, o: { on: string; note?: string }, cmd: Command) =>
      withFlagNames(
        async () => {
          const r = await withBackend(cmd, (b) => b.post<{ seq: string }>('/api/audit/separations', { subjectId, separatedOn: o.on, ...(o.note ? { note: o.note } : {}) }));
          console.log(`Recorded: ${subjectId} separated on ${o.on} (ledger entry ${r.seq})`);
        },
        { separatedOn: '--on' },
      ),
    );
}
