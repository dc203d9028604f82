// All activities, built over their dependencies (database, mail transport) by the worker.
import type { CredentialActivities, EngineActivities } from './contracts';
import { createAuditActivities } from './audit/activities';
import { createEmailActivities, type EmailDeps } from './email/outbox';
import { createFlowActivities } from './flows/projection';
import { createCredentialActivities } from './credentials/projection';

export type ActivityDeps = EmailDeps;

export type AllActivities = EngineActivities & CredentialActivities;

export function createActivities(deps: ActivityDeps): AllActivities {
  return {
    ...createEmailActivities(deps),
    ...createAuditActivities(deps.prisma),
    ...createFlowActivities(deps.prisma),
    ...createCredentialActivities(deps.prisma),
  };
}
