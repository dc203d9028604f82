// One set of real services for the whole test run. Each service is a setup function that starts
// it, `provide`s what tests need (see test/provided-context.d.ts) and returns its teardown;
// add new services to `services`. They start concurrently; if one fails, the others are stopped.
import type { TestProject } from 'vitest/node';
import { setupPostgres } from './setup/postgres';
import { setupWorkflowBundle } from './setup/workflow-bundle';

export type Teardown = () => Promise<void>;
export type ServiceSetup = (project: TestProject) => Promise<Teardown>;

const services: ServiceSetup[] = [setupPostgres, setupWorkflowBundle];

export default async function setup(project: TestProject): Promise<Teardown> {
  const started = await Promise.allSettled(services.map((service) => service(project)));
  const teardowns = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown: Teardown = async () => {
    // Reverse order, and every teardown runs even if one throws.
    const results = await Promise.allSettled([...teardowns].reverse().map((stop) => stop()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await teardown().catch(() => undefined);
    throw failure.reason;
  }
  return teardown;
}
