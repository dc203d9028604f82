// The credential commands: add, list, show, renew, change, retire, flags and import talk to the
// API; `plan credential` is pure and runs here, with the same planner the API uses.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import { planCredentialRequest } from '../services/credential-plan';
import type { AddCredentialResult, CredentialDetail, CredentialFlagList, CredentialList, ImportResult } from '../services/schemas';
import type { CredentialView } from '../workflows/credential/definitions';
import { apiBaseUrl, apiPath, apiToken, CliError, createApiClient } from './api-client';
import { formatAdded, formatCredential, formatCredentialList, formatFlags, formatImport } from './credential-format';
import { readJsonObject, readTextInput } from './input';
import { actorHeaders, api, planGroup, positiveInt, print, withFlagNames } from './options';

interface CredentialOptions {
  input?: string;
  credentialId?: string;
  provider?: string;
  type?: string;
  issuer?: string;
  jurisdiction?: string;
  number?: string;
  issueDate?: string;
  dueDate?: string;
  evidence?: string;
  providerEmail?: string;
  ownerEmail?: string;
  managerEmail?: string;
}

const CREDENTIAL_FLAGS: Record<string, string> = {
  credentialId: '--credential-id',
  providerId: '--provider',
  type: '--type',
  issuer: '--issuer',
  jurisdiction: '--jurisdiction',
  number: '--number',
  issueDate: '--issue-date',
  dueDate: '--due-date',
  evidence: '--evidence',
  providerEmail: '--provider-email',
  ownerEmail: '--owner-email',
  managerEmail: '--manager-email',
};

function credentialOptions(command: Command): Command {
  return command
    .option('--input <file>', 'the credential as JSON (a file, or - for standard input); flags override its fields')
    .option('--credential-id <id>', 'credential id, e.g. dea-p77 (an identifier, unique per credential)')
    .option('--provider <id>', "the provider's id (for a new provider: the hire id of their onboarding)")
    .option('--type <type>', 'state_license, dea_registration, board_certification, caqh_attestation, payer_recredentialing, medicare_revalidation, hospital_privileges, malpractice_insurance, bls_card or acls_card')
    .option('--issuer <name>', 'issuing body: the board, the payer (e.g. aetna), the hospital, the insurer')
    .option('--jurisdiction <XX>', 'US state (required for state_license and dea_registration)')
    .option('--number <number>', 'license or registration number')
    .option('--issue-date <YYYY-MM-DD>', 'when it was issued')
    .option('--due-date <YYYY-MM-DD>', 'expiry or next due date')
    .option('--evidence <ref>', 'a reference to the document on file (id or file name), never the document')
    .option('--provider-email <email>', "the provider's email (reminders)")
    .option('--owner-email <email>', 'the credentialing coordinator who files renewals (reminders)')
    .option('--manager-email <email>', 'the manager (escalations)');
}

async function credentialRequest(o: CredentialOptions): Promise<Record<string, unknown>> {
  const request: Record<string, unknown> = o.input ? await readJsonObject(o.input) : {};
  const fields: [string, string | undefined][] = [
    ['credentialId', o.credentialId],
    ['providerId', o.provider],
    ['type', o.type],
    ['issuer', o.issuer],
    ['jurisdiction', o.jurisdiction],
    ['number', o.number],
    ['issueDate', o.issueDate],
    ['dueDate', o.dueDate],
    ['evidence', o.evidence],
    ['providerEmail', o.providerEmail],
    ['ownerEmail', o.ownerEmail],
    ['managerEmail', o.managerEmail],
  ];
  for (const [k, v] of fields) if (v !== undefined) request[k] = v;
  return request;
}

/** Field problems are shown with the flag that set the field, unless the field came from --input. */
const flagsFor = (o: CredentialOptions): Record<string, string> => (o.input ? {} : CREDENTIAL_FLAGS);

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number of days (0 or more)');
  return n;
}

const printWarnings = (warnings: string[]): void => {
  for (const w of warnings) console.error(`warning: ${w}`);
};

export function registerCredentialCommands(program: Command): void {
  const plan = planGroup(program);
  credentialOptions(
    plan.command('credential').description("a credential's due date, reminder dates, lapse day and renewal window, as JSON (local, no API needed)"),
  ).action((o: CredentialOptions) =>
    withFlagNames(async () => {
      const { plan: result } = planCredentialRequest(await credentialRequest(o), practiceProfileFromConfig(loadConfigOrExit()));
      console.log(JSON.stringify(result));
    }, flagsFor(o)),
  );

  const credential = program.command('credential').description('provider credentials: licenses, DEA, board certification, CAQH, payers, privileges (through the API)');

  credentialOptions(
    credential
      .command('add')
      .description("add a credential and start its flow (reminders, lapse, renewal); completes the provider's onboarding credentialing task")
      .option('--actor <who>', 'who adds it, recorded in the flow and the audit ledger (default: the owner email)')
      .option('--json', 'print the JSON answer'),
  ).action((o: CredentialOptions & { actor?: string; json?: boolean }) =>
    withFlagNames(async () => {
      const added = await api().post<AddCredentialResult>('/api/credentials', await credentialRequest(o), actorHeaders(o.actor));
      print(added, o.json, () => formatAdded(added));
      if (!o.json) printWarnings(added.warnings);
    }, flagsFor(o)),
  );

  credential
    .command('list')
    .description('list credentials, soonest due first (the expiry dashboard)')
    .option('--expiring-within <days>', 'only those due within this many days from today (lapsed ones too when --status names them)', days)
    .option('--provider <id>', "only this provider's credentials")
    .option('--type <type>', 'only this credential type, e.g. dea_registration')
    .option('--status <status>', 'only these: active, lapsed, new_application_required, retired (comma-separated; default: all but retired)')
    .option('--limit <n>', 'at most n credentials (default 100)', positiveInt)
    .option('--json', 'print JSON')
    .action((o: { expiringWithin?: number; provider?: string; type?: string; status?: string; limit?: number; json?: boolean }) =>
      withFlagNames(
        async () => {
          const list = await api().get<CredentialList>('/api/credentials', { expiringWithinDays: o.expiringWithin, providerId: o.provider, type: o.type, status: o.status, limit: o.limit });
          print(list, o.json, () => formatCredentialList(list));
        },
        { expiringWithinDays: '--expiring-within', providerId: '--provider', type: '--type', status: '--status', limit: '--limit' },
      ),
    );

  credential
    .command('show')
    .description('a credential: status, lapse flags, schedule, next notice, recent history')
    .argument('<credentialId>', 'the credential, e.g. dea-p77')
    .option('--json', 'print JSON')
    .action(async (credentialId: string, o: { json?: boolean }) => {
      const detail = await api().get<CredentialDetail>(apiPath('credentials', credentialId));
      print(detail, o.json, () => formatCredential(detail));
    });

  credential
    .command('renew')
    .description("record a renewal; the rule's window is checked (DEA: at most 60 days before expiry)")
    .argument('<credentialId>', 'the credential')
    .requiredOption('--evidence <ref>', 'the renewed document on file (id or file name)')
    .requiredOption('--by <who>', 'who records it (email or user id)')
    .option('--renewed-on <YYYY-MM-DD>', 'when the renewal was filed (default: today)')
    .option('--new-due-date <YYYY-MM-DD>', "the new expiry from the document (default: by the rule's cycle)")
    .option('--number <number>', 'a new license or registration number')
    .option('--note <text>', 'a note for the record')
    .option('--json', 'print the JSON answer')
    .action((credentialId: string, o: { evidence: string; by: string; renewedOn?: string; newDueDate?: string; number?: string; note?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const body = { evidence: o.evidence, by: o.by, renewedOn: o.renewedOn, newDueDate: o.newDueDate, number: o.number, note: o.note };
          const view = await api().post<CredentialView>(apiPath('credentials', credentialId, 'renew'), body);
          print(view, o.json, () => `Renewed ${credentialId}: now due ${view.credential.dueDate} (cycle ${view.cycle}, ${view.status}).`);
        },
        { evidence: '--evidence', by: '--by', renewedOn: '--renewed-on', newDueDate: '--new-due-date', number: '--number', note: '--note' },
      ),
    );

  credential
    .command('change')
    .description('correct a credential (audited with the reason); a new due date restarts its reminders')
    .argument('<credentialId>', 'the credential')
    .requiredOption('--by <who>', 'who changes it')
    .requiredOption('--reason <text>', 'why')
    .option('--due-date <YYYY-MM-DD>', 'the corrected expiry or due date')
    .option('--issuer <name>', 'the issuer')
    .option('--number <number>', 'the license or registration number')
    .option('--evidence <ref>', 'the document on file')
    .option('--provider-email <email>', "the provider's email")
    .option('--owner-email <email>', "the credentialing coordinator's email")
    .option('--manager-email <email>', "the manager's email")
    .option('--json', 'print the JSON answer')
    .action(
      (
        credentialId: string,
        o: { by: string; reason: string; dueDate?: string; issuer?: string; number?: string; evidence?: string; providerEmail?: string; ownerEmail?: string; managerEmail?: string; json?: boolean },
      ) =>
        withFlagNames(
          async () => {
            const { by, reason, json, ...changes } = o;
            const view = await api().post<CredentialView>(apiPath('credentials', credentialId, 'change'), { changes, by, reason });
            print(view, json, () => `Changed ${credentialId} (${Object.keys(changes).join(', ')}): due ${view.credential.dueDate}, ${view.status}.`);
          },
          {
            by: '--by',
            reason: '--reason',
            changes: '--due-date/--issuer/--number/--evidence/--provider-email/--owner-email/--manager-email',
            ...Object.fromEntries(Object.entries(CREDENTIAL_FLAGS).map(([k, v]) => [`changes.${k}`, v])),
          },
        ),
    );

  credential
    .command('retire')
    .description('retire a credential (no longer needed): its reminders stop and its flags are lifted')
    .argument('<credentialId>', 'the credential')
    .requiredOption('--by <who>', 'who retires it')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print the JSON answer')
    .action((credentialId: string, o: { by: string; reason: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const view = await api().post<CredentialView>(apiPath('credentials', credentialId, 'retire'), { by: o.by, reason: o.reason });
          print(view, o.json, () => `Retired ${credentialId}.`);
        },
        { by: '--by', reason: '--reason' },
      ),
    );

  credential
    .command('flags')
    .description('the lapse flags in force (e.g. no_controlled_substances:NY, claims_hold:aetna), by provider')
    .option('--provider <id>', "only this provider's flags")
    .option('--json', 'print JSON')
    .action((o: { provider?: string; json?: boolean }) =>
      withFlagNames(
        async () => {
          const flags = await api().get<CredentialFlagList>('/api/credentials/flags', { providerId: o.provider });
          print(flags, o.json, () => formatFlags(flags));
        },
        { providerId: '--provider' },
      ),
    );

  credential
    .command('import')
    .summary('import credentials from a CSV file, all rows or none (exit 1 when any row is rejected)')
    .description(
      'import credentials from a CSV file, all rows or none (exit 1 when any row is rejected). Columns: credentialId, providerId, type, issuer, jurisdiction, number, ' +
        'issueDate, dueDate, evidence, providerEmail, ownerEmail, managerEmail (header row required, blank cells are absent). ' +
        'Importing the same file again changes nothing; a changed row is applied as an audited change.',
    )
    .argument('<file>', 'the CSV file (- for standard input)')
    .option('--actor <who>', "who imports, recorded in the flows and the audit ledger (default: each row's owner email)")
    .option('--json', 'print the JSON report')
    .action(async (file: string, o: { actor?: string; json?: boolean }) => {
      const csv = await readTextInput(file, '');
      // A large file starts many flows: allow it more than the usual minute.
      const config = loadConfigOrExit();
      const client = createApiClient(apiBaseUrl(config), { timeoutMs: 10 * 60_000, token: apiToken(config) });
      const report = await client.post<ImportResult>('/api/credentials/import', { csv }, actorHeaders(o.actor));
      print(report, o.json, () => formatImport(report));
      if (!o.json) printWarnings(report.warnings);
      if (!report.applied || report.failed.length > 0) throw new CliError(report.message);
    });
}
