// Users, API tokens and who the CLI is signed in as:
//   practiceflow user create --email --role --password-stdin [--token-name cli]
//       With DATABASE_URL: straight into the database (the admin command that creates the first
//       user, before anyone can sign in). Without: through the API, as an admin.
//   practiceflow user list | user disable <id> | user enable <id>   (API, admin)
//   practiceflow user locks | user unlock (--email <email> | --address <ip>)   sign-in throttling (API, admin)
//   practiceflow service-account create --name <name> --role <role>           (API, admin)
//   practiceflow token create --name [--service-account <name>]   for yourself, or (admin) a service account
//   practiceflow token list | token revoke <id>                                (API, admin)
//   practiceflow login                                   checks PRACTICEFLOW_TOKEN: who it signs in
//   practiceflow my-work                                 the token's user's own open tasks, credentials, OSHA occurrences
// The CLI signs in with an API token only (PRACTICEFLOW_TOKEN); it stores nothing on disk.
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import { createPrismaClient } from '../db/client';
import type { Me, MyWork, SignInLock, SignInLockList, TokenCreated, TokenList, TokenView, UserList, UserView } from '../services/auth-schemas';
import { UserService } from '../services/users';
import { apiPath, UsageError } from './api-client';
import { localTime, table } from './format';
import { readTextInput } from './input';
import { api, print, withFlagNames } from './options';

const USER_FLAGS = { email: '--email', role: '--role', password: '--password-stdin', name: '--token-name' };

/** The password from standard input, without the newline `echo` or a here-string adds. */
async function passwordFromStdin(): Promise<string> {
  return (await readTextInput('-', '--password-stdin')).replace(/\r?\n$/, '');
}

function printToken(t: TokenCreated, json: boolean | undefined): void {
  print(t, json, () => `API token "${t.name}" for ${t.email} (id ${t.id}); shown only now, PracticeFlow keeps its SHA-256:\n${t.token}\nUse it: export PRACTICEFLOW_TOKEN=${t.token}`);
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('people who sign in, and their roles (admin, manager, staff, auditor)');

  user
    .command('create')
    .description('create a user; with DATABASE_URL set, directly in the database (use it to create the first admin), else through the API as an admin')
    .requiredOption('--email <email>', 'their email: the identity recorded for everything they do')
    .requiredOption('--role <role>', 'admin, manager, staff or auditor')
    .option('--password-stdin', 'read the password from standard input (at least 12 characters), so it is not in the shell history')
    .option('--token-name <name>', 'also create an API token for them with this name (shown once), e.g. cli')
    .option('--json', 'print JSON')
    .action(async (o: { email: string; role: string; passwordStdin?: boolean; tokenName?: string; json?: boolean }) =>
      withFlagNames(async () => {
        if (!o.passwordStdin) throw new UsageError('--password-stdin: give the password on standard input, e.g. printf \'%s\' "$PASSWORD" | practiceflow user create ... --password-stdin');
        const body = { email: o.email, role: o.role, password: await passwordFromStdin() };
        const config = loadConfigOrExit();
        let created: UserView;
        let token: TokenCreated | undefined;
        if (config.DATABASE_URL) {
          const prisma = createPrismaClient(config.DATABASE_URL, { max: 2 });
          try {
            const users = new UserService({ prisma });
            // Nobody is signed in: the ledger names the operating-system user who ran the command.
            const operator = `cli:${userInfo().username}@${hostname()}`;
            created = await users.createUser(body, operator);
            if (o.tokenName !== undefined) token = await users.createToken({ id: created.id, email: created.email, role: created.role, kind: 'person', via: 'token' }, { name: o.tokenName }, operator);
          } finally {
            await prisma.$disconnect();
          }
        } else {
          // A token acts as the person it belongs to: they create their own (the console's My work, or `token create`).
          if (o.tokenName !== undefined) throw new UsageError('--token-name: only with DATABASE_URL (the first admin); through the API each person creates their own token, signed in as themselves');
          created = await api().post<UserView>('/api/users', body);
        }
        if (o.json) return print({ user: created, ...(token ? { token } : {}) }, true, () => '');
        console.log(`created ${created.role} ${created.email} (id ${created.id})`);
        if (token) printToken(token, false);
      }, USER_FLAGS),
    );

  user
    .command('list')
    .description('the users and their roles (admin)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await api().get<UserList>('/api/users');
      print(list, o.json, () => table(['EMAIL', 'ROLE', 'KIND', 'CREATED', 'DISABLED', 'ID'], list.users.map((u) => [u.email, u.role, u.kind, u.createdAt.slice(0, 10), u.disabledAt?.slice(0, 10) ?? '', u.id])));
    });

  user
    .command('disable')
    .description('disable a user: no more sign-in, their sessions end, their API tokens stop working (admin)')
    .argument('<id>', 'user id from `practiceflow user list`')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const u = await api().post<UserView>(apiPath('users', id, 'disable'), {});
      print(u, o.json, () => `disabled ${u.email} at ${u.disabledAt}`);
    });

  user
    .command('enable')
    .description('enable a disabled user or service account again: sign-in works again; old sessions and API tokens stay ended (admin)')
    .argument('<id>', 'user id from `practiceflow user list`')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const u = await api().post<UserView>(apiPath('users', id, 'enable'), {});
      print(u, o.json, () => `enabled ${u.email}`);
    });

  user
    .command('locks')
    .description('failed sign-ins still counted, per email and per client address, and the locks in force (admin)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await api().get<SignInLockList>('/api/sign-in-locks');
      print(list, o.json, () =>
        list.locks.length === 0
          ? 'No failed sign-ins are counted.'
          : table(['SCOPE', 'EMAIL OR ADDRESS', 'FAILURES', 'LAST FAILURE', 'LOCKED UNTIL'], list.locks.map((l) => [l.scope, l.key, String(l.failures), l.lastFailureAt, l.lockedUntil ?? ''])),
      );
    });

  user
    .command('unlock')
    .description('lift a sign-in lock and clear its count, recorded in the audit ledger (admin)')
    .option('--email <email>', 'the account (the email typed at sign-in)')
    .option('--address <ip>', 'the client address')
    .option('--json', 'print JSON')
    .action(async (o: { email?: string; address?: string; json?: boolean }) =>
      withFlagNames(async () => {
        if ((o.email === undefined) === (o.address === undefined)) throw new UsageError('give either --email or --address');
        const body = o.email !== undefined ? { scope: 'account', key: o.email } : { scope: 'address', key: o.address };
        const lifted = await api().post<SignInLock>('/api/sign-in-locks/lift', body);
        print(lifted, o.json, () => `sign-in lock on ${lifted.scope} ${lifted.key} lifted`);
      }, { key: o.email !== undefined ? '--email' : '--address' }),
    );

  program
    .command('service-account')
    .description('service accounts: an integration\'s own identity (recorded as service:<name>), with its own role and tokens (admin)')
    .command('create')
    .description('create a service account; then issue its token with `token create --service-account <name>`')
    .requiredOption('--name <name>', 'lower-case letters, digits and -, e.g. hr-system')
    .requiredOption('--role <role>', 'manager, staff or auditor (never admin)')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; role: string; json?: boolean }) =>
      withFlagNames(async () => {
        const account = await api().post<UserView>('/api/service-accounts', { name: o.name, role: o.role });
        print(account, o.json, () => `created service account ${account.email} (${account.role}, id ${account.id})`);
      }, { name: '--name', role: '--role' }),
    );

  const token = program.command('token').description('API tokens for integrations and the CLI (admin)');

  token
    .command('create')
    .description('create an API token (shown once) for yourself, or (admin) for a service account; everything done with it is recorded as its owner')
    .requiredOption('--name <name>', 'what it is for, e.g. "CLI on the front-desk PC"')
    .option('--service-account <name>', 'issue it for this service account (admin) instead of yourself')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; serviceAccount?: string; json?: boolean }) =>
      withFlagNames(
        async () => printToken(await api().post<TokenCreated>('/api/tokens', { name: o.name, ...(o.serviceAccount ? { serviceAccount: o.serviceAccount } : {}) }), o.json),
        { name: '--name', serviceAccount: '--service-account' },
      ),
    );

  token
    .command('list')
    .description('the API tokens: name, user, created, last used, revoked (never the tokens themselves)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await api().get<TokenList>('/api/tokens');
      print(list, o.json, () =>
        list.tokens.length === 0
          ? 'No API tokens.'
          : table(['NAME', 'USER', 'CREATED', 'LAST USED', 'REVOKED', 'ID'], list.tokens.map((t) => [t.name, t.email, t.createdAt.slice(0, 10), t.lastUsedAt?.slice(0, 10) ?? '', t.revokedAt?.slice(0, 10) ?? '', t.id])),
      );
    });

  token
    .command('revoke')
    .description('revoke an API token: requests with it are refused from now on')
    .argument('<id>', 'token id (printed when it was created)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const t = await api().post<TokenView>(apiPath('tokens', id, 'revoke'), {});
      print(t, o.json, () => `revoked "${t.name}" of ${t.email} at ${t.revokedAt}`);
    });

  program
    .command('login')
    .description('check the API token the CLI signs in with (PRACTICEFLOW_TOKEN) and say who it is; nothing is stored')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const me = await api().get<Me>('/api/me');
      print(me, o.json, () => `signed in as ${me.email} (${me.role}) with an API token`);
    });

  program
    .command('my-work')
    .description('your own open work (the API token\'s user): tasks assigned to you, overdue first, your credential due dates and the OSHA occurrences of your sites')
    .option('--json', 'print JSON (what GET /api/me/tasks answers)')
    .action(async (o: { json?: boolean }) => {
      const work = await api().get<MyWork>('/api/me/tasks');
      print(work, o.json, () => formatMyWork(work));
    });
}

export function formatMyWork(work: MyWork): string {
  const lines = [`Open work of ${work.email} (today ${work.today}, ${work.timeZone})`, ''];
  lines.push(
    work.tasks.length === 0
      ? 'No open tasks are assigned to you.'
      : table(
          ['DUE', 'STATE', 'FLOW', 'TASK', 'TITLE', 'RULE'],
          work.tasks.map((t) => ['at' in t.due ? localTime(t.due.at, work.timeZone) : t.dueDate, t.overdue ? 'OVERDUE' : 'open', t.flowId, t.key, t.title, t.rule ?? '']),
        ),
  );
  if (work.credentials.length > 0) {
    lines.push('', 'Credentials');
    lines.push(table(['DUE', 'STATUS', 'CREDENTIAL', 'TYPE', 'PROVIDER'], work.credentials.map((c) => [c.dueDate, c.status, c.credentialId, `${c.type}${c.jurisdiction ? ` ${c.jurisdiction}` : ''}`, c.providerId])));
  }
  if (work.occurrences.length > 0) {
    lines.push('', 'OSHA and fire safety');
    lines.push(table(['DUE', 'STATE', 'SITE', 'OBLIGATION', 'SHIFT', 'RULE'], work.occurrences.map((x) => [x.dueDate, x.overdue ? 'OVERDUE' : 'open', x.siteId, x.obligation, x.shift ?? '', x.rule])));
  }
  return lines.join('\n');
}
