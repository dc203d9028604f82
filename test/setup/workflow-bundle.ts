// Bundles the workflow code once per test run (webpack takes seconds); every test worker then
// loads the same bundle, as production workers do with WORKFLOW_BUNDLE_PATH.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';

export async function setupWorkflowBundle(project: TestProject): Promise<() => Promise<void>> {
  const path = await buildWorkflowBundle(resolve(`.data/test/workflow-bundle-${process.pid}.js`));
  project.provide('workflowBundlePath', path);
  return async () => rm(path, { force: true });
}
