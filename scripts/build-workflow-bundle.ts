// `npm run build`: bundles the workflow code once for production workers (WORKFLOW_BUNDLE_PATH),
// so a worker starts without webpack and runs exactly the code that was reviewed and replay-tested.
// The failure converter is bundled in: workflow errors are encoded (and so encrypted) in the sandbox.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../encryption/data-converter';
import { WORKFLOWS_ENTRY } from '../worker/create-worker';

export async function buildWorkflowBundle(outPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN') });
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
  return outPath;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  buildWorkflowBundle(out)
    .then((path) => console.log(`Workflow bundle written to ${path} (set WORKFLOW_BUNDLE_PATH=${path})`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
