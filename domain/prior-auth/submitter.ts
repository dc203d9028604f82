// How a prior-authorization request reaches the payer, behind one interface. Today there is one
// submitter, "portal": staff submit on the payer's portal and record it (confirmation number and
// time) through the flow's recordSubmission Update. Later submitters plug in behind the same
// interface with their own channel literal and input schema:
//   - "x12_278": an X12 278 request (with 275 attachments) through a clearinghouse; the proof is the
//     278 response's trace number;
//   - "pas": HL7 Da Vinci PAS, a FHIR Claim (use = preauthorization) sent to Claim/$submit; the proof
//     is the ClaimResponse identifier, and Claim/$inquire polls for a pended decision.
// Those transmit, so the workflow will call them through an activity and record the receipt this
// interface returns; the portal submitter only records what staff already did.
import { z } from 'zod';
import { ActorSchema } from '../tasks/model';
import { instantSchema } from '../calendar/iso-date';

export type SubmissionChannel = 'portal';

/** What the ledger keeps as proof of submission: enough to file a complaint when the payer misses its clock. */
export interface SubmissionReceipt {
  channel: SubmissionChannel;
  /** When the payer received the request (ISO 8601 with offset): the payer's clock starts here. */
  submittedAt: string;
  /** The payer's confirmation / tracking number. */
  confirmationNumber: string;
  by: string;
  /** Channel-specific proof, as strings (e.g. portal confirmation, 278 trace number). */
  proof: Record<string, string>;
}

export interface Submitter<Input> {
  readonly channel: SubmissionChannel;
  /** `recorded`: a person submitted and records it; `transmitted`: PracticeFlow sends it (activity). */
  readonly mode: 'recorded' | 'transmitted';
  /** Validates one submission's input (strict: unknown fields are refused). */
  readonly schema: z.ZodType<Input>;
  /** The receipt to audit and to start the payer's clock from. */
  receipt(input: Input): SubmissionReceipt;
}

export const PortalSubmissionSchema = z
  .object({
    submittedAt: instantSchema(),
    channel: z.literal('portal', { error: 'must be portal (the only submitter so far; X12 278 and Da Vinci PAS will follow)' }),
    confirmationNumber: z.string().trim().min(1, 'must not be empty: the payer portal\'s confirmation number is the proof of submission').max(100),
    by: ActorSchema,
  })
  .strict();
export type PortalSubmissionInput = z.infer<typeof PortalSubmissionSchema>;

export const portalSubmitter: Submitter<PortalSubmissionInput> = {
  channel: 'portal',
  mode: 'recorded',
  schema: PortalSubmissionSchema,
  receipt: (input) => ({
    channel: 'portal',
    submittedAt: input.submittedAt,
    confirmationNumber: input.confirmationNumber,
    by: input.by,
    proof: { portalConfirmationNumber: input.confirmationNumber, recordedBy: input.by },
  }),
};

/** The recordSubmission Update's input: one of the submitters' inputs, told apart by `channel`. */
export const RecordSubmissionSchema = PortalSubmissionSchema;
export type RecordSubmissionInput = z.infer<typeof RecordSubmissionSchema>;

export const SUBMITTERS: { readonly [C in SubmissionChannel]: Submitter<RecordSubmissionInput> } = { portal: portalSubmitter };
