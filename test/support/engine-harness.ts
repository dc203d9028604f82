// One test file's stack: a fresh Postgres database, a real SMTP sink, a time-skipping Temporal
// test server and a PracticeFlow worker with the real activities. Nothing is mocked; the seams
// are `afterSent`, which injects a crash after an email was accepted, and `wrapActivities`,
// which slows or fails a real activity.
import { inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createActivities, type AllActivities } from '../../activities';
import { createSmtpTransport } from '../../activities/email/transport';
import type { OutboundEmail } from '../../activities/contracts';
import { startMailSink, type MailSink } from '../../devstack/mail-sink';
import type { ReceivedMail } from '../../devstack/mailbox';
import type { PrismaClient } from '../../generated/prisma/client';
import { createPracticeFlowWorker } from '../../worker/create-worker';
import { freshDatabase } from './db';
import { TEST_DATA_CONVERTER } from './encryption';
import { createTimeSkippingEnv } from './temporal';

export const TASK_QUEUE = 'practiceflow-test';

// Worker lifecycle logs are noise in test output; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this test process.
}
export const MAIL_FROM = 'PracticeFlow <practiceflow@clinic.example>';

export interface EngineHarness {
  env: TestWorkflowEnvironment;
  client: TestWorkflowEnvironment['client'];
  sink: MailSink;
  prisma: PrismaClient;
  /** Advances the time-skipping server's clock to an absolute instant. */
  advanceTo(iso: string): Promise<void>;
  /** Mail the sink received for one flow, in receive order. */
  mailFor(workflowId: string): ReceivedMail[];
  stop(): Promise<void>;
}

export interface EngineHarnessOptions {
  afterSent?: (email: OutboundEmail) => void | Promise<void>;
  /**
   * Wraps the real activities the worker runs, to slow or fail one of them the way a database
   * or mail server can (the real activity still does the work once let through).
   */
  wrapActivities?: (real: AllActivities) => AllActivities;
}

export async function startEngineHarness(opts: EngineHarnessOptions = {}): Promise<EngineHarness> {
  const db = await freshDatabase();
  const sink = await startMailSink({ port: 0 });
  const transport = createSmtpTransport(sink.url);
  const env = await createTimeSkippingEnv({ client: { dataConverter: TEST_DATA_CONVERTER } });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    worker = await createPracticeFlowWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      dataConverter: TEST_DATA_CONVERTER,
      activities: (opts.wrapActivities ?? ((real) => real))(
        createActivities({ prisma: db.prisma, transport, from: MAIL_FROM, afterSent: opts.afterSent, temporal: { client: env.client, taskQueue: TASK_QUEUE } }),
      ),
      workflowBundlePath: inject('workflowBundlePath'),
      tuning: { shutdownGraceSeconds: 1 },
    });
    running = worker.run();
  } catch (err) {
    await env.teardown();
    await sink.stop();
    await db.drop();
    throw err;
  }
  return {
    env,
    client: env.client,
    sink,
    prisma: db.prisma,
    async advanceTo(iso) {
      const target = Date.parse(iso);
      const start = await env.currentTimeMs();
      if (target < start) throw new Error(`cannot move the test clock back from ${new Date(start).toISOString()} to ${iso}`);
      // The test server's sleep RPC can be lost when its connection is reset (the server refuses
      // the client's keepalive pings under load): wait a while, then look at the clock and sleep
      // for what is left, instead of hanging the run.
      for (let attempt = 1; ; attempt++) {
        const now = await env.currentTimeMs();
        if (now >= target) return;
        let timer: NodeJS.Timeout | undefined;
        const slept = await Promise.race([
          env.sleep(target - now).then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 45_000))),
        ]).finally(() => clearTimeout(timer));
        if (slept) return;
        if (attempt === 4) throw new Error(`the test server's clock did not reach ${iso} (it is at ${new Date(await env.currentTimeMs()).toISOString()})`);
      }
    },
    mailFor(workflowId) {
      return sink.messages().filter((m) => m.headers['x-practiceflow-flow'] === workflowId);
    },
    async stop() {
      worker?.shutdown();
      await running;
      await env.teardown();
      transport.close();
      await sink.stop();
      await db.drop();
    },
  };
}
