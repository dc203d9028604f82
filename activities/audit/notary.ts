// The ledger notary's side effects and its client side (workflows/audit/notary.ts): reading the
// ledger's last entry, starting the notary at worker start, and asking it what it witnessed when
// the chain is verified.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client';
import { LEDGER_NOTARY_ID, notaryStateQuery, type LedgerNotaryState } from '../../workflows/audit/notary-definitions';
import type { WitnessedHead } from './ledger';

export const LEDGER_NOTARY_WORKFLOW_TYPE = 'ledgerNotaryFlow';
export const NOTARY_NAME = 'the ledger notary in Temporal';

/** The last entry actually in the table (not the head row: the notary checks the table). */
export async function readLedgerHead(prisma: PrismaClient): Promise<{ seq: string; hash: string } | null> {
  const last = await prisma.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  return last ? { seq: last.seq.toString(), hash: last.hash } : null;
}

/** Starts the notary unless it runs (worker start; idempotent). */
export async function ensureLedgerNotary(client: Client, taskQueue: string, periodSeconds: number): Promise<void> {
  await client.workflow.start(LEDGER_NOTARY_WORKFLOW_TYPE, {
    workflowId: LEDGER_NOTARY_ID,
    taskQueue,
    args: [{ periodSeconds }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export type NotaryReport = { status: 'witnessed'; head: WitnessedHead; regressions: LedgerNotaryState['regressions'] } | { status: 'none'; reason: string };

/** What the notary witnessed, or why there is nothing to compare with. */
export async function notaryReport(client: Client): Promise<NotaryReport> {
  try {
    const state = await client.withDeadline(Date.now() + 10_000, () => client.workflow.getHandle(LEDGER_NOTARY_ID).query(notaryStateQuery));
    if (!state.witnessed) return { status: 'none', reason: `${NOTARY_NAME} has not witnessed the ledger yet` };
    return { status: 'witnessed', head: { seq: BigInt(state.witnessed.seq), hash: state.witnessed.hash, at: state.witnessed.at, by: NOTARY_NAME }, regressions: state.regressions };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'none', reason: `${NOTARY_NAME} is not running (the worker starts it)` };
    return { status: 'none', reason: `${NOTARY_NAME} could not be asked: ${(err as Error).message}` };
  }
}
