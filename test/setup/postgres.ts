// The run's PostgreSQL: a fresh embedded cluster in .data/test-postgres/run-<pid> (one per test
// run, so two runs on one machine never share a cluster), migrations applied once to a template
// database that each test file clones (test/support/db.ts).
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../devstack/postgres';
import { pidAlive } from '../../devstack/process';
import { applyMigrations } from '../../db/migrate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_DATABASE = 'practiceflow_template';

export async function setupPostgres(project: TestProject): Promise<() => Promise<void>> {
  const runsDir = join(repoRoot, '.data', 'test-postgres');
  // Older layouts kept one cluster here directly; this folder now holds one cluster per run.
  if (existsSync(join(runsDir, 'PG_VERSION'))) await rm(runsDir, { recursive: true, force: true });
  await mkdir(runsDir, { recursive: true });
  await chmod(runsDir, 0o755); // Postgres runs as the `postgres` user when we are root
  await removeStaleRuns(runsDir);
  const dataDir = join(runsDir, `run-${process.pid}`);
  // Server output goes to a file next to the cluster, for when something needs explaining.
  const logFile = createWriteStream(`${dataDir}.log`);
  const log = (line: string): void => void logFile.write(`${line}\n`);

  const server = await startEmbeddedPostgres({ dataDir, fresh: true, fsync: false, log });
  try {
    const templateUrl = await server.ensureDatabase(TEMPLATE_DATABASE);
    await applyMigrations(templateUrl, { log });
    // No connections to the template from now on: CREATE DATABASE ... TEMPLATE needs it idle.
    const admin = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 10_000 });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await server.stop();
    logFile.end();
    throw error;
  }

  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplateDatabase', TEMPLATE_DATABASE);

  return async () => {
    await server.stop();
    await new Promise<void>((done) => logFile.end(done));
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.log`, { force: true });
  };
}

/** Clusters left by runs that were killed (their pid is gone); startEmbeddedPostgres stops orphans. */
async function removeStaleRuns(runsDir: string): Promise<void> {
  for (const entry of await readdir(runsDir)) {
    const pid = Number(/^run-(\d+)/.exec(entry)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    const dir = join(runsDir, entry.replace(/\.log$/, ''));
    if (!entry.endsWith('.log')) {
      const stale = await startEmbeddedPostgres({ dataDir: dir, fresh: true }).catch(() => undefined);
      await stale?.stop();
    }
    await rm(join(runsDir, entry), { recursive: true, force: true });
  }
}
