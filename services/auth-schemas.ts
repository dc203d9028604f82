// Sign-in, users, API tokens, calendar feeds and a person's own open work: what the service accepts and returns, as zod
// schemas (the single source of these input types, and of the OpenAPI document's).
import { z } from 'zod';
import { DueSchema, EmailSchema } from '../domain/tasks/model';
import { CredentialStatusSchema } from './schemas';

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

export const SignInBodySchema = z.object({ email: z.string().trim().toLowerCase().min(1).max(320), password: z.string().min(1).max(1024) }).strict();

/**
 * A service account: an integration's own identity (never a person's), with its own role and API
 * tokens an admin issues for it, and no password. Everything it does is recorded as
 * `service:<name>` (SERVICE_PREFIX), which no person's email can be.
 */
export const SERVICE_PREFIX = 'service:';
export const ServiceAccountNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be 2 to 63 lower-case letters, digits and -, starting with a letter (e.g. hr-system)');
/** Roles a service account may have: never admin (an integration does not manage access). */
export const SERVICE_ROLES = ['manager', 'staff', 'auditor'] as const;
export const CreateServiceAccountBodySchema = z
  .object({
    name: ServiceAccountNameSchema,
    role: z.enum(SERVICE_ROLES, { error: `must be one of ${SERVICE_ROLES.join(', ')} (a service account is never an admin)` }),
  })
  .strict();

export const CreateTokenBodySchema = z
  .object({
    /** What the token is for, e.g. "CLI on the front-desk PC" or "HR system". */
    name: z.string().trim().min(1).max(100),
    /** Your own email, if you name it: a person creates tokens only for themselves. */
    email: UserEmailSchema.optional(),
    /** A service account's name (admin only): the token acts as that service account. */
    serviceAccount: ServiceAccountNameSchema.optional(),
  })
  .strict()
  .refine((b) => b.email === undefined || b.serviceAccount === undefined, { path: ['serviceAccount'], message: 'give either email (yourself) or serviceAccount, not both' });

/** Sign-in throttling (services/sign-in-throttle.ts): per account (the email typed) or client address. */
export const THROTTLE_SCOPES = ['account', 'address'] as const;
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];
export const LiftSignInLockBodySchema = z
  .object({
    scope: z.enum(THROTTLE_SCOPES, { error: `must be one of ${THROTTLE_SCOPES.join(', ')}` }),
    /** The email (account; any case) or IP address (address). */
    key: z.string().trim().min(1).max(320),
  })
  .strict();
export const SignInLockSchema = z.object({
  scope: z.enum(THROTTLE_SCOPES),
  key: z.string(),
  /** Consecutive failures counted. */
  failures: z.number(),
  lastFailureAt: z.string(),
  /** Until when sign-in is refused (429); null when not locked now. */
  lockedUntil: z.string().nullable(),
  retryAfterSeconds: z.number().nullable(),
});
export type SignInLock = z.infer<typeof SignInLockSchema>;
export const SignInLockListSchema = z.object({ locks: z.array(SignInLockSchema) });
export type SignInLockList = z.infer<typeof SignInLockListSchema>;

export const UserIdSchema = z.string().trim().min(1).max(100);

export const UserViewSchema = z.object({
  id: z.string(),
  /** A person's email, or `service:<name>` for a service account: the identity in the ledger. */
  email: z.string(),
  role: RoleSchema,
  kind: z.enum(['person', 'service']),
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
export const TokenListSchema = z.object({ tokens: z.array(TokenViewSchema) });
export type TokenList = z.infer<typeof TokenListSchema>;
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

// ---- My work: a person's own open tasks, credential due dates and OSHA occurrences -------------

export const MyTaskSchema = z.object({
  flowId: z.string(),
  flowType: z.string(),
  flowTitle: z.string(),
  /** The task's key in its flow (what `complete` takes). */
  key: z.string(),
  title: z.string(),
  /** A date, or an instant for tasks due at a time of day (prior-authorization clocks). */
  due: DueSchema,
  /** The due date as a calendar date in the flow's time zone. */
  dueDate: z.string(),
  /** Open past its due date, counted in the flow's time zone exactly as the flow's checklist counts it. */
  overdue: z.boolean(),
  /** The rule citation the due date comes from. */
  rule: z.string().nullable(),
});
export type MyTask = z.infer<typeof MyTaskSchema>;

/** A credential where the person is the provider, the owner or the manager. */
export const MyCredentialSchema = z.object({
  credentialId: z.string(),
  flowId: z.string(),
  type: z.string(),
  jurisdiction: z.string().nullable(),
  issuer: z.string().nullable(),
  providerId: z.string(),
  dueDate: z.string(),
  status: CredentialStatusSchema,
});
export type MyCredential = z.infer<typeof MyCredentialSchema>;

/** An open OSHA or fire-safety occurrence of a site the person is responsible for. */
export const MyOccurrenceSchema = z.object({
  occurrenceKey: z.string(),
  flowId: z.string(),
  siteId: z.string(),
  obligation: z.string(),
  shift: z.string().nullable(),
  dueDate: z.string(),
  /** Open past its due date (practice time zone), as the OSHA occurrence list counts it. */
  overdue: z.boolean(),
  rule: z.string(),
});
export type MyOccurrence = z.infer<typeof MyOccurrenceSchema>;

export const MyWorkSchema = z.object({
  email: z.string(),
  /** Today in the practice's time zone. */
  today: z.string(),
  timeZone: z.string(),
  /** Open tasks assigned to the person in running flows: overdue first, then by due date. */
  tasks: z.array(MyTaskSchema),
  /** By due date. A credential whose renewal task is already in `tasks` is not repeated here. */
  credentials: z.array(MyCredentialSchema),
  /** By due date. An occurrence whose task is already in `tasks` is not repeated here. */
  occurrences: z.array(MyOccurrenceSchema),
});
export type MyWork = z.infer<typeof MyWorkSchema>;
