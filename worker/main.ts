// The production worker process: `npm run worker` (or `node --import tsx worker/main.ts`).
// Configuration from the environment (config/env.ts); shuts down gracefully on SIGTERM/SIGINT,
// letting running activities finish within WORKER_SHUTDOWN_GRACE_SECONDS.
import { NativeConnection, Runtime } from '@temporalio/worker';
import { maskedText, maskSecrets } from '../config/mask';
import { maskedRuntimeLogger } from './masked-logger';
import { keyRingOf, loadConfigOrExit } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal';
import { practiceFlowDataConverter } from '../encryption/data-converter';
import { createPracticeFlowWorker } from './create-worker';
import { ensureWorkerSchedules, openWorkerDependencies } from './dependencies';
import { serveWorkerHealth } from './health';
import { armFaultPointFromEnv } from '../faults/seam';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // The SDK's and the activities' log lines, secrets masked; SIGINT/SIGTERM still drain the worker.
  Runtime.install({ logger: maskedRuntimeLogger(config.WORKER_LOG_LEVEL) });
  // The fault suite's seam (faults/seam.ts): unset everywhere else; refused in production.
  const faults = armFaultPointFromEnv();
  if (faults) console.error(faults);
  const missing = (['DATABASE_URL', 'SMTP_URL', 'TEMPORAL_ADDRESS'] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    console.error(`The worker needs ${missing.join(', ')} (or use \`npm start\`, which provides local ones).`);
    process.exit(1);
  }
  const dataConverter = practiceFlowDataConverter(keyRingOf(config));
  const deps = openWorkerDependencies({
    databaseUrl: config.DATABASE_URL!,
    smtpUrl: config.SMTP_URL!,
    mailFrom: config.MAIL_FROM,
    temporal: { connection: temporalConnectionOptions(config), namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter },
  });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  try {
    const worker = await createPracticeFlowWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activities: deps.activities,
      dataConverter,
      workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
      tuning: {
        maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
        shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
      },
    });
    await ensureWorkerSchedules(deps, config.TEMPORAL_TASK_QUEUE, config.PRACTICE_TIME_ZONE, config.LEDGER_WITNESS_SECONDS);
    const health = config.WORKER_HEALTH_PORT ? await serveWorkerHealth({ host: config.WORKER_HEALTH_HOST, port: config.WORKER_HEALTH_PORT, worker, prisma: deps.prisma, client: deps.client }) : undefined;
    if (health) console.log(`PracticeFlow worker health on http://${config.WORKER_HEALTH_HOST}:${config.WORKER_HEALTH_PORT}/healthz and /readyz`);
    console.log(`PracticeFlow worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" in namespace "${config.TEMPORAL_NAMESPACE}" at ${config.TEMPORAL_ADDRESS}`);
    // Worker.run() resolves once a shutdown signal (SIGINT, SIGTERM) has drained the worker.
    await worker.run();
    await health?.stop();
  } finally {
    await connection.close();
    await deps.close();
  }
}

main().then(
  // Drained and closed: nothing is left to finish (idle pool timers would only delay the exit).
  () => process.exit(0),
  (err: unknown) => {
  // A ConfigError (e.g. no PAYLOAD_ENCRYPTION_KEYS) names the variable; nothing else is printed.
  // Masked (config/mask.ts): a connection failure can quote DATABASE_URL or SMTP_URL.
  console.error(err instanceof Error ? maskSecrets(err.message) : maskedText(err));
  process.exit(1);
  },
);
