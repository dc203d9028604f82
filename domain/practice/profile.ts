// A practice's profile: the settings that change deadlines. Defaults come from configuration
// (config/env.ts); a flow may override any of them with its `practice` object.
import { z } from 'zod';
import { IsoDateSchema } from '../calendar/iso-date';
import { isIanaTimeZone } from '../calendar/time-zone';
import { ReminderPolicySchema } from '../tasks/model';
import { UsStateSchema } from './us-states';

const TimeZoneSchema = z.string().refine(isIanaTimeZone, 'must be an IANA time zone such as America/New_York');
const StateSchema = UsStateSchema;

export const PracticeProfileSchema = z.object({
  timeZone: TimeZoneSchema,
  /** US state of the worksite: state new-hire reporting and licensing rules. */
  state: StateSchema.optional(),
  /** Enrolled in E-Verify (the three-day case rule applies). */
  eVerify: z.boolean().default(false),
  closureDays: z.array(IsoDateSchema).max(400).default([]),
  observeInaugurationDay: z.boolean().default(false),
  /** HIPAA training "within a reasonable period" (45 CFR 164.530(b)(2)(i)(B)): the practice's policy, in calendar days. */
  hipaaTrainingDays: z.number().int('must be a whole number').min(1).max(365).default(30),
  /** Overrides the state table for new-hire reporting, in calendar days (federal maximum 20). */
  newHireReportDays: z.number().int('must be a whole number').min(1).max(20).optional(),
  reminders: ReminderPolicySchema.default(ReminderPolicySchema.parse({})),
});
export type PracticeProfile = z.infer<typeof PracticeProfileSchema>;

/** Per-flow overrides: every field optional, no defaults (they come from the base profile). */
export const PracticeOverrideSchema = z
  .object({
    timeZone: TimeZoneSchema,
    state: StateSchema,
    eVerify: z.boolean(),
    closureDays: z.array(IsoDateSchema).max(400),
    observeInaugurationDay: z.boolean(),
    hipaaTrainingDays: z.number().int('must be a whole number').min(1).max(365),
    newHireReportDays: z.number().int('must be a whole number').min(1).max(20),
    reminders: ReminderPolicySchema,
  })
  .partial()
  .strict();
export type PracticeOverride = z.infer<typeof PracticeOverrideSchema>;

export function resolvePractice(base: PracticeProfile, override: PracticeOverride | undefined): PracticeProfile {
  return PracticeProfileSchema.parse({ ...base, ...override });
}
