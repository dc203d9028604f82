// Claim appeal filing windows (DOMAIN.md §4), as data keyed by payer type and level, with the
// receipt presumption, weekend/holiday handling and amount-in-controversy thresholds each rule
// states. A denial at one level opens the next level's window from the new notice.
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar';
import { IsoDateSchema, type IsoDate } from '../calendar/iso-date';
import { PayerSchema, type Payer, type PayerType } from '../payers/payer';
import { DenialCodeSchema } from './denial-codes';

export const APPEAL_LEVELS = ['redetermination', 'reconsideration', 'alj', 'internal', 'external'] as const;
export type AppealLevel = (typeof APPEAL_LEVELS)[number];

export type Window = { days: number } | { months: number };

export interface AppealRule {
  payerTypes: readonly PayerType[];
  level: AppealLevel;
  effectiveFrom: IsoDate;
  window: Window;
  /** Days after the notice date that receipt is presumed (Medicare: 5). 0 = the window counts from the notice date. */
  receiptPresumedDays: number;
  /** Whether a deadline on a weekend or federal holiday moves to the next business day. */
  rollForward: boolean;
  citation: string;
  /** How long the reviewer has to decide, in calendar days, when a rule sets it. */
  decisionDays?: number;
  decisionCitation?: string;
  /** The level a loss at this level opens. */
  next?: AppealLevel;
}

const MEDICARE_ROLL = 'a deadline on a weekend or federal holiday moves to the next business day (Pub. 100-04 ch.1 §70.7; applied by CMS to appeals) [S]';

export const APPEAL_RULES: readonly AppealRule[] = [
  {
    payerTypes: ['medicare_ffs'],
    level: 'redetermination',
    effectiveFrom: '2005-05-01',
    window: { days: 120 },
    receiptPresumedDays: 5,
    rollForward: true,
    citation: '42 CFR 405.942(a)',
    decisionDays: 60,
    decisionCitation: '42 CFR 405.950(a) (MAC decides within 60 days)',
    next: 'reconsideration',
  },
  {
    payerTypes: ['medicare_ffs'],
    level: 'reconsideration',
    effectiveFrom: '2005-05-01',
    window: { days: 180 },
    receiptPresumedDays: 5,
    rollForward: true,
    citation: '42 CFR 405.962(a)',
    decisionDays: 60,
    decisionCitation: '42 CFR 405.970(a) (QIC decides within 60 days)',
    next: 'alj',
  },
  {
    payerTypes: ['medicare_ffs'],
    level: 'alj',
    effectiveFrom: '2005-05-01',
    window: { days: 60 },
    receiptPresumedDays: 5,
    rollForward: true,
    citation: '42 CFR 405.1014(b)',
    decisionDays: 90,
    decisionCitation: '42 CFR 405.1016(a) (ALJ decides generally within 90 days)',
  },
  {
    payerTypes: ['medicare_advantage'],
    level: 'reconsideration',
    effectiveFrom: '2000-01-01',
    window: { days: 60 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: '42 CFR 422.582(b) (60 days from the notice; some sources say 65) [U]',
    decisionDays: 30,
    decisionCitation: '42 CFR 422.590(a) (pre-service: 30 days)',
    next: 'alj',
  },
  {
    payerTypes: ['medicaid_managed_care', 'chip'],
    level: 'internal',
    effectiveFrom: '2017-07-01',
    window: { days: 60 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: '42 CFR 438.402(c)(2)(ii)',
    decisionDays: 30,
    decisionCitation: '42 CFR 438.408(b)(2)',
    next: 'external',
  },
  {
    payerTypes: ['medicaid_managed_care', 'chip'],
    level: 'external',
    effectiveFrom: '2017-07-01',
    window: { days: 120 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: "42 CFR 438.408(f)(2) (state fair hearing within 120 days of the plan's resolution notice)",
    decisionDays: 90,
    decisionCitation: '42 CFR 431.244(f)(1) (fair hearing decision within 90 days)',
  },
  {
    payerTypes: ['medicaid_ffs'],
    level: 'internal',
    effectiveFrom: '2000-01-01',
    window: { days: 90 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: '42 CFR 431.221(d) (state fair hearing: up to 90 days; state sets it) [S]',
  },
  {
    payerTypes: ['aca_individual', 'ffe_qhp', 'commercial'],
    level: 'internal',
    effectiveFrom: '2010-09-23',
    window: { days: 180 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: '45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(h)(3)(i) (at least 180 days from receipt) [S]',
    decisionDays: 30,
    decisionCitation: '29 CFR 2560.503-1(i)(2)(ii) (pre-service: 30 days) [S]',
    next: 'external',
  },
  {
    payerTypes: ['aca_individual', 'ffe_qhp', 'commercial'],
    level: 'external',
    effectiveFrom: '2010-09-23',
    window: { months: 4 },
    receiptPresumedDays: 0,
    rollForward: false,
    citation: '45 CFR 147.136(c)(2)(i), (d)(2)(i) (4 months from receipt of the final internal determination) [S]',
  },
];

/** Contract windows of commercial payers (secondary sources [S]); a practice edits its own. */
export const COMMERCIAL_APPEAL_WINDOWS: Readonly<Record<string, { days: number; citation: string }>> = {
  uhc: { days: 65, citation: 'UnitedHealthcare commercial provider manual [S]' },
  aetna: { days: 180, citation: 'Aetna provider manual [S]' },
  cigna: { days: 180, citation: 'Cigna provider manual [S]' },
  bcbs: { days: 180, citation: 'BCBS plan provider manuals [S]' },
};

/** ALJ amount in controversy by calendar year (42 CFR 405.1006(b), adjusted each January). */
export const ALJ_AMOUNT_IN_CONTROVERSY: Readonly<Record<number, { amount: number; citation: string }>> = {
  2024: { amount: 180, citation: '88 FR 66034 (2024: $180)' },
  2025: { amount: 190, citation: '89 FR (2025: $190)' },
  2026: { amount: 200, citation: '90 FR (4 Dec 2025) (2026: $200)' },
};

export const AppealPlanInputSchema = z
  .object({
    payer: PayerSchema,
    level: z.enum(APPEAL_LEVELS, { error: `must be one of ${APPEAL_LEVELS.join(', ')}` }),
    /** Date on the denial / decision notice. */
    noticeDate: IsoDateSchema,
    /** When the notice actually arrived, if known and provable; otherwise receipt is presumed. */
    receivedDate: IsoDateSchema.optional(),
    dateOfService: IsoDateSchema.optional(),
    amountInControversy: z.number().min(0, 'must not be negative').max(100_000_000).optional(),
    /** CARC/RARC codes of the denial, e.g. CO-29, CO-50, N115. */
    denialCodes: z.array(DenialCodeSchema).max(20).optional(),
    /** The date the request will be filed (for the year's amount-in-controversy threshold); defaults to the deadline. */
    filingDate: IsoDateSchema.optional(),
  })
  .strict();
export type AppealPlanInput = z.infer<typeof AppealPlanInputSchema>;

export type AppealPlan =
  | {
      appealable: true;
      level: AppealLevel;
      filingDeadline: IsoDate;
      rule: string;
      receiptDate: IsoDate;
      receiptPresumed: boolean;
      /** The legal last day before weekend/holiday handling, when it moved. */
      rolledFrom?: IsoDate;
      /** True when the deadline falls on a day the practice or payer may be closed and the rule does not move it. */
      deadlineOnNonBusinessDay: boolean;
      decisionDays?: number;
      decisionRule?: string;
      nextLevel?: AppealLevel;
      amountInControversy?: { required: number; year: number; given?: number; meets?: boolean; rule: string };
    }
  | { appealable: false; level: AppealLevel; reason: string; rule: string };

/** CARC 29 ("time limit for filing has expired") under group CO. */
const TIMELY_FILING_DENIAL = /^CO-29$/;

function ruleFor(payer: Payer, level: AppealLevel, noticeDate: IsoDate): AppealRule {
  const candidates = APPEAL_RULES.filter((r) => r.payerTypes.includes(payer.type) && r.level === level && r.effectiveFrom <= noticeDate);
  const rule = candidates.sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  if (!rule) {
    const levels = [...new Set(APPEAL_RULES.filter((r) => r.payerTypes.includes(payer.type)).map((r) => r.level))];
    throw new RangeError(`level: ${payer.type} appeals have no "${level}" level (levels: ${levels.join(', ')})`);
  }
  if (payer.type === 'commercial' && level === 'internal' && payer.id && COMMERCIAL_APPEAL_WINDOWS[payer.id]) {
    const contract = COMMERCIAL_APPEAL_WINDOWS[payer.id]!;
    return { ...rule, window: { days: contract.days }, citation: contract.citation };
  }
  return rule;
}

export function appealPlan(input: AppealPlanInput, calendar: BusinessCalendar): AppealPlan {
  const rule = ruleFor(input.payer, input.level, input.noticeDate);
  if (input.denialCodes?.some((c) => TIMELY_FILING_DENIAL.test(c))) {
    return {
      appealable: false,
      level: input.level,
      reason: 'a CO-29 (timely filing) denial is not an initial determination and cannot be appealed; only proof of timely filing can reopen it',
      rule: '42 CFR 405.926(n); Pub. 100-04 ch.1 §70.7',
    };
  }
  const receiptPresumed = !input.receivedDate && rule.receiptPresumedDays > 0;
  const receiptDate = input.receivedDate ?? calendar.addCalendarDays(input.noticeDate, rule.receiptPresumedDays);
  const legalLast = 'days' in rule.window ? calendar.addCalendarDays(receiptDate, rule.window.days) : calendar.addMonths(receiptDate, rule.window.months);
  const filingDeadline = rule.rollForward ? calendar.rollForward(legalLast) : legalLast;
  const plan: AppealPlan = {
    appealable: true,
    level: input.level,
    filingDeadline,
    rule: rule.rollForward ? `${rule.citation}; ${MEDICARE_ROLL}` : rule.citation,
    receiptDate,
    receiptPresumed,
    rolledFrom: filingDeadline !== legalLast ? legalLast : undefined,
    deadlineOnNonBusinessDay: !calendar.isBusinessDay(filingDeadline),
    decisionDays: rule.decisionDays,
    decisionRule: rule.decisionCitation,
    nextLevel: rule.next,
  };
  if (input.payer.type === 'medicare_ffs' && input.level === 'alj') {
    const year = Number((input.filingDate ?? filingDeadline).slice(0, 4));
    const threshold = ALJ_AMOUNT_IN_CONTROVERSY[year] ?? ALJ_AMOUNT_IN_CONTROVERSY[Math.max(...Object.keys(ALJ_AMOUNT_IN_CONTROVERSY).map(Number))]!;
    plan.amountInControversy = {
      required: threshold.amount,
      year,
      given: input.amountInControversy,
      meets: input.amountInControversy === undefined ? undefined : input.amountInControversy >= threshold.amount,
      rule: `42 CFR 405.1006(b); ${threshold.citation}`,
    };
  }
  return plan;
}
