// Claim-appeal commands: `plan appeal` is pure and runs here (the same planner the API uses; a
// denial that cannot be appealed prints `appealable: false` and exits 1); `appeal
// start|list|show|submit|decide|close` talk to the API.
import type { Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import { planAppealRequest, planTimelyFiling } from '../services/appeal-plan';
import type { AppealDetail, FlowList, StartAppealResult } from '../services/schemas';
import type { AppealView } from '../workflows/appeal/definitions';
import { apiPath, CliError } from './api-client';
import { formatFlowList } from './format';
import { readJsonObject } from './input';
import { actorHeaders, api, bodyOf, collect, numberish, planGroup, positiveInt, print, taskTable, withFlagNames } from './options';


export function formatAppeal(v: AppealDetail | AppealView): string {
  const a = v as AppealView & { source?: string; notice?: string };
  const lines = [`${a.workflowId}  ${a.status}, level ${a.level}${a.source === 'ledger' ? '  [from the audit ledger]' : ''}`, `  claim ${a.claimId}: file by ${a.filingDeadline} (${a.rule})`];
  if (a.notice) lines.push(`  note: ${a.notice}`);
  if (a.submission) lines.push(`  submitted ${a.submission.submittedAt} via ${a.submission.channel}, confirmation ${a.submission.confirmationNumber}${a.submission.timely ? '' : ' (LATE)'}`);
  if (a.decisionDue) lines.push(`  payer decision due ${a.decisionDue}`);
  if (a.outcome) lines.push(`  outcome: ${a.outcome.kind}: ${a.outcome.detail}`);
  if (Array.isArray(a.tasks) && a.tasks.length > 0) lines.push('', taskTable(a.tasks));
  return lines.join('\n');
}

const PLAN_FLAGS: Record<string, string> = { 'payer.type': '--payer-type', level: '--level', noticeDate: '--notice-date', receivedDate: '--received-date', dateOfService: '--date-of-service', amountInControversy: '--amount', denialCodes: '--denial-code' };

export function registerAppealCommands(program: Command): void {
  const plan = planGroup(program);
  plan
    .command('appeal')
    .description('the filing deadline and rule of one appeal level, as JSON; a denial that cannot be appealed (CO-29) prints appealable false and exits 1 (local, no API needed)')
    .option('--input <file>', 'the facts as JSON: payer, level, noticeDate, receivedDate?, dateOfService?, amountInControversy?, denialCodes? (a file, or - for standard input); flags override its fields')
    .option('--payer-type <type>', 'medicare_ffs, medicare_advantage, medicaid_ffs, medicaid_managed_care, chip, ffe_qhp, commercial or aca_individual')
    .option('--level <level>', 'redetermination, reconsideration, alj, internal or external')
    .option('--notice-date <YYYY-MM-DD>', 'the date on the denial or decision notice')
    .option('--received-date <YYYY-MM-DD>', 'when the notice actually arrived, if provable')
    .option('--date-of-service <YYYY-MM-DD>', 'the date of service')
    .option('--amount <dollars>', 'the amount in controversy')
    .option('--denial-code <code>', 'a CARC/RARC code of the denial, e.g. CO-50 (repeatable)', collect)
    .action((o: { input?: string; payerType?: string; level?: string; noticeDate?: string; receivedDate?: string; dateOfService?: string; amount?: string; denialCode?: string[] }) =>
      withFlagNames(
        async () => {
          const body = await bodyOf(o.input, { level: o.level, noticeDate: o.noticeDate, receivedDate: o.receivedDate, dateOfService: o.dateOfService, amountInControversy: numberish(o.amount), denialCodes: o.denialCode });
          if (o.payerType) body.payer = { ...((body.payer as object | undefined) ?? {}), type: o.payerType };
          const result = planAppealRequest(body, practiceProfileFromConfig(loadConfigOrExit()));
          console.log(JSON.stringify(result));
          if (!result.appealable) throw new CliError(`not appealable: ${result.reason ?? ''} (${result.rule})`);
        },
        o.input ? {} : PLAN_FLAGS,
      ),
    );

  plan
    .command('timely-filing')
    .description('Medicare FFS timely filing of a claim: the last day it may be received (12 months from the date of service, weekend/holiday roll-forward) and, with --submitted-at, whether that submission makes it (6 p.m. Eastern cutoff); local, as JSON; exits 1 when late')
    .option('--input <file>', 'the facts as JSON: dateOfService, submittedAt? (a file, or - for standard input); flags override its fields')
    .option('--date-of-service <YYYY-MM-DD>', 'the date of service')
    .option('--submitted-at <iso>', 'when the claim is or was submitted, ISO 8601 with offset')
    .action((o: { input?: string; dateOfService?: string; submittedAt?: string }) =>
      withFlagNames(
        async () => {
          const result = planTimelyFiling(await bodyOf(o.input, { dateOfService: o.dateOfService, submittedAt: o.submittedAt }));
          console.log(JSON.stringify(result));
          if (result.timely === false) throw new CliError(`late: received ${result.receivedOn}, after the last day ${result.filingDeadline} (${result.rule})`);
        },
        o.input ? {} : { dateOfService: '--date-of-service', submittedAt: '--submitted-at' },
      ),
    );

  const appeal = program.command('appeal').description('claim appeals: start, submit with proof, payer decision, close (through the API)');

  appeal
    .command('start')
    .description('start a claim appeal (once per appealId); a denial that cannot be appealed at the level is refused naming the field')
    .requiredOption('--input <file>', 'the appeal as JSON: appealId, claimId, patientRef, payer, dateOfService, noticeDate, denialCodes, billedAmount, deniedAmount, level?, staffEmail, managerEmail')
    .option('--actor <who>', 'who starts it (default: the staff email)')
    .option('--json', 'print the JSON answer')
    .action(async (o: { input: string; actor?: string; json?: boolean }) => {
      const started = await api().post<StartAppealResult>('/api/appeals', await readJsonObject(o.input), actorHeaders(o.actor));
      print(started, o.json, () => `Started ${started.flowId}: ${started.plan.level}, file by ${started.plan.filingDeadline} (${started.plan.rule}).`);
    });

  appeal
    .command('list')
    .description('claim appeals, newest first')
    .option('--status <status>', 'running, completed or cancelled')
    .option('--limit <n>', 'at most n (default 100)', positiveInt)
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; limit?: number; json?: boolean }) => {
      const list = await api().get<FlowList>('/api/appeals', { status: o.status, limit: o.limit });
      print(list, o.json, () => formatFlowList(list.flows));
    });

  appeal
    .command('show')
    .description('an appeal: level, filing deadline, tasks, submission, decisions')
    .argument('<appealId>', 'e.g. A-1042')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const detail = await api().get<AppealDetail>(apiPath('appeals', id));
      print(detail, o.json, () => formatAppeal(detail));
    });

  appeal
    .command('submit')
    .description("record the filing with its proof (completes submit_appeal); the payer's decision clock starts")
    .argument('<appealId>', 'the appeal')
    .requiredOption('--confirmation <number>', "the payer's confirmation, tracking or fax receipt number")
    .requiredOption('--channel <channel>', 'portal, fax, mail, edi, email or in_person')
    .requiredOption('--by <who>', 'who filed it')
    .option('--submitted-at <iso>', 'when it was filed, ISO 8601 with offset (default: now)')
    .option('--note <text>', 'a note for the record')
    .option('--late-reason <text>', 'why it is filed after the task was due')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { confirmation: string; channel: string; by: string; submittedAt?: string; note?: string; lateReason?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const body = { confirmationNumber: o.confirmation, channel: o.channel, by: o.by, submittedAt: o.submittedAt, note: o.note, lateReason: o.lateReason };
          const view = await api().post<AppealView>(apiPath('appeals', id, 'submission'), body);
          print(view, o.json, () => formatAppeal(view));
        },
        { confirmationNumber: '--confirmation', channel: '--channel', by: '--by', submittedAt: '--submitted-at', 'evidence.submittedAt': '--submitted-at', lateReason: '--late-reason' },
      ),
    );

  appeal
    .command('decide')
    .description("record the payer's decision on the level: won, partially_won or lost (a loss with --notice-date opens the next level)")
    .argument('<appealId>', 'the appeal')
    .requiredOption('--outcome <outcome>', 'won, partially_won or lost')
    .requiredOption('--by <who>', 'who records it')
    .option('--amount-recovered <dollars>', 'won, partially_won: the amount recovered')
    .option('--notice-date <YYYY-MM-DD>', 'lost (required), partially_won: the date on the decision notice')
    .option('--received-date <YYYY-MM-DD>', 'when the decision notice arrived, if provable')
    .option('--note <text>', 'a note for the record')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { outcome: string; by: string; amountRecovered?: string; noticeDate?: string; receivedDate?: string; note?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const body = await bodyOf(undefined, { outcome: o.outcome, by: o.by, amountRecovered: numberish(o.amountRecovered), noticeDate: o.noticeDate, receivedDate: o.receivedDate, note: o.note });
          const view = await api().post<AppealView>(apiPath('appeals', id, 'decision'), body);
          print(view, o.json, () => formatAppeal(view));
        },
        { outcome: '--outcome', by: '--by', amountRecovered: '--amount-recovered', noticeDate: '--notice-date', receivedDate: '--received-date', note: '--note' },
      ),
    );

  appeal
    .command('close')
    .description('close an appeal the practice no longer pursues')
    .argument('<appealId>', 'the appeal')
    .requiredOption('--by <who>', 'who closes it')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<AppealView>(apiPath('appeals', id, 'close'), { by: o.by, reason: o.reason });
          print(view, o.json, () => formatAppeal(view));
        },
        { by: '--by', reason: '--reason' },
      ),
    );
}
