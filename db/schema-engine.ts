// Prisma's schema engine compiled to WebAssembly, driven from Node over node-postgres.
// The Prisma 7 CLI needs a native engine binary that machines reaching only package registries
// cannot download; the wasm build has the same API (applyMigrations, diff, ...) and writes the
// same _prisma_migrations table, so the migrations folder stays usable by the native CLI.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type {
  MigrationList,
  SchemaEngine,
  SchemaFilter,
  SchemasContainer,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

/** The glue reports Rust panics here (it calls `global.PRISMA_WASM_PANIC_REGISTRY.set_message`). */
interface PanicRegistry {
  set_message(message: string): void;
  get(): string | undefined;
}
declare global {
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

/** The slice of the WebAssembly global used here (this project's TS libs do not declare it). */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: Promise<void> | undefined;
const engineTimers = new Set<NodeJS.Timeout>();
let openEngines = 0;

/** Compiles and starts the wasm module once per process (~5 MB; the package's own entry
 * imports the .wasm as an ES module, which plain Node cannot do). */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    if (!globalThis.PRISMA_WASM_PANIC_REGISTRY) {
      let last: string | undefined;
      globalThis.PRISMA_WASM_PANIC_REGISTRY = {
        set_message: (message) => {
          last = message;
        },
        get: () => last,
      };
    }
    // The package exports only the glue module; the .wasm sits next to it.
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const glueImports: Record<string, unknown> = { ...glue };
    // The engine races operations against timers (10 s) that it never clears: track them, and
    // clear them when the last engine closes, or a finished migration keeps the process alive.
    for (const name of Object.keys(glueImports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      glueImports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    }
    const { instance } = await wasmApi().instantiate(bytes, { './schema_engine_bg.js': glueImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * PrismaPg over one pg pool that we own, with one change: executeScript runs the whole script
 * as a single simple-protocol query. adapter-pg splits scripts on every `;` (breaking `$$`
 * bodies and string literals) and runs the pieces one by one, so a failing migration stays
 * half-applied; one multi-statement query is one implicit transaction in Postgres, as with the
 * native engine.
 */
class WholeScriptPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName: string;
  private readonly inner: PrismaPg;
  /** The last script Postgres rejected, with its error: the engine's own message loses detail. */
  lastScriptFailure: ScriptFailure | undefined;

  constructor(private readonly pool: pg.Pool) {
    readCharColumnsAsText(pool);
    this.inner = new PrismaPg(pool);
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const pool = this.pool;
    const recordFailure = (failure: ScriptFailure): void => {
      this.lastScriptFailure = failure;
    };
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => queryRawWithCharColumns(adapter, query),
      executeRaw: (query) => adapter.executeRaw(query),
      startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
      getConnectionInfo: () => adapter.getConnectionInfo(),
      // The pool is ours: closed in SchemaEngineHandle.close(), not per adapter.
      dispose: () => adapter.dispose(),
      async executeScript(script: string): Promise<void> {
        try {
          await pool.query(script);
        } catch (error) {
          recordFailure({ script, error: error instanceof Error ? error : new Error(String(error)) });
          throw toDriverAdapterError(error);
        }
      },
    };
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    // We never ask for a shadow database (adapter-pg's would leak a pool); fail loudly if the
    // engine does.
    return Promise.reject(new Error('shadow databases are not supported here; use a scratch database'));
  }
}

/**
 * adapter-pg rejects result columns of Postgres' one-byte `"char"` type (oid 18), and the
 * engine's schema describer reads such columns from pg_catalog (relkind, contype, ...): every
 * diff against a live database would fail with "Column type 'char' could not be deserialized".
 * The pool reports them as text to adapter-pg and tells the calling queryRaw (through async
 * context) which columns they were; queryRaw then marks them Character, which the engine wants.
 */
const charColumnsSink = new AsyncLocalStorage<(columns: number[]) => void>();
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function readCharColumnsAsText(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult | pg.QueryResult[]>;
  const patched = async (config: pg.QueryConfig): Promise<pg.QueryResult | pg.QueryResult[]> => {
    const sink = charColumnsSink.getStore();
    const result = await query(config);
    if (!Array.isArray(result)) {
      const charColumns: number[] = [];
      result.fields?.forEach((field, index) => {
        if (field.dataTypeID === PG_CHAR_OID) {
          field.dataTypeID = PG_TEXT_OID;
          charColumns.push(index);
        }
      });
      if (charColumns.length) sink?.(charColumns);
    }
    return result;
  };
  pool.query = patched as unknown as typeof pool.query;
}

async function queryRawWithCharColumns(adapter: SqlDriverAdapter, query: SqlQuery): Promise<SqlResultSet> {
  let charColumns: number[] = [];
  const result = await charColumnsSink.run((columns) => (charColumns = columns), () => adapter.queryRaw(query));
  for (const index of charColumns) result.columnTypes[index] = ColumnTypeEnum.Character;
  return result;
}

function toDriverAdapterError(error: unknown): Error {
  if (error instanceof pg.DatabaseError) {
    return new DriverAdapterError({
      kind: 'postgres',
      code: error.code ?? 'N/A',
      severity: error.severity ?? 'N/A',
      message: error.message,
      detail: error.detail,
      column: error.column,
      hint: error.hint,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export interface ScriptFailure {
  script: string;
  /** Usually a pg.DatabaseError (code, position, detail, hint). */
  error: Error;
}

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  /** The last migration script that Postgres rejected in this engine, if any. */
  lastScriptFailure(): ScriptFailure | undefined;
  /** Frees the engine and closes its connection pool (lets the process exit). */
  close(): Promise<void>;
}

/**
 * A schema engine connected to `databaseUrl`. One connection: the engine's advisory lock and
 * the migration scripts must share a session.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  opts: { log?: (msg: string) => void } = {},
): Promise<SchemaEngineHandle> {
  await loadWasm();
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 1,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Never drop the one session between queries: it holds the migration advisory lock.
    idleTimeoutMillis: 0,
  });
  // An idle client's error (e.g. server restart) must not crash the process.
  pool.on('error', (error) => opts.log?.(`schema engine pool: ${error.message}`));
  const factory = new WholeScriptPgFactory(pool);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const onLog = (line: string): void => {
    const message = opts.log && engineLogMessage(line);
    if (message) opts.log?.(message);
  };
  let engine: SchemaEngine;
  try {
    engine = await glue.SchemaEngine.new({ datamodels: undefined }, onLog, adapter);
  } catch (error) {
    await pool.end();
    throw asError(error);
  }
  openEngines++;
  let closed: Promise<void> | undefined;
  return {
    engine,
    lastScriptFailure: () => factory.lastScriptFailure,
    close() {
      closed ??= (async () => {
        engine.free();
        if (--openEngines === 0) {
          for (const timer of engineTimers) clearTimeout(timer);
          engineTimers.clear();
        }
        await pool.end();
      })();
      return closed;
    },
  };
}

/** The engine rejects with plain objects or strings at times; make them Errors with text. */
export function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'string') return new Error(error);
  if (typeof error === 'object' && error !== null) {
    const message = 'message' in error && typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return Object.assign(new Error(message), error);
  }
  return new Error(String(error));
}

/**
 * The engine logs JSON tracing records; keep warnings, errors and per-migration records
 * ("Applying `name`"), drop the chatter ("Analysis run in 0ms").
 */
function engineLogMessage(line: string): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null) return line;
  const { level, fields, span } = record as { level?: unknown; fields?: { message?: unknown }; span?: { migration_name?: unknown } };
  const message = typeof fields?.message === 'string' ? fields.message : undefined;
  if (!message) return undefined;
  if (level === 'WARN' || level === 'ERROR' || typeof span?.migration_name === 'string') return message;
  return undefined;
}
