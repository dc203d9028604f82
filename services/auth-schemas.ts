// Sign-in, users, API tokens and calendar feeds: what the service accepts and returns, as zod
// schemas (the single source of these input types, and of the OpenAPI document's).
import { z } from 'zod';
import { EmailSchema } from '../domain/tasks/model';

export const ROLES = ['admin', 'manager', 'staff', 'auditor'] as const;
export const RoleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof RoleSchema>;

/** Emails are identities: compared and stored lower-cased. */
export const UserEmailSchema = z.string().trim().toLowerCase().pipe(EmailSchema);

/**
 * bcrypt uses at most 72 bytes of a password; a longer one would be silently truncated, so it is
 * refused instead. At least 12 characters (NIST SP 800-63B allows 8; a practice's policy may ask more).
 */
export const PasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .refine((p) => new TextEncoder().encode(p).length <= 72, 'must be at most 72 bytes (bcrypt uses no more)');

export const CreateUserBodySchema = z.object({ email: UserEmailSchema, role: RoleSchema, password: PasswordSchema }).strict();
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const SignInBodySchema = z.object({ email: z.string().trim().toLowerCase().min(1), password: z.string().min(1) }).strict();

export const CreateTokenBodySchema = z
  .object({
    /** What the token is for, e.g. "CLI on the front-desk PC" or "HR system". */
    name: z.string().trim().min(1).max(100),
    /** Whose token (admin only; default: the signed-in user). Everything done with it is recorded as that user. */
    email: UserEmailSchema.optional(),
  })
  .strict();

export const UserIdSchema = z.string().trim().min(1).max(100);

export const UserViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
export type UserView = z.infer<typeof UserViewSchema>;
export const UserListSchema = z.object({ users: z.array(UserViewSchema) });
export type UserList = z.infer<typeof UserListSchema>;

export const TokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof TokenViewSchema>;
/** The token itself is in this answer only: PracticeFlow keeps its SHA-256. */
export const TokenCreatedSchema = TokenViewSchema.extend({ token: z.string() });
export type TokenCreated = z.infer<typeof TokenCreatedSchema>;

export const MeSchema = z.object({
  email: z.string(),
  role: RoleSchema,
  /** session: a signed-in browser; token: an API token. */
  via: z.enum(['session', 'token']),
  /** Minutes of inactivity after which a session is signed out (45 CFR 164.312(a)(2)(iii)). */
  idleMinutes: z.number(),
});
export type Me = z.infer<typeof MeSchema>;

export const SignOutResultSchema = z.object({ signedOut: z.boolean() });

export const CalendarFeedSchema = z.object({
  /** The private feed URL: in the answer that creates it only (PracticeFlow keeps its SHA-256). */
  url: z.string().nullable(),
  created: z.boolean(),
  createdAt: z.string(),
  note: z.string().optional(),
});
export type CalendarFeed = z.infer<typeof CalendarFeedSchema>;
export const RevokedFeedSchema = z.object({ revoked: z.number() });
