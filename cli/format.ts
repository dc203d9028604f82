// Human-readable output of the CLI's flow commands (`--json` prints the API's JSON instead).
import { DateTime } from 'luxon';
import type { TaskView } from '../domain/tasks/model';
import type { FlowDetail, FlowSummary, PlanView } from '../services/schemas';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** An instant in the flow's time zone, to the minute. */
export function localTime(iso: string | null | undefined, zone: string): string {
  if (!iso) return '';
  const dt = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  return dt.isValid ? dt.toFormat('yyyy-LL-dd HH:mm') : iso;
}

export function formatPlan(plan: PlanView): string {
  return table(
    ['DUE', 'TASK', 'TITLE', 'RULE'],
    plan.tasks.map((t) => [t.dueDate, t.key, clip(t.title, 60), t.rule]),
  );
}

export function formatFlowList(flows: FlowSummary[]): string {
  if (flows.length === 0) return 'No flows.';
  return table(
    ['FLOW', 'TYPE', 'STATUS', 'STARTED (UTC)', 'STARTED BY', 'TITLE'],
    flows.map((f) => [f.flowId, f.flowType, f.status, localTime(f.startedAt, 'utc'), f.startedBy, clip(f.title, 60)]),
  );
}

function taskState(t: TaskView): string {
  if (t.status === 'open') return t.overdue ? 'OVERDUE' : 'open';
  if (t.status === 'completed') return t.completion?.late ? 'done late' : 'done';
  return t.status;
}

function taskDone(t: TaskView, zone: string): string {
  if (t.completion) {
    const c = t.completion;
    const parts = [`${c.by} ${localTime(c.at, zone)}`];
    if (c.outcome) parts.push(`outcome: ${c.outcome}`);
    if (c.lateReason) parts.push(`late: ${clip(c.lateReason, 60)}`);
    if (c.note) parts.push(`note: ${clip(c.note, 60)}`);
    return parts.join('; ');
  }
  if (t.nextNotice) return `next ${t.nextNotice.kind} ${localTime(t.nextNotice.at, zone)}`;
  return '';
}

export function formatFlow(flow: FlowDetail): string {
  const zone = flow.timeZone;
  const lines = [flow.title, ''];
  const facts: [string, string][] = [
    ['Flow', `${flow.flowId} (${flow.flowType})`],
    ['Status', flow.status],
    ['Started', `${localTime(flow.startedAt, zone)} by ${flow.startedBy}`],
    ['Manager', flow.managerEmail],
    ['Time zone', zone],
  ];
  if (flow.cancelled) facts.push(['Cancelled', `${localTime(flow.cancelled.at, zone)} by ${flow.cancelled.by}: ${flow.cancelled.reason}`]);
  if (flow.completedAt) facts.push(['Completed', localTime(flow.completedAt, zone)]);
  if (flow.source === 'ledger') facts.push(['Source', `audit ledger${flow.notice ? ` (${flow.notice})` : ''}`]);
  for (const [k, v] of facts) lines.push(`  ${k.padEnd(10)} ${v}`);

  lines.push('', `Checklist (times in ${zone})`);
  lines.push(
    indent(
      table(
        ['STATUS', 'DUE', 'TASK', 'ASSIGNEE', 'DONE BY / NEXT', 'TITLE'],
        flow.tasks.map((t) => [taskState(t), t.dueDate, t.key, t.assignee.email, taskDone(t, zone), clip(t.title, 50)]),
      ),
    ),
  );

  lines.push('', `Recent history (last ${flow.history.length})`);
  lines.push(
    flow.history.length === 0
      ? '  (none)'
      : indent(
          table(
            ['WHEN', 'WHO', 'WHAT', 'TASK', 'RULE'],
            flow.history.map((h) => [localTime(h.at, zone), h.actor, h.action, h.task ?? '', h.rule ?? '']),
          ),
        ),
  );
  return lines.join('\n');
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
