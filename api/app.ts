// The JSON API: a Hono app over the FlowService and the CredentialService. Routes come from ./routes.ts; errors are turned
// into responses in ONE place (onError below):
//   400 ValidationError  bad input, malformed JSON, a body that is not an object
//   404 NotFound         unknown flow, task, credential or route
//   409 Conflict         completing a completed task, a duplicate start, changing a closed flow or a retired credential
//   503 Unavailable      Temporal or the database cannot be reached
// never a stack trace; an unexpected error is a 500 whose details go to the server log only.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldProblem } from '../domain/errors';
import { invalid, ServiceError, type ServiceErrorType } from '../services/errors';
import { openApiDocument } from './openapi';
import { ACTOR_HEADER, routes, type ApiServices, type RouteSpec } from './routes';

const STATUS: Record<ServiceErrorType, ContentfulStatusCode> = {
  ValidationError: 400,
  NotFound: 404,
  Conflict: 409,
  Unavailable: 503,
};

const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiAppOptions {
  /** Where unexpected errors are reported (never to the client). Default console.error. */
  logError?: (err: unknown, where: string) => void;
}

type ErrorBody = { error: { type: ServiceErrorType | 'Internal'; message: string; problems: FieldProblem[] } };

const errorBody = (type: ErrorBody['error']['type'], message: string, problems: FieldProblem[] = []): ErrorBody => ({ error: { type, message, problems } });

/** The request body as JSON: malformed JSON and non-objects are ValidationErrors at `(body)`. */
async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') throw invalid([{ path: '(body)', message: 'is required: send a JSON object (Content-Type: application/json)' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid([{ path: '(body)', message: `is not valid JSON (${(err as Error).message})` }]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid([{ path: '(body)', message: `must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}` }]);
  }
  return value as Record<string, unknown>;
}

/** A CSV upload: the body as text, for a route that takes one (`csvBody`). */
function isCsv(c: Context): boolean {
  return /^text\/csv\b/i.test(c.req.header('content-type') ?? '');
}

export function createApiApp(services: ApiServices, options: ApiAppOptions = {}): Hono {
  const logError = options.logError ?? ((err, where) => console.error(`PracticeFlow API: unexpected error in ${where}:`, err));
  const app = new Hono();

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('ValidationError', `(body): must be at most ${MAX_BODY_BYTES} bytes`, [{ path: '(body)', message: `must be at most ${MAX_BODY_BYTES} bytes` }]), 413),
    }),
  );

  const document = openApiDocument();
  app.get('/api/openapi.json', (c) => c.json(document));

  for (const route of routes) register(app, services, route);

  app.notFound((c) => c.json(errorBody('NotFound', `no route ${c.req.method} ${c.req.path} (see GET /api/openapi.json)`), 404));

  app.onError((err, c) => {
    if (err instanceof ServiceError) return c.json({ error: err.toJSON() }, STATUS[err.type]);
    logError(err, `${c.req.method} ${c.req.path}`);
    return c.json(errorBody('Internal', 'internal error: the request could not be completed (details are in the server log)'), 500);
  });

  return app;
}

function register(app: Hono, services: ApiServices, route: RouteSpec): void {
  app[route.method](route.path, async (c) => {
    const result = await route.handle(services, {
      params: c.req.param() as Record<string, string>,
      query: c.req.query(),
      body: route.csvBody && isCsv(c) ? { csv: await c.req.text() } : route.body ? await readJsonObject(c) : undefined,
      actor: route.actorHeader ? c.req.header(ACTOR_HEADER) : undefined,
    });
    return c.json(result as object, route.statusOf?.(result) ?? route.result.status);
  });
}
