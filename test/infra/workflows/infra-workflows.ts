// Workflows for the Temporal infrastructure tests (test/infra/temporal.test.ts). Workflow code:
// only @temporalio/workflow may be imported.
import { proxyActivities, sleep } from '@temporalio/workflow';

/** Sleeps on a durable timer; reports the workflow clock before and after. */
export async function sleepFor(duration: string): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = Date.now(); // deterministic workflow time, not the host clock
  await sleep(duration);
  return { startedAt, endedAt: Date.now() };
}

export interface InfraActivities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<InfraActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

export async function greetViaActivity(name: string): Promise<string> {
  return `workflow got: ${await greet(name)}`;
}
