// The run's PostgreSQL: a fresh embedded cluster in .data/test-postgres, migrations applied once
// to a template database that each test file clones (test/support/db.ts).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../devstack/postgres';
import { applyMigrations } from '../../db/migrate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_DATABASE = 'practiceflow_template';

export async function setupPostgres(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = join(repoRoot, '.data', 'test-postgres');
  await mkdir(dirname(dataDir), { recursive: true });
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
  };
}
