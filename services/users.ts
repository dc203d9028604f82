// People who sign in, their sessions, API tokens and calendar feed tokens.
//
// 45 CFR 164.312(d) (person or entity authentication): a person proves who they are with a
// password (bcrypt, bcryptjs: maintained, pure JavaScript, nothing to compile) or an API token
// issued to them; every secret PracticeFlow hands out (session, API token, feed token) is 256
// random bits of which only the SHA-256 is stored, so a copy of the database signs nobody in.
// 45 CFR 164.312(a)(2)(iii) (automatic logoff): a session unused for longer than the idle
// timeout is ended here, on the server, whatever the browser still holds (sessionUser below).
// 45 CFR 164.308(a)(4)(ii)(C) (access establishment and modification): creating and disabling a
// user and issuing and revoking an API token are appended to the audit ledger, by whom, in the same
// transaction as the change, so the record of who could sign in when is as tamper-evident as the rest.
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { appendInTransaction, type LedgerTx } from '../activities/audit/ledger';
import { ACCESS_ACTIONS, ACCESS_RULE } from '../activities/audit/retention';
import type { PrismaClient } from '../generated/prisma/client';
import {
  CreateTokenBodySchema,
  CreateUserBodySchema,
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
import { conflict, notFound, parseInput, toServiceError, unauthorized } from './errors';

/** Who is signed in, as the API sees it. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  via: 'session' | 'token';
}

export interface UserServiceOptions {
  prisma: PrismaClient;
  /** bcrypt cost. Default 12 (about a quarter of a second per sign-in on one core). */
  bcryptRounds?: number;
}

type UserRow = { id: string; email: string; role: Role; createdAt: Date; disabledAt: Date | null };
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

const userView = (u: UserRow): UserView => ({ id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString(), disabledAt: u.disabledAt?.toISOString() ?? null });
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

  constructor(options: UserServiceOptions) {
    this.prisma = options.prisma;
    this.rounds = options.bcryptRounds ?? 12;
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
   * Disables a user: they can no longer sign in, their sessions end and their tokens stop working.
   * The row stays: the audit ledger names them.
   */
  async disableUser(id: string, actor: string): Promise<UserView> {
    const userId = parseInput(UserIdSchema, id, 'id');
    return this.db('disable the user', async () => {
      const existing = await this.prisma.user.findUnique({ where: { id: userId } });
      if (!existing) throw notFound(`id: no user "${userId}"`);
      if (existing.disabledAt) return userView(existing);
      const now = new Date();
      return this.prisma.$transaction(async (tx) => {
        const user = await tx.user.update({ where: { id: userId }, data: { disabledAt: now } });
        const ended = await tx.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: now, endReason: 'disabled' } });
        await recordAccess(tx, ACCESS_ACTIONS.userDisabled, user.id, actor, { userId: user.id, email: user.email, role: user.role, sessionsEnded: ended.count });
        return userView(user);
      });
    });
  }

  /** `actor`: who issues it (default: the owner, as when an admin issues their own). */
  async createToken(owner: AuthUser, body: unknown, actor: string = owner.email): Promise<TokenCreated> {
    const input = parseInput(CreateTokenBodySchema, body);
    return this.db('create the token', async () => {
      let userId = owner.id;
      if (input.email !== undefined && input.email !== owner.email) {
        const user = await this.prisma.user.findUnique({ where: { email: input.email } });
        if (!user) throw notFound(`email: no user ${input.email}`);
        if (user.disabledAt) throw conflict(`email: ${input.email} is disabled`);
        userId = user.id;
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
      return { id: row.user.id, email: row.user.email, role: row.user.role, via: 'token' };
    });
  }

  /** Checks email and password and opens a session; the answer never says which of the two was wrong. */
  async signIn(body: unknown): Promise<{ user: AuthUser; sessionToken: string }> {
    const input = parseInput(SignInBodySchema, body);
    return this.db('sign in', async () => {
      const user = await this.prisma.user.findUnique({ where: { email: input.email } });
      const ok = await bcrypt.compare(input.password, user?.passwordHash ?? (await this.dummy()));
      if (!user || !ok || user.disabledAt) throw unauthorized('email or password is not correct (or the user is disabled)');
      const sessionToken = newSecret(SESSION_PREFIX);
      await this.prisma.userSession.create({ data: { userId: user.id, tokenHash: sha256(sessionToken), lastSeenAt: new Date() } });
      return { user: { id: user.id, email: user.email, role: user.role, via: 'session' }, sessionToken };
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
      return { id: row.user.id, email: row.user.email, role: row.user.role, via: 'session' };
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

  /** Database failures become ServiceErrors (503 when the database cannot be reached). */
  private async db<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toServiceError(err, { operation }) ?? err;
    }
  }
}
