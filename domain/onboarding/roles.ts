import { z } from 'zod';

export const ROLES = [
  'front_desk',
  'billing',
  'medical_assistant',
  'nurse',
  'physician',
  'nurse_practitioner',
  'physician_assistant',
  'office_manager',
] as const;

export const RoleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof RoleSchema>;

/** Providers are credentialed and enrolled with payers (DOMAIN.md §1, §2). */
export const PROVIDER_ROLES: ReadonlySet<Role> = new Set(['physician', 'nurse_practitioner', 'physician_assistant']);

/**
 * Clinical roles: reasonably anticipated contact with blood or other potentially infectious
 * materials (29 CFR 1910.1030(b) "occupational exposure"), so BBP training, the hepatitis B offer
 * and TB screening apply by default. The practice's exposure determination (1910.1030(c)(2)) may
 * override per hire.
 */
export const CLINICAL_ROLES: ReadonlySet<Role> = new Set(['medical_assistant', 'nurse', 'physician', 'nurse_practitioner', 'physician_assistant']);
