// Prior-authorization commands: `plan prior-auth` is pure and runs here (the same planner the API
// uses); `prior-auth start|list|show|submit|decide|rendered|denial-path|cancel` talk to the API.
import type { Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import type { PriorAuthView } from '../domain/prior-auth/view';
import type { FlowView } from '../domain/tasks/model';
import { planPriorAuthRequest } from '../services/prior-auth-plan';
import type { FlowList, PriorAuthDetail, StartPriorAuthResult } from '../services/schemas';
import { apiPath } from './api-client';
import { formatFlowList } from './format';
import { readJsonObject } from './input';
import { actorHeaders, api, bodyOf, collect, numberish, planGroup, positiveInt, print, taskTable, withFlagNames } from './options';


export function formatPriorAuth(v: PriorAuthDetail | PriorAuthView): string {
  const p = v as PriorAuthView & { source?: string; notice?: string };
  const lines = [
    `${p.flowId}  ${p.status} (flow ${p.flowStatus})${p.source === 'ledger' ? '  [from the audit ledger]' : ''}`,
    `  payer ${p.payer?.name ?? p.payer?.id ?? ''} (${p.payer?.type ?? '?'}), ${p.urgency ?? ''}, CPT/HCPCS ${p.service?.code ?? ''} x${p.service?.units ?? ''} on ${p.service?.scheduledDate ?? ''}`,
  ];
  if (p.notice) lines.push(`  note: ${p.notice}`);
  if (p.submissionTarget && p.status === 'awaiting_submission') lines.push(`  submit by ${p.submissionTarget.date} (${p.submissionTarget.rule})`);
  // The submission proof is what wins a dispute over the payer's clock: always shown.
  for (const sub of Array.isArray(p.submissions) ? p.submissions : []) lines.push(`  submission ${sub.n}: ${sub.submittedAt} via ${sub.channel}, confirmation ${sub.confirmationNumber} (by ${sub.by})`);
  if (p.clock) lines.push(`  payer decision due ${p.clock.decisionDueAt} (${p.clock.rule})${p.clock.overdue ? '  PAST THE CLOCK' : ''}${p.clock.stoppedAt ? `, decided ${p.clock.stoppedAt}` : ''}`);
  if (p.decision) lines.push(`  decision: ${p.decision.outcome} by ${p.decision.by} at ${p.decision.receivedAt}${p.decision.reason ? ` (${p.decision.reason})` : ''}${p.decision.authorizationNumber ? ` #${p.decision.authorizationNumber}` : ''}`);
  if (p.units) lines.push(`  units: ${p.units.used} of ${p.units.authorized} used, ${p.units.remaining} left`);
  if (Array.isArray(p.tasks) && p.tasks.length > 0) {
    lines.push('', taskTable(p.tasks));
  }
  return lines.join('\n');
}

export function registerPriorAuthCommands(program: Command): void {
  const plan = planGroup(program);
  plan
    .command('prior-auth')
    .description("the payer's decision deadline for a submission, as JSON: { payer, urgency, submittedAt } (local, no API needed)")
    .option('--input <file>', 'the submission as JSON (a file, or - for standard input); flags override its fields')
    .option('--payer-type <type>', 'medicare_ffs, medicare_advantage, medicaid_ffs, medicaid_managed_care, chip, ffe_qhp, commercial or aca_individual')
    .option('--urgency <urgency>', 'expedited or standard')
    .option('--submitted-at <iso>', 'when the payer received the request, ISO 8601 with offset')
    .action((o: { input?: string; payerType?: string; urgency?: string; submittedAt?: string }) =>
      withFlagNames(
        async () => {
          const body = await bodyOf(o.input, { urgency: o.urgency, submittedAt: o.submittedAt });
          if (o.payerType) body.payer = { ...((body.payer as object | undefined) ?? {}), type: o.payerType };
          console.log(JSON.stringify(planPriorAuthRequest(body, practiceProfileFromConfig(loadConfigOrExit()))));
        },
        o.input ? {} : { 'payer.type': '--payer-type', urgency: '--urgency', submittedAt: '--submitted-at' },
      ),
    );

  const pa = program.command('prior-auth').description('prior authorizations: start, submission, payer decision, services, denials (through the API)');

  pa.command('start')
    .description('start a prior authorization (once per authorizationId)')
    .requiredOption('--input <file>', 'the request as JSON: authorizationId, patientRef, payer, service { code, units, scheduledDate }, urgency, orderingProvider, staffEmail, managerEmail')
    .option('--actor <who>', 'who starts it (default: the staff email)')
    .option('--json', 'print the JSON answer')
    .action(async (o: { input: string; actor?: string; json?: boolean }) => {
      const started = await api().post<StartPriorAuthResult>('/api/prior-auth', await readJsonObject(o.input), actorHeaders(o.actor));
      print(started, o.json, () => `Started ${started.flowId}: submit to the payer by ${started.submissionTarget.date}.`);
    });

  pa.command('list')
    .description('prior authorizations, newest first')
    .option('--status <status>', 'running, completed or cancelled')
    .option('--limit <n>', 'at most n (default 100)', positiveInt)
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; limit?: number; json?: boolean }) => {
      const list = await api().get<FlowList>('/api/prior-auth', { status: o.status, limit: o.limit });
      print(list, o.json, () => formatFlowList(list.flows));
    });

  pa.command('show')
    .description('a prior authorization: status, payer clock, decision, units, tasks')
    .argument('<authorizationId>', 'e.g. pa-2027-0042')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const detail = await api().get<PriorAuthDetail>(apiPath('prior-auth', id));
      print(detail, o.json, () => formatPriorAuth(detail));
    });

  pa.command('submit')
    .description("record the submission to the payer (portal); the payer's decision clock starts")
    .argument('<authorizationId>', 'the authorization')
    .requiredOption('--confirmation <number>', "the payer portal's confirmation number")
    .requiredOption('--by <who>', 'who submitted')
    .option('--submitted-at <iso>', 'when the payer received it, ISO 8601 with offset (default: now)')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { confirmation: string; by: string; submittedAt?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const body = { channel: 'portal', confirmationNumber: o.confirmation, by: o.by, submittedAt: o.submittedAt ?? new Date().toISOString() };
          const view = await api().post<PriorAuthView>(apiPath('prior-auth', id, 'submission'), body);
          print(view, o.json, () => formatPriorAuth(view));
        },
        { confirmationNumber: '--confirmation', by: '--by', submittedAt: '--submitted-at' },
      ),
    );

  pa.command('decide')
    .description("record the payer's decision: approved, denied or pended")
    .argument('<authorizationId>', 'the authorization')
    .option('--input <file>', 'the decision as JSON; flags override its fields')
    .option('--outcome <outcome>', 'approved, denied or pended')
    .option('--by <who>', 'who records it')
    .option('--authorization-number <n>', 'approved: the payer authorization number')
    .option('--valid-from <YYYY-MM-DD>', 'approved: first valid day')
    .option('--valid-to <YYYY-MM-DD>', 'approved: last valid day')
    .option('--units <n>', 'approved: authorized units')
    .option('--reason <text>', "denied: the payer's specific reason (CMS-0057-F)")
    .option('--denial-code <code>', 'denied: a payer reason code (repeatable)', collect)
    .option('--info-requested <text>', 'pended: what the payer asked for')
    .option('--respond-by <YYYY-MM-DD>', 'pended: the date to answer by')
    .option('--received-at <iso>', 'when the decision arrived (default: now)')
    .option('--json', 'print the JSON answer')
    .action(
      (
        id: string,
        o: { input?: string; outcome?: string; by?: string; authorizationNumber?: string; validFrom?: string; validTo?: string; units?: string; reason?: string; denialCode?: string[]; infoRequested?: string; respondBy?: string; receivedAt?: string; json?: boolean },
      ) =>
        withFlagNames(
          async () => {
            const body = await bodyOf(o.input, {
              outcome: o.outcome,
              by: o.by,
              authorizationNumber: o.authorizationNumber,
              validFrom: o.validFrom,
              validTo: o.validTo,
              units: numberish(o.units),
              reason: o.reason,
              denialCodes: o.denialCode,
              infoRequested: o.infoRequested,
              respondBy: o.respondBy,
              receivedAt: o.receivedAt,
            });
            const view = await api().post<PriorAuthView>(apiPath('prior-auth', id, 'decision'), body);
            print(view, o.json, () => formatPriorAuth(view));
          },
          o.input
            ? {}
            : { outcome: '--outcome', by: '--by', authorizationNumber: '--authorization-number', validFrom: '--valid-from', validTo: '--valid-to', units: '--units', reason: '--reason', denialCodes: '--denial-code', infoRequested: '--info-requested', respondBy: '--respond-by', receivedAt: '--received-at' },
        ),
    );

  pa.command('rendered')
    .description('record a service rendered under the approved authorization')
    .argument('<authorizationId>', 'the authorization')
    .requiredOption('--on <YYYY-MM-DD>', 'the date of service')
    .requiredOption('--units <n>', 'units used')
    .requiredOption('--by <who>', 'who records it')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { on: string; units: string; by: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<PriorAuthView>(apiPath('prior-auth', id, 'service-rendered'), { on: o.on, unitsUsed: numberish(o.units), by: o.by });
          print(view, o.json, () => formatPriorAuth(view));
        },
        { on: '--on', unitsUsed: '--units', by: '--by' },
      ),
    );

  pa.command('denial-path')
    .description('after a denial: peer_to_peer, appeal or accept')
    .argument('<authorizationId>', 'the authorization')
    .requiredOption('--path <path>', 'peer_to_peer, appeal or accept')
    .requiredOption('--by <who>', 'who decides')
    .option('--note <text>', 'a note for the record')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { path: string; by: string; note?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<PriorAuthView>(apiPath('prior-auth', id, 'denial-path'), { path: o.path, by: o.by, note: o.note });
          print(view, o.json, () => formatPriorAuth(view));
        },
        { path: '--path', by: '--by', note: '--note' },
      ),
    );

  pa.command('cancel')
    .description('cancel a prior authorization (its tasks and escalations stop)')
    .argument('<authorizationId>', 'the authorization')
    .requiredOption('--by <who>', 'who cancels')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print the JSON answer')
    .action((id: string, o: { by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<FlowView>(apiPath('prior-auth', id, 'cancel'), { by: o.by, reason: o.reason });
          print(view, o.json, () => `Cancelled ${view.flowId}.`);
        },
        { by: '--by', reason: '--reason' },
      ),
    );
}
