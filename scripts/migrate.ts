// Database migrations without the native Prisma CLI (see db/migrate.ts).
//   npm run migrate                              apply prisma/migrations to DATABASE_URL
//   npx tsx scripts/migrate.ts new <name>        write the migration that brings the folder to schema.prisma
//   npx tsx scripts/migrate.ts check             exit 1 if schema.prisma and the migrations disagree
//   npx tsx scripts/migrate.ts rolled-back <m>   mark a failed migration rolled back (after fixing it)
// `new` and `check` create and drop a scratch database on DATABASE_URL's server.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  diffSchemaFromMigrations,
  ensureDatabaseExists,
  LOCKFILE_CONTENT,
  markMigrationRolledBack,
} from '../db/migrate';

function databaseUrl(): string {
  const raw = process.env.DATABASE_URL;
  if (!raw) {
    throw new Error('DATABASE_URL is not set. Example: DATABASE_URL=postgresql://user:password@localhost:5432/practiceflow');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL. Expected postgresql://user:password@host:port/database');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must be a postgresql:// URL, not ${url.protocol}//...`);
  }
  if (url.pathname.length < 2) throw new Error('DATABASE_URL names no database (postgresql://host:port/<database>)');
  return raw;
}

/** The URL with its password hidden, for messages. */
function safe(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}

const log = (msg: string): void => console.log(msg);

/** Prisma's migration folder name: UTC yyyyMMddHHmmss, then the name as a lowercase slug. */
function migrationFolderName(name: string, now = new Date()): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!slug) throw new Error(`"${name}" is not a usable migration name (letters, digits, _)`);
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${slug}`;
}

const program = new Command()
  .name('migrate')
  .description('Prisma migrations over the WebAssembly schema engine');

program
  .command('deploy', { isDefault: true })
  .description('apply pending migrations to DATABASE_URL (like `prisma migrate deploy`)')
  .action(async () => {
    const url = databaseUrl();
    log(`migrating ${safe(url)}`);
    if (await ensureDatabaseExists(url)) log('created the database');
    await applyMigrations(url, { log });
  });

interface FolderOptions {
  schema?: string;
  migrations?: string;
}

program
  .command('new')
  .argument('<name>', 'what the migration does, e.g. add_outbox_priority')
  .option('--schema <path>', 'schema file or folder', DEFAULT_SCHEMA_PATH)
  .option('--migrations <dir>', 'migrations folder', DEFAULT_MIGRATIONS_DIR)
  .description('write <migrations>/<timestamp>_<name>/migration.sql bringing the migrations up to the schema')
  .action(async (name: string, opts: FolderOptions) => {
    const folder = migrationFolderName(name);
    const migrationsDir = resolve(opts.migrations ?? DEFAULT_MIGRATIONS_DIR);
    const sql = await diffSchemaFromMigrations(databaseUrl(), { schemaPath: opts.schema, migrationsDir, log });
    if (!sql) {
      log('the schema and the migrations agree: no migration written');
      return;
    }
    const existing = existsSync(migrationsDir) ? await readdir(migrationsDir) : [];
    const latest = existing.filter((entry) => /^\d{14}_/.test(entry)).sort().at(-1);
    if (latest && latest >= folder) throw new Error(`${folder} would sort before the existing ${latest}; check the clock`);
    const dir = join(migrationsDir, folder);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), sql);
    const lockfile = join(migrationsDir, 'migration_lock.toml');
    if (!existsSync(lockfile)) await writeFile(lockfile, LOCKFILE_CONTENT);
    log(`wrote ${relative(process.cwd(), join(dir, 'migration.sql'))}:\n\n${sql}`);
  });

program
  .command('check')
  .option('--schema <path>', 'schema file or folder', DEFAULT_SCHEMA_PATH)
  .option('--migrations <dir>', 'migrations folder', DEFAULT_MIGRATIONS_DIR)
  .description('fail when the schema and the migrations disagree')
  .action(async (opts: FolderOptions) => {
    const sql = await diffSchemaFromMigrations(databaseUrl(), { schemaPath: opts.schema, migrationsDir: opts.migrations, log });
    if (sql) {
      console.error(`The schema differs from the migrations; \`npx tsx scripts/migrate.ts new <name>\` would write:\n\n${sql}`);
      process.exitCode = 1;
      return;
    }
    log('the schema and the migrations agree');
  });

program
  .command('rolled-back')
  .argument('<migration>', 'folder name of the failed migration')
  .description('mark a failed migration rolled back so that its fixed version can be applied')
  .action(async (migration: string) => {
    await markMigrationRolledBack(databaseUrl(), migration);
    log(`${migration} marked rolled back`);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
