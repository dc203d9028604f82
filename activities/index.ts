// All activities, built over their dependencies (database, mail transport, Temporal client) by the worker.
import { ApplicationFailure } from '@temporalio/common';
import type { ArchiveActivities, CredentialActivities, EngineActivities, OshaActivities } from './contracts';
import { archiveClosedRuns } from './audit/archive';
import { createAuditActivities } from './audit/activities';
import { readLedgerHead } from './audit/notary';
import { createEmailActivities, type EmailDeps } from './email/outbox';
import { withPermanentFailures } from './failures';
import { createFlowActivities } from './flows/projection';
import { createCredentialActivities } from './credentials/projection';
import { recordOccurrence, recordSite } from './osha/records';
import { closeOccurrences, startBbpCycle, startOccurrenceFlow, syncSiteSchedules, type TemporalDeps } from './osha/schedules';

export type ActivityDeps = EmailDeps & {
  /** Needed by the activities that act on Temporal (OSHA schedules, BBP cycles). */
  temporal?: TemporalDeps;
};

export type AllActivities = EngineActivities & CredentialActivities & OshaActivities & ArchiveActivities;

function oshaActivities(deps: ActivityDeps): OshaActivities {
  const temporal = (): TemporalDeps => {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for schedules (ActivityDeps.temporal)', 'Misconfigured');
    return deps.temporal;
  };
  return {
    recordOccurrence: (row) => recordOccurrence(deps.prisma, row),
    recordSite: (row) => recordSite(deps.prisma, row),
    syncSiteSchedules: (sync) => syncSiteSchedules(temporal(), sync),
    startBbpCycle: (start) => startBbpCycle(temporal(), start),
    startOccurrenceFlow: (start) => startOccurrenceFlow(temporal(), deps.prisma, start),
    closeOccurrences: (close) => closeOccurrences(temporal(), deps.prisma, close),
  };
}

export function createActivities(deps: ActivityDeps): AllActivities {
  const osha = oshaActivities(deps);
  // The records: a write the database refuses for good is a DataError, not retried (./failures.ts).
  const records = withPermanentFailures({
    ...createAuditActivities(deps.prisma),
    ...createFlowActivities(deps.prisma),
    ...createCredentialActivities(deps.prisma),
    recordOccurrence: osha.recordOccurrence,
    recordSite: osha.recordSite,
  });
  return {
    ...createEmailActivities(deps),
    ...osha,
    ...records,
    archiveClosedRuns: (opts) => {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for the history archive (ActivityDeps.temporal)', 'Misconfigured');
      return archiveClosedRuns({ client: deps.temporal.client, prisma: deps.prisma }, opts);
    },
    readLedgerHead: () => readLedgerHead(deps.prisma),
  };
}
