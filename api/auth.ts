// Who is calling: the ONE place the API authenticates a request (45 CFR 164.312(d), person or
// entity authentication). Either `Authorization: Bearer <API token>` (integrations, the CLI) or the
// signed session cookie a browser got from POST /api/session.
//
// Sessions: the cookie holds a random 256-bit secret, signed (HMAC-SHA256 with SESSION_SECRET) so
// a tampered cookie is refused before any lookup; the server keeps the secret's SHA-256 with the
// session's last use. Automatic logoff (45 CFR 164.312(a)(2)(iii)): a session unused for longer
// than SESSION_IDLE_MINUTES is ended on the server at its next request (401, "signed out after ...
// of inactivity"), however long the browser keeps the cookie; sign-out and disabling a user end
// their sessions too. Server-side rows (rather than a self-contained cookie) make sign-out and
// disabling final, and show who is signed in.
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { Config } from '../config/env';
import type { AuthUser, UserService } from '../services/users';
import { clientAddress, isHttps, ownOrigin } from './forwarded';
import type { RequestAuth } from './routes';

export const SESSION_COOKIE = 'practiceflow_session';

export interface ApiAuthOptions {
  /** A session unused for this long is signed out (HIPAA automatic logoff). */
  idleTimeoutMs: number;
  /** Signs the session cookie. At least 32 characters. */
  cookieSecret: string;
  /** Where people reach the API (feed URLs, the console's origin); default: the request's own origin. */
  publicUrl?: string;
  /** TRUST_PROXY: believe X-Forwarded-Proto/-Host/-For (api/forwarded.ts). Default false. */
  trustProxy?: boolean;
}

/** The request's identity, set by the middleware for the route handlers (api/app.ts). */
export interface AuthState {
  user: AuthUser | undefined;
  /** Why there is no user although credentials were sent (for the 401 message). */
  problem: string | undefined;
  /** The session secret from a valid cookie, for sign-out. */
  sessionToken: string | undefined;
}

/** `requestId`: set by hono/request-id for every request (api/app.ts), quoted in 500 answers. */
export type AppEnv = { Variables: { auth: AuthState; requestId: string } };

/** From the environment: SESSION_IDLE_MINUTES, SESSION_SECRET (random per process when unset), PRACTICEFLOW_PUBLIC_URL, TRUST_PROXY. */
export function authOptionsFromConfig(config: Config): ApiAuthOptions {
  return {
    idleTimeoutMs: config.SESSION_IDLE_MINUTES * 60_000,
    // Unset: a fresh secret per start, so sessions end when the API restarts (API tokens do not).
    cookieSecret: config.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    publicUrl: config.PRACTICEFLOW_PUBLIC_URL,
    trustProxy: config.TRUST_PROXY,
  };
}

const idleText = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`);

export function authenticate(users: UserService, options: ApiAuthOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const state: AuthState = { user: undefined, problem: undefined, sessionToken: undefined };
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) state.problem = 'Authorization: must be "Bearer <API token>"';
      else {
        state.user = await users.authenticateToken(match[1]!);
        if (!state.user) state.problem = 'the API token is not valid: unknown, revoked, or its user is disabled';
      }
    } else {
      const cookie = await getSignedCookie(c, options.cookieSecret, SESSION_COOKIE);
      if (cookie === false) state.problem = 'the session cookie is not valid: sign in again';
      else if (cookie) {
        const found = await users.sessionUser(cookie, options.idleTimeoutMs);
        if (found === 'idle') state.problem = `signed out after ${idleText(options.idleTimeoutMs)} of inactivity (automatic logoff): sign in again`;
        else if (!found) state.problem = 'the session has ended: sign in again';
        else {
          state.user = found;
          state.sessionToken = cookie;
        }
      }
    }
    c.set('auth', state);
    await next();
  };
}

/** What a route handler may do with the request's sign-in (RouteInput.auth). */
export function requestAuth(c: Context<AppEnv>, users: UserService, options: ApiAuthOptions): RequestAuth {
  const state = c.get('auth');
  // Secure behind a TLS-terminating proxy too (TRUST_PROXY), where the socket itself is plain HTTP.
  const secure = isHttps(c, options);
  return {
    user: state.user,
    idleMinutes: options.idleTimeoutMs / 60_000,
    publicUrl: (options.publicUrl ?? ownOrigin(c, options)).replace(/\/+$/, ''),
    clientAddress: clientAddress(c, options),
    async startSession(sessionToken) {
      // No Max-Age: the browser forgets it when closed; the server ends it after inactivity anyway.
      await setSignedCookie(c, SESSION_COOKIE, sessionToken, options.cookieSecret, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
    },
    async endSession() {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return state.sessionToken ? users.signOut(state.sessionToken) : false;
    },
  };
}
