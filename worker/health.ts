// The worker's health and readiness endpoints (WORKER_HEALTH_PORT), for a supervisor or an
// orchestrator (systemd, Kubernetes probes): `/healthz` answers 200 while the worker polls (the
// process is alive and has not begun to shut down), `/readyz` 200 when, besides, PostgreSQL and
// Temporal (its frontend's GetSystemInfo) answer now; otherwise 503 with what is wrong. Nothing else is served.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { PrismaClient } from '../generated/prisma/client';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

export async function serveWorkerHealth(o: { host: string; port: number; worker: Worker; prisma: PrismaClient; client: Client }): Promise<{ stop(): Promise<void> }> {
  const app = new Hono();
  app.get('/healthz', (c) => {
    const state = o.worker.getState();
    return c.json({ ok: state === 'RUNNING', state }, state === 'RUNNING' ? 200 : 503);
  });
  app.get('/readyz', async (c) => {
    const state = o.worker.getState();
    const [database, temporal] = await Promise.all([
      within(5_000, o.prisma.$queryRaw`SELECT 1`).then(() => 'ok', (err: Error) => err.message),
      within(5_000, o.client.workflowService.getSystemInfo({})).then(() => 'ok', (err: Error) => err.message),
    ]);
    const ok = state === 'RUNNING' && database === 'ok' && temporal === 'ok';
    return c.json({ ok, state, database, temporal }, ok ? 200 : 503);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: o.host, port: o.port }) as Server;
    s.once('error', reject);
    s.once('listening', () => resolve(s));
  });
  return { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
