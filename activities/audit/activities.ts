import type { PrismaClient } from '../../generated/prisma/client';
import type { EngineActivities } from '../contracts';
import { appendAuditEvents } from './ledger';

export function createAuditActivities(prisma: PrismaClient): Pick<EngineActivities, 'recordAudit'> {
  return {
    async recordAudit(events) {
      await appendAuditEvents(prisma, events);
    },
  };
}
