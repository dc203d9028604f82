// Builds the PracticeFlow worker; shared by production (worker/main.ts), `npm start` and tests,
// so all three run the same workflows and activities with the same options.
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { AllActivities } from '../activities';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';

export const WORKFLOWS_ENTRY = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxCachedWorkflows: number;
  shutdownGraceSeconds: number;
}

export const DEFAULT_TUNING: WorkerTuning = {
  maxConcurrentActivityTaskExecutions: 20,
  maxConcurrentWorkflowTaskExecutions: 20,
  maxCachedWorkflows: 500,
  shutdownGraceSeconds: 30,
};

export interface PracticeFlowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: AllActivities;
  /** Encrypts every payload (encryption/data-converter.ts); required: no worker runs in plaintext. */
  dataConverter: PracticeFlowDataConverter;
  /** A prebuilt bundle (`npm run build`); without it the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  tuning?: Partial<WorkerTuning>;
  identity?: string;
}

export async function createPracticeFlowWorker(options: PracticeFlowWorkerOptions): Promise<Worker> {
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: options.dataConverter,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: WORKFLOWS_ENTRY }),
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    shutdownGraceTime: `${tuning.shutdownGraceSeconds} seconds`,
  });
}
