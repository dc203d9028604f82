// `npm start`: the whole PracticeFlow stack on one machine. Each part is local unless configured:
//   DATABASE_URL unset     -> embedded PostgreSQL with data in $PRACTICEFLOW_DATA_DIR/postgres
//   TEMPORAL_ADDRESS unset -> Temporal dev server (+ Web UI), SQLite in $PRACTICEFLOW_DATA_DIR/temporal.sqlite
//   SMTP_URL unset         -> local mail sink, messages in $PRACTICEFLOW_DATA_DIR/mail (`practiceflow mail`)
// then migrations, and the worker and the JSON API (API_HOST:API_PORT) as processes of their own
// (`npm run worker`, `npm run api`), each restarted with backoff if it dies (devstack/supervisor.ts).
// Ctrl-C stops the API first (no new requests while the worker drains), then the worker, then
// the rest in reverse order; a second start reuses the data.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkflowBundle } from './build-workflow-bundle';
import { ADMIN_TOKEN_FILE, keyRingOf, loadConfigOrExit, type Config } from '../config/env';
import { CODEC_PATH } from '../api/codec-routes';
import { ensureDevelopmentKeys, readDevelopmentKeys } from '../encryption/key-ring';
import { createMasker, maskedText, secretsFromEnv } from '../config/mask';
import { createPrismaClient } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { disownEmbeddedPostgresSignalHandlers } from '../devstack/postgres';
import { postgresPart, temporalPart, temporalUiPart } from '../devstack/stack-parts';
import { nodePart, Supervisor } from '../devstack/supervisor';
import { ensureTemporalUi } from './tools/temporal-ui';
import { ensureTemporalCli } from './tools/temporal-cli';
import { UserService } from '../services/users';

/**
 * Every secret this process knows, masked in everything it prints (config/mask.ts): the
 * environment's, and those learnt on the way (the embedded database's password, the development
 * payload key).
 */
const knownSecrets: (string | undefined)[] = secretsFromEnv();
const mask = (text: string): string => createMasker(knownSecrets)(text);
const say = (line: string): void => console.log(mask(line));

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const dataDir = resolve(config.PRACTICEFLOW_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const summary: [string, string][] = [];
  const supervisor = new Supervisor({ log: (line) => say(`[supervisor] ${line}`) });
  let stopping = false;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping PracticeFlow...`);
    // The API first (no new requests), then the worker (it drains), then the services.
    void supervisor.stopAll().then(resolveStopped);
  };
  disownEmbeddedPostgresSignalHandlers();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      console.log('Starting embedded PostgreSQL...');
      const password = embeddedPostgresPassword(dataDir);
      knownSecrets.push(password);
      await supervisor.add(postgresPart({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, password, onUrl: (url) => (databaseUrl = url) }));
      summary.push(['PostgreSQL (embedded)', `${databaseUrl!}  password in ${resolve(dataDir, POSTGRES_PASSWORD_FILE)}`]);
    } else {
      summary.push(['PostgreSQL', databaseUrl]);
    }
    const keyed = payloadKeys(config, dataDir, summary);
    keyRingOf(keyed); // a bad key ring stops start-up here, naming the variable
    knownSecrets.push(readDevelopmentKeys(dataDir));
    const { applied } = await applyMigrations(databaseUrl!);
    summary.push(['Migrations', applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date']);

    const apiUrl = browserApiUrl(config);
    let temporalAddress = config.TEMPORAL_ADDRESS;
    // What the web console links to: the Web UI and the local mail sink's folder.
    let temporalUiUrl = config.TEMPORAL_UI_URL;
    if (!temporalAddress) {
      const cliPath = await ensureTemporalCli({ log: (line) => console.log(`  ${line}`) });
      // The Web UI decodes payloads through the API's codec endpoint, with the browser's sign-in:
      // Temporal's UI server when it can be had (it sends credentials), else the dev server's
      // own UI (which cannot, so it shows ciphertext until the person enables credentials).
      const uiBinary = await ensureTemporalUi({ log: (line) => console.log(`  ${line}`) });
      const codecEndpoint = `${apiUrl}${CODEC_PATH}`;
      console.log('Starting Temporal dev server...');
      await supervisor.add(
        temporalPart({
          cliPath,
          port: config.TEMPORAL_DEV_PORT,
          uiPort: config.TEMPORAL_DEV_UI_PORT,
          headless: uiBinary !== undefined,
          extraArgs: uiBinary ? [] : ['--ui-codec-endpoint', codecEndpoint],
          dbFilename: resolve(dataDir, 'temporal.sqlite'),
          namespace: config.TEMPORAL_NAMESPACE,
          onAddress: (address, uiUrl) => ((temporalAddress = address), (temporalUiUrl = uiUrl)),
        }),
      );
      summary.push(['Temporal (dev server)', temporalAddress!]);
      if (uiBinary) {
        const ui = { binary: uiBinary, temporalAddress: temporalAddress!, port: config.TEMPORAL_DEV_UI_PORT, namespace: config.TEMPORAL_NAMESPACE, codecEndpoint, configRoot: resolve(dataDir, 'temporal-ui') };
        await supervisor.add(temporalUiPart(ui));
        temporalUiUrl = `http://127.0.0.1:${config.TEMPORAL_DEV_UI_PORT}`;
      }
      if (temporalUiUrl) summary.push(['Temporal Web UI', `${temporalUiUrl}  payloads decrypted for people signed in to the console (codec ${codecEndpoint})`]);
    } else {
      summary.push(['Temporal', `${temporalAddress} namespace ${config.TEMPORAL_NAMESPACE}`]);
    }

    // The children's environment: this configuration with the local services filled in.
    const childEnv: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: databaseUrl!,
      TEMPORAL_ADDRESS: temporalAddress!,
      PAYLOAD_ENCRYPTION_KEYS: keyed.PAYLOAD_ENCRYPTION_KEYS!,
      // One secret for every API process of this start: a restarted API keeps people signed in.
      SESSION_SECRET: config.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
      WORKER_LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? 'WARN',
      ...(temporalUiUrl ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
    };
    delete childEnv.PRACTICEFLOW_SUPERVISED;
    knownSecrets.push(childEnv.SESSION_SECRET);

    if (!config.SMTP_URL) {
      const mailDir = resolve(dataDir, 'mail');
      await supervisor.add(
        nodePart({ name: 'mail sink', stopOrder: 6, script: MAIL_SINK_MAIN, env: { ...childEnv, MAIL_SINK_DIR: mailDir }, readyLine: /^mail sink listening on /, log: say }),
      );
      childEnv.SMTP_URL = `smtp://127.0.0.1:${config.MAIL_SINK_PORT}`;
      childEnv.PRACTICEFLOW_DEV_MAILBOX = mailDir;
      summary.push(['Mail (local sink)', `${childEnv.SMTP_URL}  read it: npx practiceflow mail`]);
    } else {
      summary.push(['Mail', config.SMTP_URL]);
    }

    // Bundle the workflow code once, quietly (production passes a prebuilt WORKFLOW_BUNDLE_PATH).
    childEnv.WORKFLOW_BUNDLE_PATH = config.WORKFLOW_BUNDLE_PATH ?? (await buildWorkflowBundle(resolve(dataDir, 'workflow-bundle.js')));
    const signIn = await firstAdmin(databaseUrl!, dataDir, !config.DATABASE_URL);
    // The API before the worker: a port in use stops start-up before a worker holds the connection.
    await supervisor.add(nodePart({ name: 'API', stopOrder: 0, script: API_MAIN, env: childEnv, readyLine: /^PracticeFlow API listening on /, log: say, stopGraceMs: 10_000 }));
    await supervisor.add(
      nodePart({ name: 'worker', stopOrder: 1, script: WORKER_MAIN, env: childEnv, readyLine: /^PracticeFlow worker polling /, log: say, stopGraceMs: (config.WORKER_SHUTDOWN_GRACE_SECONDS + 10) * 1000, onStart: (pid) => say(`[supervisor] worker running (pid ${pid})`) }),
    );
    summary.push(['Worker', `task queue ${config.TEMPORAL_TASK_QUEUE} (its own process, restarted if it stops)`]);
    summary.push(['Web console', `${apiUrl}/  (sign in as below)`]);
    summary.push(['API', `${apiUrl}  OpenAPI ${apiUrl}/api/openapi.json; try: npx practiceflow flows list, npx practiceflow credential list`]);
    summary.push(['Sign-in', signIn]);
    summary.push(['Data folder', dataDir]);

    const width = Math.max(...summary.map(([k]) => k.length));
    console.log('\nPracticeFlow is running:');
    // Masked: the URLs' passwords and any other secret become *** (the files named hold them).
    for (const [k, v] of summary) say(`  ${k.padEnd(width)}  ${v}`);
    console.log('\nPress Ctrl-C to stop.');
    if (stopping) await supervisor.stopAll();
    await stopped;
  } catch (err) {
    await supervisor.stopAll();
    throw err;
  }
  console.log('PracticeFlow stopped.');
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const API_MAIN = here('../api/main.ts');
const WORKER_MAIN = here('../worker/main.ts');
const MAIL_SINK_MAIN = here('../devstack/mail-sink-main.ts');

const FIRST_ADMIN_EMAIL = 'admin@practiceflow.local';
const ADMIN_PASSWORD_FILE = 'admin-password';

/** Who the ledger says created the first admin of an embedded set-up. */
const FIRST_START_ACTOR = 'system:npm-start';

/**
 * A database without users can be used by nobody (every API route needs sign-in). On the local
 * embedded database (a development or single-machine set-up) the first start creates an admin
 * with a random password and an API token, written to files only the current user can read in the
 * data folder; the CLI on this machine picks the token up from there. Against a configured
 * database nothing is created: the summary says how to create the first admin.
 */
async function firstAdmin(databaseUrl: string, dataDir: string, embedded: boolean): Promise<string> {
  const prisma = createPrismaClient(databaseUrl);
  try {
    return await firstAdminWith(new UserService({ prisma }), dataDir, embedded);
  } finally {
    await prisma.$disconnect();
  }
}

async function firstAdminWith(users: UserService, dataDir: string, embedded: boolean): Promise<string> {
  const tokenFile = resolve(dataDir, ADMIN_TOKEN_FILE);
  if ((await users.countUsers()) > 0) return embedded && existsSync(tokenFile) ? `the first admin's API token is in ${tokenFile} (the CLI here uses it)` : 'users exist; the CLI needs PRACTICEFLOW_TOKEN';
  if (!embedded) {
    return "no users yet: create the first admin with  printf '%s' '<password>' | npx practiceflow user create --email you@clinic.example --role admin --password-stdin --token-name cli";
  }
  const password = randomBytes(18).toString('base64url');
  const user = await users.createUser({ email: FIRST_ADMIN_EMAIL, role: 'admin', password }, FIRST_START_ACTOR);
  const { token } = await users.createToken({ id: user.id, email: user.email, role: user.role, kind: 'person', via: 'token' }, { name: 'created by npm start' }, FIRST_START_ACTOR);
  writeFileSync(resolve(dataDir, ADMIN_PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return `created admin ${FIRST_ADMIN_EMAIL}: password in ${resolve(dataDir, ADMIN_PASSWORD_FILE)}, API token in ${tokenFile} (the CLI here uses it)`;
}

/**
 * The payload encryption keys: PAYLOAD_ENCRYPTION_KEYS when set; else a development key generated
 * once into the data folder (mode 0600) and reused by every later start. Production sets the
 * variable (the env schema requires it there).
 */
function payloadKeys(config: Config, dataDir: string, summary: [string, string][]): Config {
  if (config.PAYLOAD_ENCRYPTION_KEYS) {
    summary.push(['Payload encryption', `AES-256-GCM, ${config.PAYLOAD_ENCRYPTION_KEYS.split(',').length} key(s) from PAYLOAD_ENCRYPTION_KEYS`]);
    return config;
  }
  const dev = ensureDevelopmentKeys(dataDir);
  summary.push(['Payload encryption', `AES-256-GCM, development key ${dev.created ? 'generated into' : 'from'} ${dev.path} (set PAYLOAD_ENCRYPTION_KEYS in production)`]);
  return { ...config, PAYLOAD_ENCRYPTION_KEYS: dev.text };
}

/** The API as a browser on this machine reaches it (the codec endpoint the Web UI calls). */
function browserApiUrl(config: Config): string {
  if (config.PRACTICEFLOW_PUBLIC_URL) return config.PRACTICEFLOW_PUBLIC_URL.replace(/\/+$/, '');
  const host = config.API_HOST === '0.0.0.0' || config.API_HOST === '::' ? '127.0.0.1' : config.API_HOST.includes(':') ? `[${config.API_HOST}]` : config.API_HOST;
  return `http://${host}:${config.API_PORT}`;
}

const POSTGRES_PASSWORD_FILE = 'postgres-password';

/**
 * The embedded database's password: random for a cluster created now, kept in the data folder
 * (mode 0600) for the next start; `postgres` for a cluster created before there was a file.
 */
function embeddedPostgresPassword(dataDir: string): string {
  const file = resolve(dataDir, POSTGRES_PASSWORD_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (existsSync(resolve(dataDir, 'postgres', 'PG_VERSION'))) return 'postgres';
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Ctrl-C in a terminal signals every process in the foreground group: the Temporal dev server and
 * Postgres would die at once, under a worker that is still draining. So the stack runs in a
 * process group of its own, and this supervisor passes one SIGINT to it and waits.
 */
function supervise(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'inherit',
    env: { ...process.env, PRACTICEFLOW_SUPERVISED: '1' },
  });
  let forwarded = false;
  const forward = (signal: NodeJS.Signals) => {
    if (forwarded) return;
    forwarded = true;
    child.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  process.on('SIGHUP', () => forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1)));
}

if (process.env.PRACTICEFLOW_SUPERVISED) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? mask(err.message) : maskedText(err, mask));
    process.exit(1);
  });
} else {
  supervise();
}
