import { z } from 'zod';
import { DateTime } from 'luxon';

/** A calendar date without time or zone, `YYYY-MM-DD`, as rules and managers speak of dates. */
export type IsoDate = string;

/**
 * Every date and instant PracticeFlow accepts lies in these years: wide enough for a birth date
 * or a 30-year exposure-record retention, narrow enough that no calendar arithmetic (holidays,
 * business days, a year from now) runs off the ends of what the libraries compute. A date outside
 * is a 400 naming the field, never a flow that completes at once or a 500.
 */
export const DATE_RANGE = { from: '1900-01-01', to: '2199-12-31' } as const;
const OUT_OF_RANGE = `must be between ${DATE_RANGE.from} and ${DATE_RANGE.to}`;
const FIRST_INSTANT = Date.parse(`${DATE_RANGE.from}T00:00:00Z`);
const LAST_INSTANT = Date.parse(`${DATE_RANGE.to}T23:59:59.999Z`);

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, 'is not a real calendar date')
  .refine((s) => s >= DATE_RANGE.from && s <= DATE_RANGE.to, OUT_OF_RANGE);

/** An instant: ISO 8601 date-time with its UTC offset, in DATE_RANGE. `example` goes in the message. */
export const instantSchema = (example = '2027-03-12T17:00:00-05:00', what?: string) =>
  z
    .iso.datetime({ offset: true, error: `must be an ISO 8601 date-time with offset${what ? ` (${what})` : ''}, e.g. ${example}` })
    .refine((s) => {
      const t = Date.parse(s);
      return t >= FIRST_INSTANT && t <= LAST_INSTANT;
    }, OUT_OF_RANGE);

/** `HH:mm`, a local time of day. */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (24-hour)');

/** A DATE column as Prisma reads it (midnight UTC of the day) back as its YYYY-MM-DD. */
export const isoDateOfColumn = (d: Date): IsoDate => d.toISOString().slice(0, 10);
