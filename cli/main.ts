// `practiceflow`: the manager's and IT person's command line. Argument parsing by commander.
// Flow commands talk to the API (PRACTICEFLOW_API_URL); `plan` and `mail` run locally; `audit`
// reads DATABASE_URL directly when it is set, else the API (cli/audit.ts).
// Errors print `error: <message>` and one `  <path>: <reason>` line per field problem, never a
// stack trace; exit code 1 when a command fails, 2 when it was used wrongly.
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { formatMailboxTable, formatMessage, listMailbox, readMessage } from '../devstack/mailbox';
import { ServiceError } from '../services/errors';
import { CliError } from './api-client';
import { registerAppealCommands } from './appeals';
import { registerAuditCommands } from './audit';
import { registerOshaCommands } from './osha';
import { registerCredentialCommands } from './credentials';
import { registerFlowCommands, registerOnboardingCommands } from './flows';
import { registerPriorAuthCommands } from './prior-auth';
import { registerKeyCommands } from './keys';
import { registerUserCommands } from './users';
import { registerWorklistCommands } from './worklists';

const program = new Command()
  .name('practiceflow')
  .description('PracticeFlow: durable compliance workflows for a medical practice')
  .showHelpAfterError()
  // Before any subcommand exists, so they inherit it: usage errors reach the handler at the end.
  .exitOverride();

registerOnboardingCommands(program);
registerFlowCommands(program);
registerCredentialCommands(program);
registerPriorAuthCommands(program);
registerAppealCommands(program);
registerOshaCommands(program);
registerWorklistCommands(program);
registerAuditCommands(program);
registerUserCommands(program);
registerKeyCommands(program);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number greater than 0');
  return n;
}

const mail = program.command('mail').description('read the local mailbox (the development mail sink started by `npm start`)');

mail
  .command('list', { isDefault: true })
  .description('list received messages, oldest first')
  .option('--to <address>', 'only messages to this address (substring match)')
  .option('--subject <text>', 'only messages whose subject contains this text')
  .option('--since <iso>', 'only messages received at or after this ISO 8601 instant')
  .option('--limit <n>', 'only the newest n messages', positiveInt)
  .option('--json', 'print JSON instead of a table')
  .action(async (opts: { to?: string; subject?: string; since?: string; limit?: number; json?: boolean }) => {
    const config = loadConfigOrExit();
    const mails = await listMailbox(resolve(config.PRACTICEFLOW_DATA_DIR, 'mail'), {
      to: opts.to,
      subjectContains: opts.subject,
      since: opts.since,
      limit: opts.limit,
    });
    console.log(opts.json ? JSON.stringify(mails, null, 2) : formatMailboxTable(mails));
  });

mail
  .command('show')
  .description('show one message with its headers and body')
  .argument('<id>', 'message id from `practiceflow mail list` (a unique prefix is enough)')
  .action(async (id: string) => {
    const config = loadConfigOrExit();
    const message = await readMessage(resolve(config.PRACTICEFLOW_DATA_DIR, 'mail'), id);
    if (!message) {
      console.error(`id: no message "${id}" in the mailbox`);
      process.exitCode = 1;
      return;
    }
    console.log(formatMessage(message));
  });

/** `error: <message>`, then each field problem unless the message already is that one problem. */
function printError(message: string, problems: { path: string; message: string }[]): void {
  console.error(`error: ${message}`);
  const only = problems.length === 1 ? problems[0]! : undefined;
  if (only && `${only.path}: ${only.message}` === message) return;
  for (const p of problems) console.error(`  ${p.path}: ${p.message}`);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has printed its message (and the help); 0 for --help and --version.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof CliError) {
    printError(err.message, err.problems);
    process.exitCode = err.exitCode;
  } else if (err instanceof ServiceError) {
    printError(err.message, err.problems);
    process.exitCode = 1;
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
});
