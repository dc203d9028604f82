// Reads of the record are themselves recorded: who read what, when, through which door (API,
// codec endpoint), as an `audit.accessed` ledger entry (45 CFR 164.312(b) audit controls). The
// entry is written before the answer leaves, so a read that cannot be logged fails.
import { randomUUID } from 'node:crypto';
import { appendAuditEvents } from '../activities/audit/ledger';
import type { PrismaClient } from '../generated/prisma/client';

export const ACCESS_ACTION = 'audit.accessed';
export const READ_RULE = '45 CFR 164.312(b)';

export interface AccessRecord {
  /** Who read: the signed-in user. */
  by: string;
  operation: string;
  subject: { kind: string; id: string | null };
  /** What was asked (identifiers and counts only). */
  query?: object;
  via?: 'api' | 'codec';
}

export async function recordAccess(prisma: PrismaClient, access: AccessRecord): Promise<void> {
  await appendAuditEvents(prisma, [
    {
      businessKey: `${ACCESS_ACTION}:${randomUUID()}`,
      occurredAt: new Date().toISOString(),
      actor: access.by,
      action: ACCESS_ACTION,
      rule: READ_RULE,
      detail: { operation: access.operation, subject: access.subject, query: JSON.parse(JSON.stringify(access.query ?? {})) as unknown, via: access.via ?? 'api' },
    },
  ]);
}
