// Which database failures are permanent, classified from what PostgreSQL really answers (through
// Prisma's driver adapter and through node-postgres): a value it cannot store or a broken
// constraint becomes a non-retryable DataError naming the activity and the code, never the value;
// an unreachable database stays retryable.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permanentDataError, withPermanentFailures } from '../../activities/failures';
import { createPrismaClient } from '../../db/client';
import { freePort } from '../../devstack/temporal';
import type { PrismaClient } from '../../generated/prisma/client';
import { freshDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
});
afterAll(async () => db?.drop());

const refusal = async (write: () => Promise<unknown>): Promise<unknown> => write().then(() => undefined, (err: unknown) => err);
const row = (n: number, extra: Record<string, unknown> = {}) => ({ seq: BigInt(n), businessKey: `k${n}`, occurredAt: new Date(), recordedAt: new Date(), actor: 'x', action: 'y', detail: {}, prevHash: 'p', hash: `h${n}`, ...extra });

describe('permanent database failures', () => {
  it('knows a value PostgreSQL cannot store and a broken constraint, by their SQLSTATE', async () => {
    const nulInText = await refusal(() => prisma.auditEntry.create({ data: row(1, { businessKey: 'a\u0000b' }) }));
    expect(permanentDataError(nulInText)).toBe('the database refused the write (SQLSTATE 22021)');
    const nulInJson = await refusal(() => prisma.auditEntry.create({ data: row(2, { detail: { note: 'a\u0000b' } }) }));
    expect(permanentDataError(nulInJson)).toBe('the database refused the write (SQLSTATE 22P05)');
    await prisma.auditEntry.create({ data: row(3) });
    const duplicate = await refusal(() => prisma.auditEntry.create({ data: row(3, { businessKey: 'other' }) }));
    expect(permanentDataError(duplicate)).toMatch(/SQLSTATE 23505|P2002|refused/);
  });

  it('leaves an unreachable database retryable', async () => {
    const gone = createPrismaClient(`postgresql://postgres:x@127.0.0.1:${await freePort()}/x`);
    try {
      const err = await refusal(() => gone.auditEntry.count());
      expect(err).toBeDefined();
      expect(permanentDataError(err)).toBeUndefined();
    } finally {
      await gone.$disconnect();
    }
  });

  it('turns a permanent failure into a non-retryable DataError naming the activity, not the value', async () => {
    const activities = withPermanentFailures({
      recordAudit: async () => {
        await prisma.auditEntry.create({ data: row(9, { businessKey: 'Jane\u0000Doe' }) });
      },
    });
    const err = await refusal(() => activities.recordAudit());
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'DataError', nonRetryable: true, message: 'recordAudit: the database refused the write (SQLSTATE 22021)' });
    expect((err as Error).message).not.toContain('Jane');
  });
});
