// State new-hire reporting windows. Federal law (PRWORA, 42 U.S.C. 653a(b)(2)) sets 20 days from
// hire as the outer limit; some states require less. Secondary sources only [S]: a practice
// should confirm its state's current rule and override `newHireReportDays` in its profile.
export const NEW_HIRE_REPORT_FEDERAL = { days: 20, citation: '42 U.S.C. 653a(b)(2) (PRWORA)' } as const;

export interface StateNewHireRule {
  days: number;
  citation: string;
}

/** States with a window shorter than the federal 20 days [S]. Others follow the federal rule. */
export const STATE_NEW_HIRE_REPORT: Readonly<Record<string, StateNewHireRule>> = {
  AL: { days: 7, citation: 'Ala. Code 25-11-5 [S]' },
  GA: { days: 10, citation: 'O.C.G.A. 19-11-9.2 [S]' },
  IA: { days: 15, citation: 'Iowa Code 252G.3 [S]' },
  MA: { days: 14, citation: 'M.G.L. c.62E §2 [S]' },
  ME: { days: 7, citation: '26 M.R.S. §871 [S]' },
  VT: { days: 10, citation: '33 V.S.A. §4110 [S]' },
  WV: { days: 14, citation: 'W. Va. Code 48-18-126 [S]' },
};

export function newHireReportRule(state: string | undefined): StateNewHireRule {
  const rule = state ? STATE_NEW_HIRE_REPORT[state] : undefined;
  return rule ?? { days: NEW_HIRE_REPORT_FEDERAL.days, citation: NEW_HIRE_REPORT_FEDERAL.citation };
}
