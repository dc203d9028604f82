// The real API app (api/app.ts) served over HTTP with two things a fuzz test needs to see from the
// server's side: the statuses each route of the table answered (so "every operation was reached
// past sign-in" and "every status is documented" are counted where the requests land, not taken
// from the fuzzer's word), and every unexpected error the app logged, with its stack.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApiApp } from '../../api/app';
import type { ApiAuthOptions } from '../../api/auth';
import { routes, type ApiServices } from '../../api/routes';

export interface RecordingApi {
  url: string;
  /** `POST /api/flows/:flowId/cancel` → statuses answered, with how often. */
  statuses: Map<string, Map<number, number>>;
  /** Requests that matched no route of the table (unknown paths, other methods). */
  unmatched: Map<string, number>;
  /** What the app's error mapper could not map (each became a 500). */
  unexpected: { where: string; error: string }[];
  stop(): Promise<void>;
}

/** Operation key as the route table and the OpenAPI document name it. */
export const operationKey = (method: string, routePath: string): string => `${method.toUpperCase()} ${routePath}`;

/** Matchers in table order, as Hono tries them (static paths are listed before their :param siblings). */
const matchers = [{ method: 'get', path: '/api/openapi.json' }, ...routes].map((r) => ({
  key: operationKey(r.method, r.path),
  method: r.method.toUpperCase(),
  pattern: new RegExp(`^${r.path.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}$`),
}));

export function routeOf(method: string, pathname: string): string | undefined {
  return matchers.find((m) => m.method === method && m.pattern.test(pathname))?.key;
}

export async function startRecordingApi(services: ApiServices, auth: ApiAuthOptions): Promise<RecordingApi> {
  const statuses = new Map<string, Map<number, number>>();
  const unmatched = new Map<string, number>();
  const unexpected: RecordingApi['unexpected'] = [];
  const app = createApiApp(services, {
    auth,
    logError: (err, where) => unexpected.push({ where, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: async (request, env) => {
          const response = await app.fetch(request, env);
          const pathname = new URL(request.url).pathname;
          const key = routeOf(request.method, pathname);
          if (key) {
            const counts = statuses.get(key) ?? new Map<number, number>();
            counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
            statuses.set(key, counts);
          } else {
            const k = `${request.method} ${pathname.slice(0, 80)} -> ${response.status}`;
            unmatched.set(k, (unmatched.get(k) ?? 0) + 1);
          }
          return response;
        },
        hostname: '127.0.0.1',
        port: 0,
      },
      () => resolve(s as Server),
    ) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    unmatched,
    unexpected,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
