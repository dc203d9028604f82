// All configuration comes from environment variables, validated here and nowhere else.
// A bad value stops the process with a message that names the variable.
import { z } from 'zod';
import { isIanaTimeZone } from '../domain/calendar/time-zone';
import { parseKeyRing, readDevelopmentKeys, type KeyRing } from '../encryption/key-ring';
import { UsStateSchema } from '../domain/practice/us-states';
import { textProblem } from '../domain/text';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').positive('must be greater than 0').default(fallback);


const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgresql:// connection URL');

const smtpUrl = z
  .string()
  .trim()
  .refine((v) => /^smtps?:\/\/.+/.test(v), 'must be an smtp:// or smtps:// URL');

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PRACTICEFLOW_DATA_DIR: z.string().trim().min(1).default('.data'),

    DATABASE_URL: postgresUrl.optional(),
    /** Port of the embedded Postgres that `npm start` runs when DATABASE_URL is unset. */
    EMBEDDED_POSTGRES_PORT: positiveInt(54329),

    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('practiceflow'),
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_TLS_CERT_PATH: optionalString,
    TEMPORAL_TLS_KEY_PATH: optionalString,
    TEMPORAL_TLS_CA_PATH: optionalString,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    /** Local dev server ports used by `npm start` when TEMPORAL_ADDRESS is unset. */
    TEMPORAL_DEV_PORT: positiveInt(7233),
    TEMPORAL_DEV_UI_PORT: positiveInt(8233),
    /** The Temporal Web UI people open (the console links to it; its origin may call the codec endpoint). */
    TEMPORAL_UI_URL: z.url({ error: 'must be a URL such as https://temporal.clinic.example' }).optional(),

    /**
     * Payload encryption (encryption/): `id:base64key[,id:base64key...]`, 32-byte AES-256 keys; the
     * first encrypts, all decrypt (rotation). Required in production; `npm start` generates a
     * development key in the data folder when unset.
     */
    PAYLOAD_ENCRYPTION_KEYS: z
      .string()
      .trim()
      .superRefine((text, ctx) => {
        const parsed = parseKeyRing(text);
        if ('problems' in parsed) for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    /**
     * Origins (besides the console's own) whose pages may call the codec endpoint with a signed-in
     * person's cookie: the Temporal Web UI. Default: TEMPORAL_UI_URL's origin.
     */
    CODEC_CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
      .refine((origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'must be comma-separated origins such as https://cloud.temporal.io (scheme://host[:port], no path)'),

    SMTP_URL: smtpUrl.optional(),
    MAIL_FROM: z.string().trim().min(3).default('PracticeFlow <practiceflow@localhost>'),
    /** Port of the local mail sink that `npm start` runs when SMTP_URL is unset. */
    MAIL_SINK_PORT: positiveInt(2525),

    PRACTICE_TIME_ZONE: z
      .string()
      .trim()
      .default('America/New_York')
      .refine(isIanaTimeZone, 'must be an IANA time zone such as America/New_York'),

    PRACTICE_STATE: z.string().trim().pipe(UsStateSchema).optional(),
    PRACTICE_EVERIFY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
    /** Comma-separated YYYY-MM-DD dates the practice is closed besides federal holidays. */
    PRACTICE_CLOSURE_DAYS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((d) => d.trim()).filter(Boolean))
      .refine((days) => days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`))), 'must be comma-separated dates YYYY-MM-DD'),
    PRACTICE_OBSERVE_INAUGURATION_DAY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
    PRACTICE_HIPAA_TRAINING_DAYS: positiveInt(30).refine((n) => n <= 365, 'must be at most 365'),
    PRACTICE_NEW_HIRE_REPORT_DAYS: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1).max(20, 'must be at most 20 (federal limit)').optional(),

    /** Address the JSON API and console listen on (`npm start`, `npm run api`). */
    API_HOST: z.string().trim().min(1).default('127.0.0.1'),
    API_PORT: positiveInt(8080),
    /** The local mail sink's folder, for the console's development mailbox (set by `npm start`). */
    PRACTICEFLOW_DEV_MAILBOX: optionalString,
    /** Where the CLI finds the API. */
    PRACTICEFLOW_API_URL: z.url({ error: 'must be a URL such as http://127.0.0.1:8080' }).optional(),
    /** The API token the CLI sends (Authorization: Bearer). */
    PRACTICEFLOW_TOKEN: optionalString,
    /** Where people reach the API from outside (behind a proxy): the base of calendar feed URLs. Default: the request's own origin. */
    PRACTICEFLOW_PUBLIC_URL: z.url({ error: 'must be a URL such as https://practiceflow.clinic.example' }).optional(),

    /** Automatic logoff: a session unused this many minutes is signed out (45 CFR 164.312(a)(2)(iii)). */
    SESSION_IDLE_MINUTES: positiveInt(15).refine((n) => n <= 24 * 60, 'must be at most 1440 (one day)'),
    /** Signs the session cookie; unset, a new one per start (sessions end when the API restarts). */
    SESSION_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
    /**
     * true only behind ONE reverse proxy that terminates TLS and sets X-Forwarded-Proto, -For (and
     * -Host): then they are believed (the cookie is Secure, HSTS is sent, the client address is the
     * forwarded one). false: they are ignored, since any client can send them.
     */
    TRUST_PROXY: z
      .enum(['true', 'false'], { error: 'must be true or false (true only when a reverse proxy in front of the API sets X-Forwarded-Proto and X-Forwarded-For)' })
      .default('false')
      .transform((v) => v === 'true'),

    /** Path of a workflow bundle built by `npm run build`; required in production. */
    WORKFLOW_BUNDLE_PATH: optionalString,
    WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(20),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(20),
    WORKER_MAX_CACHED_WORKFLOWS: positiveInt(500),
    WORKER_SHUTDOWN_GRACE_SECONDS: positiveInt(30),
    /** The worker's health and readiness endpoints (/healthz, /readyz); unset: none. */
    WORKER_HEALTH_PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(1).max(65_535, 'must be a port number').optional(),
    WORKER_HEALTH_HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** The worker's log level (the SDK's and the activities' lines). `npm start` uses WARN. */
    WORKER_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'must be one of TRACE, DEBUG, INFO, WARN, ERROR' }).default('INFO'),
    /** How often the ledger notary in Temporal witnesses the audit ledger's head (activities/audit/notary.ts). */
    LEDGER_WITNESS_SECONDS: positiveInt(60).refine((n) => n <= 3_600, 'must be at most 3600 (an hour)'),
  })
  .superRefine((env, ctx) => {
    const tlsPair = [env.TEMPORAL_TLS_CERT_PATH, env.TEMPORAL_TLS_KEY_PATH];
    if (tlsPair.filter(Boolean).length === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
      });
    }
    if (env.NODE_ENV === 'production' && !env.PAYLOAD_ENCRYPTION_KEYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEYS'],
        message: 'is required when NODE_ENV=production: every Temporal payload is encrypted (generate a key with `npx practiceflow keys generate`)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.WORKFLOW_BUNDLE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKFLOW_BUNDLE_PATH'],
        message: 'is required when NODE_ENV=production (build it with `npm run build`)',
      });
    }
  });

export type Config = z.infer<typeof EnvSchema>;

/**
 * In PRACTICEFLOW_DATA_DIR: the first admin's API token, written (mode 0600) by the first
 * `npm start` on its embedded database; the CLI on that machine uses it when PRACTICEFLOW_TOKEN is unset.
 */
export const ADMIN_TOKEN_FILE = 'admin-token';

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" for optional variables: a blank line in a .env file is not a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  // The text boundary (domain/text.ts) for PracticeFlow's own variables: a newline in MAIL_FROM
  // would be a header injection, a NUL anywhere a crash later.
  const textual = Object.entries(cleaned).flatMap(([variable, value]) => {
    const problem = variable in EnvSchema.shape ? textProblem(value!, undefined, true) : undefined;
    return problem ? [{ variable, message: problem }] : [];
  });
  if (textual.length > 0) throw new ConfigError(textual);
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message })),
    );
  }
  return parsed.data;
}

/**
 * The payload encryption key ring: PAYLOAD_ENCRYPTION_KEYS, else (outside production) the
 * development key `npm start` wrote into the data folder. Throws ConfigError naming the variable
 * when there is neither: nothing talks to Temporal without encryption.
 */
export function keyRingOf(config: Config): KeyRing {
  const text = config.PAYLOAD_ENCRYPTION_KEYS ?? (config.NODE_ENV === 'production' ? undefined : readDevelopmentKeys(config.PRACTICEFLOW_DATA_DIR));
  const where = config.PAYLOAD_ENCRYPTION_KEYS ? 'PAYLOAD_ENCRYPTION_KEYS' : `the development key file in ${config.PRACTICEFLOW_DATA_DIR}`;
  if (text === undefined) {
    throw new ConfigError([
      { variable: 'PAYLOAD_ENCRYPTION_KEYS', message: 'is required: every Temporal payload is encrypted (generate a key with `npx practiceflow keys generate`, or run `npm start` once for a development key)' },
    ]);
  }
  const parsed = parseKeyRing(text);
  if ('problems' in parsed) throw new ConfigError(parsed.problems.map((message) => ({ variable: 'PAYLOAD_ENCRYPTION_KEYS', message: `${where}: ${message}` })));
  return parsed.ring;
}

/** Origins allowed to call the codec endpoint with credentials: CODEC_CORS_ORIGINS, else TEMPORAL_UI_URL's. */
export function codecOriginsOf(config: Config, temporalUiUrl = config.TEMPORAL_UI_URL): string[] {
  if (config.CODEC_CORS_ORIGINS.length > 0) return config.CODEC_CORS_ORIGINS;
  return temporalUiUrl ? [new URL(temporalUiUrl).origin] : [];
}

/** For process entry points: print the problem and exit instead of a stack trace. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
