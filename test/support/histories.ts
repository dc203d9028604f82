// Real workflow histories for replay tests. Recording is opt-in
// (PRACTICEFLOW_RECORD_HISTORIES=1 npx vitest run test/engine): the committed files are the
// histories of workflows as they ran, and every test run replays them against today's code.
// Test workers encrypt every payload with a key made for the test process (./encryption.ts), so
// a history is written with its payloads decrypted (encryption/history.ts, as the auditor's export
// does): still Temporal's JSON, and it replays in later runs, which hold other keys.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { decodeHistoryJson } from '../../encryption/history';
import { TEST_DATA_CONVERTER } from './encryption';

export const HISTORIES_DIR = fileURLToPath(new URL('../replay/histories/', import.meta.url));

export const recordingHistories = (): boolean => process.env.PRACTICEFLOW_RECORD_HISTORIES === '1';

export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!recordingHistories()) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  const { history: plaintext } = await decodeHistoryJson(JSON.parse(historyToJSON(history)), TEST_DATA_CONVERTER.payloadCodecs[0]);
  writeFileSync(`${HISTORIES_DIR}${name}.json`, `${JSON.stringify(plaintext, null, 1)}\n`);
}
