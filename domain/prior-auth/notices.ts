// The words of prior-authorization notices. Minimum necessary (45 CFR 164.502(b)): the
// authorization id, the patient reference, the CPT/HCPCS code, dates and rules; never a patient
// name, a diagnosis, the payer's denial reason or what it asked for (those stay in the record).
import { CMS_IMPACTED, type Payer } from '../payers/payer';
import type { NoticeText } from '../tasks/notices';
import type { SubmissionReceipt } from './submitter';

export interface PriorAuthNoticeContext {
  flowId: string;
  authorizationId: string;
  patientRef: string;
  serviceCode: string;
  payer: Payer;
}

export const priorAuthTitle = (ctx: Pick<PriorAuthNoticeContext, 'authorizationId' | 'patientRef' | 'serviceCode'>): string =>
  `Prior authorization ${ctx.authorizationId} (patient ref ${ctx.patientRef}, CPT/HCPCS ${ctx.serviceCode})`;

const payerLabel = (payer: Payer) => `${payer.name ?? payer.id ?? 'payer'} (${payer.type})`;
const footer = (ctx: PriorAuthNoticeContext) => `\n\nFlow: ${ctx.flowId}\nAuthorization: ${ctx.authorizationId}\nPatient ref: ${ctx.patientRef}\nCPT/HCPCS: ${ctx.serviceCode}`;

export function renderDecisionOverdue(
  ctx: PriorAuthNoticeContext,
  clock: { decisionDueAt: string; rule: string; submittedAt: string },
  receipt: SubmissionReceipt,
  n: number,
): NoticeText {
  const where = CMS_IMPACTED.has(ctx.payer.type)
    ? 'The payer is subject to CMS-0057-F decision timeframes: the evidence supports a complaint to CMS or the state Medicaid agency.'
    : 'The evidence supports a complaint under the plan\'s claims procedure or to the state insurance regulator.';
  return {
    subject: `${n === 1 ? 'Payer decision overdue' : `Payer decision still overdue (notice ${n})`}: prior authorization ${ctx.authorizationId}, CPT/HCPCS ${ctx.serviceCode}`,
    text:
      `${payerLabel(ctx.payer)} has not decided prior authorization ${ctx.authorizationId}.\n` +
      `Submitted: ${clock.submittedAt} via ${receipt.channel}, confirmation ${receipt.confirmationNumber} (recorded by ${receipt.by})\n` +
      `Decision due: ${clock.decisionDueAt}\nRule: ${clock.rule}\n\n` +
      `Call the payer, and record the decision in PracticeFlow when it arrives. ${where} The submission proof and times are in the audit ledger (prior_auth.decision_overdue).` +
      footer(ctx),
  };
}

export function renderUnitsLow(ctx: PriorAuthNoticeContext, units: { authorized: number; used: number; remaining: number }, validTo: string): NoticeText {
  return {
    subject: `Authorized units running low: prior authorization ${ctx.authorizationId} (${units.remaining} of ${units.authorized} left)`,
    text: `${units.used} of ${units.authorized} authorized units of CPT/HCPCS ${ctx.serviceCode} are used; ${units.remaining} remain (authorization valid to ${validTo}). Request more units before the next service if it needs them.${footer(ctx)}`,
  };
}

export function renderExpiredUnused(ctx: PriorAuthNoticeContext, authorizationNumber: string, validTo: string, unitsRemaining: number): NoticeText {
  return {
    subject: `Authorization ended without service: ${ctx.authorizationId} (CPT/HCPCS ${ctx.serviceCode})`,
    text: `Payer authorization ${authorizationNumber} ended on ${validTo}; no service was recorded and ${unitsRemaining} units were unused. A new prior authorization is needed before the service.${footer(ctx)}`,
  };
}
