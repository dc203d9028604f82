// Sign-in throttling: repeated failed sign-ins lock sign-in for a while, per account and per client
// address, with the counters in PostgreSQL so that every API process behind a load balancer counts
// the same failures (a per-process counter would give an attacker N times the guesses).
//
// NIST SP 800-63B 5.2.2 (rate limiting): after THRESHOLD consecutive failures (5) sign-in is locked
// for BASE (1 minute), doubled at each further failure, at most MAX (15 minutes); every failure past
// the threshold starts a new lock, so guessing is held to one try per lock. The account key is the
// email as typed, whether or not such a user exists: a lock looks the same for a real account and an
// invented one, so locking reveals nothing. The address key is the client's IP (api/forwarded.ts):
// one address trying many accounts is locked too. A success clears the account's count (not the
// address's: one known password must not buy unlimited guesses at other accounts); a count is
// forgotten after QUIET (15 minutes) with no failure and no lock, so an office behind one address
// is not locked by a few typos over a day.
//
// 45 CFR 164.308(a)(5)(ii)(C) (log-in monitoring): each lock is appended to the audit ledger, and so
// is an admin lifting one. Each failure is counted in one transaction holding the counter's row
// lock (SELECT ... FOR UPDATE): concurrent failures on several processes are each counted once.
import { appendInTransaction, type LedgerTx } from '../activities/audit/ledger';
import { SIGN_IN_ACTIONS, SIGN_IN_RULE } from '../activities/audit/retention';
import { EmailSchema } from '../domain/tasks/model';
import type { PrismaClient } from '../generated/prisma/client';
import { LiftSignInLockBodySchema, type SignInLock, type SignInLockList, type ThrottleScope } from './auth-schemas';
import { notFound, parseInput, TooManyRequestsError } from './errors';

export interface ThrottleSettings {
  /** Failures before the first lock. */
  threshold: number;
  /** The first lock; each further failure doubles it. */
  baseLockMs: number;
  /** The longest lock. */
  maxLockMs: number;
  /** A count with no failure and no lock for this long starts again from zero. */
  quietMs: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { threshold: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000, quietMs: 15 * 60_000 };

/** Who the ledger names for a lock: PracticeFlow itself. */
export const THROTTLE_ACTOR = 'system:sign-in-throttle';

export interface ThrottleKey {
  scope: ThrottleScope;
  key: string;
}

type Row = { scope: string; key: string; failures: number; lastFailureAt: Date; lockedUntil: Date | null };

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export class SignInThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly settings: ThrottleSettings,
    private readonly now: () => Date,
  ) {}

  /** How long a lock lasts at this many failures (0 below the threshold). */
  lockMs(failures: number): number {
    const { threshold, baseLockMs, maxLockMs } = this.settings;
    return failures < threshold ? 0 : Math.min(maxLockMs, baseLockMs * 2 ** (failures - threshold));
  }

  /**
   * Refuses (429) while any of the keys is locked, before the password is looked at: equally fast
   * for every email, so the answer says nothing about whether the account exists.
   */
  async assertNotLocked(keys: readonly ThrottleKey[]): Promise<void> {
    const now = this.now();
    const rows = await this.prisma.signInThrottle.findMany({ where: { OR: keys.map((k) => ({ scope: k.scope, key: k.key })), lockedUntil: { gt: now } } });
    const longest = rows.sort((a, b) => b.lockedUntil!.getTime() - a.lockedUntil!.getTime())[0];
    if (!longest) return;
    const wait = seconds(longest.lockedUntil!.getTime() - now.getTime());
    throw new TooManyRequestsError(
      `sign-in is locked after repeated failures ${longest.scope === 'account' ? 'for this email' : 'from this address'}: try again in ${wait} s, or ask an admin to lift the lock`,
      wait,
    );
  }

  /**
   * Counts a failed sign-in against every key, atomically; when that starts a lock, records it in
   * the ledger (in the same transaction) and refuses with 429 naming how long.
   */
  async recordFailure(keys: readonly ThrottleKey[], attemptFrom: string): Promise<void> {
    const now = this.now();
    // Always the same order (account, then address): two transactions never wait on each other crosswise.
    const ordered = [...keys].sort((a, b) => a.scope.localeCompare(b.scope) || a.key.localeCompare(b.key));
    const locks = await this.prisma.$transaction(async (tx) => {
      const started: { scope: ThrottleScope; until: Date }[] = [];
      for (const { scope, key } of ordered) {
        await tx.$executeRaw`INSERT INTO sign_in_throttle (scope, key, failures, last_failure_at) VALUES (${scope}, ${key}, 0, ${now}) ON CONFLICT DO NOTHING`;
        const [row] = await tx.$queryRaw<{ failures: number; last_failure_at: Date; locked_until: Date | null }[]>`
          SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE scope = ${scope} AND key = ${key} FOR UPDATE`;
        const quietSince = Math.max(row!.last_failure_at.getTime(), row!.locked_until?.getTime() ?? 0);
        const failures = now.getTime() - quietSince > this.settings.quietMs ? 1 : row!.failures + 1;
        const lockMs = this.lockMs(failures);
        const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
        await tx.signInThrottle.update({ where: { scope_key: { scope, key } }, data: { failures, lastFailureAt: now, lockedUntil } });
        if (lockedUntil) {
          started.push({ scope, until: lockedUntil });
          await this.record(tx, SIGN_IN_ACTIONS.locked, THROTTLE_ACTOR, now, { scope, key, failures, lockedUntil: lockedUntil.toISOString(), lockSeconds: seconds(lockMs), attemptFrom });
        }
      }
      // Counters nobody has touched for a day are of no use any more (and may hold a mistyped secret).
      await tx.signInThrottle.deleteMany({ where: { lastFailureAt: { lt: new Date(now.getTime() - 86_400_000) }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] } });
      return started;
    });
    const longest = locks.sort((a, b) => b.until.getTime() - a.until.getTime())[0];
    if (longest) {
      const wait = seconds(longest.until.getTime() - now.getTime());
      throw new TooManyRequestsError(`sign-in is now locked after repeated failures ${longest.scope === 'account' ? 'for this email' : 'from this address'}: try again in ${wait} s, or ask an admin to lift the lock`, wait);
    }
  }

  /** A successful sign-in clears the account's count. */
  async recordSuccess(account: string): Promise<void> {
    await this.prisma.signInThrottle.deleteMany({ where: { scope: 'account', key: account } });
  }

  /** Counters with failures that still count, locked ones first. */
  async list(): Promise<SignInLockList> {
    const now = this.now();
    const rows = await this.prisma.signInThrottle.findMany({ orderBy: [{ lockedUntil: { sort: 'desc', nulls: 'last' } }, { lastFailureAt: 'desc' }] });
    return { locks: rows.filter((r) => r.failures > 0 && !this.forgotten(r, now)).map((r) => this.view(r, now)) };
  }

  /** An admin lifts a lock (and clears the count), recorded in the ledger under their name. */
  async lift(body: unknown, actor: string): Promise<SignInLock> {
    const input = parseInput(LiftSignInLockBodySchema, body);
    const { scope } = input;
    const key = scope === 'account' ? input.key.toLowerCase() : input.key;
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ failures: number; locked_until: Date | null }[]>`
        SELECT failures, locked_until FROM sign_in_throttle WHERE scope = ${scope} AND key = ${key} FOR UPDATE`;
      if (!row || row.failures === 0) throw notFound(`key: no failed sign-ins are counted for ${scope} ${key}`);
      const updated = await tx.signInThrottle.update({ where: { scope_key: { scope, key } }, data: { failures: 0, lockedUntil: null } });
      const wasLocked = row.locked_until !== null && row.locked_until > now;
      await this.record(tx, SIGN_IN_ACTIONS.unlocked, actor, now, { scope, key, failures: row.failures, wasLockedUntil: wasLocked ? row.locked_until!.toISOString() : null });
      return this.view(updated, now);
    });
  }

  private forgotten(row: Row, now: Date): boolean {
    return now.getTime() - Math.max(row.lastFailureAt.getTime(), row.lockedUntil?.getTime() ?? 0) > this.settings.quietMs;
  }

  private view(row: Row, now: Date): SignInLock {
    const locked = row.lockedUntil !== null && row.lockedUntil > now;
    return {
      scope: row.scope as ThrottleScope,
      key: row.key,
      failures: row.failures,
      lastFailureAt: row.lastFailureAt.toISOString(),
      lockedUntil: locked ? row.lockedUntil!.toISOString() : null,
      retryAfterSeconds: locked ? seconds(row.lockedUntil!.getTime() - now.getTime()) : null,
    };
  }

  private async record(tx: LedgerTx, action: string, actor: string, now: Date, detail: { scope: ThrottleScope; key: string; failures: number } & Record<string, unknown>): Promise<void> {
    // A password typed into the email field must not end up in the permanent record.
    const key = detail.scope === 'account' && !EmailSchema.safeParse(detail.key).success ? '(not an email address)' : detail.key;
    await appendInTransaction(tx, [
      { businessKey: `${action}:${detail.scope}:${key}:${String(detail.failures)}:${now.toISOString()}`, occurredAt: now.toISOString(), actor, action, rule: SIGN_IN_RULE, detail: { ...detail, key } },
    ]);
  }
}
