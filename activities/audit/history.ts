// A flow's Temporal event history as a document beside the ledger, and its replay against the
// current workflow code: a history that replays shows the recorded run is what today's code
// would do; a DeterminismViolationError shows the code changed incompatibly.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

export type History = ReturnType<typeof historyFromJSON>;

/** The history as Temporal's JSON (the form `temporal workflow show --output json` writes). */
export function historyAsJson(history: History): unknown {
  return JSON.parse(historyToJSON(history)) as unknown;
}

export function historyFromJson(json: unknown): History {
  return historyFromJSON(json);
}

/** sha256 of the RFC 8785 canonical JSON of a history (what the ledger records when it is archived); key order does not matter. */
export function historySha256(json: unknown): string {
  return createHash('sha256').update(canonicalize(json) ?? '').digest('hex');
}

export function workflowTypeOf(history: History): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

export interface WorkflowCode {
  /** A prebuilt bundle (`npm run build`, WORKFLOW_BUNDLE_PATH). */
  workflowBundlePath?: string;
  /** The workflows' entry module, bundled for the replay (slower). */
  workflowsPath?: string;
}

export interface ReplayOutcome {
  ok: boolean;
  workflowId: string;
  workflowType: string | null;
  events: number;
  /** The replay's error: DeterminismViolationError when the code no longer produces the recorded commands. */
  error?: { name: string; message: string };
}

let runtimeQuieted = false;
/** Replays log at WARN per mismatch; a replay that is expected to fail should not fill a terminal. */
function quietRuntime(): void {
  if (runtimeQuieted) return;
  runtimeQuieted = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Already installed by the host (a worker, a test harness).
  }
}

/** `dataConverter`: the one that wrote the history (encrypted payloads are decrypted to replay; plaintext ones pass). */
export async function replayHistory(history: History, workflowId: string, code: WorkflowCode, dataConverter: DataConverter): Promise<ReplayOutcome> {
  quietRuntime();
  const base = { workflowId, workflowType: workflowTypeOf(history) ?? null, events: history.events?.length ?? 0 };
  const options = code.workflowBundlePath ? { workflowBundle: { codePath: code.workflowBundlePath }, dataConverter } : { workflowsPath: code.workflowsPath, dataConverter };
  try {
    await Worker.runReplayHistory(options, history, workflowId);
    return { ok: true, ...base };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, ...base, error: { name: e.name, message: e.message } };
  }
}
