// What a site's schedule starts at each firing: opens every occurrence of its obligation whose
// notice time has come (one flow per occurrence, its id derived from the occurrence key), so a
// firing that was missed or repeated opens each occurrence exactly once. Occurrences outlive
// this short workflow, so they are started as independent workflows (by an activity), not as
// children.
import { z } from 'zod';
import { IsoDateSchema } from '../../domain/calendar/iso-date';
import { occurrencesOpenAt, occurrenceWorkflowIdOf, OBLIGATIONS, SiteContactsSchema, SiteProfileSchema, type ScheduledObligation } from '../../domain/osha';
import { PracticeCalendarSchema } from '../../domain/practice/calendar-settings';
import { startOccurrenceFlow } from '../task-engine/activities';
import { parseOrThrow } from '../task-engine/failures';
import type { OccurrenceFlowInput } from './occurrence';

export const ObligationFlowInputSchema = z.object({
  siteId: z.string().min(1),
  obligation: z.enum(OBLIGATIONS).refine((o) => o !== 'bbp_training', 'BBP training follows each employee, not a schedule'),
  profile: SiteProfileSchema,
  /** The day the site was registered: nothing due before it is opened. */
  anchor: IsoDateSchema,
  contacts: SiteContactsSchema,
  practice: PracticeCalendarSchema,
  /** The site profile version the schedule was built from (for the record). */
  siteVersion: z.number().int().min(1),
  scheduleId: z.string().min(1),
});
export type ObligationFlowInput = z.input<typeof ObligationFlowInputSchema>;

export async function oshaObligationFlow(raw: ObligationFlowInput): Promise<{ opened: string[]; alreadyOpen: string[] }> {
  const input = parseOrThrow(ObligationFlowInputSchema, raw);
  const due = occurrencesOpenAt(input.profile, input.obligation as ScheduledObligation, Date.now(), input.anchor);
  const opened: string[] = [];
  const alreadyOpen: string[] = [];
  for (const occ of due) {
    const child: OccurrenceFlowInput = {
      siteId: input.siteId,
      timeZone: input.profile.timeZone,
      occurrence: occ,
      contacts: input.contacts,
      practice: input.practice,
      startedBy: `system:schedule:${input.scheduleId}`,
    };
    const outcome = await startOccurrenceFlow({ workflowId: occurrenceWorkflowIdOf(occ.key), input: child });
    if (outcome === 'started') opened.push(occ.key);
    else if (outcome === 'already_open') alreadyOpen.push(occ.key);
  }
  return { opened, alreadyOpen };
}
