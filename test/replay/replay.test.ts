// Determinism guard: every committed history (recorded from real runs, see
// test/support/histories.ts) must replay against the current workflow code. A change to a live
// workflow that is not behind `patched()` fails here, before it can break running flows.
// They replay through the encrypting data converter every worker now uses: these histories were
// written in plaintext before payload encryption, and the codec passes such payloads through, so
// flows that were running when encryption was switched on go on.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { TEST_DATA_CONVERTER } from '../support/encryption';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded workflow histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays against the current code', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(`${HISTORIES_DIR}${file}`, 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: TEST_DATA_CONVERTER }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});
