// The Temporal servers the other tests rely on, exercised for real: the Java time-skipping test
// server (long timers in seconds) and the CLI dev server (a workflow with an activity).
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnv, startDevServerForTests } from '../support/temporal';
import type { InfraActivities } from './workflows/infra-workflows';
import { greetViaActivity, sleepFor } from './workflows/infra-workflows';

const DAY_MS = 24 * 60 * 60 * 1000;

// Keep the worker's routine INFO lines out of the test output (only possible before the Runtime
// is first used, hence the guard when files share a process).
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // Bundled once and shared by both workers below.
  bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows/infra-workflows.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
});

const activities: InfraActivities = {
  async greet(name) {
    return `hello, ${name}`;
  },
};

describe('time-skipping test server', () => {
  it('runs a 36-month timer in seconds of wall time', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'infra-ts', workflowBundle: bundle, activities });
      const wallStart = Date.now();
      const { startedAt, endedAt } = await worker.runUntil(
        env.client.workflow.execute(sleepFor, { args: ['1096 days'], taskQueue: 'infra-ts', workflowId: 'infra-sleep-36-months' }),
      );
      const wallMs = Date.now() - wallStart;
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(1096 * DAY_MS);
      expect(endedAt - startedAt).toBeLessThan(1097 * DAY_MS);
      expect(wallMs).toBeLessThan(30_000);
    } finally {
      await env.teardown();
    }
  });
});

describe('dev server (temporal server start-dev)', () => {
  let server: Awaited<ReturnType<typeof startDevServerForTests>>;
  beforeAll(async () => {
    server = await startDevServerForTests({ namespace: 'infra-test', searchAttributes: { InfraProbe: 'Keyword' } });
  });
  afterAll(async () => {
    const pid = server?.pid;
    await server?.stop();
    // Stopped means gone, not orphaned.
    if (pid !== undefined) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('registers the requested namespace and search attributes', async () => {
    const connection = await Connection.connect({ address: server.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: server.namespace });
      expect(Object.keys(customAttributes ?? {})).toContain('InfraProbe');
    } finally {
      await connection.close();
    }
  });

  it('runs a workflow with an activity to completion', async () => {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection, namespace: server.namespace });
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: server.namespace,
        taskQueue: 'infra-dev',
        workflowBundle: bundle,
        activities,
      });
      const result = await worker.runUntil(
        client.workflow.execute(greetViaActivity, { args: ['dev server'], taskQueue: 'infra-dev', workflowId: `infra-greet-${Date.now()}` }),
      );
      expect(result).toBe('workflow got: hello, dev server');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
