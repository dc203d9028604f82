// The local services `npm start` supervises (devstack/supervisor.ts), each as a restartable part:
// PostgreSQL and the Temporal dev server are watched by their pid, the UI server and the mail
// sink likewise or by their own process.
import { resolve } from 'node:path';
import { pidAlive } from './process';
import { startEmbeddedPostgres } from './postgres';
import { startTemporalDevServer, type TemporalDevServerOptions } from './temporal';
import { startTemporalUi, type TemporalUiOptions } from './temporal-ui';
import type { PartSpec, RunningPart } from './supervisor';

/** A part whose process is known only by pid: `exited` resolves when the pid is gone (polled). */
function byPid(pid: number | undefined, stop: () => Promise<void>): RunningPart {
  let stopping = false;
  const exited = new Promise<string>((resolvePromise) => {
    if (pid === undefined) return;
    const timer = setInterval(() => {
      if (stopping) return clearInterval(timer);
      if (!pidAlive(pid)) {
        clearInterval(timer);
        resolvePromise(`process ${pid} is gone`);
      }
    }, 1_000);
    timer.unref();
  });
  return {
    exited,
    stop: async () => {
      stopping = true;
      await stop();
    },
  };
}

export function postgresPart(o: { dataDir: string; port: number; password: string; onUrl: (databaseUrl: string) => void }): PartSpec {
  return {
    name: 'PostgreSQL',
    stopOrder: 9,
    async start() {
      const pg = await startEmbeddedPostgres({ dataDir: resolve(o.dataDir, 'postgres'), port: o.port, password: o.password });
      o.onUrl(await pg.ensureDatabase('practiceflow'));
      return byPid(pg.pid, () => pg.stop());
    },
  };
}

export function temporalPart(o: TemporalDevServerOptions & { onAddress: (address: string, uiUrl: string | undefined) => void }): PartSpec {
  return {
    name: 'Temporal dev server',
    stopOrder: 8,
    async start() {
      const server = await startTemporalDevServer(o);
      o.onAddress(server.address, server.uiUrl);
      return byPid(server.pid, () => server.stop());
    },
  };
}

export function temporalUiPart(o: TemporalUiOptions): PartSpec {
  return {
    name: 'Temporal Web UI',
    stopOrder: 7,
    async start() {
      const ui = await startTemporalUi(o);
      return byPid(ui.pid, () => ui.stop());
    },
  };
}
