// The ledger notary: a long-running workflow that witnesses the audit ledger's head (the seq and
// hash of its last entry) every `periodSeconds` and keeps what it saw in Temporal, outside the
// database. Someone who controls the database can delete the ledger's tail and even rewrite its
// head row, but not what Temporal recorded: `audit verify` compares the chain with the notary's
// latest witness and reports the missing range (activities/audit/ledger.ts tailProblem). What
// it cannot protect: entries appended after its last look (at most one period), and a ledger
// whose attacker also controls this Temporal namespace. A head that moved backwards between two
// looks is kept as evidence (`regressions`): the notary never forgets the highest head it saw.
import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { readLedgerHead } from '../task-engine/activities';
import { parseOrThrow } from '../task-engine/failures';
import { LedgerNotaryInputSchema, notaryStateQuery, witnessNowSignal, type LedgerNotaryInput } from './notary-definitions';

/** Looks per run before continuing as new: bounds the history at about 6 events a look. */
const LOOKS_PER_RUN = 1_000;

export async function ledgerNotaryFlow(raw: LedgerNotaryInput = {}): Promise<never> {
  const state = parseOrThrow(LedgerNotaryInputSchema, raw);
  let requested = false;
  setHandler(witnessNowSignal, () => {
    requested = true;
  });
  setHandler(notaryStateQuery, () => state);
  for (let look = 0; look < LOOKS_PER_RUN && !workflowInfo().continueAsNewSuggested; look++) {
    await condition(() => requested, `${state.periodSeconds} seconds`);
    requested = false;
    const head = await readLedgerHead();
    const at = new Date().toISOString();
    const found = head ? { ...head, at } : null;
    const before = state.witnessed;
    if (before && (!found || BigInt(found.seq) < BigInt(before.seq))) {
      // Never forget the higher head: record what was found instead of it.
      if (!state.regressions.some((r) => r.witnessed.seq === before.seq && r.found?.seq === found?.seq)) state.regressions = [...state.regressions.slice(-99), { witnessed: before, found }];
    } else if (found && found.seq !== before?.seq) {
      state.witnessed = found;
    }
  }
  return continueAsNew<typeof ledgerNotaryFlow>(state);
}
