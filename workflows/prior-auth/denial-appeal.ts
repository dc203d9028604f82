// The claim appeal a denied prior authorization hands over to: its own flow (claimAppealFlow,
// ParentClosePolicy ABANDON: it outlives the authorization) under the denial's appeal id
// (domain/prior-auth/request.ts denialAppealId), started from the denial's facts.
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
// Not re-exported by @temporalio/workflow: what a child start rejects with when its id is taken.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { appealWorkflowId, type AppealRequestInput } from '../../domain/appeals/request';
import type { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { denialAppealId, type PriorAuthRequest } from '../../domain/prior-auth/request';
import type { PriorAuthView, RecordedDecision } from '../../domain/prior-auth/view';
import { CLAIM_APPEAL_WORKFLOW_TYPE } from '../appeal/definitions';

/** The appeal flow's request: the denial's notice is when the practice received it. */
export function denialAppealRequest(request: PriorAuthRequest, denial: RecordedDecision, by: string, calendar: BusinessCalendar): AppealRequestInput {
  const receivedOn = calendar.dateOf(Date.parse(denial.receivedAt));
  return {
    appealId: denialAppealId(request.authorizationId),
    claimId: request.authorizationId,
    patientRef: request.patientRef,
    payer: request.payer,
    dateOfService: request.service.scheduledDate,
    noticeDate: receivedOn,
    receivedDate: receivedOn,
    denialCodes: denial.denialCodes ?? [],
    billedAmount: 0,
    deniedAmount: 0,
    priorAuthorizationId: request.authorizationId,
    staffEmail: request.staffEmail,
    managerEmail: request.managerEmail,
    calendar: request.practice,
    startedBy: by,
  };
}

/**
 * Starts the denial's appeal. An appeal flow that already ran under its id (started by hand for
 * this denial, REJECT_DUPLICATE) is the denial's appeal: linked as `existing`, not started again.
 * Without a recorded denial there is nothing to start from: `requested`.
 */
export async function startDenialAppeal(request: PriorAuthRequest, denial: RecordedDecision | undefined, by: string, calendar: BusinessCalendar): Promise<NonNullable<PriorAuthView['appeal']>> {
  const workflowId = appealWorkflowId(denialAppealId(request.authorizationId));
  if (!denial) return { workflowId, status: 'requested' };
  try {
    await startChild(CLAIM_APPEAL_WORKFLOW_TYPE, {
      workflowId,
      args: [denialAppealRequest(request, denial, by, calendar)],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { workflowId, status: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, status: 'existing' };
    throw err;
  }
}
