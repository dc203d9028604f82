// Secrets never reach a log line or the `npm start` summary: one masking function for every place
// PracticeFlow writes to its logs (the API's and the worker's error logging, the Temporal runtime's
// log lines, `npm start`). 45 CFR 164.312(a)(1) (access control) and 164.308(a)(5)(ii)(D)
// (password management): a log is read by more people than the database, and kept longer.
//
// Masked, as `***`:
//   - the password in any URL (postgresql://user:***@host, smtps://user:***@host);
//   - API tokens (pf_...), session tokens (pfs_...) and calendar feed tokens (cal_...), wherever
//     they appear (a calendar feed URL, a request line), the session cookie's value, and the
//     credential of an `Authorization: Bearer` header;
//   - `name=value`, `name: 'value'` and `"name": "value"` where the name says password, secret, token or key;
//   - the exact values of the secrets in the environment (SESSION_SECRET, TEMPORAL_API_KEY,
//     PRACTICEFLOW_TOKEN, the keys of PAYLOAD_ENCRYPTION_KEYS, the URL passwords of DATABASE_URL and
//     SMTP_URL) and any given to the masker (the development key file's keys), when at least
//     MIN_SECRET_LENGTH long: shorter values are masked where they appear in a URL.
import { inspect } from 'node:util';

export const MASK = '***';
/** Shorter exact values are not masked as such (they would mask ordinary words): the URL rule covers them. */
export const MIN_SECRET_LENGTH = 12;

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):([^\s@/]+)@/gi;
// A signed cookie's value is the token, a dot and its HMAC (base64, 44 characters): both go.
const TOKEN = /\b(pf|pfs|cal)_[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_%+/=-]{40,})?/g;
const SESSION_COOKIE = /\b(practiceflow_session=)[^;\s"',]+/g;
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
// `name=value`, or `name: 'value'` / `"name": "value"` (a quoted value: prose such as
// "SESSION_SECRET: must be at least 32 characters" stays readable).
const NAMED = /\b([A-Za-z0-9_-]*(?:password|passwd|secret|token|api_?key|encryption_?keys?)[A-Za-z0-9_-]*)(["']?\s*(?:=\s*["']?|:\s*["']))([^\s"',;&[{(][^\s"',;&]*)/gi;

/** A secret's text and its parts: a key ring `id:key,id:key` also gives each key. */
function parts(value: string): string[] {
  const entries = value.split(',').map((e) => e.trim());
  return [value, ...entries, ...entries.map((e) => e.slice(e.indexOf(':') + 1))];
}

/** A URL's password, as written and decoded. */
function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = new URL(url).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/** The secret values in the environment (see the list above). */
export function secretsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  const whole = ['SESSION_SECRET', 'TEMPORAL_API_KEY', 'PRACTICEFLOW_TOKEN', 'PAYLOAD_ENCRYPTION_KEYS'].flatMap((name) => (env[name] ? parts(env[name]!.trim()) : []));
  return [...whole, ...urlPassword(env.DATABASE_URL), ...urlPassword(env.SMTP_URL)];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type Masker = (text: string) => string;

/** A masker for these secret values (and every pattern above). `extra`: e.g. the development key file's text. */
export function createMasker(secrets: readonly (string | undefined)[] = secretsFromEnv()): Masker {
  const exact = [...new Set(secrets.filter((s): s is string => typeof s === 'string').flatMap(parts))].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const values = exact.length > 0 ? new RegExp(exact.map(escape).join('|'), 'g') : undefined;
  return (text) => {
    let out = values ? text.replace(values, MASK) : text;
    out = out.replace(URL_PASSWORD, `$1:${MASK}@`);
    out = out.replace(SESSION_COOKIE, `$1${MASK}`);
    out = out.replace(TOKEN, `$1_${MASK}`);
    out = out.replace(BEARER, `$1${MASK}`);
    out = out.replace(NAMED, (match, name: string, sep: string, value: string) => (value === MASK || value.endsWith(`_${MASK}`) ? match : `${name}${sep}${MASK}`));
    return out;
  };
}

/** Masks with the environment's secrets (process.env): for code that has nothing more to add. */
export function maskSecrets(text: string, secrets?: readonly (string | undefined)[]): string {
  return createMasker(secrets ?? secretsFromEnv())(text);
}

/** Any logged value as masked text: an Error with its stack and cause, an object as inspect shows it. */
export function maskedText(value: unknown, mask: Masker = createMasker()): string {
  return mask(typeof value === 'string' ? value : inspect(value, { depth: 6, breakLength: Infinity }));
}
