// Temporal servers for tests, from locally provided binaries (this project's machines cannot reach
// the SDK's download hosts): the Java time-skipping test server resolved from Maven Central, and
// the CLI's dev server. `npm test`'s pretest step (scripts/tools/ensure-tools.ts) fetches both
// up front; calling these without it still works, only slower the first time.
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { startTemporalDevServer, type TemporalDevServer, type TemporalDevServerOptions } from '../../devstack/temporal';
import { ensureTestServer } from '../../scripts/tools/test-server';

/** Server output is noise in test runs; TEMPORAL_TEST_LOG=1 shows it. */
const testLog = process.env.TEMPORAL_TEST_LOG ? (line: string) => console.error(line) : () => {};

/**
 * A time-skipping environment (one Java test server per call): timers of months complete in
 * seconds. It lacks some real-server features (custom search attributes, schedules); use
 * startDevServerForTests() for those.
 */
export async function createTimeSkippingEnv(opts: Omit<TimeSkippingTestWorkflowEnvironmentOptions, 'server'> = {}): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer({ log: testLog });
  return TestWorkflowEnvironment.createTimeSkipping({ ...opts, server: { executable: { type: 'existing-path', path } } });
}

/** A real dev server on a free port with an in-memory database and no Web UI. */
export function startDevServerForTests(opts: Omit<TemporalDevServerOptions, 'port' | 'dbFilename'> = {}): Promise<TemporalDevServer> {
  return startTemporalDevServer({ headless: true, log: testLog, ...opts, port: 0, dbFilename: undefined });
}
