// What the manager sends about sites and occurrences: registration, profile changes, completion
// records. The zod schemas are the single source of these input types (API, CLI, workflows).
import { z } from 'zod';
import { IsoDateSchema, instantSchema } from '../calendar/iso-date';
import { PracticeCalendarSchema } from '../practice/calendar-settings';
import { ActorSchema, EmailSchema } from '../tasks/model';
import { OBLIGATIONS, SiteProfileSchema } from './obligations';
import { identifierSchema, temporalId } from '../identifiers';

const IdentifierSchema = identifierSchema('an identifier', 'h-1042');

export const SiteContactsSchema = z
  .object({
    /** Runs drills and inspections, receives the occurrence notices (e.g. the safety officer). */
    responsibleEmail: EmailSchema,
    /** Receives the escalations. */
    managerEmail: EmailSchema,
    /** Who is told when an occurrence opens, per obligation (e.g. trainees); never for drills. */
    participantEmails: z.partialRecord(z.enum(OBLIGATIONS), z.array(EmailSchema).max(200)).default({}),
  })
  .strict();
export type SiteContacts = z.infer<typeof SiteContactsSchema>;

export const RegisterSiteSchema = z
  .object({
    profile: SiteProfileSchema,
    contacts: SiteContactsSchema,
    by: ActorSchema,
  })
  .strict();
export type RegisterSiteInput = z.input<typeof RegisterSiteSchema>;

export const ChangeSiteProfileSchema = z
  .object({
    profile: SiteProfileSchema,
    contacts: SiteContactsSchema.optional(),
    by: ActorSchema,
    reason: z.string().trim().min(3, 'must say why the profile changed').max(2000),
  })
  .strict();
export type ChangeSiteProfileInput = z.input<typeof ChangeSiteProfileSchema>;

export const RetireSiteSchema = z
  .object({
    by: ActorSchema,
    reason: z.string().trim().min(3, 'must say why the site is retired').max(2000),
  })
  .strict();
export type RetireSiteInput = z.infer<typeof RetireSiteSchema>;

export const CorrectiveActionSchema = z
  .object({
    action: z.string().trim().min(3, 'must say what will be done').max(1000),
    owner: z.string().trim().min(1, 'must name who will do it (an email or role)').max(200),
    due: IsoDateSchema.optional(),
  })
  .strict();

/** The completion record of a drill, inspection, training or review. */
export const OccurrenceRecordSchema = z
  .object({
    by: ActorSchema,
    /** When it was actually held (default: now); never in the future. */
    completedAt: instantSchema().optional(),
    /** Employee identifiers of those who took part (not names). */
    participants: z.array(IdentifierSchema).max(5_000).default([]),
    durationMinutes: z.number().int('must be a whole number of minutes').min(1, 'must be at least 1 minute').max(24 * 60).optional(),
    findings: z.string().trim().max(4000).default(''),
    correctiveActions: z.array(CorrectiveActionSchema).max(50).default([]),
    /** Required when recorded after the due date. */
    lateReason: z.string().trim().min(3, 'must say why it was late').max(2000).optional(),
  })
  .strict();
export type OccurrenceRecord = z.infer<typeof OccurrenceRecordSchema>;
export type OccurrenceRecordInput = z.input<typeof OccurrenceRecordSchema>;

/** Obligations whose record must name who took part (a drill or training with nobody is no record). */
export const NEEDS_PARTICIPANTS = new Set<string>(['fire_drill', 'extinguisher_training', 'bbp_training', 'ep_exercise']);

export const BbpCycleInputSchema = z
  .object({
    employeeId: IdentifierSchema,
    /** The site whose records the training belongs to. */
    siteId: IdentifierSchema.default('practice'),
    /** The last BBP training: the next is due within 365 days of it (29 CFR 1910.1030(g)(2)(ii)(B)). */
    lastTraining: IsoDateSchema,
    employeeEmail: EmailSchema,
    managerEmail: EmailSchema,
    practice: PracticeCalendarSchema,
    startedBy: ActorSchema,
  })
  .strict();
export type BbpCycleInput = z.input<typeof BbpCycleInputSchema>;

export const BbpTrainingRecordedSchema = z
  .object({
    completedOn: IsoDateSchema,
    by: ActorSchema,
  })
  .strict();
export type BbpTrainingRecorded = z.infer<typeof BbpTrainingRecordedSchema>;

/** BBP training is due within one year of the previous one: 365 calendar days, never rolled later. */
export const BBP_CYCLE_DAYS = 365;

export function bbpWorkflowIdOf(employeeId: string): string {
  return temporalId('osha-bbp', { employeeId });
}
