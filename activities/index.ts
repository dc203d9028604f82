// All activities, built over their dependencies (database, mail transport) by the worker.
import type { EngineActivities } from './contracts';
import { createAuditActivities } from './audit/activities';
import { createEmailActivities, type EmailDeps } from './email/outbox';
import { createFlowActivities } from './flows/projection';

export type ActivityDeps = EmailDeps;

export function createActivities(deps: ActivityDeps): EngineActivities {
  return {
    ...createEmailActivities(deps),
    ...createAuditActivities(deps.prisma),
    ...createFlowActivities(deps.prisma),
  };
}
