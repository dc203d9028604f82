// Medicare fee-for-service timely filing of the original claim (DOMAIN.md §4): 12 months from the
// date of service; 29 February maps to 28 February; a claim received electronically after 6 p.m.
// Eastern, on a weekend or on a holiday counts as received the next business day; a last day on a
// weekend or holiday moves to the next business day.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { BusinessCalendar } from '../calendar/business-calendar';
import { IsoDateSchema, type IsoDate, instantSchema } from '../calendar/iso-date';

export const TIMELY_FILING_RULE = '42 CFR 424.44(a)(1); Pub. 100-04 ch.1 §70.1-§70.7';

/** Medicare's receipt rules are in Eastern time, whatever the practice's own zone. */
const eastern = new BusinessCalendar({ timeZone: 'America/New_York' });

export function timelyFilingDeadline(dateOfService: IsoDate): { filingDeadline: IsoDate; legalLastDay: IsoDate; rule: string } {
  const legalLastDay = eastern.addMonths(dateOfService, 12);
  return { filingDeadline: eastern.rollForward(legalLastDay), legalLastDay, rule: TIMELY_FILING_RULE };
}

/** The receipt date Medicare assigns an electronic claim submitted at `submittedAt`. */
export function claimReceiptDate(submittedAt: string): IsoDate {
  const et = DateTime.fromISO(submittedAt, { setZone: true }).setZone('America/New_York');
  const date = et.toISODate()!;
  const afterCutoff = et.hour >= 18;
  if (afterCutoff) return eastern.rollForward(eastern.addCalendarDays(date, 1));
  return eastern.rollForward(date);
}

export function isTimelyFiled(dateOfService: IsoDate, submittedAt: string): { timely: boolean; receivedOn: IsoDate; filingDeadline: IsoDate; rule: string } {
  const { filingDeadline, rule } = timelyFilingDeadline(dateOfService);
  const receivedOn = claimReceiptDate(submittedAt);
  return { timely: receivedOn <= filingDeadline, receivedOn, filingDeadline, rule };
}

/** A Medicare FFS claim not yet filed (or filed at `submittedAt`): when must it be received? */
export const TimelyFilingInputSchema = z
  .object({
    dateOfService: IsoDateSchema,
    submittedAt: instantSchema('2027-01-12T17:30:00-05:00').optional(),
  })
  .strict();
export type TimelyFilingInput = z.infer<typeof TimelyFilingInputSchema>;

export interface TimelyFilingPlan {
  dateOfService: IsoDate;
  filingDeadline: IsoDate;
  legalLastDay: IsoDate;
  rule: string;
  receivedOn?: IsoDate;
  timely?: boolean;
}

export function timelyFilingPlan(input: TimelyFilingInput): TimelyFilingPlan {
  const { filingDeadline, legalLastDay, rule } = timelyFilingDeadline(input.dateOfService);
  const plan: TimelyFilingPlan = { dateOfService: input.dateOfService, filingDeadline, legalLastDay, rule };
  if (input.submittedAt) {
    plan.receivedOn = claimReceiptDate(input.submittedAt);
    plan.timely = plan.receivedOn <= filingDeadline;
  }
  return plan;
}
