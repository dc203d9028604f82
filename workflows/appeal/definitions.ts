// Messages specific to claim appeal flows. The flow also answers the task engine's completeTask,
// cancelFlow and checklist messages (../task-engine/definitions), so the API and CLI work with it.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AppealLevel } from '../../domain/appeals/filing';
import type { AppealDecisionInput, CloseAppealInput, SubmissionProof } from '../../domain/appeals/request';
import type { FilledLetter } from '../../domain/appeals/letter';
import type { FlowStatus, TaskView } from '../../domain/tasks/model';

/** The workflow type name other flows (prior authorization) start as a child. */
export const CLAIM_APPEAL_WORKFLOW_TYPE = 'claimAppealFlow';

export interface AppealSubmission extends Required<Omit<SubmissionProof, 'submittedAt'>> {
  submittedAt: string;
  by: string;
  /** Submitted on or before the filing deadline (the receipt that wins a timely-filing dispute). */
  timely: boolean;
}

export interface AppealDecisionRecord {
  level: AppealLevel;
  outcome: AppealDecisionInput['outcome'];
  amountRecovered?: number;
  noticeDate?: string;
  receivedDate?: string;
  by: string;
  recordedAt: string;
  note?: string;
}

/** One level already decided (kept across continue-as-new). */
export interface AppealLevelRecord {
  level: AppealLevel;
  noticeDate: string;
  filingDeadline: string;
  rule: string;
  submission?: AppealSubmission;
  decision?: AppealDecisionRecord;
}

export interface AppealView {
  workflowId: string;
  appealId: string;
  claimId: string;
  status: FlowStatus;
  level: AppealLevel;
  noticeDate: string;
  receiptDate: string;
  receiptPresumed: boolean;
  filingDeadline: string;
  rule: string;
  decisionDays?: number;
  decisionRule?: string;
  /** When the payer's decision is due (set once the appeal is submitted and the level has a clock). */
  decisionDue?: string;
  nextLevel?: AppealLevel;
  amountInControversy: number;
  amountRecovered: number;
  tasks: TaskView[];
  letter: FilledLetter;
  submission?: AppealSubmission;
  /** Every decision so far, oldest first (earlier levels included). */
  decisions: AppealDecisionRecord[];
  /** Earlier levels of this appeal, oldest first. */
  previousLevels: AppealLevelRecord[];
  /** Why the flow ended, once it has. */
  outcome?: { kind: 'won' | 'partially_won' | 'exhausted' | 'not_appealable' | 'closed'; detail: string; at: string };
}

export const recordAppealDecisionUpdate = defineUpdate<AppealView, [AppealDecisionInput]>('recordAppealDecision');
export const closeAppealUpdate = defineUpdate<AppealView, [CloseAppealInput]>('closeAppeal');
export const appealQuery = defineQuery<AppealView>('appeal');
