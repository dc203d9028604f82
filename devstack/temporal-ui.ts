// The Temporal Web UI for `npm start` and the codec's browser test: Temporal's own UI server
// (scripts/tools/temporal-ui.ts) beside a headless dev server, configured to decode payloads
// through PracticeFlow's codec endpoint WITH the browser's credentials, so a person signed in to
// the console sees readable payloads and anyone else sees ciphertext (the codec answers 401).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { delay, pipeLines, spawnWatchdog } from './process';

export interface TemporalUiOptions {
  /** The UI server binary (ensureTemporalUi()). */
  binary: string;
  /** host:port of Temporal's frontend. */
  temporalAddress: string;
  host?: string;
  port: number;
  namespace: string;
  /** PracticeFlow's codec endpoint as the browser reaches it, e.g. http://127.0.0.1:8080/api/codec. */
  codecEndpoint: string;
  /** Where its configuration file is written. */
  configRoot: string;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface TemporalUi {
  url: string;
  pid?: number;
  stop(): Promise<void>;
}

/** The UI server's configuration (ui-server's config.Config, YAML; JSON is valid YAML). */
function configOf(o: TemporalUiOptions, host: string): string {
  return JSON.stringify(
    {
      temporalGrpcAddress: o.temporalAddress,
      host,
      port: o.port,
      enableUi: true,
      defaultNamespace: o.namespace,
      hideLogs: true,
      notifyOnNewVersion: false,
      // Plain HTTP on loopback: the UI's own CSRF cookie must not require HTTPS.
      cors: { cookieInsecure: true },
      codec: { endpoint: o.codecEndpoint, includeCredentials: true, passAccessToken: false, defaultErrorMessage: 'Sign in to the PracticeFlow console (as an admin, manager or auditor) to read these payloads.' },
    },
    null,
    2,
  );
}

export async function startTemporalUi(o: TemporalUiOptions): Promise<TemporalUi> {
  const log = o.log ?? (() => {});
  const host = o.host ?? '127.0.0.1';
  const configDir = path.join(o.configRoot, 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'practiceflow.yaml'), `${configOf(o, host)}\n`);
  const child = spawn(o.binary, ['--root', o.configRoot, '--config', 'config', '--env', 'practiceflow', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  pipeLines(child, (line) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 30) tail.shift();
    log(`[temporal-ui] ${line}`);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const onExit = () => exited || child.kill('SIGTERM');
  process.once('exit', onExit);
  const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid, 5_000) : undefined;
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      if (!(await Promise.race([exit.then(() => true), delay(5_000).then(() => false)]))) child.kill('SIGKILL');
      await exit;
    }
    watchdog?.kill('SIGKILL');
    process.removeListener('exit', onExit);
  };
  const url = `http://${host}:${o.port}`;
  const deadline = Date.now() + (o.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`the Temporal UI server exited during start-up:\n${tail.join('\n')}`);
    try {
      if ((await fetch(`${url}/api/v1/settings`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Temporal UI server did not answer at ${url} in time:\n${tail.join('\n')}`);
    }
    await delay(200);
  }
  log(`[temporal-ui] ready at ${url} (codec ${o.codecEndpoint}, with credentials)`);
  return { url, pid: child.pid, stop };
}
