import { z } from 'zod';

/**
 * A claim adjustment reason (CARC, with its group code) or remark (RARC) code. The group code comes
 * from its table (X12 835 CAS01 claim adjustment group codes: CO, PR, OA, PI, CR); an unknown one
 * is refused rather than silently read as "not CO-29".
 */
export const CLAIM_ADJUSTMENT_GROUPS = ['CO', 'PR', 'OA', 'PI', 'CR'] as const;
export const DenialCodeSchema = z
  .string()
  .regex(/^([A-Z]{2}-)?[A-Z]{0,2}\d{1,3}$/, 'must be a CARC/RARC code such as CO-50 or N115')
  .refine((code) => !code.includes('-') || (CLAIM_ADJUSTMENT_GROUPS as readonly string[]).includes(code.slice(0, 2)), `must start with a claim adjustment group code: ${CLAIM_ADJUSTMENT_GROUPS.join(', ')} (X12 835 CAS01)`);
