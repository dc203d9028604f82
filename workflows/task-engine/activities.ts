// The activities every flow calls, with their retry policies in one place.
import { proxyActivities } from '@temporalio/workflow';
import type { ArchiveActivities, CredentialActivities, EngineActivities, OshaActivities } from '../../activities/contracts';
import { ErrorTypes } from '../../domain/errors';

/**
 * Email: 4xx and connection errors are transient, so back off up to ~2 days in total, then treat
 * the notice as undeliverable. 5xx is permanent (EmailRejected) and never retried.
 */
export const { sendEmail } = proxyActivities<EngineActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '4 hours',
    maximumAttempts: 16,
    nonRetryableErrorTypes: [ErrorTypes.emailRejected],
  },
});

/** The record (ledger, projections) must not lose a write: keep retrying while the database is down. */
const RECORD = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
} as const;

export const { recordAudit, recordFlow } = proxyActivities<EngineActivities>(RECORD);
export const { recordCredential } = proxyActivities<CredentialActivities>(RECORD);
export const { recordOccurrence, recordSite } = proxyActivities<OshaActivities>(RECORD);

/** Schedules and cycle starts talk to Temporal itself: retry while the frontend is unreachable. */
export const { syncSiteSchedules, startBbpCycle, startOccurrenceFlow, closeOccurrences } = proxyActivities<OshaActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** The history archive lists and fetches from Temporal: a generous timeout, retried while it is down. */
export const { archiveClosedRuns } = proxyActivities<ArchiveActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/** The ledger notary's look at the head: quick, retried while the database is down. */
export const { readLedgerHead } = proxyActivities<ArchiveActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
