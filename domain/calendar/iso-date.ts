import { z } from 'zod';
import { DateTime } from 'luxon';

/** A calendar date without time or zone, `YYYY-MM-DD`, as rules and managers speak of dates. */
export type IsoDate = string;

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, 'is not a real calendar date');

/** `HH:mm`, a local time of day. */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (24-hour)');

/** A DATE column as Prisma reads it (midnight UTC of the day) back as its YYYY-MM-DD. */
export const isoDateOfColumn = (d: Date): IsoDate => d.toISOString().slice(0, 10);
