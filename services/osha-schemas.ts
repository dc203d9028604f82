// What the OSHA service accepts and returns. Bodies are the domain's own schemas (the ones the
// workflows validate with), strict; results describe the service's values for the OpenAPI document.
import { z } from 'zod';
import { IsoDateSchema } from '../domain/calendar/iso-date';
import { ChangeSiteProfileSchema, OBLIGATIONS, OccurrenceRecordSchema, RegisterSiteSchema, RetireSiteSchema, SiteProfileSchema } from '../domain/osha';
import { ActorSchema } from '../domain/tasks/model';
import { identifierSchema } from '../domain/identifiers';

// ---- Inputs ------------------------------------------------------------------------------------

/** Who registers comes from the actor header or the body's `by`. */
export const RegisterSiteBodySchema = RegisterSiteSchema.partial({ by: true }).strict();
export const ChangeSiteBodySchema = ChangeSiteProfileSchema;
export const RetireSiteBodySchema = RetireSiteSchema;
export const RecordOccurrenceBodySchema = OccurrenceRecordSchema;
export const OshaPlanBodySchema = z.object({ site: SiteProfileSchema, from: IsoDateSchema, to: IsoDateSchema }).strict();

export const SiteIdSchema = identifierSchema('a site identifier', 'main');

export const OCCURRENCE_VIEWS = ['open', 'overdue', 'upcoming', 'completed'] as const;
export const ListOccurrencesQuerySchema = z
  .object({
    siteId: SiteIdSchema.optional(),
    /** open: not yet recorded; overdue: open and past due; upcoming: planned, not yet opened; completed. */
    status: z.enum(OCCURRENCE_VIEWS).default('open'),
    /** For upcoming: how many days ahead (default 90). */
    withinDays: z.coerce.number().int('must be a whole number').min(1).max(730).default(90),
    obligation: z.enum(OBLIGATIONS).optional(),
    employeeId: z.string().max(64).optional(),
  })
  .strict();

export const CalendarQuerySchema = z.object({ year: z.coerce.number().int('must be a year such as 2026').min(2000).max(2100) }).strict();

export const SharpsInjuryBodySchema = z
  .object({
    /** The case number from the OSHA 300 log (privacy case: no employee name, 29 CFR 1904.29(b)(7)). */
    caseId: identifierSchema('a case identifier (the OSHA 300 case number)', '2026-004'),
    siteId: SiteIdSchema,
    occurredOn: IsoDateSchema,
    /** 29 CFR 1910.1030(h)(5)(i)(A): type and brand of device. */
    deviceType: z.string().trim().min(2, 'must name the type of device (e.g. 25G safety needle)').max(200),
    deviceBrand: z.string().trim().max(200).optional(),
    /** (B): the department or work area. */
    workArea: z.string().trim().min(2, 'must name the department or work area').max(200),
    /** (C): how the incident occurred (no patient or employee names). */
    description: z.string().trim().min(10, 'must explain how the incident occurred').max(4000),
    by: ActorSchema.optional(),
  })
  .strict();
export const ListSharpsQuerySchema = z.object({ siteId: SiteIdSchema.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() }).strict();

// ---- Results -----------------------------------------------------------------------------------

const ObligationViewSchema = z.object({ obligation: z.enum(OBLIGATIONS), cadence: z.object({ kind: z.string() }).loose(), rule: z.string(), why: z.string() });

export const SiteViewSchema = z.object({
  siteId: z.string(),
  status: z.enum(['active', 'retired']),
  version: z.number(),
  registeredOn: z.string().optional(),
  profile: z.record(z.string(), z.unknown()),
  contacts: z.record(z.string(), z.unknown()).optional(),
  obligations: z.array(ObligationViewSchema),
  schedules: z.array(z.string()),
  flowId: z.string(),
  notice: z.string().optional(),
});
export type SiteViewResult = z.infer<typeof SiteViewSchema>;
export const SiteListSchema = z.object({ sites: z.array(SiteViewSchema.omit({ contacts: true })) });

export const OccurrenceViewSchema = z.object({
  occurrenceKey: z.string(),
  siteId: z.string(),
  obligation: z.string(),
  period: z.string(),
  shift: z.string().optional(),
  employeeId: z.string().optional(),
  dueDate: z.string(),
  plannedAt: z.string().optional(),
  rule: z.string(),
  status: z.enum(['open', 'overdue', 'upcoming', 'completed', 'cancelled']),
  flowId: z.string().optional(),
  completion: z
    .object({
      completedAt: z.string(),
      recordedBy: z.string(),
      late: z.boolean(),
      lateReason: z.string().optional(),
      participants: z.array(z.string()),
      durationMinutes: z.number().optional(),
      findings: z.string(),
      correctiveActions: z.array(z.object({ action: z.string(), owner: z.string(), due: z.string().optional() })),
      retainUntil: z.string(),
    })
    .optional(),
});
export type OccurrenceView = z.infer<typeof OccurrenceViewSchema>;
export const OccurrenceListSchema = z.object({ occurrences: z.array(OccurrenceViewSchema) });

export const CALENDAR_STATES = ['done', 'late', 'open', 'overdue', 'missed', 'upcoming', 'cancelled'] as const;
export const ComplianceCalendarSchema = z.object({
  siteId: z.string(),
  year: z.number(),
  summary: z.record(z.enum(CALENDAR_STATES), z.number()),
  entries: z.array(
    OccurrenceViewSchema.omit({ status: true }).extend({ state: z.enum(CALENDAR_STATES), monthOf: z.string() }),
  ),
});
export type ComplianceCalendar = z.infer<typeof ComplianceCalendarSchema>;

export const OshaPlanResultSchema = z.object({
  occurrences: z.array(z.object({ obligation: z.string(), dueDate: z.string(), rule: z.string(), shift: z.string().optional(), employeeId: z.string().optional(), at: z.string().optional(), period: z.string() })),
});

export const SharpsInjuryViewSchema = SharpsInjuryBodySchema.omit({ by: true }).extend({ recordedBy: z.string(), recordedAt: z.string(), retainUntil: z.string() });
export const SharpsListSchema = z.object({ injuries: z.array(SharpsInjuryViewSchema) });
export const RecordedTaskSchema = z.object({ key: z.string(), status: z.string(), dueDate: z.string(), completion: z.record(z.string(), z.unknown()).optional() }).loose();
