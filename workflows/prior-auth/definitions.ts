// Messages of the prior-authorization flow. Clients (API, CLI) import these definitions. The flow
// also answers the task engine's completeTask (eligibility_check, documentation, denial_next_step),
// cancelFlow and checklist, so the generic flow routes work on it.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ChooseDenialPathInput, RecordDecisionInput, ServiceRenderedInput } from '../../domain/prior-auth/request';
import type { RecordSubmissionInput } from '../../domain/prior-auth/submitter';
import type { PriorAuthView } from '../../domain/prior-auth/view';

export const recordSubmissionUpdate = defineUpdate<PriorAuthView, [RecordSubmissionInput]>('recordSubmission');
export const recordDecisionUpdate = defineUpdate<PriorAuthView, [RecordDecisionInput]>('recordDecision');
export const recordServiceRenderedUpdate = defineUpdate<PriorAuthView, [ServiceRenderedInput]>('recordServiceRendered');
export const chooseDenialPathUpdate = defineUpdate<PriorAuthView, [ChooseDenialPathInput]>('chooseDenialPath');
export const priorAuthQuery = defineQuery<PriorAuthView>('priorAuth');
