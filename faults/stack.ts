// The fault suite's own PracticeFlow, as `npm start` runs it but owned by the runner so it can be
// broken: an embedded PostgreSQL it can restart, a Temporal dev server (SQLite file) it can
// SIGKILL and start again on the same file and port, a mail sink in this process whose every
// delivery it can count, and the worker as a child process (faults/worker-process.ts).
// Everything lives in one throw-away folder.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { applyMigrations } from '../db/migrate';
import { createPrismaClient, type PrismaClient } from '../db/client';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../devstack/postgres';
import { startMailSink, type MailSink } from '../devstack/mail-sink';
import { pidAlive, delay } from '../devstack/process';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '../devstack/temporal';
import { practiceFlowDataConverter } from '../encryption/data-converter';
import { generateKeyEntry, keyRingFrom } from '../encryption/key-ring';
import { buildWorkflowBundle } from '../scripts/build-workflow-bundle';
import { ensureTemporalCli } from '../scripts/tools/temporal-cli';
import { WorkerProcess } from './worker-process';

export const FAULT_TASK_QUEUE = 'practiceflow-faults';
const DATABASE = 'practiceflow';
const PG_PASSWORD = 'faults';

export interface FaultStackOptions {
  /** A prebuilt workflow bundle (the tests'); built into the stack's folder when absent. */
  workflowBundlePath?: string;
  log: (line: string) => void;
  /** Keep the folder (databases, SQLite file, logs) after stop. */
  keep?: boolean;
}

export class FaultStack {
  private constructor(
    readonly dir: string,
    private pg: EmbeddedPostgresServer,
    private temporal: TemporalDevServer,
    private readonly temporalOptions: { cliPath: string; port: number; dbFilename: string },
    readonly databaseUrl: string,
    readonly prisma: PrismaClient,
    readonly sink: MailSink,
    readonly connection: Connection,
    readonly client: Client,
    readonly worker: WorkerProcess,
    private readonly options: FaultStackOptions,
  ) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const dir = mkdtempSync(join(tmpdir(), 'practiceflow-faults-'));
    // As root, Postgres runs as the `postgres` user, which must be able to enter the folder.
    chmodSync(dir, 0o755);
    const cleanups: (() => Promise<void> | void)[] = [() => (options.keep ? undefined : rmSync(dir, { recursive: true, force: true }))];
    const undo = async () => {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    };
    try {
      const log = options.log;
      const [pgPort, temporalPort, cliPath] = await Promise.all([freePort(), freePort(), ensureTemporalCli({ log })]);
      if (!cliPath) throw new Error('the fault suite needs the Temporal CLI (npm run tools:temporal)');
      const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, password: PG_PASSWORD });
      cleanups.push(() => pg.stop());
      const databaseUrl = await pg.ensureDatabase(DATABASE);
      await applyMigrations(databaseUrl);
      const temporalOptions = { cliPath, port: temporalPort, dbFilename: join(dir, 'temporal.sqlite') };
      const temporal = await startTemporalDevServer({ ...temporalOptions, headless: true });
      cleanups.push(() => temporal.stop());
      const sink = await startMailSink({ port: 0 });
      cleanups.push(() => sink.stop());
      const keys = generateKeyEntry(new Date(), 'faults-');
      const dataConverter = practiceFlowDataConverter(keyRingFrom(keys));
      const connection = await Connection.connect({ address: temporal.address });
      cleanups.push(() => connection.close());
      const client = new Client({ connection, dataConverter });
      // Small pool, short connect timeout: the runner's own reads must not hang through a restart.
      const prisma = createPrismaClient(databaseUrl, { max: 4, connectionTimeoutMillis: 3_000 });
      cleanups.push(() => prisma.$disconnect());
      const bundle = options.workflowBundlePath ?? (await buildWorkflowBundle(join(dir, 'workflow-bundle.js')));
      const env: Record<string, string> = { ...(process.env as Record<string, string>) };
      for (const name of Object.keys(env)) if (/^(TEMPORAL_|WORKER_|PRACTICEFLOW_|SMTP_|DATABASE_URL$|NODE_ENV$|PAYLOAD_ENCRYPTION_KEYS$|VITEST)/.test(name)) delete env[name];
      Object.assign(env, {
        DATABASE_URL: databaseUrl,
        SMTP_URL: sink.url,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: FAULT_TASK_QUEUE,
        PAYLOAD_ENCRYPTION_KEYS: keys,
        WORKFLOW_BUNDLE_PATH: bundle,
        WORKER_LOG_LEVEL: 'WARN',
        WORKER_SHUTDOWN_GRACE_SECONDS: '2',
        // The notary looks often, so the chain is checked against a fresh witness.
        LEDGER_WITNESS_SECONDS: '5',
        PRACTICE_TIME_ZONE: 'America/New_York',
        PRACTICEFLOW_DATA_DIR: join(dir, 'data'),
      });
      mkdirSync(join(dir, 'data'), { recursive: true });
      const worker = new WorkerProcess({ env, log });
      await worker.start();
      cleanups.push(() => worker.stop());
      return new FaultStack(dir, pg, temporal, temporalOptions, databaseUrl, prisma, sink, connection, client, worker, options);
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /**
   * Stops PostgreSQL and starts it again on the same folder and port. `fast`: a clean shutdown
   * (clients disconnected, checkpoint); `immediate`: SIGQUIT, no checkpoint, crash recovery at
   * the next start, as after a crash. `downMs`: how long it stays down.
   */
  async restartPostgres(mode: 'fast' | 'immediate', downMs: number): Promise<void> {
    const pid = this.pg.pid;
    if (mode === 'immediate' && pid !== undefined) {
      process.kill(pid, 'SIGQUIT');
      await waitGone(pid, 30_000);
      // The library's own handle still thinks it runs; its stop() returns once the pid is gone.
      await this.pg.stop().catch(() => undefined);
    } else {
      await this.pg.stop();
    }
    await delay(downMs);
    this.pg = await startEmbeddedPostgres({ dataDir: join(this.dir, 'postgres'), port: this.pg.port, password: PG_PASSWORD });
  }

  /** SIGKILL of the Temporal dev server, then a new one on the same SQLite file and port. */
  async killTemporal(downMs: number): Promise<void> {
    const pid = this.temporal.pid;
    if (pid === undefined) throw new Error('the Temporal dev server has no pid (SDK fallback): it cannot be killed');
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 30_000);
    await this.temporal.stop(); // it has exited: this only releases its watchdog
    await delay(downMs);
    // The port can stay busy for a moment after the kill: try again briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        this.temporal = await startTemporalDevServer({ ...this.temporalOptions, headless: true });
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await delay(1_000);
      }
    }
  }

  async stop(): Promise<void> {
    await this.worker.stop().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
    await this.prisma.$disconnect().catch(() => undefined);
    await this.sink.stop().catch(() => undefined);
    await this.temporal.stop().catch(() => undefined);
    await this.pg.stop().catch(() => undefined);
    if (!this.options.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit within ${timeoutMs} ms`);
    await delay(50);
  }
}
