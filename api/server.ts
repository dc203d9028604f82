// Serves the API over HTTP (Node's http server through @hono/node-server).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApiApp, type ApiAppOptions } from './app';
import type { ApiAuthOptions } from './auth';
import type { ApiServices } from './routes';

export interface ApiServerOptions extends ApiAppOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  services: ApiServices;
  /** Sign-in is not optional over HTTP: every server authenticates (api/auth.ts). */
  auth: ApiAuthOptions;
  /** How long stop() lets requests in flight finish before closing their connections. Default 5 s. */
  stopGraceMs?: number;
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (up to the grace period), closes. Idempotent. */
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const app = createApiApp(options.services, options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`API_PORT: ${options.host}:${options.port} is already in use`) : err);
    };
    s.once('error', onError);
    s.once('listening', () => {
      s.removeListener('error', onError);
      resolve(s);
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), options.stopGraceMs ?? 5_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
