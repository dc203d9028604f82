// Real workflow histories for replay tests. Recording is opt-in
// (PRACTICEFLOW_RECORD_HISTORIES=1 npx vitest run test/engine): the committed files are the
// histories of workflows as they ran, and every test run replays them against today's code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = fileURLToPath(new URL('../replay/histories/', import.meta.url));

export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.PRACTICEFLOW_RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(`${HISTORIES_DIR}${name}.json`, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
}
