// One test file's PracticeFlow, as `npm start` runs it but on free ports: a Temporal dev server
// (real time), a fresh Postgres database, a real SMTP sink, a worker with the real activities,
// and the API over HTTP. Nothing is mocked. Used by test/api and test/cli.
// Sign-in: every request is signed in as a person would be, with an API token. By default the
// token of the person the request names as acting (its `by`, or the X-PracticeFlow-Actor header;
// a manager user is created for them on first use), else the stack's admin (ADMIN); the API
// then records exactly that person. `request(..., { token })` sends another token, `{ token: null }` none.
import { afterAll, beforeAll, inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createSmtpTransport } from '../../activities/email/transport';
import type { ApiAuthOptions } from '../../api/auth';
import { startApiServer, type ApiServer } from '../../api/server';
import { ActorSchema } from '../../domain/tasks/model';
import type { Role } from '../../services/auth-schemas';
import type { Services } from '../../services/open';
import { newApiToken } from '../../services/users';
import { loadConfig } from '../../config/env';
import { practiceProfileFromConfig } from '../../config/practice';
import { startMailSink, type MailSink } from '../../devstack/mail-sink';
import type { TemporalDevServer } from '../../devstack/temporal';
import type { PrismaClient } from '../../generated/prisma/client';
import type { CredentialService } from '../../services/credentials';
import type { FlowService } from '../../services/flows';
import { createServices } from '../../services/open';
import { createPracticeFlowWorker } from '../../worker/create-worker';
import { actorNamedBy, registerCliTokens } from '../support/cli';
import { freshDatabase, type TestDatabase } from '../support/db';
import { TEST_DATA_CONVERTER } from '../support/encryption';
import { startDevServerForTests } from '../support/temporal';

export const TASK_QUEUE = 'practiceflow-api-test';
export const TIME_ZONE = 'America/New_York';
/**
 * A second namespace on the same dev server that holds none of the flows: a client on it sees
 * what a client sees once Temporal's retention has deleted a closed flow (the dev server takes
 * over 30 s to carry out a real deletion).
 */
export const FORGETFUL_NAMESPACE = 'practiceflow-after-retention';
/** The stack's admin: who a request that names nobody is signed in as. */
export const ADMIN = 'manager@clinic.example';
/** The password of every user the stack creates. */
export const TEST_PASSWORD = 'correct horse battery staple';
/** The stack API's sign-in settings (tests start more servers on the same services with their own). */
export const TEST_AUTH: ApiAuthOptions = { idleTimeoutMs: 15 * 60_000, cookieSecret: 'test-cookie-secret-of-at-least-32-characters' };

export interface RequestAuthOption {
  /** The API token to send; null: none (anonymous). Default: the named actor's, else ADMIN's. */
  token?: string | null;
}

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this test process.
}

export interface ApiStack {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  client: Client;
  connection: Connection;
  prisma: PrismaClient;
  sink: MailSink;
  service: FlowService;
  credentials: CredentialService;
  temporal: TemporalDevServer;
  services: Services;
  /** fetch against the API; JSON bodies are sent as given (strings verbatim). */
  request(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>, auth?: RequestAuthOption): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** An API token of the user with this email, created (with `role`, default manager) on first use. */
  tokenFor(email: string, role?: Role): Promise<string>;
  stop(): Promise<void>;
}

export async function startApiStack(): Promise<ApiStack> {
  const stoppers: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    // Concurrently; whatever did start is stopped if another part fails.
    const [dbResult, temporalResult, sinkResult] = await Promise.allSettled([freshDatabase(), startDevServerForTests({ namespace: FORGETFUL_NAMESPACE }), startMailSink({ port: 0 })]);
    if (dbResult.status === 'fulfilled') stoppers.push(() => dbResult.value.drop());
    if (temporalResult.status === 'fulfilled') stoppers.push(() => temporalResult.value.stop());
    if (sinkResult.status === 'fulfilled') stoppers.push(() => sinkResult.value.stop());
    for (const result of [dbResult, temporalResult, sinkResult]) if (result.status === 'rejected') throw result.reason;
    const db = (dbResult as PromiseFulfilledResult<TestDatabase>).value;
    const temporal = (temporalResult as PromiseFulfilledResult<TemporalDevServer>).value;
    const sink = (sinkResult as PromiseFulfilledResult<MailSink>).value;
    const transport = createSmtpTransport(sink.url);
    stoppers.push(() => transport.close());

    const native = await NativeConnection.connect({ address: temporal.address });
    stoppers.push(() => native.close());
    const connection = await Connection.connect({ address: temporal.address });
    stoppers.push(() => connection.close());
    const client = new Client({ connection, dataConverter: TEST_DATA_CONVERTER });
    const worker: Worker = await createPracticeFlowWorker({
      connection: native,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      dataConverter: TEST_DATA_CONVERTER,
      activities: createActivities({ prisma: db.prisma, transport, from: 'PracticeFlow <practiceflow@clinic.example>', temporal: { client, taskQueue: TASK_QUEUE } }),
      workflowBundlePath: inject('workflowBundlePath'),
      tuning: { shutdownGraceSeconds: 1, maxCachedWorkflows: 50 },
    });
    const running = worker.run();
    stoppers.push(async () => {
      worker.shutdown();
      await running;
    });

    const services = createServices({
      client,
      dataConverter: TEST_DATA_CONVERTER,
      prisma: db.prisma,
      practice: practiceProfileFromConfig(loadConfig({ PRACTICE_TIME_ZONE: TIME_ZONE })),
      taskQueue: TASK_QUEUE,
      temporalAddress: temporal.address,
    });
    const api: ApiServer = await startApiServer({ host: '127.0.0.1', port: 0, services, auth: TEST_AUTH, console: { temporalUiUrl: temporal.uiUrl } });
    stoppers.push(() => api.stop());

    const passwordHash = await services.users.hashPassword(TEST_PASSWORD);
    const tokens = new Map<string, Promise<string>>();
    const tokenFor = (email: string, role: Role = 'manager'): Promise<string> => {
      const key = email.trim().toLowerCase();
      let token = tokens.get(key);
      if (!token) {
        token = (async () => {
          // Fixtures, written straight to the tables like a seeded database: the test's people are
          // not access changes under test, so they leave no access.* entries in the ledger.
          const user = await db.prisma.user.upsert({ where: { email: key }, create: { email: key, role, passwordHash }, update: {} });
          const { token: secret, tokenHash } = newApiToken();
          await db.prisma.apiToken.create({ data: { userId: user.id, name: 'test stack', tokenHash } });
          return secret;
        })();
        tokens.set(key, token);
      }
      return token;
    };
    await tokenFor(ADMIN, 'admin');
    /** The person a request names: a well-formed `by` or actor header (a malformed one is the API's to refuse). */
    const named = (candidate: unknown): string | undefined => (typeof candidate === 'string' && ActorSchema.safeParse(candidate).success && candidate.includes('@') ? candidate : undefined);
    const defaultToken = (body: unknown, headers: Record<string, string>): Promise<string> => {
      const header = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-practiceflow-actor')?.[1];
      let parsed = body;
      if (typeof body === 'string') {
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
      }
      const by = parsed && typeof parsed === 'object' ? (parsed as { by?: unknown }).by : undefined;
      return tokenFor(named(header) ?? named(by) ?? ADMIN);
    };
    registerCliTokens(api.url, (args, env) => tokenFor(named(actorNamedBy(args, env)) ?? ADMIN));
    stoppers.push(() => registerCliTokens(api.url, undefined));

    return {
      url: api.url,
      client,
      connection,
      prisma: db.prisma,
      sink,
      service: services.flows,
      credentials: services.credentials,
      temporal,
      services,
      tokenFor,
      async request(method, path, body, headers = {}, auth = {}) {
        const token = auth.token === undefined ? await defaultToken(body, headers) : auth.token;
        const res = await fetch(`${api.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, json: text ? JSON.parse(text) : undefined };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * One stack for the calling test file: started before its tests, stopped after them. The object
 * is filled in by beforeAll, so read its fields inside tests and hooks, not at the top level.
 */
export function useApiStack(): ApiStack {
  const stack = {} as ApiStack;
  beforeAll(async () => {
    Object.assign(stack, await startApiStack());
  });
  afterAll(async () => {
    // Not there when starting the stack failed (beforeAll reports that).
    if ('stop' in stack) await stack.stop();
  });
  return stack;
}

/** Whether Temporal holds the workflow: a refused request must not have started one. */
export async function temporalHas(stack: Pick<ApiStack, 'client'>, workflowId: string): Promise<boolean> {
  try {
    await stack.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Today (and days from it) as a date in the practice's zone. */
export function isoDay(offsetDays = 0): string {
  const now = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An onboarding request body (POST /api/onboarding): a medical assistant starting in 30 days. */
export const hireBody = (hireId: string, extra: Record<string, unknown> = {}, manager = ADMIN) => ({
  hireId,
  name: 'Dana Reyes',
  email: `${hireId}@staff.example`,
  role: 'medical_assistant',
  startDate: isoDay(30),
  managerEmail: manager,
  ...extra,
});

/** A claim appeal request body as the API and CLI take it (dates relative to today). */
export const appealBody = (appealId: string, extra: Record<string, unknown> = {}, people = { staff: 'billing@clinic.example', manager: 'manager@clinic.example' }) => ({
  appealId,
  claimId: `CLM-${appealId}`,
  patientRef: 'mrn-004321',
  payer: { type: 'medicare_ffs', name: 'Medicare Part B' },
  dateOfService: isoDay(-40),
  noticeDate: isoDay(-10),
  denialCodes: ['CO-50'],
  billedAmount: 500,
  deniedAmount: 450,
  staffEmail: people.staff,
  managerEmail: people.manager,
  ...extra,
});

/** A standard Medicare Advantage prior authorization request (POST /api/prior-auth), service in 20 days. */
export const priorAuthBody = (authorizationId: string, extra: Record<string, unknown> = {}, people = { staff: 'pa-staff@clinic.example', manager: 'manager@clinic.example' }) => ({
  authorizationId,
  patientRef: 'mrn-001234',
  payer: { type: 'medicare_advantage', id: 'acme-ma', name: 'Acme MA' },
  service: { code: '72148', units: 1, scheduledDate: isoDay(20) },
  urgency: 'standard',
  orderingProvider: '1234567890',
  staffEmail: people.staff,
  managerEmail: people.manager,
  ...extra,
});
