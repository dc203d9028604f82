// The payer's decision clock for a prior authorization (DOMAIN.md §3), as effective-dated data
// keyed by payer type and urgency, with per-payer overrides for commercial contracts. The
// practice does not control this clock but watches it: past the deadline the flow escalates.
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar';
import type { IsoDate } from '../calendar/iso-date';
import { PayerSchema, type Payer, type PayerType } from '../payers/payer';
import { instantSchema } from '../calendar/iso-date';

export type Urgency = 'expedited' | 'standard';
export type ClockUnit = 'hours' | 'calendar_days' | 'business_days';

export interface DecisionClockRule {
  payerTypes: readonly PayerType[];
  urgency: Urgency;
  /** First submission date (practice time zone) this version applies to. */
  effectiveFrom: IsoDate;
  amount: number;
  unit: ClockUnit;
  citation: string;
}

export const DECISION_CLOCK_RULES: readonly DecisionClockRule[] = [
  // Medicare Advantage
  { payerTypes: ['medicare_advantage'], urgency: 'expedited', effectiveFrom: '2000-01-01', amount: 72, unit: 'hours', citation: '42 CFR 422.572(a)' },
  { payerTypes: ['medicare_advantage'], urgency: 'standard', effectiveFrom: '2000-01-01', amount: 14, unit: 'calendar_days', citation: '42 CFR 422.568(b) (14 days before 2026)' },
  { payerTypes: ['medicare_advantage'], urgency: 'standard', effectiveFrom: '2026-01-01', amount: 7, unit: 'calendar_days', citation: '42 CFR 422.568(b)(1) as amended by CMS-0057-F' },
  // Medicaid and CHIP, fee-for-service and managed care
  { payerTypes: ['medicaid_managed_care', 'chip'], urgency: 'expedited', effectiveFrom: '2000-01-01', amount: 72, unit: 'hours', citation: '42 CFR 438.210(d)(2)' },
  { payerTypes: ['medicaid_managed_care', 'chip'], urgency: 'standard', effectiveFrom: '2000-01-01', amount: 14, unit: 'calendar_days', citation: '42 CFR 438.210(d)(1) (14 days before 2026)' },
  { payerTypes: ['medicaid_ffs'], urgency: 'expedited', effectiveFrom: '2000-01-01', amount: 72, unit: 'hours', citation: 'state Medicaid rule [S] (72 hours assumed before 2026)' },
  { payerTypes: ['medicaid_ffs'], urgency: 'standard', effectiveFrom: '2000-01-01', amount: 14, unit: 'calendar_days', citation: 'state Medicaid rule [S] (14 days assumed before 2026)' },
  { payerTypes: ['medicaid_ffs', 'medicaid_managed_care', 'chip'], urgency: 'expedited', effectiveFrom: '2026-01-01', amount: 72, unit: 'hours', citation: 'CMS-0057-F: 42 CFR 440.230(e)(1), 438.210(d)(2), 457.495(d)' },
  { payerTypes: ['medicaid_ffs', 'medicaid_managed_care', 'chip'], urgency: 'standard', effectiveFrom: '2026-01-01', amount: 7, unit: 'calendar_days', citation: 'CMS-0057-F: 42 CFR 440.230(e)(1), 438.210(d)(1), 457.495(d)' },
  // Medicare FFS hospital outpatient department prior authorization
  { payerTypes: ['medicare_ffs'], urgency: 'standard', effectiveFrom: '2020-07-01', amount: 10, unit: 'business_days', citation: '42 CFR 419.82(d)(1) (10 business days before 2025)' },
  { payerTypes: ['medicare_ffs'], urgency: 'standard', effectiveFrom: '2025-01-01', amount: 7, unit: 'calendar_days', citation: '42 CFR 419.82(d)(1) as amended (CY2025 OPPS final rule)' },
  { payerTypes: ['medicare_ffs'], urgency: 'expedited', effectiveFrom: '2020-07-01', amount: 2, unit: 'business_days', citation: '42 CFR 419.82(d)(2)' },
  // Plans outside CMS-0057-F's clocks: ERISA claims procedure (group plans; ACA plans follow it)
  { payerTypes: ['commercial', 'aca_individual', 'ffe_qhp'], urgency: 'expedited', effectiveFrom: '2002-01-01', amount: 72, unit: 'hours', citation: '29 CFR 2560.503-1(f)(2)(i) (urgent care) [S]' },
  { payerTypes: ['commercial', 'aca_individual', 'ffe_qhp'], urgency: 'standard', effectiveFrom: '2002-01-01', amount: 15, unit: 'calendar_days', citation: '29 CFR 2560.503-1(f)(2)(iii)(A) (pre-service) [U]' },
];

/** A contract's own clock for one commercial payer, overriding the table. */
export const PayerClockOverrideSchema = z.object({
  payerId: z.string().min(1),
  urgency: z.enum(['expedited', 'standard']),
  amount: z.number().int().positive(),
  unit: z.enum(['hours', 'calendar_days', 'business_days']),
  citation: z.string().min(1),
});
export type PayerClockOverride = z.infer<typeof PayerClockOverrideSchema>;

export const PriorAuthClockInputSchema = z
  .object({
    payer: PayerSchema,
    urgency: z.enum(['expedited', 'standard'], { error: 'must be expedited or standard' }),
    submittedAt: instantSchema('2026-03-06T17:00:00-05:00'),
  })
  .strict();
export type PriorAuthClockInput = z.infer<typeof PriorAuthClockInputSchema>;

export interface DecisionDeadline {
  /** ISO 8601 instant with the practice's offset: exact for hour clocks, the end of the due day for day clocks. */
  decisionDueAt: string;
  decisionDueDate: IsoDate;
  rule: string;
  amount: number;
  unit: ClockUnit;
}

export function decisionClockRule(payer: Payer, urgency: Urgency, submittedOn: IsoDate, overrides: readonly PayerClockOverride[] = []): Omit<DecisionClockRule, 'payerTypes' | 'effectiveFrom'> {
  const override = payer.id ? overrides.find((o) => o.payerId === payer.id && o.urgency === urgency) : undefined;
  if (override) return override;
  const candidates = DECISION_CLOCK_RULES.filter((r) => r.payerTypes.includes(payer.type) && r.urgency === urgency && r.effectiveFrom <= submittedOn);
  const rule = candidates.sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  if (!rule) throw new RangeError(`no ${urgency} decision clock for ${payer.type} on ${submittedOn}`);
  return rule;
}

/** When the payer must decide, from the moment the request was submitted. */
export function decisionDeadline(input: PriorAuthClockInput, calendar: BusinessCalendar, overrides: readonly PayerClockOverride[] = []): DecisionDeadline {
  const submitted = Date.parse(input.submittedAt);
  const submittedOn = calendar.dateOf(submitted);
  const rule = decisionClockRule(input.payer, input.urgency, submittedOn, overrides);
  let dueAt: number;
  let dueDate: IsoDate;
  if (rule.unit === 'hours') {
    // A clock in hours runs continuously from receipt, whatever the wall clock does at a DST change.
    dueAt = submitted + rule.amount * 3_600_000;
    dueDate = calendar.dateOf(dueAt);
  } else {
    dueDate = rule.unit === 'business_days' ? calendar.addBusinessDays(submittedOn, rule.amount) : calendar.addCalendarDays(submittedOn, rule.amount);
    dueAt = calendar.endOf(dueDate) - 1000; // 23:59:59 local on the due day
  }
  return {
    decisionDueAt: calendar.formatInstant(dueAt),
    decisionDueDate: dueDate,
    rule: rule.citation,
    amount: rule.amount,
    unit: rule.unit,
  };
}
