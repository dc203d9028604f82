import { z } from 'zod';
import { IsoDateSchema } from '../calendar/iso-date';
import { PracticeOverrideSchema, PracticeProfileSchema } from '../practice/profile';
import { ActorSchema, EmailSchema } from '../tasks/model';
import { RoleSchema } from './roles';
import { identifierSchema, temporalId } from '../identifiers';

/** A hire identifier from the practice's HR system: an identifier, never a name. */
export const HireIdSchema = identifierSchema('a hire identifier', 'h-1042');

/** What the manager sends to start onboarding (API body, CLI file or flags). */
export const OnboardingRequestSchema = z
  .object({
    hireId: HireIdSchema,
    name: z.string().trim().min(1, 'must not be empty').max(200),
    email: EmailSchema,
    role: RoleSchema,
    startDate: IsoDateSchema,
    managerEmail: EmailSchema,
    /** Overrides the role's default exposure determination (29 CFR 1910.1030(c)(2)). */
    occupationalExposure: z.boolean().optional(),
    /** Overrides whether the hire is a credentialed provider. */
    provider: z.boolean().optional(),
    /** Expected length of the job in days; under 3 days both I-9 sections are due on day one. */
    jobLengthDays: z.number().int('must be a whole number').min(1).max(36_500).optional(),
    practice: PracticeOverrideSchema.optional(),
    /** The site the hire works at: their BBP training records belong to it (default `practice`). */
    siteId: identifierSchema('a site identifier', 'main').optional(),
  })
  .strict();
export type OnboardingRequest = z.infer<typeof OnboardingRequestSchema>;
export type OnboardingRequestInput = z.input<typeof OnboardingRequestSchema>;

/** The workflow's input: the request, the practice profile resolved when it was started, the actor. */
export const OnboardingFlowInputSchema = z.object({
  request: OnboardingRequestSchema,
  practice: PracticeProfileSchema,
  startedBy: ActorSchema,
});
export type OnboardingFlowInput = z.input<typeof OnboardingFlowInputSchema>;

export const ChangeStartDateSchema = z.object({
  startDate: IsoDateSchema,
  by: ActorSchema,
  reason: z.string().trim().min(3, 'must say why the start date changed').max(2000),
}).strict();
export type ChangeStartDateInput = z.infer<typeof ChangeStartDateSchema>;

/** Reversal of a hepatitis B declination (29 CFR 1910.1030(f)(2)(iv)). */
export const HepBReversalSchema = z.object({ by: ActorSchema, note: z.string().max(2000).optional() }).strict();
export type HepBReversalInput = z.infer<typeof HepBReversalSchema>;

export const onboardingWorkflowId = (hireId: string): string => temporalId('onboarding', { hireId });
