// The manager's commands: onboarding (plan, start, start date, hepatitis B reversal), flows
// (list, show, cancel) and tasks (complete, add, due). All but `plan` talk to the API over HTTP;
// `plan` is pure and runs here, with the same planner the API uses.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import type { FlowView, TaskView } from '../domain/tasks/model';
import { planOnboardingRequest } from '../services/onboarding-plan';
import type { FlowDetail, FlowList, StartResult } from '../services/schemas';
import { apiPath, UsageError } from './api-client';
import { formatFlow, formatFlowList, formatPlan } from './format';
import { readJsonObject } from './input';
import { actorHeaders, api, numberish, planGroup, positiveInt, print, withFlagNames } from './options';

function keyValue(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value, e.g. --evidence document=passport');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

// ---- Onboarding ----------------------------------------------------------------------------

interface HireOptions {
  input?: string;
  hireId?: string;
  name?: string;
  email?: string;
  role?: string;
  startDate?: string;
  managerEmail?: string;
  state?: string;
  eVerify?: boolean;
  timeZone?: string;
  exposure?: boolean;
  provider?: boolean;
  jobLengthDays?: string;
}

const HIRE_FLAGS: Record<string, string> = {
  hireId: '--hire-id',
  name: '--name',
  email: '--email',
  role: '--role',
  startDate: '--start-date',
  managerEmail: '--manager-email',
  occupationalExposure: '--exposure',
  provider: '--provider',
  jobLengthDays: '--job-length-days',
  'practice.state': '--state',
  'practice.eVerify': '--e-verify',
  'practice.timeZone': '--time-zone',
};

function hireOptions(command: Command): Command {
  return command
    .option('--input <file>', 'the hire as JSON (a file, or - for standard input); flags override its fields')
    .option('--hire-id <id>', 'hire id from the HR system, e.g. h-1042 (an identifier, never a name)')
    .option('--name <name>', "the hire's name")
    .option('--email <email>', "the hire's email (reminders for the hire's own tasks go there)")
    .option('--role <role>', 'front_desk, billing, medical_assistant, nurse, physician, nurse_practitioner, physician_assistant or office_manager')
    .option('--start-date <YYYY-MM-DD>', 'first day of work')
    .option('--manager-email <email>', 'the manager responsible (escalations go there)')
    .option('--state <XX>', "the worksite's US state (state new-hire reporting window)")
    .option('--e-verify', 'the practice uses E-Verify (adds the three-day E-Verify case)')
    .option('--time-zone <zone>', "the practice's IANA time zone, when not the configured one")
    .option('--exposure', 'occupational exposure to blood (BBP training, hepatitis B offer), overriding the role default')
    .option('--no-exposure', 'no occupational exposure, overriding the role default')
    .option('--provider', 'a credentialed provider (credentialing task), overriding the role default')
    .option('--no-provider', 'not a credentialed provider, overriding the role default')
    .option('--job-length-days <n>', 'expected length of the job in days (under 3: both I-9 sections on day one)');
}

async function hireRequest(o: HireOptions): Promise<Record<string, unknown>> {
  const request: Record<string, unknown> = o.input ? await readJsonObject(o.input) : {};
  const fields: [string, unknown][] = [
    ['hireId', o.hireId],
    ['name', o.name],
    ['email', o.email],
    ['role', o.role],
    ['startDate', o.startDate],
    ['managerEmail', o.managerEmail],
    ['occupationalExposure', o.exposure],
    ['provider', o.provider],
    ['jobLengthDays', numberish(o.jobLengthDays)],
  ];
  for (const [k, v] of fields) if (v !== undefined) request[k] = v;
  const practice: [string, unknown][] = [
    ['state', o.state],
    ['eVerify', o.eVerify],
    ['timeZone', o.timeZone],
  ];
  if (practice.some(([, v]) => v !== undefined)) {
    const base = request.practice && typeof request.practice === 'object' && !Array.isArray(request.practice) ? (request.practice as Record<string, unknown>) : {};
    request.practice = { ...base, ...Object.fromEntries(practice.filter(([, v]) => v !== undefined)) };
  }
  return request;
}

export function registerOnboardingCommands(program: Command): void {
  const plan = planGroup(program);
  hireOptions(
    plan
      .command('onboarding')
      .description('the tasks, due dates and rules onboarding would create for a hire, as JSON')
      .option('--table', 'print a table instead of JSON'),
  ).action((o: HireOptions & { table?: boolean }) =>
    withFlagNames(async () => {
      const config = loadConfigOrExit();
      const { view } = planOnboardingRequest(await hireRequest(o), practiceProfileFromConfig(config));
      if (o.table) console.log(formatPlan(view));
      else console.log(JSON.stringify({ tasks: view.tasks.map(({ key, title, dueDate, rule }) => ({ key, title, dueDate, rule })) }));
    }, o.input ? {} : HIRE_FLAGS),
  );

  const onboarding = program.command('onboarding').description('new-hire onboarding flows (through the API)');

  hireOptions(
    onboarding
      .command('start')
      .description('start onboarding for a hire (once per hire id)')
      .option('--actor <who>', 'who is starting it, recorded in the flow and the audit ledger (default: the manager email)')
      .option('--json', 'print the JSON answer'),
  ).action((o: HireOptions & { actor?: string; json?: boolean }) =>
    withFlagNames(async () => {
      const result = await api().post<StartResult>('/api/onboarding', await hireRequest(o), actorHeaders(o.actor));
      print(result, o.json, () => `Started ${result.flowId} with ${result.plan.tasks.length} tasks:\n\n${formatPlan(result.plan)}\n\nFollow it: practiceflow flows show ${result.flowId}`);
    }, o.input ? {} : HIRE_FLAGS),
  );

  onboarding
    .command('start-date')
    .description("change a hire's start date: open tasks move to the recomputed due dates")
    .argument('<flowId>', 'the onboarding flow, e.g. onboarding-h-1042')
    .requiredOption('--date <YYYY-MM-DD>', 'the new start date')
    .requiredOption('--by <who>', 'who is changing it (email or user id)')
    .requiredOption('--reason <text>', 'why the start date changed')
    .option('--json', 'print the JSON answer')
    .action((flowId: string, o: { date: string; by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const flow = await api().post<FlowView>(apiPath('flows', flowId, 'start-date'), { startDate: o.date, by: o.by, reason: o.reason });
          print(flow, o.json, () => `Start date of ${flow.flowId} changed to ${o.date}. Open tasks now due:\n${flow.tasks.filter((t) => t.status === 'open').map((t) => `  ${t.dueDate}  ${t.key}`).join('\n')}`);
        },
        { startDate: '--date', by: '--by', reason: '--reason' },
      ),
    );

  onboarding
    .command('hepb-reversal')
    .description('the hire declined the hepatitis B vaccine and now accepts it: adds the vaccination task (29 CFR 1910.1030(f)(2)(iv))')
    .argument('<flowId>', 'the onboarding flow')
    .requiredOption('--by <who>', 'who records it')
    .option('--note <text>', 'a note for the record')
    .option('--json', 'print the JSON answer')
    .action((flowId: string, o: { by: string; note?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const task = await api().post<TaskView>(apiPath('flows', flowId, 'hepb-declination-reversal'), { by: o.by, note: o.note });
          print(task, o.json, () => `Added ${task.key} to ${flowId}, due ${task.dueDate}: ${task.title}`);
        },
        { by: '--by', note: '--note' },
      ),
    );
}

// ---- Flows and tasks -----------------------------------------------------------------------

export function registerFlowCommands(program: Command): void {
  const flows = program.command('flows').description('flows of every kind (through the API)');

  flows
    .command('list')
    .description('list flows, newest first')
    .option('--type <type>', 'only this flow type, e.g. onboarding')
    .option('--status <status>', 'only running, completed or cancelled flows')
    .option('--subject <id>', 'only flows about this subject (e.g. a hire id)')
    .option('--search <words>', 'only flows whose id, subject or title contain every word (case-insensitive), e.g. "reyes"')
    .option('--limit <n>', 'at most n flows (default 100)', positiveInt)
    .option('--json', 'print JSON')
    .action(async (o: { type?: string; status?: string; subject?: string; search?: string; limit?: number; json?: boolean }) => {
      const list = await api().get<FlowList>('/api/flows', { type: o.type, status: o.status, subject: o.subject, search: o.search, limit: o.limit });
      print(list, o.json, () => formatFlowList(list.flows));
    });

  flows
    .command('show')
    .description("a flow's checklist: due dates, status, who did what, and its recent history")
    .argument('<flowId>', 'e.g. onboarding-h-1042')
    .option('--json', 'print JSON')
    .action(async (flowId: string, o: { json?: boolean }) => {
      const flow = await api().get<FlowDetail>(apiPath('flows', flowId));
      print(flow, o.json, () => formatFlow(flow));
    });

  flows
    .command('cancel')
    .description('cancel a running flow: open tasks are cancelled and reminders stop')
    .argument('<flowId>', 'the flow')
    .requiredOption('--by <who>', 'who cancels it')
    .requiredOption('--reason <text>', 'why (kept in the audit ledger)')
    .option('--json', 'print the JSON answer')
    .action((flowId: string, o: { by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const flow = await api().post<FlowView>(apiPath('flows', flowId, 'cancel'), { by: o.by, reason: o.reason });
          const cancelled = flow.tasks.filter((t) => t.status === 'cancelled').length;
          print(flow, o.json, () => `Cancelled ${flow.flowId}: ${cancelled} open task(s) cancelled, reminders stopped.`);
        },
        { by: '--by', reason: '--reason' },
      ),
    );

  flows
    .command('incidents')
    .description('flows stuck on an incident: a record the database refused for good, waiting for a retry (after a fix) or to be given up')
    .option('--json', 'print the JSON answer')
    .action(async (o: { json?: boolean }) => {
      const { incidents } = await api().get<{ incidents: { flowId: string; number: number; activity: string; reason: string; openedAt: string }[] }>('/api/incidents');
      print({ incidents }, o.json, () =>
        incidents.length === 0 ? 'No open incidents.' : incidents.map((i) => `${i.flowId}  incident ${i.number}, opened ${i.openedAt}: ${i.activity}: ${i.reason}`).join('\n'),
      );
    });

  flows
    .command('incident')
    .description("resolve a flow's open incident: --retry writes the refused record again (after the cause is fixed), --skip gives that write up")
    .argument('<flowId>', 'the flow')
    .option('--retry', 'write the record again')
    .option('--skip', 'give the write up (recorded) and let the flow go on')
    .requiredOption('--note <text>', 'what was fixed, or why the write is given up (kept in the audit ledger)')
    .option('--by <who>', 'who resolves it (default: you)')
    .option('--json', 'print the JSON answer')
    .action((flowId: string, o: { retry?: boolean; skip?: boolean; note: string; by?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          if (Boolean(o.retry) === Boolean(o.skip)) throw new UsageError('say either --retry or --skip');
          const action = o.retry ? 'retry' : 'skip';
          const incident = await api().post<{ number: number; activity: string; status: string }>(apiPath('flows', flowId, 'incident'), { action, note: o.note, ...(o.by ? { by: o.by } : {}) });
          print(incident, o.json, () => `Incident ${incident.number} of ${flowId} (${incident.activity}): ${incident.status}.`);
        },
        { action: '--retry or --skip', note: '--note', by: '--by' },
      ),
    );

  const task = program.command('task').description("a flow's tasks (through the API)");

  task
    .command('complete')
    .description('complete a task (completing it after its due date needs --late-reason)')
    .argument('<flowId>', 'the flow')
    .argument('<taskKey>', 'the task, e.g. i9_section2')
    .requiredOption('--by <who>', 'who did it')
    .option('--note <text>', 'a note for the record')
    .option('--late-reason <text>', 'why it was late (required when it is)')
    .option('--outcome <outcome>', 'for tasks with outcomes, e.g. accepted or declined')
    .option('--evidence <key=value>', 'evidence, e.g. document=passport (repeatable)', keyValue, {})
    .option('--completed-at <iso>', 'when the work was done, if earlier than now (ISO 8601 with offset)')
    .option('--json', 'print the JSON answer')
    .action(
      (
        flowId: string,
        taskKey: string,
        o: { by: string; note?: string; lateReason?: string; outcome?: string; evidence: Record<string, string>; completedAt?: string; json?: boolean },
      ) =>
        withFlagNames(
          async () => {
            const body = {
              by: o.by,
              note: o.note,
              lateReason: o.lateReason,
              outcome: o.outcome,
              evidence: Object.keys(o.evidence).length > 0 ? o.evidence : undefined,
              completedAt: o.completedAt,
            };
            const done = await api().post<TaskView>(apiPath('flows', flowId, 'tasks', taskKey, 'complete'), body);
            print(done, o.json, () => `Completed ${done.key} in ${flowId} (due ${done.dueDate}${done.completion?.late ? ', late' : ''}) by ${done.completion?.by ?? o.by}.`);
          },
          { by: '--by', note: '--note', lateReason: '--late-reason', outcome: '--outcome', evidence: '--evidence', completedAt: '--completed-at' },
        ),
    );

  task
    .command('add')
    .description('add a task to a running flow')
    .argument('<flowId>', 'the flow')
    .requiredOption('--by <who>', 'who adds it')
    .option('--input <file>', 'the task as JSON (key, title, assignee, due, ...); a file or - for standard input')
    .option('--key <key>', 'task key, lower_snake_case')
    .option('--title <title>', 'what has to be done')
    .option('--assignee <email>', 'who has to do it')
    .option('--assignee-label <label>', 'a role label for the assignee')
    .option('--due-date <YYYY-MM-DD>', 'due on this date (in the practice time zone)')
    .option('--due-at <iso>', 'due at this instant (ISO 8601 with offset)')
    .option('--rule <citation>', 'the rule that requires it, e.g. "29 CFR 1910.1030(g)(2)"')
    .option('--optional', 'the flow can complete without it')
    .option('--json', 'print the JSON answer')
    .action(
      (
        flowId: string,
        o: { by: string; input?: string; key?: string; title?: string; assignee?: string; assigneeLabel?: string; dueDate?: string; dueAt?: string; rule?: string; optional?: boolean; json?: boolean },
      ) =>
        withFlagNames(
          async () => {
            const spec: Record<string, unknown> = o.input ? await readJsonObject(o.input) : {};
            if (o.key !== undefined) spec.key = o.key;
            if (o.title !== undefined) spec.title = o.title;
            if (o.assignee !== undefined || o.assigneeLabel !== undefined) spec.assignee = { email: o.assignee, label: o.assigneeLabel };
            if (o.dueDate !== undefined) spec.due = { date: o.dueDate };
            if (o.dueAt !== undefined) spec.due = { at: o.dueAt };
            if (o.rule !== undefined) spec.rule = { citation: o.rule };
            if (o.optional) spec.required = false;
            const added = await api().post<TaskView>(apiPath('flows', flowId, 'tasks'), { task: spec, by: o.by });
            print(added, o.json, () => `Added ${added.key} to ${flowId}, due ${added.dueDate}: ${added.title}`);
          },
          o.input
            ? { by: '--by' }
            : { by: '--by', 'task.key': '--key', 'task.title': '--title', 'task.assignee.email': '--assignee', 'task.due': '--due-date/--due-at', 'task.due.date': '--due-date', 'task.due.at': '--due-at', 'task.rule.citation': '--rule' },
        ),
    );

  task
    .command('due')
    .description("move an open task's due date (its reminders restart)")
    .argument('<flowId>', 'the flow')
    .argument('<taskKey>', 'the task')
    .option('--date <YYYY-MM-DD>', 'the new due date')
    .option('--at <iso>', 'the new due instant (ISO 8601 with offset)')
    .requiredOption('--by <who>', 'who moves it')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print the JSON answer')
    .action((flowId: string, taskKey: string, o: { date?: string; at?: string; by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          if ((o.date === undefined) === (o.at === undefined)) throw new UsageError('give exactly one of --date and --at');
          const due = o.date !== undefined ? { date: o.date } : { at: o.at };
          const moved = await api().post<TaskView>(apiPath('flows', flowId, 'tasks', taskKey, 'due'), { due, by: o.by, reason: o.reason });
          print(moved, o.json, () => `${moved.key} in ${flowId} is now due ${moved.dueDate}.`);
        },
        { due: '--date/--at', 'due.date': '--date', 'due.at': '--at', by: '--by', reason: '--reason' },
      ),
    );
}
