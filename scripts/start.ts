// `npm start`: the whole PracticeFlow stack on one machine. Each part is local unless configured:
//   DATABASE_URL unset     -> embedded PostgreSQL with data in $PRACTICEFLOW_DATA_DIR/postgres
//   TEMPORAL_ADDRESS unset -> Temporal dev server (+ Web UI), SQLite in $PRACTICEFLOW_DATA_DIR/temporal.sqlite
//   SMTP_URL unset         -> local mail sink, messages in $PRACTICEFLOW_DATA_DIR/mail (`practiceflow mail`)
// then migrations, the worker and the JSON API (API_HOST:API_PORT). Ctrl-C stops the API first
// (no new requests while the worker drains), then the worker, then the rest in reverse order;
// a second start reuses the data.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { buildWorkflowBundle } from './build-workflow-bundle';
import { ADMIN_TOKEN_FILE, codecOriginsOf, keyRingOf, loadConfigOrExit, type Config } from '../config/env';
import { CODEC_PATH } from '../api/codec-routes';
import { practiceFlowDataConverter } from '../encryption/data-converter';
import { ensureDevelopmentKeys, readDevelopmentKeys } from '../encryption/key-ring';
import { createMasker, maskedText, secretsFromEnv } from '../config/mask';
import { maskedRuntimeLogger } from '../worker/masked-logger';
import { temporalConnectionOptions } from '../config/temporal';
import { applyMigrations } from '../db/migrate';
import { disownEmbeddedPostgresSignalHandlers, startEmbeddedPostgres } from '../devstack/postgres';
import { startTemporalDevServer } from '../devstack/temporal';
import { startTemporalUi } from '../devstack/temporal-ui';
import { ensureTemporalUi } from './tools/temporal-ui';
import { startMailSink } from '../devstack/mail-sink';
import { ensureTemporalCli } from './tools/temporal-cli';
import { createPracticeFlowWorker } from '../worker/create-worker';
import { ensureWorkerSchedules, openWorkerDependencies } from '../worker/dependencies';
import { openServices } from '../services/open';
import { startApiServer, type ApiServer } from '../api/server';
import { authOptionsFromConfig } from '../api/auth';
import type { UserService } from '../services/users';

type Stopper = { name: string; stop: () => Promise<void> | void };

/**
 * Every secret this process knows, masked in everything it prints (config/mask.ts): the
 * environment's, and those learnt on the way (the embedded database's password, the development
 * payload key).
 */
const knownSecrets: (string | undefined)[] = secretsFromEnv();
const mask = (text: string): string => createMasker(knownSecrets)(text);

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const dataDir = resolve(config.PRACTICEFLOW_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stoppers: Stopper[] = [];
  const summary: [string, string][] = [];
  let worker: Worker | undefined;
  let api: ApiServer | undefined;
  let stopping = false;

  const stopAll = async (): Promise<void> => {
    for (const s of stoppers.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        console.error(mask(`stopping ${s.name}: ${(err as Error).message}`));
      }
    }
  };
  // The SDK would install its own signal handlers; we shut the worker down ourselves so the
  // other services stop after it, in order.
  Runtime.install({ shutdownSignals: [], logger: maskedRuntimeLogger('WARN', mask) });
  disownEmbeddedPostgresSignalHandlers();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping PracticeFlow...`);
    // The API first: no new requests reach a draining worker.
    const apiStopped = api ? api.stop().catch((err: unknown) => console.error(mask(`stopping API: ${(err as Error).message}`))) : Promise.resolve();
    if (worker) void apiStopped.then(() => worker!.shutdown());
    else void apiStopped.then(stopAll).then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      console.log('Starting embedded PostgreSQL...');
      const password = embeddedPostgresPassword(dataDir);
      knownSecrets.push(password);
      const pg = await startEmbeddedPostgres({ dataDir: resolve(dataDir, 'postgres'), port: config.EMBEDDED_POSTGRES_PORT, password });
      stoppers.push({ name: 'PostgreSQL', stop: () => pg.stop() });
      databaseUrl = await pg.ensureDatabase('practiceflow');
      summary.push(['PostgreSQL (embedded)', `${databaseUrl}  password in ${resolve(dataDir, POSTGRES_PASSWORD_FILE)}`]);
    } else {
      summary.push(['PostgreSQL', databaseUrl]);
    }
    const dataConverter = practiceFlowDataConverter(keyRingOf(payloadKeys(config, dataDir, summary)));
    knownSecrets.push(readDevelopmentKeys(dataDir));
    const { applied } = await applyMigrations(databaseUrl);
    summary.push(['Migrations', applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date']);

    let temporalAddress = config.TEMPORAL_ADDRESS;
    // What the web console links to: the dev server's Web UI and the local mail sink's folder.
    let temporalUiUrl: string | undefined;
    let mailDir: string | undefined;
    if (!temporalAddress) {
      const cliPath = await ensureTemporalCli({ log: (line) => console.log(`  ${line}`) });
      // The Web UI decodes payloads through the API's codec endpoint, with the browser's sign-in:
      // Temporal's UI server when it can be had (it sends credentials), else the dev server's
      // own UI (which cannot, so it shows ciphertext until the person enables credentials).
      const uiBinary = await ensureTemporalUi({ log: (line) => console.log(`  ${line}`) });
      const codecEndpoint = `${browserApiUrl(config)}${CODEC_PATH}`;
      console.log('Starting Temporal dev server...');
      const server = await startTemporalDevServer({
        cliPath,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_DEV_UI_PORT,
        headless: uiBinary !== undefined,
        extraArgs: uiBinary ? [] : ['--ui-codec-endpoint', codecEndpoint],
        dbFilename: resolve(dataDir, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
      stoppers.push({ name: 'Temporal dev server', stop: () => server.stop() });
      temporalAddress = server.address;
      summary.push(['Temporal (dev server)', server.address]);
      temporalUiUrl = server.uiUrl;
      if (uiBinary) {
        const ui = await startTemporalUi({ binary: uiBinary, temporalAddress: server.address, port: config.TEMPORAL_DEV_UI_PORT, namespace: config.TEMPORAL_NAMESPACE, codecEndpoint, configRoot: resolve(dataDir, 'temporal-ui') });
        stoppers.push({ name: 'Temporal Web UI', stop: () => ui.stop() });
        temporalUiUrl = ui.url;
      }
      if (temporalUiUrl) summary.push(['Temporal Web UI', `${temporalUiUrl}  payloads decrypted for people signed in to the console (codec ${codecEndpoint})`]);
    } else {
      summary.push(['Temporal', `${temporalAddress} namespace ${config.TEMPORAL_NAMESPACE}`]);
    }

    let smtpUrl = config.SMTP_URL;
    if (!smtpUrl) {
      mailDir = resolve(dataDir, 'mail');
      const sink = await startMailSink({ port: config.MAIL_SINK_PORT, storeDir: mailDir });
      stoppers.push({ name: 'mail sink', stop: () => sink.stop() });
      smtpUrl = sink.url;
      summary.push(['Mail (local sink)', `${sink.url}  read it: npx practiceflow mail`]);
    } else {
      summary.push(['Mail', smtpUrl]);
    }

    // Bundle the workflow code once, quietly (production passes a prebuilt WORKFLOW_BUNDLE_PATH).
    const workflowBundlePath = config.WORKFLOW_BUNDLE_PATH ?? (await buildWorkflowBundle(resolve(dataDir, 'workflow-bundle.js')));
    const deps = openWorkerDependencies({
      databaseUrl,
      smtpUrl,
      mailFrom: config.MAIL_FROM,
      temporal: { connection: temporalConnectionOptions(config, temporalAddress), namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter },
    });
    stoppers.push({ name: 'database and mail connections', stop: () => deps.close() });
    const connection = await NativeConnection.connect(temporalConnectionOptions(config, temporalAddress));
    stoppers.push({ name: 'Temporal connection', stop: () => connection.close() });
    // The API before the worker: a port in use stops start-up before a worker holds the connection.
    const opened = openServices(config, { databaseUrl, temporalAddress, dataConverter });
    stoppers.push({ name: 'API connections', stop: () => opened.close() });
    api = await startApiServer({
      host: config.API_HOST,
      port: config.API_PORT,
      services: opened.services,
      auth: authOptionsFromConfig(config),
      console: { temporalUiUrl, temporalNamespace: config.TEMPORAL_NAMESPACE, mailDir },
      codecOrigins: codecOriginsOf(config, temporalUiUrl ?? config.TEMPORAL_UI_URL),
    });
    const signIn = await firstAdmin(opened.services.users, dataDir, !config.DATABASE_URL);
    const apiServer = api;
    stoppers.push({ name: 'API', stop: () => apiServer.stop() });
    worker = await createPracticeFlowWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activities: deps.activities,
      dataConverter,
      workflowBundlePath,
      tuning: {
        maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
        shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
      },
    });
    await ensureWorkerSchedules(deps, config.TEMPORAL_TASK_QUEUE, config.PRACTICE_TIME_ZONE, config.LEDGER_WITNESS_SECONDS);
    summary.push(['Worker', `task queue ${config.TEMPORAL_TASK_QUEUE}`]);
    summary.push(['Web console', `${api.url}/  (sign in as below)`]);
    summary.push(['API', `${api.url}  OpenAPI ${api.url}/api/openapi.json; try: npx practiceflow flows list, npx practiceflow credential list`]);
    summary.push(['Sign-in', signIn]);
    summary.push(['Data folder', dataDir]);

    const width = Math.max(...summary.map(([k]) => k.length));
    console.log('\nPracticeFlow is running:');
    // Masked: the URLs' passwords and any other secret become *** (the files named hold them).
    for (const [k, v] of summary) console.log(mask(`  ${k.padEnd(width)}  ${v}`));
    console.log('\nPress Ctrl-C to stop.');
    if (stopping) void api.stop().then(() => worker!.shutdown());
    await worker.run();
  } finally {
    await stopAll();
  }
  console.log('PracticeFlow stopped.');
}

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
async function firstAdmin(users: UserService, dataDir: string, embedded: boolean): Promise<string> {
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
