// People who sign in, their sessions, API tokens and calendar feed tokens.
//
// 45 CFR 164.312(d) (person or entity authentication): a person proves who they are with a
// password (bcrypt, bcryptjs: maintained, pure JavaScript, nothing to compile) or an API token
// issued to them; every secret PracticeFlow hands out (session, API token, feed token) is 256
// random bits of which only the SHA-256 is stored, so a copy of the database signs nobody in.
// 45 CFR 164.312(a)(2)(iii) (automatic logoff): a session unused for longer than the idle
// timeout is ended here, on the server, whatever the browser still holds (sessionUser below).
// 45 CFR 164.308(a)(4)(ii)(C) (access establishment and modification): creating, disabling and
// enabling a user or service account and issuing and revoking an API token are appended to the
// audit ledger, by whom, in the same transaction as the change, so the record of who could sign in
// when is as tamper-evident as the rest.
// 45 CFR 164.312(a)(1) (access control) guardrails: nobody disables their own account or the last
// active admin (someone must be left who can manage access); a token acts only as the person who
// created it, or as a service account (an integration's own identity, `service:<name>`), so
// nothing is ever recorded under a person who did not do it.
// 45 CFR 164.308(a)(5)(ii)(C) (log-in monitoring): failed sign-ins are throttled
// (./sign-in-throttle.ts).
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { appendInTransaction, type LedgerTx } from '../activities/audit/ledger';
import { ACCESS_ACTIONS, ACCESS_RULE } from '../activities/audit/retention';
import type { PrismaClient } from '../generated/prisma/client';
import {
  CreateServiceAccountBodySchema,
  CreateTokenBodySchema,
  CreateUserBodySchema,
  SERVICE_PREFIX,
  SignInBodySchema,
  UserIdSchema,
  type CalendarFeed,
  type Role,
  type TokenCreated,
  type TokenList,
  type TokenView,
  type UserList,
  type UserView,
} from './auth-schemas';
import { conflict, forbidden, notFound, parseInput, toServiceError, unauthorized } from './errors';
import { DEFAULT_THROTTLE, SignInThrottle, type ThrottleKey, type ThrottleSettings } from './sign-in-throttle';

/** Who is signed in, as the API sees it. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  /** A person, or a service account (an integration; `email` is then `service:<name>`). */
  kind: 'person' | 'service';
  via: 'session' | 'token';
}

export interface UserServiceOptions {
  prisma: PrismaClient;
  /** bcrypt cost. Default 12 (about a quarter of a second per sign-in on one core). */
  bcryptRounds?: number;
  /** Sign-in throttling (./sign-in-throttle.ts); default 5 failures, 1 to 15 minutes. */
  signInThrottle?: Partial<ThrottleSettings>;
  /** The clock of sign-in throttling (tests move it instead of waiting). */
  now?: () => Date;
}

type UserRow = { id: string; email: string; role: Role; kind: 'person' | 'service'; createdAt: Date; disabledAt: Date | null };
type TokenRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; user: { email: string } };

const sha256 = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');
/** A secret with a prefix that says what it is (a leaked `pf_` string is recognisably an API token). */
const newSecret = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const API_TOKEN_PREFIX = 'pf';
/** A new API token and the SHA-256 that is all PracticeFlow keeps of it. */
export function newApiToken(): { token: string; tokenHash: string } {
  const token = newSecret(API_TOKEN_PREFIX);
  return { token, tokenHash: sha256(token) };
}
const SESSION_PREFIX = 'pfs';
const FEED_PREFIX = 'cal';

/** Records an access change in the ledger inside the change's own transaction (idempotent on `key`). */
async function recordAccess(tx: LedgerTx, action: string, key: string, actor: string, detail: Record<string, unknown>): Promise<void> {
  await appendInTransaction(tx, [{ businessKey: `${action}:${key}`, occurredAt: new Date().toISOString(), actor, action, rule: ACCESS_RULE, detail }]);
}

const userView = (u: UserRow): UserView => ({ id: u.id, email: u.email, role: u.role, kind: u.kind, createdAt: u.createdAt.toISOString(), disabledAt: u.disabledAt?.toISOString() ?? null });
const authUser = (u: UserRow, via: AuthUser['via']): AuthUser => ({ id: u.id, email: u.email, role: u.role, kind: u.kind, via });

/** Serializes changes that could leave no active admin (two admins disabling each other at once). */
const ADMIN_CHANGE_LOCK_KEY = 7_406_113_202;
const tokenView = (t: TokenRow): TokenView => ({
  id: t.id,
  name: t.name,
  email: t.user.email,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === 'P2002';

export class UserService {
  private readonly prisma: PrismaClient;
  private readonly rounds: number;
  /** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;
  readonly throttle: SignInThrottle;

  constructor(options: UserServiceOptions) {
    this.prisma = options.prisma;
    this.rounds = options.bcryptRounds ?? 12;
    this.throttle = new SignInThrottle(options.prisma, { ...DEFAULT_THROTTLE, ...options.signInThrottle }, options.now ?? (() => new Date()));
  }

  async hashPassword(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  /**
   * Creates a user (admin route, and `practiceflow user create` before anyone can sign in).
   * `actor`: who grants the access (the admin; for the first admin, the CLI's operating-system user).
   */
  async createUser(body: unknown, actor: string): Promise<UserView> {
    const input = parseInput(CreateUserBodySchema, body);
    return this.db('create the user', async () => {
      const passwordHash = await this.hashPassword(input.password);
      try {
        return await this.prisma.$transaction(async (tx) => {
          const user = await tx.user.create({ data: { email: input.email, role: input.role, passwordHash } });
          await recordAccess(tx, ACCESS_ACTIONS.userCreated, user.id, actor, { userId: user.id, email: user.email, role: user.role });
          return userView(user);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`email: a user ${input.email} already exists`);
        throw err;
      }
    });
  }

  async listUsers(): Promise<UserList> {
    return this.db('list users', async () => ({ users: (await this.prisma.user.findMany({ orderBy: { email: 'asc' } })).map(userView) }));
  }

  async countUsers(): Promise<number> {
    return this.db('count users', () => this.prisma.user.count());
  }

  /**
   * Creates a service account: an integration's own identity (`service:<name>`), with a role that
   * is never admin and no password (it cannot sign in with the form); an admin issues its tokens.
   */
  async createServiceAccount(body: unknown, actor: string): Promise<UserView> {
    const input = parseInput(CreateServiceAccountBodySchema, body);
    return this.db('create the service account', async () => {
      try {
        return await this.prisma.$transaction(async (tx) => {
          const account = await tx.user.create({ data: { email: `${SERVICE_PREFIX}${input.name}`, role: input.role, kind: 'service', passwordHash: null } });
          await recordAccess(tx, ACCESS_ACTIONS.serviceAccountCreated, account.id, actor, { userId: account.id, email: account.email, role: account.role, kind: 'service' });
          return userView(account);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`name: a service account ${input.name} already exists`);
        throw err;
      }
    });
  }

  /**
   * Disables a user or service account: no more sign-in, their sessions end and their API tokens
   * are revoked (enabling again does not bring them back). The row stays: the audit ledger names
   * them. Refused (409) for your own account and for the last active admin.
   */
  async disableUser(id: string, actor: string): Promise<UserView> {
    return this.changeUser(id, 'disable the user', async (tx, existing, now) => {
      if (existing.disabledAt) return userView(existing);
      if (existing.email === actor) throw conflict(`id: you cannot disable your own account (${actor}); another admin can`);
      if (existing.role === 'admin' && (await tx.user.count({ where: { role: 'admin', disabledAt: null } })) <= 1) {
        throw conflict(`id: ${existing.email} is the last active admin; make someone else admin first, or nobody could manage access`);
      }
      const user = await tx.user.update({ where: { id: existing.id }, data: { disabledAt: now } });
      const ended = await tx.userSession.updateMany({ where: { userId: user.id, endedAt: null }, data: { endedAt: now, endReason: 'disabled' } });
      const revoked = await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
      await recordAccess(tx, ACCESS_ACTIONS.userDisabled, `${user.id}:${now.toISOString()}`, actor, {
        userId: user.id,
        email: user.email,
        role: user.role,
        sessionsEnded: ended.count,
        tokensRevoked: revoked.count,
      });
      return userView(user);
    });
  }

  /** Enables a disabled user or service account again: sign-in works; old sessions and tokens stay ended. */
  async enableUser(id: string, actor: string): Promise<UserView> {
    return this.changeUser(id, 'enable the user', async (tx, existing, now) => {
      if (!existing.disabledAt) return userView(existing);
      const user = await tx.user.update({ where: { id: existing.id }, data: { disabledAt: null } });
      await recordAccess(tx, ACCESS_ACTIONS.userEnabled, `${user.id}:${now.toISOString()}`, actor, { userId: user.id, email: user.email, role: user.role, disabledAt: existing.disabledAt.toISOString() });
      return userView(user);
    });
  }

  /**
   * Creates an API token (shown once): for the person asking (a token never acts as another
   * person), or, by an admin, for a service account. `actor`: who issues it (default: the owner).
   */
  async createToken(owner: AuthUser, body: unknown, actor: string = owner.email): Promise<TokenCreated> {
    const input = parseInput(CreateTokenBodySchema, body);
    if (input.email !== undefined && input.email !== owner.email) {
      throw forbidden(
        `email: a token acts as the person it is issued to, so you create tokens only for yourself (${owner.email}), not for ${input.email}; for an integration, create a service account and issue its token (serviceAccount)`,
        [{ path: 'email', message: `must be you (${owner.email}): a token never acts as another person` }],
      );
    }
    if (owner.kind === 'service') throw forbidden(`a service account's tokens are issued by an admin (signed in as ${owner.email})`);
    return this.db('create the token', async () => {
      let userId = owner.id;
      if (input.serviceAccount !== undefined) {
        if (owner.role !== 'admin') throw forbidden(`serviceAccount: only an admin issues tokens for a service account (signed in as ${owner.email}, role ${owner.role})`, [{ path: 'serviceAccount', message: 'only an admin may' }]);
        const account = await this.prisma.user.findUnique({ where: { email: `${SERVICE_PREFIX}${input.serviceAccount}` } });
        if (!account || account.kind !== 'service') throw notFound(`serviceAccount: no service account ${input.serviceAccount}`);
        if (account.disabledAt) throw conflict(`serviceAccount: ${input.serviceAccount} is disabled`);
        userId = account.id;
      }
      const { token, tokenHash } = newApiToken();
      return this.prisma.$transaction(async (tx) => {
        const row = await tx.apiToken.create({ data: { userId, name: input.name, tokenHash }, include: { user: { select: { email: true } } } });
        await recordAccess(tx, ACCESS_ACTIONS.tokenCreated, row.id, actor, { tokenId: row.id, name: row.name, email: row.user.email });
        return { ...tokenView(row), token };
      });
    });
  }

  async revokeToken(id: string, actor: string): Promise<TokenView> {
    const tokenId = parseInput(UserIdSchema, id, 'id');
    return this.db('revoke the token', async () => {
      const existing = await this.prisma.apiToken.findUnique({ where: { id: tokenId }, include: { user: { select: { email: true } } } });
      if (!existing) throw notFound(`id: no API token "${tokenId}"`);
      if (existing.revokedAt) return tokenView(existing);
      return this.prisma.$transaction(async (tx) => {
        const row = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, include: { user: { select: { email: true } } } });
        await recordAccess(tx, ACCESS_ACTIONS.tokenRevoked, row.id, actor, { tokenId: row.id, name: row.name, email: row.user.email });
        return tokenView(row);
      });
    });
  }

  /** The API tokens, newest first (never the tokens themselves: only their hashes are kept). */
  async listTokens(): Promise<TokenList> {
    return this.db('list API tokens', async () => ({
      tokens: (await this.prisma.apiToken.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], include: { user: { select: { email: true } } } })).map(tokenView),
    }));
  }

  /** The user an API token belongs to; undefined when it is unknown, revoked or its user disabled. */
  async authenticateToken(token: string): Promise<AuthUser | undefined> {
    return this.db('check the API token', async () => {
      const row = await this.prisma.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
      if (!row || row.revokedAt || row.user.disabledAt) return undefined;
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      return authUser(row.user, 'token');
    });
  }

  /**
   * Checks email and password and opens a session; the answer never says which of the two was
   * wrong. Throttled per email and per client address `from` (./sign-in-throttle.ts): while locked,
   * 429 before the password is looked at (equally fast for every email); otherwise exactly one
   * bcrypt comparison whatever the case (unknown email, service account, disabled user, wrong
   * password), so the time taken does not tell whether an account exists (NIST SP 800-63B 5.2.2).
   */
  async signIn(body: unknown, from: { address?: string } = {}): Promise<{ user: AuthUser; sessionToken: string }> {
    const input = parseInput(SignInBodySchema, body);
    const address = from.address && from.address !== 'unknown' ? from.address : undefined;
    const keys: ThrottleKey[] = [{ scope: 'account', key: input.email }, ...(address ? [{ scope: 'address' as const, key: address }] : [])];
    return this.db('sign in', async () => {
      await this.throttle.assertNotLocked(keys);
      const dummy = await this.dummy(); // before the lookup: the first sign-in costs the same either way
      const user = await this.prisma.user.findUnique({ where: { email: input.email } });
      const ok = await bcrypt.compare(input.password, user?.passwordHash ?? dummy);
      if (!user || !user.passwordHash || !ok || user.disabledAt) {
        await this.throttle.recordFailure(keys, address ?? 'unknown');
        throw unauthorized('email or password is not correct (or the user is disabled)');
      }
      await this.throttle.recordSuccess(input.email);
      const sessionToken = newSecret(SESSION_PREFIX);
      await this.prisma.userSession.create({ data: { userId: user.id, tokenHash: sha256(sessionToken), lastSeenAt: new Date() } });
      return { user: authUser(user, 'session'), sessionToken };
    });
  }

  /**
   * The session's user, and the session marked as used now. A session idle for longer than
   * `idleMs` is ended on the spot (automatic logoff, 45 CFR 164.312(a)(2)(iii)): 'idle'.
   */
  async sessionUser(sessionToken: string, idleMs: number, now = new Date()): Promise<AuthUser | 'idle' | undefined> {
    return this.db('check the session', async () => {
      const row = await this.prisma.userSession.findUnique({ where: { tokenHash: sha256(sessionToken) }, include: { user: true } });
      if (!row || row.endedAt || row.user.disabledAt) return undefined;
      if (now.getTime() - row.lastSeenAt.getTime() > idleMs) {
        await this.prisma.userSession.update({ where: { id: row.id }, data: { endedAt: now, endReason: 'idle' } });
        return 'idle';
      }
      await this.prisma.userSession.update({ where: { id: row.id }, data: { lastSeenAt: now } });
      return authUser(row.user, 'session');
    });
  }

  async signOut(sessionToken: string): Promise<boolean> {
    return this.db('sign out', async () => {
      const { count } = await this.prisma.userSession.updateMany({ where: { tokenHash: sha256(sessionToken), endedAt: null }, data: { endedAt: new Date(), endReason: 'signed_out' } });
      return count > 0;
    });
  }

  /**
   * The user's private calendar feed. Created when they have none; PracticeFlow keeps only the
   * SHA-256 of its token, so an existing feed's URL cannot be shown again: revoke it for a new one.
   */
  async calendarFeed(user: AuthUser, feedUrl: (token: string) => string): Promise<CalendarFeed> {
    return this.db('open the calendar feed', async () => {
      const existing = await this.prisma.calendarFeedToken.findFirst({ where: { userId: user.id, revokedAt: null }, orderBy: { createdAt: 'desc' } });
      if (existing) {
        return {
          url: null,
          created: false,
          createdAt: existing.createdAt.toISOString(),
          note: 'Your feed exists; its URL was shown once, when it was created. Revoke it (POST /api/me/calendar-feed/revoke) to get a new URL.',
        };
      }
      const token = newSecret(FEED_PREFIX);
      const row = await this.prisma.calendarFeedToken.create({ data: { userId: user.id, tokenHash: sha256(token) } });
      return { url: feedUrl(token), created: true, createdAt: row.createdAt.toISOString() };
    });
  }

  async revokeCalendarFeed(user: AuthUser): Promise<{ revoked: number }> {
    return this.db('revoke the calendar feed', async () => {
      const { count } = await this.prisma.calendarFeedToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
      return { revoked: count };
    });
  }

  /** Whose feed a token opens; undefined when unknown, revoked or the user is disabled. */
  async feedOwner(token: string): Promise<{ id: string; email: string } | undefined> {
    return this.db('read the calendar feed', async () => {
      const row = await this.prisma.calendarFeedToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
      if (!row || row.revokedAt || row.user.disabledAt) return undefined;
      await this.prisma.calendarFeedToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      return { id: row.user.id, email: row.user.email };
    });
  }

  private dummy(): Promise<string> {
    return (this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.rounds));
  }

  /** A change to one user, in a transaction that no other admin change runs beside (the last-admin rule). */
  private async changeUser(id: string, operation: string, change: (tx: LedgerTx, existing: UserRow, now: Date) => Promise<UserView>): Promise<UserView> {
    const userId = parseInput(UserIdSchema, id, 'id');
    return this.db(operation, () =>
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK_KEY}::bigint)`;
        const existing = await tx.user.findUnique({ where: { id: userId } });
        if (!existing) throw notFound(`id: no user "${userId}"`);
        return change(tx, existing, new Date());
      }),
    );
  }

  /** Database failures become ServiceErrors (503 when the database cannot be reached). */
  private async db<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toServiceError(err, { operation }) ?? err;
    }
  }
}
