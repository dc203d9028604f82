import { z } from 'zod';
import { IsoDateSchema } from '../calendar/iso-date';
import { isIanaTimeZone } from '../calendar/time-zone';

/** The part of a practice profile that decides business days and local times. */
export const PracticeCalendarSchema = z.object({
  timeZone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone such as America/New_York'),
  closureDays: z.array(IsoDateSchema).max(400).default([]),
  observeInaugurationDay: z.boolean().default(false),
});
export type PracticeCalendar = z.infer<typeof PracticeCalendarSchema>;
