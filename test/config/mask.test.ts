// Secrets masked in every log line and the start summary (config/mask.ts): URL passwords, API,
// session and calendar tokens, the session cookie, Bearer credentials, named values, and the exact
// secrets of the environment (SESSION_SECRET, TEMPORAL_API_KEY, PAYLOAD_ENCRYPTION_KEYS...), as
// the API's error log and the Temporal runtime's log lines write them. Prose stays readable.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiApp } from '../../api/app';
import type { ApiServices } from '../../api/routes';
import { createMasker, maskedText, MIN_SECRET_LENGTH, secretsFromEnv } from '../../config/mask';
import { maskedRuntimeLogger } from '../../worker/masked-logger';

const KEY_1 = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
const KEY_2 = 'WllYV1ZVVFNSUVBPTk1MS0pJSEdGRURDQkEwMTIzNDU=';
const ENV = {
  DATABASE_URL: 'postgresql://practiceflow:db%40Secret-123@db.clinic.example:5432/practiceflow',
  SMTP_URL: 'smtps://mailer:smtp-Secret-456@mail.clinic.example:465',
  SESSION_SECRET: 'a-session-secret-of-more-than-32-characters',
  TEMPORAL_API_KEY: 'temporal-cloud-api-key-0123456789',
  PAYLOAD_ENCRYPTION_KEYS: `k2026:${KEY_1},k2025:${KEY_2}`,
  PRACTICEFLOW_TOKEN: 'pf_0123456789abcdefghijklmnopqrstuvwxyzABCDE',
};
const API_TOKEN = 'pf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';
const SESSION = 'pfs_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_zyxw';
const FEED = 'cal_0123456789-_abcdefghijklmnopqrstuvwxyzABCD';
/** HMAC-SHA256, base64, URL-encoded as a cookie value carries it. */
const SIGNATURE = 'c2lnbmF0dXJlLW9mLWV4YWN0bHktdGhpcnR5LXR3by1i%3D';
const SECRETS = [
  'db@Secret-123',
  'db%40Secret-123',
  'smtp-Secret-456',
  ENV.SESSION_SECRET,
  ENV.TEMPORAL_API_KEY,
  KEY_1,
  KEY_2,
  ENV.PRACTICEFLOW_TOKEN.slice(3),
  API_TOKEN.slice(3),
  SESSION.slice(4),
  FEED.slice(4),
];
const mask = createMasker(secretsFromEnv(ENV));
const clean = (text: string) => {
  for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  return text;
};

describe('maskSecrets', () => {
  it('masks URL passwords, keeping what the URL says otherwise', () => {
    expect(mask(`connecting to ${ENV.DATABASE_URL} failed`)).toBe('connecting to postgresql://practiceflow:***@db.clinic.example:5432/practiceflow failed');
    expect(mask(ENV.SMTP_URL)).toBe('smtps://mailer:***@mail.clinic.example:465');
    // A short password, and one not from the environment: masked in a URL all the same.
    expect(mask('postgresql://postgres:postgres@127.0.0.1:54329/practiceflow')).toBe('postgresql://postgres:***@127.0.0.1:54329/practiceflow');
    expect(mask('smtp://u:x@h:25 and http://127.0.0.1:8080/api')).toBe('smtp://u:***@h:25 and http://127.0.0.1:8080/api');
  });

  it('masks API, session and calendar tokens, the session cookie and Bearer credentials wherever they appear', () => {
    expect(mask(`token ${API_TOKEN} issued`)).toBe('token pf_*** issued');
    expect(mask(`GET /calendar/${FEED}.ics 404`)).toBe('GET /calendar/cal_***.ics 404');
    expect(mask(`cookie: practiceflow_session=${SESSION}.${SIGNATURE}; Path=/`)).toBe('cookie: practiceflow_session=***; Path=/');
    expect(mask(`session ${SESSION}.${SIGNATURE} ended`)).toBe('session pfs_*** ended');
    expect(mask('authorization: Bearer some-opaque-credential')).toBe('authorization: Bearer ***');
  });

  it("masks named values (name=value, name: 'value', \"name\": \"value\") but leaves prose alone", () => {
    expect(mask('{"password":"hunter2","email":"a@b.example"}')).toBe('{"password":"***","email":"a@b.example"}');
    expect(mask("{ smtpPassword: 'hunter2', tokenHash: 'abc', role: 'admin' }")).toBe("{ smtpPassword: '***', tokenHash: '***', role: 'admin' }");
    expect(mask('SESSION_SECRET=whatever-it-is PRACTICE_STATE=GA')).toBe('SESSION_SECRET=*** PRACTICE_STATE=GA');
    expect(mask('?api_key=abc&limit=10')).toBe('?api_key=***&limit=10');
    const prose = 'SESSION_SECRET: must be at least 32 characters; PAYLOAD_ENCRYPTION_KEYS: is required in production';
    expect(mask(prose)).toBe(prose);
  });

  it("masks the environment's secret values wherever they appear, each key of the key ring too", () => {
    const line = `key ${KEY_2} of ${ENV.PAYLOAD_ENCRYPTION_KEYS}; secret ${ENV.SESSION_SECRET}; temporal ${ENV.TEMPORAL_API_KEY}; smtp said 535 for smtp-Secret-456`;
    const masked = clean(mask(line));
    expect(masked).toContain('key *** of ***');
    expect(masked).toContain('smtp said 535 for ***');
    // Too short to mask as a word (it would mask ordinary text): only inside URLs.
    expect(createMasker(['short-pw'])('short-pw')).toBe('short-pw');
    expect('short-pw'.length).toBeLessThan(MIN_SECRET_LENGTH);
  });

  it('masks an Error, its stack and its cause (maskedText)', () => {
    const err = new Error(`cannot connect to ${ENV.DATABASE_URL}`, { cause: new Error(`auth failed with ${API_TOKEN}`) });
    const text = clean(maskedText(err, mask));
    expect(text).toContain('postgresql://practiceflow:***@db.clinic.example');
    expect(text).toContain('pf_***');
    expect(text).toMatch(/\n\s+at /); // the stack is still there
  });
});

describe('log lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it("the API's error log: an unexpected error quoting secrets is logged masked (and the client gets none of it)", async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    vi.stubEnv('SESSION_SECRET', ENV.SESSION_SECRET);
    const failing = () => {
      throw new Error(`database ${ENV.DATABASE_URL} refused ${API_TOKEN} with secret ${ENV.SESSION_SECRET}`);
    };
    // Every service method fails the same way.
    const services = new Proxy({}, { get: () => new Proxy({}, { get: () => failing }) }) as unknown as ApiServices;
    const res = await createApiApp(services).request('/api/flows');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toMatch(/Secret|pf_/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^PracticeFlow API: unexpected error in GET \/api\/flows( \(request \S+\))?: Error: database postgresql:\/\/practiceflow:\*\*\*@db\.clinic\.example/);
    clean(logged[0]!);
    vi.unstubAllEnvs();
  });

  it("the Temporal runtime's log lines (worker and npm start)", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const logger = maskedRuntimeLogger('INFO', mask);
    logger.error(`Activity failed: ${ENV.SMTP_URL}`, { token: API_TOKEN, key: KEY_1 });
    logger.debug('not logged at INFO');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d{4}-\d\d-\d\dT.*\[ERROR\] Activity failed: smtps:\/\/mailer:\*\*\*@mail\.clinic\.example:465/);
    clean(written[0]!);
  });
});
