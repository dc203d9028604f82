// What the daily archive schedule starts: archive every run that closed in the last days and is
// not archived yet, in batches, so Temporal's retention never deletes a history that is not kept.
import { z } from 'zod';
import { archiveClosedRuns } from '../task-engine/activities';
import { parseOrThrow } from '../task-engine/failures';

export const HistoryArchiveInputSchema = z.object({
  /** How far back to look: more than the schedule's period, so a missed day is caught up. */
  lookbackDays: z.number().int().min(1).max(90).default(7),
  batch: z.number().int().min(1).max(5_000).default(500),
});
export type HistoryArchiveInput = z.input<typeof HistoryArchiveInputSchema>;

export async function historyArchiveFlow(raw: HistoryArchiveInput = {}): Promise<{ archived: number }> {
  const input = parseOrThrow(HistoryArchiveInputSchema, raw);
  const since = new Date(Date.now() - input.lookbackDays * 86_400_000).toISOString();
  let archived = 0;
  for (;;) {
    const batch = await archiveClosedRuns({ since, limit: input.batch });
    archived += batch.archived;
    if (!batch.more) return { archived };
  }
}
