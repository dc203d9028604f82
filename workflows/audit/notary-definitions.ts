// The ledger notary's messages and state, for the workflow (./notary.ts) and its clients.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';

const CheckpointSchema = z.object({ seq: z.string().regex(/^\d+$/), hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() });
export type LedgerCheckpoint = z.infer<typeof CheckpointSchema>;

export const LedgerNotaryInputSchema = z.object({
  /** How often the head is witnessed: the most a tail cut right after a look can lose unnoticed. */
  periodSeconds: z.number().int().min(1).max(3_600).default(60),
  /** The highest head witnessed so far (carried across continue-as-new). */
  witnessed: CheckpointSchema.nullable().default(null),
  /** Heads found lower than one witnessed before: evidence of a cut tail, kept for the auditor. */
  regressions: z.array(z.object({ witnessed: CheckpointSchema, found: CheckpointSchema.nullable() })).max(100).default([]),
});
export type LedgerNotaryInput = z.input<typeof LedgerNotaryInputSchema>;
export type LedgerNotaryState = z.infer<typeof LedgerNotaryInputSchema>;

export const LEDGER_NOTARY_ID = 'practiceflow-ledger-notary';
export const witnessNowSignal = defineSignal('witnessNow');
export const notaryStateQuery = defineQuery<LedgerNotaryState>('notaryState');

