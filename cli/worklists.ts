// The billing lead's commands: `worklist appeals|prior-auth` and `report prior-auth-metrics`
// (through the API).
import type { Command } from 'commander';
import type { AppealWorklist, PriorAuthMetrics, PriorAuthMetricsReport, PriorAuthWorklist } from '../services/schemas';
import { table } from './format';
import { api, positiveInt, print, withFlagNames } from './options';

const pct = (r: number | null): string => (r === null ? '' : `${Math.round(r * 100)}%`);
const n = (v: number | null): string => (v === null ? '' : String(v));

export function formatMetrics(report: PriorAuthMetricsReport): string {
  const row = (label: string, m: PriorAuthMetrics) => [label, String(m.requests), String(m.decisions), String(m.approved), String(m.denied), String(m.pended), pct(m.approvalRate), pct(m.denialRate), n(m.averageDecisionHours), n(m.medianDecisionHours), String(m.decidedAfterClock)];
  return [
    `Prior-authorization metrics ${report.from} to ${report.to} (${report.timeZone})`,
    table(
      ['PAYER', 'REQUESTS', 'DECISIONS', 'APPROVED', 'DENIED', 'PENDED', 'APPROVAL', 'DENIAL', 'AVG H', 'MEDIAN H', 'AFTER CLOCK'],
      [...report.payers.map((p) => row(p.payer.name ?? p.key, p)), row('(all)', report.overall)],
    ),
  ].join('\n');
}

export function registerWorklistCommands(program: Command): void {
  const worklist = program.command('worklist').description("the billing lead's worklists (through the API)");

  worklist
    .command('appeals')
    .description('open appeals, soonest due first: by filing deadline (days left), by the payer decision due date once submitted')
    .option('--limit <n>', 'at most n (default 200)', positiveInt)
    .option('--json', 'print JSON')
    .action(async (o: { limit?: number; json?: boolean }) => {
      const list = await api().get<AppealWorklist>('/api/worklist/appeals', { limit: o.limit });
      print(list, o.json, () =>
        list.items.length === 0
          ? 'No open appeals.'
          : table(
              ['DUE', 'DAYS', 'STAGE', 'APPEAL', 'LEVEL', 'PAYER', 'FILING DEADLINE'],
              list.items.map((i) => [i.dueDate ?? '', n(i.daysUntilDue) + (i.overdue ? ' OVERDUE' : ''), i.stage, i.appealId, i.level ?? '', i.payer?.name ?? i.payer?.type ?? '', i.filingDeadline ?? '']),
            ),
      );
    });

  worklist
    .command('prior-auth')
    .description("prior authorizations waiting on the payer, soonest decision due first; flagged when the payer's clock has run out")
    .option('--limit <n>', 'at most n (default 200)', positiveInt)
    .option('--json', 'print JSON')
    .action(async (o: { limit?: number; json?: boolean }) => {
      const list = await api().get<PriorAuthWorklist>('/api/worklist/prior-auth', { limit: o.limit });
      print(list, o.json, () =>
        list.items.length === 0
          ? 'No prior authorizations waiting on a payer.'
          : table(
              ['DECISION DUE', 'HOURS LEFT', 'AUTHORIZATION', 'STATUS', 'PAYER', 'RULE'],
              list.items.map((i) => [i.decisionDueAt ?? '', n(i.hoursLeft) + (i.pastClock ? ' PAST CLOCK' : ''), i.authorizationId, i.status, i.payer?.name ?? i.payer?.type ?? '', i.rule ?? '']),
            ),
      );
    });

  const report = program.command('report').description('reports (through the API)');
  report
    .command('prior-auth-metrics')
    .description("CMS-0057-F style metrics for the practice's own prior authorizations, per payer and overall, from the audit ledger")
    .requiredOption('--from <YYYY-MM-DD>', 'first day (practice time zone)')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--json', 'print JSON')
    .action((o: { from: string; to: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const result = await api().get<PriorAuthMetricsReport>('/api/reports/prior-auth-metrics', { from: o.from, to: o.to });
          print(result, o.json, () => formatMetrics(result));
        },
        { from: '--from', to: '--to' },
      ),
    );
}
