// The JSON API: a Hono app over the FlowService and the CredentialService. Routes come from ./routes.ts; errors are turned
// into responses in ONE place (onError below):
//   400 ValidationError  bad input, malformed JSON, a body that is not an object
//   401 Unauthorized     nobody signed in, a bad or revoked token, a session ended by inactivity
//   403 Forbidden        the role may not (an auditor's write), or the request names another actor, or a
//                        cookie request from another origin or without JSON (./browser-guard.ts)
//   404 NotFound         unknown flow, task, credential or route
//   409 Conflict         completing a completed task, a duplicate start, changing a closed flow or a retired credential
//   429 TooManyRequests  sign-in locked after repeated failures (with Retry-After, in seconds)
//   503 Unavailable      Temporal or the database cannot be reached
// never a stack trace; an unexpected error is a 500 whose details go to the server log only.
import { Hono, type Context } from 'hono';
import { createMasker, maskedText } from '../config/mask';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldProblem } from '../domain/errors';
import { invalid, ServiceError, toServiceError, TooManyRequestsError, type ServiceErrorType } from '../services/errors';
import { actorFor, authorize, checkStaffTarget, staffView } from './access';
import { authenticate, requestAuth, SESSION_COOKIE, type ApiAuthOptions, type AppEnv } from './auth';
import { browserGuard, securityHeaders, type CrossOriginRule } from './browser-guard';
import { CODEC_PATH } from './codec-routes';
import { CONSOLE_CSP, registerConsole, type ConsoleOptions } from './console';
import { idempotentRequest, servicesFor } from './idempotency';
import { IDEMPOTENCY_HEADER } from '../services/idempotency';
import { openApiDocument } from './openapi';
import { ACTOR_HEADER, routes, type ApiServices, type RouteSpec } from './routes';

const STATUS: Record<ServiceErrorType, ContentfulStatusCode> = {
  ValidationError: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  TooManyRequests: 429,
  Unavailable: 503,
};

const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiAppOptions {
  /** Where unexpected errors are reported (never to the client). Default console.error. */
  logError?: (err: unknown, where: string) => void;
  /**
   * Sign-in and roles (./auth.ts, ./access.ts). Every HTTP server has it (api/server.ts requires
   * it); without it the app trusts its caller, for in-process use by code that already holds the
   * database credentials (the CLI's database mode, tests).
   */
  auth?: ApiAuthOptions;
  /**
   * The web console (./console.ts) served at / beside the API: where the Temporal Web UI and the
   * local mailbox are. Served whenever the app authenticates (`auth`), since the console signs in.
   */
  console?: ConsoleOptions;
  /**
   * Origins besides the console's own that may send unsafe requests with the session cookie, each
   * for the paths under one prefix (./browser-guard.ts), e.g. the Temporal Web UI calling the
   * codec endpoint. Default none. CORS for those paths is set up separately.
   */
  crossOrigin?: readonly CrossOriginRule[];
  /**
   * Origins whose pages may call the codec endpoint (/api/codec/*) with the signed-in person's
   * cookie: the Temporal Web UI (CODEC_CORS_ORIGINS). Nothing else is answered across origins.
   */
  codecOrigins?: string[];
}

type ErrorBody = { error: { type: ServiceErrorType | 'Internal'; message: string; problems: FieldProblem[] } };

const errorBody = (type: ErrorBody['error']['type'], message: string, problems: FieldProblem[] = []): ErrorBody => ({ error: { type, message, problems } });

/** The request body as JSON: malformed JSON and non-objects are ValidationErrors at `(body)`. */
async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
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

/**
 * A document route's body as `{ content }`: the file itself (JSON or CSV, not parsed here: the
 * service reads it), or an object `{ content }` sent by a client that wraps it.
 */
async function documentBody(c: Context<AppEnv>): Promise<{ content: string }> {
  const text = await c.req.text();
  if (/^application\/json\b/i.test(c.req.header('content-type') ?? '') && /^\s*\{\s*"content"\s*:/.test(text)) {
    let wrapped: unknown;
    try {
      wrapped = JSON.parse(text);
    } catch {
      wrapped = undefined; // not JSON at all: the service says why, about `content`
    }
    if (wrapped && typeof wrapped === 'object' && Object.keys(wrapped).length === 1 && typeof (wrapped as { content?: unknown }).content === 'string') return wrapped as { content: string };
  }
  return { content: text };
}

/** A CSV upload: the body as text, for a route that takes one (`csvBody`). */
function isCsv(c: Context<AppEnv>): boolean {
  return /^text\/csv\b/i.test(c.req.header('content-type') ?? '');
}

export function createApiApp(services: ApiServices, options: ApiAppOptions = {}): Hono<AppEnv> {
  // Masked (config/mask.ts): an error can quote a connection URL, a token or a cookie.
  const mask = createMasker();
  const logError = options.logError ?? ((err, where) => console.error(mask(`PracticeFlow API: unexpected error in ${where}: ${maskedText(err, mask)}`)));
  const app = new Hono<AppEnv>();
  const codecOrigins = options.codecOrigins ?? [];
  const forwarding = { trustProxy: options.auth?.trustProxy, publicUrl: options.auth?.publicUrl };

  // Every response names its request (X-Request-Id, a caller's own id kept when well-formed), so
  // an unexpected error a person reports can be found in the server log.
  app.use('*', requestId());
  // First, so that every response has them: JSON, console files, errors and 404s alike.
  app.use('*', securityHeaders({ ...forwarding, contentSecurityPolicy: CONSOLE_CSP }));
  // Before anything reads a body or changes anything: a forged cookie request changes nothing.
  if (options.auth) {
    app.use(
      '*',
      browserGuard({
        ...forwarding,
        sessionCookie: SESSION_COOKIE,
        alwaysChecked: ['/api/session'],
        csvPaths: routes.filter((r) => r.csvBody || r.document).map((r) => r.path),
        // The Temporal Web UI may call the codec with the person's cookie (CODEC_CORS_ORIGINS).
        crossOrigin: [...(options.crossOrigin ?? []), ...(codecOrigins.length > 0 ? [{ pathPrefix: `${CODEC_PATH}/`, origins: codecOrigins }] : [])],
      }),
    );
  }

  // 1 MiB per request, but for the routes that take a whole document (an export to verify).
  const limiter = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => c.json(errorBody('ValidationError', `(body): must be at most ${maxSize} bytes`, [{ path: '(body)', message: `must be at most ${maxSize} bytes` }]), 413) });
  const defaultLimit = limiter(MAX_BODY_BYTES);
  const documentLimits = new Map(routes.flatMap((r) => (r.document ? [[r.path, limiter(r.document.maxBodyBytes)] as const] : [])));
  app.use('/api/*', (c, next) => (documentLimits.get(c.req.path) ?? defaultLimit)(c, next));

  // The Temporal Web UI calls the codec from its own origin, with credentials: CORS for exactly
  // those origins and only there (the preflight is answered before sign-in is looked at).
  if (codecOrigins.length > 0) {
    app.use(
      `${CODEC_PATH}/*`,
      cors({ origin: codecOrigins, credentials: true, allowMethods: ['POST'], allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization', 'Authorization-Extras'], maxAge: 600 }),
    );
  }

  if (options.auth) app.use('/api/*', authenticate(services.users, options.auth));

  const document = openApiDocument();
  app.get('/api/openapi.json', (c) => c.json(document));

  for (const route of routes) register(app, services, route, options.auth);

  // The calendar feed: its own token in the URL is the credential (calendar apps send no other),
  // read-only, revocable (POST /api/me/calendar-feed/revoke). An unknown or revoked token is a 404.
  app.get('/calendar/:file', async (c) => {
    const match = /^([A-Za-z0-9_-]{16,200})\.ics$/.exec(c.req.param('file'));
    const owner = match ? await services.users.feedOwner(match[1]!) : undefined;
    if (!owner) return c.json(errorBody('NotFound', 'no such calendar feed (it may have been revoked)'), 404);
    return c.body(await services.calendar.feed(owner.email), 200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, no-store' });
  });

  if (options.auth) registerConsole(app, options.console ?? {}, services.practice.timeZone);

  app.notFound((c) => c.json(errorBody('NotFound', `no route ${c.req.method} ${c.req.path} (see GET /api/openapi.json)`), 404));

  app.onError((err, c) => {
    if (err instanceof TooManyRequestsError) c.header('Retry-After', String(err.retryAfterSeconds));
    // What a service let through unmapped (a zod error, an id that is not an identifier, Temporal
    // unreachable) still gets its status here; only what nothing recognises is a 500.
    const mapped = err instanceof ServiceError ? err : toServiceError(err, { operation: `${c.req.method} ${c.req.path}` });
    if (mapped) return c.json({ error: mapped.toJSON() }, STATUS[mapped.type]);
    const id = c.get('requestId');
    logError(err, `${c.req.method} ${c.req.path} (request ${id})`);
    return c.json({ error: { ...errorBody('Internal', `internal error: the request could not be completed (request id ${id}; the details are in the server log under it)`).error, requestId: id } }, 500);
  });

  return app;
}

function register(app: Hono<AppEnv>, services: ApiServices, route: RouteSpec, authOptions: ApiAuthOptions | undefined): void {
  app[route.method](route.path, async (c) => {
    const params = c.req.param() as Record<string, string>;
    const auth = authOptions ? requestAuth(c, services.users, authOptions) : undefined;
    const user = auth?.user;
    // Roles before reading the body: a refused caller learns nothing about their input.
    if (auth) authorize(route, user, c.get('auth').problem);
    const body = route.document ? await documentBody(c) : route.csvBody && isCsv(c) ? { csv: await c.req.text() } : route.body ? await readJsonObject(c) : undefined;
    let actor = route.actorHeader ? c.req.header(ACTOR_HEADER) : undefined;
    if (user) {
      const signedIn = actorFor(user, actor, body);
      if (route.actorHeader) actor = signedIn;
      await checkStaffTarget(route, services, user, params);
    }
    // After the body (a bad body is answered first), before anything is sent.
    const keyed = route.idempotent ? idempotentRequest(route.operationId, c.req.header(IDEMPOTENCY_HEADER)) : undefined;
    const { download, ...query } = c.req.query();
    const raw = await route.handle(servicesFor(services, keyed), { params, query: route.downloadable ? query : c.req.query(), body, actor, auth, header: (name) => c.req.header(name) });
    const result = user ? staffView(route, user, raw) : raw;
    if (route.downloadable && download === '1') return sendFile(c, result);
    return c.json(result as object, route.statusOf?.(result) ?? route.result.status);
  });
}

/** An export as the file itself: CSV and HTML from their `content`, JSON as the document. */
function sendFile(c: Context<AppEnv>, result: unknown): Response {
  const file = result as { format?: string; contentType?: string; filename?: string; content?: string };
  const isWrapped = typeof file.content === 'string' && typeof file.contentType === 'string';
  const filename = (file.filename ?? `practiceflow-export.${file.format ?? 'json'}`).replace(/[^A-Za-z0-9._-]/g, '_');
  return c.body(isWrapped ? file.content! : JSON.stringify(result, null, 2), 200, {
    'content-type': isWrapped ? file.contentType! : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'private, no-store',
  });
}
