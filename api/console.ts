// The web console: static files (console/index.html, console.css, app.js and its modules; no build step) served
// beside the API by the same server. The page calls the same /api/... routes the CLI calls, with
// the session cookie from POST /api/session, so roles are enforced by the API exactly as for
// every other client (api/access.ts): an auditor's write from the console is the same 403.
//
// Two small routes exist for the console only, behind the same sign-in and role checks:
//   GET /api/console/settings   where the Temporal Web UI is, whether a local mailbox exists (self)
//   GET /api/console/mail[/:id] the local mail sink's messages (development only; admin, manager)
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { listMailbox, readMessage, isValidMailId } from '../devstack/mailbox';
import { notFound } from '../services/errors';
import { authorize } from './access';
import type { AppEnv } from './auth';
import type { ContentSecurityPolicy } from './browser-guard';
import type { RouteAccess, RouteSpec } from './routes';

export interface ConsoleOptions {
  /** The Temporal Web UI (the dev server's), e.g. http://127.0.0.1:8233: flow pages link to it. */
  temporalUiUrl?: string;
  /** The Temporal namespace the flows run in (for the Web UI links). Default `default`. */
  temporalNamespace?: string;
  /** The local mail sink's folder (development): enables the console's mailbox. */
  mailDir?: string;
}

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The console's files, listed once: only these are served (no path from the request reaches the disk). */
const FILES: ReadonlyMap<string, string> = new Map(
  readdirSync(CONSOLE_DIR, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split(path.sep).join('/'))
    .flatMap((name) => {
      const type = TYPES[path.extname(name)];
      return type ? [[name, type] as const] : [];
    }),
);

/**
 * Everything from our own origin only; no inline script or style, no framing. Sent on every
 * response with the other security headers (api/browser-guard.ts securityHeaders).
 */
export const CONSOLE_CSP: ContentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** What the console needs to know about this server (GET /api/console/settings). */
interface Settings {
  temporalUiUrl: string | null;
  temporalNamespace: string;
  mailbox: boolean;
  /** The practice's IANA time zone: due dates are days there, so the console's "today" is too. */
  timeZone: string;
}

/** A route of the console's own, checked by the same authorize() as the route table's. */
const consoleRoute = (path: string, access: RouteAccess): RouteSpec => ({
  method: 'get',
  path,
  operationId: path,
  summary: path,
  tag: 'system',
  access,
  result: { status: 200, schema: z.unknown(), description: path },
  errors: [],
  handle: () => Promise.resolve(undefined),
});

const SETTINGS_ROUTE = consoleRoute('/api/console/settings', 'self');
// The mailbox shows what was sent to people: the practice's managers read it, auditors and staff do not.
const MAIL_ROUTE = consoleRoute('/api/console/mail', 'write');

function check(c: Context<AppEnv>, route: RouteSpec): void {
  const auth = c.get('auth');
  authorize(route, auth.user, auth.problem);
}

/** `timeZone`: the practice's (PRACTICE_TIME_ZONE), for the console's "today" and default dates. */
export function registerConsole(app: Hono<AppEnv>, options: ConsoleOptions, timeZone: string): void {
  const cache = new Map<string, string>();
  const file = async (name: string): Promise<string> => {
    let text = cache.get(name);
    if (text === undefined) {
      text = await readFile(`${CONSOLE_DIR}${name}`, 'utf8');
      // Cached only in production; in development an edit shows on reload.
      if (process.env.NODE_ENV === 'production') cache.set(name, text);
    }
    return text;
  };

  const page = async (c: Context<AppEnv>) => c.body(await file('index.html'), 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  app.get('/', page);
  app.get('/console', page);
  app.get('/console/*', async (c) => {
    const name = c.req.path.slice('/console/'.length);
    const type = FILES.get(name);
    if (!type) throw notFound(`no console file ${name}`);
    return c.body(await file(name), 200, { 'content-type': type, 'cache-control': 'no-cache' });
  });

  app.get(SETTINGS_ROUTE.path, (c) => {
    check(c, SETTINGS_ROUTE);
    const settings: Settings = { temporalUiUrl: options.temporalUiUrl ?? null, temporalNamespace: options.temporalNamespace ?? 'default', mailbox: options.mailDir !== undefined, timeZone };
    return c.json(settings);
  });

  app.get(MAIL_ROUTE.path, async (c) => {
    check(c, MAIL_ROUTE);
    if (!options.mailDir) throw notFound('there is no local mailbox: mail goes to the SMTP server in SMTP_URL');
    const limit = Math.min(Math.max(Number.parseInt(c.req.query('limit') ?? '200', 10) || 200, 1), 1000);
    const to = c.req.query('to')?.trim() || undefined;
    const mails = await listMailbox(options.mailDir, { limit, to }, { warn: () => undefined });
    return c.json({
      messages: mails.reverse().map((m) => ({ id: m.id, receivedAt: m.receivedAt, from: m.from, to: m.to.length > 0 ? m.to : m.envelopeTo, subject: m.subject })),
    });
  });

  app.get(`${MAIL_ROUTE.path}/:id`, async (c) => {
    check(c, MAIL_ROUTE);
    const id = c.req.param('id');
    if (!options.mailDir || !isValidMailId(id)) throw notFound(`no message ${id}`);
    const mail = await readMessage(options.mailDir, id, { warn: () => undefined });
    if (!mail) throw notFound(`no message ${id}`);
    return c.json({ id: mail.id, receivedAt: mail.receivedAt, from: mail.from, to: mail.to, cc: mail.cc, subject: mail.subject, text: mail.text });
  });
}
