// What a hostile web page in the same browser must not be able to do with the person's session
// cookie (cross-site request forgery), and the headers that keep the console's pages from being
// framed, sniffed or leaking their address. 45 CFR 164.312(a)(1) (access control) and (c)(1)
// (integrity): a change is made only by the person, from the console they signed in to.
//
// The guard. An unsafe request (not GET/HEAD/OPTIONS) that a browser could send with the session
// cookie, i.e. one without `Authorization: Bearer` that carries the cookie, and sign-in itself
// (login CSRF: a foreign page must not sign the browser in as someone else), must
//   1. come from an allowed origin: the console's own (./forwarded.ts ownOrigin), or for a path
//      under a `crossOrigin` prefix one of that rule's origins. `Origin` decides when the browser
//      sent one; when it is absent or "null", `Sec-Fetch-Site: same-origin` (a header page scripts
//      cannot set) will do; a request with neither is refused: a browser always sends one of them
//      on a POST, so this is a client without a browser holding a cookie, and it should use an
//      API token. SameSite=Strict alone is not enough: another port of the same host and a sibling
//      subdomain are "same site".
//   2. carry `Content-Type: application/json` (text/csv too on the CSV upload routes): the types a
//      plain HTML form or a no-cors fetch can send (text/plain, form encodings) are refused, and
//      a cross-origin page cannot send JSON without a CORS preflight, which is never granted.
// Anything else is 403 Forbidden before any route runs: nothing changes. API tokens are unaffected
// (a browser never attaches one by itself).
//
// Headers on every response (hono/secure-headers): nosniff; X-Frame-Options DENY with the
// console's CSP (frame-ancestors 'none'); Referrer-Policy same-origin (see below); HSTS only when
// the request came over HTTPS (directly, or at the trusted proxy): a browser ignores it over HTTP,
// and sending it from a plain-HTTP development server would be wrong anyway.
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { getCookie } from 'hono/cookie';
import { forbidden } from '../services/errors';
import { isHttps, ownOrigin, type ForwardingOptions } from './forwarded';

/** Another set of origins allowed for unsafe cookie requests under one path prefix. */
export interface CrossOriginRule {
  /** e.g. `/api/codec/`: the rule covers paths that start with it. */
  pathPrefix: string;
  /** e.g. `http://127.0.0.1:8233` (scheme://host[:port]). */
  origins: readonly string[];
}

export interface BrowserGuardOptions extends ForwardingOptions {
  /** The session cookie's name: a request carrying it (and no bearer token) is checked. */
  sessionCookie: string;
  /** Paths checked even without the cookie: sign-in (login CSRF). */
  alwaysChecked?: readonly string[];
  /** Paths that also take `Content-Type: text/csv` (routes with `csvBody`). */
  csvPaths?: readonly string[];
  /** Default none. See CrossOriginRule. */
  crossOrigin?: readonly CrossOriginRule[];
}

/** hono/secure-headers' CSP directives (camelCase names, each a list of sources). */
export type ContentSecurityPolicy = NonNullable<NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy']>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A configured origin, as browsers serialize it; a bad one stops the server at start-up. */
function normalOrigin(origin: string): string {
  const parsed = new URL(origin);
  if (parsed.origin === 'null' || parsed.pathname !== '/' || parsed.search || parsed.hash) throw new Error(`crossOrigin: "${origin}" is not an origin (scheme://host[:port], nothing after it)`);
  return parsed.origin;
}

/** The media type without its parameters: `application/json; charset=utf-8` is application/json. */
const mediaType = (c: Context): string => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

export function browserGuard(options: BrowserGuardOptions): MiddlewareHandler {
  const rules = (options.crossOrigin ?? []).map((rule) => {
    if (!rule.pathPrefix.startsWith('/')) throw new Error(`crossOrigin: pathPrefix "${rule.pathPrefix}" must start with /`);
    return { pathPrefix: rule.pathPrefix, origins: new Set(rule.origins.map(normalOrigin)) };
  });
  const alwaysChecked = new Set(options.alwaysChecked ?? []);
  const csvPaths = new Set(options.csvPaths ?? []);

  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.header('authorization') !== undefined) return next();
    if (getCookie(c, options.sessionCookie) === undefined && !alwaysChecked.has(c.req.path)) return next();

    const own = ownOrigin(c, options);
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const allowed = new Set([own, ...rules.filter((r) => c.req.path.startsWith(r.pathPrefix)).flatMap((r) => [...r.origins])]);
    let from: 'own' | 'cross' | undefined;
    if (origin !== undefined && origin !== 'null') from = origin === own ? 'own' : allowed.has(origin) ? 'cross' : undefined;
    else if (site !== undefined) from = site === 'same-origin' ? 'own' : undefined;
    if (!from) {
      const seen = origin !== undefined ? `Origin ${origin}` : site !== undefined ? `Sec-Fetch-Site ${site}` : 'neither Origin nor Sec-Fetch-Site';
      throw forbidden(
        `Origin: a request with the session cookie must come from the console at ${own} (this one shows ${seen}); other clients use an API token (Authorization: Bearer). ` +
          'Behind a reverse proxy, set PRACTICEFLOW_PUBLIC_URL (or TRUST_PROXY) so that the console\'s address is known',
        [{ path: 'Origin', message: `must be ${own}` }],
      );
    }
    const type = mediaType(c);
    const types = from === 'own' && csvPaths.has(c.req.path) ? ['application/json', 'text/csv'] : ['application/json'];
    if (!types.includes(type)) {
      throw forbidden(`Content-Type: a request with the session cookie must send ${types.join(' or ')}, not ${type || 'nothing'}`, [
        { path: 'Content-Type', message: `must be ${types.join(' or ')}` },
      ]);
    }
    return next();
  };
}

/**
 * Why `same-origin` rather than `no-referrer`: both send no Referer to any other site (flow ids in
 * the console's links stay here), but under `no-referrer` the browser also sends `Origin: null` on
 * the console's own POSTs (Fetch standard, "append a request Origin header"), which the guard
 * above relies on. strict-origin-when-cross-origin would tell other sites where the link was.
 */
export const REFERRER_POLICY = 'same-origin';
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response (JSON, console files, errors, 404s). `contentSecurityPolicy`:
 * the console's (api/console.ts), which also forbids framing (frame-ancestors 'none').
 */
export function securityHeaders(options: ForwardingOptions & { contentSecurityPolicy: ContentSecurityPolicy }): MiddlewareHandler {
  const common = {
    contentSecurityPolicy: options.contentSecurityPolicy,
    xFrameOptions: 'DENY',
    referrerPolicy: REFERRER_POLICY,
    xContentTypeOptions: true,
  } as const;
  const overHttps = secureHeaders({ ...common, strictTransportSecurity: HSTS });
  const overHttp = secureHeaders({ ...common, strictTransportSecurity: false });
  return (c, next) => (isHttps(c, options) ? overHttps : overHttp)(c, next);
}
