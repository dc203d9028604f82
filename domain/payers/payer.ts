import { z } from 'zod';

export const PAYER_TYPES = [
  'medicare_ffs',
  'medicare_advantage',
  'medicaid_ffs',
  'medicaid_managed_care',
  'chip',
  'ffe_qhp',
  'commercial',
  'aca_individual',
] as const;
export type PayerType = (typeof PAYER_TYPES)[number];

export const PayerSchema = z
  .object({
    type: z.enum(PAYER_TYPES, { error: `must be one of ${PAYER_TYPES.join(', ')}` }),
    /** The practice's identifier for the payer (keys commercial contract overrides), e.g. aetna. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lower-case payer id such as aetna').optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type Payer = z.infer<typeof PayerSchema>;

/**
 * Payers whose prior-authorization decision clocks CMS-0057-F sets (Medicare Advantage,
 * Medicaid and CHIP fee-for-service and managed care). QHPs on the federal exchange are
 * outside these clocks.
 */
export const CMS_IMPACTED: ReadonlySet<PayerType> = new Set(['medicare_advantage', 'medicaid_ffs', 'medicaid_managed_care', 'chip']);
