// A local Temporal dev server for `npm start` and the tests: `temporal server start-dev` from the
// CLI that scripts/tools/temporal-cli.ts provides, or, when no CLI can be had, the one the
// Temporal SDK downloads itself (@temporalio/testing; needs internet access).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ensureTemporalCli } from '../scripts/tools/temporal-cli';
import { delay, pipeLines, spawnWatchdog } from './process';

export type DevServerSearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface TemporalDevServerOptions {
  /** Temporal CLI binary; default: whatever ensureTemporalCli() finds or builds. */
  cliPath?: string;
  /** Frontend gRPC port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Web UI port; default: a free one when `port` is 0, else port + 1000 (the CLI's default). */
  uiPort?: number;
  /** SQLite file for state that outlives the process; undefined keeps everything in memory. */
  dbFilename?: string;
  /** Namespace created at startup (the "default" namespace always exists too). */
  namespace?: string;
  /** No Web UI. */
  headless?: boolean;
  searchAttributes?: Record<string, DevServerSearchAttributeType>;
  /** Server log level (the CLI's default for start-dev is warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Further `start-dev` flags, e.g. ['--ui-codec-endpoint', url]. Ignored by the SDK fallback. */
  extraArgs?: string[];
  /** Receives the server's output lines and this module's progress messages. */
  log?: (line: string) => void;
  /** How long to wait for the frontend to answer. Default 60 s. */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on stop. Default 10 s (the server drains for a few seconds). */
  stopGraceMs?: number;
  /** Use the SDK's download when no CLI is available. Default true. */
  sdkFallback?: boolean;
}

export interface TemporalDevServer {
  /** host:port of the frontend, for Connection/NativeConnection. */
  address: string;
  uiUrl?: string;
  namespace: string;
  /** Which implementation is running. */
  source: 'cli' | 'sdk-download';
  /** The server process (CLI only; the SDK does not expose its child). */
  pid?: number;
  stop(): Promise<void>;
}

const SA_TYPES: Record<DevServerSearchAttributeType, SearchAttributeType> = {
  Keyword: SearchAttributeType.KEYWORD,
  Text: SearchAttributeType.TEXT,
  Int: SearchAttributeType.INT,
  Double: SearchAttributeType.DOUBLE,
  Bool: SearchAttributeType.BOOL,
  Datetime: SearchAttributeType.DATETIME,
  KeywordList: SearchAttributeType.KEYWORD_LIST,
};

const HOST = '127.0.0.1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const log = opts.log ?? (() => {});
  const namespace = opts.namespace ?? 'default';
  const cliPath = opts.cliPath ?? (await ensureTemporalCli({ log }));
  if (!cliPath) {
    if (opts.sdkFallback === false) throw new Error('No Temporal CLI available (see scripts/tools/temporal-cli.ts).');
    return startViaSdk(opts, namespace, log);
  }
  // A free port can be taken by someone else before the server binds it: retry then.
  const attempts = opts.port === 0 ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startViaCli(cliPath, opts, namespace, log);
    } catch (err) {
      if (attempt >= attempts || !(err instanceof PortInUseError)) throw err;
      log(`[temporal] ${err.message}; retrying with other ports`);
    }
  }
}

class PortInUseError extends Error {}

async function startViaCli(cliPath: string, opts: TemporalDevServerOptions, namespace: string, log: (line: string) => void): Promise<TemporalDevServer> {
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 7233);
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? (opts.port === 0 ? await freePort() : port + 1000));
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--color', 'never'];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (opts.dbFilename) {
    await mkdir(path.dirname(path.resolve(opts.dbFilename)), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
  }
  for (const [name, type] of Object.entries(opts.searchAttributes ?? {})) args.push('--search-attribute', `${name}=${type}`);
  if (opts.logLevel) args.push('--log-level', opts.logLevel);
  args.push(...(opts.extraArgs ?? []));

  const address = `${HOST}:${port}`;
  log(`[temporal] starting ${cliPath} ${args.join(' ')}`);
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let stopping = false;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 50) tail.shift();
    // Draining on shutdown logs a burst of harmless poll/dial warnings.
    if (stopping && line.includes('level=WARN')) return;
    log(`[temporal] ${line}`);
  };
  pipeLines(child, onLine);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A binary that cannot be spawned emits only 'error'; count that as exited so stop() returns.
    child.once('error', () => child.pid === undefined && resolve({ code: null, signal: null }));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));

  // Never leave a server behind: kill it when this process exits normally, and have a watchdog
  // kill it when this process dies abruptly (SIGKILL, crash), which no exit handler sees.
  const onExit = () => {
    if (!hasExited) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid, opts.stopGraceMs ?? 10_000) : undefined;

  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopPromise ??= (async () => {
      stopping = true;
      if (!hasExited) {
        child.kill('SIGTERM');
        const graceful = await Promise.race([exited.then(() => true), delay(opts.stopGraceMs ?? 10_000).then(() => false)]);
        if (!graceful) {
          log('[temporal] server did not stop in time; killing it');
          child.kill('SIGKILL');
          await exited;
        }
      }
      watchdog?.kill('SIGKILL');
      process.removeListener('exit', onExit);
    })());

  try {
    await Promise.race([
      spawnError,
      waitUntilReady(address, namespace, opts.startTimeoutMs ?? 60_000, () => hasExited),
      exited.then(({ code, signal }) => {
        const output = tail.join('\n');
        const msg = `Temporal dev server exited during startup (${code ?? signal})${output ? `:\n${output}` : ''}`;
        throw /address already in use/i.test(output) ? new PortInUseError(msg) : new Error(msg);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const uiUrl = uiPort !== undefined ? `http://${HOST}:${uiPort}` : undefined;
  log(`[temporal] dev server ready at ${address}${uiUrl ? `, Web UI ${uiUrl}` : ''} (namespace ${namespace})`);
  return { address, uiUrl, namespace, source: 'cli', pid: child.pid, stop };
}

/** Ready = the frontend answers describeNamespace for our namespace (registered at startup). */
async function waitUntilReady(address: string, namespace: string, timeoutMs: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !gone()) {
    if (await portOpen(address)) {
      let connection: Connection | undefined;
      try {
        connection = await Connection.connect({ address, connectTimeout: 2_000 });
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (err) {
        lastError = err;
      } finally {
        await connection?.close().catch(() => {});
      }
    }
    await delay(250);
  }
  if (gone()) return new Promise(() => {}); // the exit branch reports it, with the server's output
  throw new Error(`Temporal dev server at ${address} not ready after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

function portOpen(address: string): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Fallback where no CLI binary can be had: @temporalio/testing downloads the CLI and runs the same
 * dev server (works only with internet access). Imported lazily: it is a dev dependency.
 */
async function startViaSdk(opts: TemporalDevServerOptions, namespace: string, log: (line: string) => void): Promise<TemporalDevServer> {
  log('[temporal] no Temporal CLI binary; starting the dev server through the Temporal SDK download');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const port = opts.port === 0 ? undefined : (opts.port ?? 7233);
  const ui = !opts.headless;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: HOST,
      port,
      ui,
      uiPort: ui ? opts.uiPort : undefined,
      namespace,
      dbFilename: opts.dbFilename,
      searchAttributes: Object.entries(opts.searchAttributes ?? {}).map(([name, type]) => defineSearchAttributeKey(name, SA_TYPES[type])),
      log: { format: 'pretty', level: opts.logLevel ?? 'warn' },
    },
  }).catch((err: unknown) => {
    throw new Error(
      `No Temporal CLI binary, and the Temporal SDK could not start its own dev server (its download needs internet access): ${(err as Error).message}\n` +
        'Provide the CLI instead: install Go 1.25+ and run `npm run tools:temporal`, put `temporal` on PATH, or set TEMPORAL_CLI.',
      { cause: err },
    );
  });
  const address = env.address;
  const actualPort = Number(address.slice(address.lastIndexOf(':') + 1));
  const uiUrl = ui ? `http://${HOST}:${opts.uiPort ?? actualPort + 1000}` : undefined;
  log(`[temporal] dev server (SDK download) ready at ${address}${uiUrl ? `, Web UI ${uiUrl}` : ''}`);
  let stopPromise: Promise<void> | undefined;
  return { address, uiUrl, namespace, source: 'sdk-download', stop: () => (stopPromise ??= env.teardown()) };
}
