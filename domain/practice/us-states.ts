// The two-letter codes a worksite or a license can be in: the 50 states, the District of
// Columbia and the territories with their own licensing boards and new-hire reporting
// (USPS Publication 28, Appendix B: state and possession abbreviations). A code outside this
// table is a 400, not a silently ignored state rule.
import { z } from 'zod';

export const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC',
  'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
  'DC',
  'AS', 'GU', 'MP', 'PR', 'VI',
] as const;
export type UsState = (typeof US_STATES)[number];

const STATES: ReadonlySet<string> = new Set(US_STATES);
export const isUsState = (code: string): code is UsState => STATES.has(code);

export const UsStateSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter US state code such as CA')
  .refine((code) => STATES.has(code), 'is not a US state, DC or territory code (USPS): e.g. CA, NY, DC, PR');
