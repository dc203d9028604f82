// The migrations folder against a real PostgreSQL: it applies like `prisma migrate deploy`,
// it matches schema.prisma, and a broken migration fails whole and by name.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  diffSchemaFromMigrations,
  markMigrationRolledBack,
  MigrationFailedError,
} from '../../db/migrate';
import { createDatabase, dropDatabase, freshDatabase } from '../support/db';

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  return rows.map((row) => row.tablename);
}

/** The tables schema.prisma declares (each model's @@map), and Prisma's own bookkeeping table. */
async function schemaTables(): Promise<string[]> {
  const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
  const models = [...schema.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)].map((m) => /@@map\("([^"]+)"\)/.exec(m[1]!)?.[1]);
  return ['_prisma_migrations', ...models.filter((t): t is string => Boolean(t))].sort();
}

const migrationNames = async (): Promise<string[]> =>
  (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

let scratch: string;
const databases: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'migrations-test-'));
});

afterAll(async () => {
  await Promise.all(databases.map((name) => dropDatabase(name)));
  await rm(scratch, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<string> {
  const { name, url } = await createDatabase({ empty: true });
  databases.push(name);
  return url;
}

describe('applyMigrations', () => {
  it('applies every migration to an empty database, as prisma migrate deploy records them', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    expect(names.length).toBeGreaterThan(0);

    const first = await applyMigrations(url);
    expect(first.applied).toEqual(names);
    expect(await tables(url)).toEqual(await schemaTables());
    expect(await tables(url)).toEqual(expect.arrayContaining(['audit_entry', 'outbox_email', 'flow']));

    // Same checksums as the native CLI: sha256 of the file's bytes.
    const recorded = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    for (const [index, name] of names.entries()) {
      const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'));
      expect(recorded[index]).toMatchObject({ migration_name: name, checksum: createHash('sha256').update(sql).digest('hex') });
      expect(recorded[index]?.finished_at).toBeInstanceOf(Date);
    }

    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);
    expect(await query(url, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(names.length);
  });

  it('runs each script whole: dollar-quoted bodies and semicolons in strings survive', async () => {
    const url = await emptyDatabase();
    const dir = join(scratch, 'quoting');
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(join(dir, '29990101000000_quoting'));
    await writeFile(
      join(dir, '29990101000000_quoting', 'migration.sql'),
      [
        'CREATE TABLE note (body TEXT NOT NULL);',
        "INSERT INTO note VALUES ('first; second');",
        'CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $$',
        'DECLARE n bigint;',
        'BEGIN SELECT count(*) INTO n FROM note; RETURN n; END;',
        '$$;',
        '',
      ].join('\n'),
    );
    expect((await applyMigrations(url, { migrationsDir: dir })).applied).toContain('29990101000000_quoting');
    expect(await query(url, 'SELECT body, note_count() AS n FROM note')).toEqual([{ body: 'first; second', n: '1' }]);
  });

  it('fails a broken migration by name with the SQL error, leaving nothing of it behind', async () => {
    const url = await emptyDatabase();
    const dir = join(scratch, 'broken');
    const broken = '29991231000000_broken';
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(join(dir, broken));
    const file = join(dir, broken, 'migration.sql');
    await writeFile(file, '-- CreateTable\nCREATE TABLE partial (id INTEGER);\n\nINSERT INTO missing VALUES (1);\n');

    const failure = await applyMigrations(url, { migrationsDir: dir }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MigrationFailedError);
    const error = failure as MigrationFailedError;
    expect(error.migration).toBe(broken);
    expect(error.sqlState).toBe('42P01');
    expect(error.message).toContain(`Migration ${broken} failed: relation "missing" does not exist`);
    expect(error.message).toContain('migration.sql:4');

    // The earlier migrations stay applied; nothing of the broken one does.
    expect(await tables(url)).toEqual(await schemaTables());
    expect(
      await query(url, `SELECT finished_at, rolled_back_at FROM _prisma_migrations WHERE migration_name = '${broken}'`),
    ).toEqual([{ finished_at: null, rolled_back_at: null }]);

    // Like the native CLI, nothing more is applied until the failure is resolved.
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(new RegExp(`${broken}.*failed`));

    await writeFile(file, '-- CreateTable\nCREATE TABLE partial (id INTEGER);\n');
    await markMigrationRolledBack(url, broken);
    expect((await applyMigrations(url, { migrationsDir: dir })).applied).toEqual([broken]);
    expect(await tables(url)).toContain('partial');
  });

  it('refuses a migrations folder that does not exist', async () => {
    await expect(applyMigrations(inject('pgAdminUrl'), { migrationsDir: join(scratch, 'nope') })).rejects.toThrow(
      /No migrations folder/,
    );
  });
});

describe('schema.prisma and the migrations', () => {
  it('agree', async () => {
    expect(await diffSchemaFromMigrations(inject('pgAdminUrl'))).toBe('');
  });

  it('would be reported when they disagree', async () => {
    const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
    const modified = schema.replace(/(\n\s*rule\s+String\?)/, '$1\n  reviewedBy String? @map("reviewed_by")');
    expect(modified).not.toBe(schema);
    const schemaPath = join(scratch, 'schema.prisma');
    await writeFile(schemaPath, modified);

    const sql = await diffSchemaFromMigrations(inject('pgAdminUrl'), { schemaPath });
    expect(sql).toContain('ALTER TABLE "audit_entry" ADD COLUMN');
    expect(sql).toContain('"reviewed_by" TEXT');
  });
});

describe('freshDatabase', () => {
  it('gives a migrated database of its own', async () => {
    const db = await freshDatabase();
    try {
      expect(await db.prisma.auditEntry.count()).toBe(0);
      await db.prisma.outboxEmail.create({
        data: { businessKey: 'k1', messageId: '<k1@test>', recipients: ['a@example.test'], subject: 's', body: 'b' },
      });
      expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { businessKey: 'k1' } })).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await db.drop();
    }
  });
});
