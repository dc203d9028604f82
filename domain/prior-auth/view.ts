// What the priorAuth query returns: the authorization's state, its payer clock, the decision and
// the staff tasks. Identifiers only (no patient name, no diagnosis).
import type { Payer } from '../payers/payer';
import type { FlowStatus, TaskView } from '../tasks/model';
import type { ClockUnit, Urgency } from './clock';
import type { SubmissionReceipt } from './submitter';

export type PriorAuthStatus =
  | 'awaiting_submission'
  /** Submitted; the payer's clock runs. */
  | 'submitted'
  /** The payer asked for more information; a resubmission starts a new clock. */
  | 'pended'
  | 'approved'
  | 'denied'
  /** Denied; the manager chose a peer-to-peer review and the payer's new decision is awaited. */
  | 'peer_to_peer'
  | 'appeal_requested'
  | 'denial_accepted'
  | 'closed';

export interface PayerClockView {
  /** 1 for the first submission, 2 after the first resubmission... */
  submission: number;
  submittedAt: string;
  decisionDueAt: string;
  decisionDueDate: string;
  rule: string;
  amount: number;
  unit: ClockUnit;
  /** Escalations sent because the payer missed the deadline. */
  escalations: number;
  overdue: boolean;
  /** The next escalation, while the payer has not decided. */
  nextEscalationAt?: string;
  stoppedAt?: string;
}

export interface RecordedDecision {
  outcome: 'approved' | 'denied' | 'pended';
  by: string;
  receivedAt: string;
  recordedAt: string;
  authorizationNumber?: string;
  validFrom?: string;
  validTo?: string;
  units?: number;
  reason?: string;
  denialCodes?: string[];
  infoRequested?: string;
  respondBy?: string;
}

export interface PriorAuthView {
  flowId: string;
  flowStatus: FlowStatus;
  status: PriorAuthStatus;
  authorizationId: string;
  patientRef: string;
  payer: Payer;
  service: { code: string; units: number; scheduledDate: string };
  urgency: Urgency;
  orderingProvider: string;
  submissionTarget: { date: string; rule: string };
  submissions: (SubmissionReceipt & { n: number })[];
  clock?: PayerClockView;
  decisions: RecordedDecision[];
  decision?: RecordedDecision;
  units?: { authorized: number; used: number; remaining: number; lowNoticeSent: boolean };
  servicesRendered: { on: string; unitsUsed: number; by: string; recordedAt: string }[];
  denialPath?: { path: 'peer_to_peer' | 'appeal' | 'accept'; by: string; at: string };
  /**
   * The claim appeal this denial was handed to: a claimAppealFlow child workflow (`started`), or
   * the appeal flow that already ran under that id, started by hand (`existing`).
   */
  appeal?: { workflowId: string; status: 'requested' | 'started' | 'existing' };
  tasks: TaskView[];
  startedAt: string;
  closedAt?: string;
  cancelled?: { by: string; reason: string; at: string };
}
