// The filing plan of one appeal level, without side effects: shared by the service
// (POST /api/appeals/plan) and `practiceflow plan appeal`, which runs it locally.
import { appealPlan, type AppealPlan } from '../domain/appeals/filing';
import { firstAppealLevel } from '../domain/appeals/request';
import { TimelyFilingInputSchema, timelyFilingPlan, type TimelyFilingPlan } from '../domain/appeals/timely-filing';
import type { PracticeProfile } from '../domain/practice/profile';
import { practiceCalendar } from './credential-plan';
import { invalid, parseInput } from './errors';
import { AppealPlanBodySchema, type AppealPlanResult } from './schemas';

/** The plan as JSON shows it: keys without a value are left out. */
export const jsonAppealPlan = (plan: AppealPlan): AppealPlanResult => JSON.parse(JSON.stringify(plan)) as AppealPlanResult;

/** Throws ServiceError (ValidationError) naming every bad field, or `level` when the payer type has no such level. */
export function planAppealRequest(body: unknown, practice: PracticeProfile): AppealPlanResult {
  const input = parseInput(AppealPlanBodySchema, body);
  try {
    return jsonAppealPlan(appealPlan({ ...input, level: input.level ?? firstAppealLevel(input.payer) }, practiceCalendar(practice)));
  } catch (err) {
    if (err instanceof RangeError) throw invalid([{ path: 'level', message: err.message.replace(/^level: /, '') }]);
    throw err;
  }
}

/** Medicare FFS timely filing of a claim not yet filed (no side effects). */
export function planTimelyFiling(body: unknown): TimelyFilingPlan {
  return timelyFilingPlan(parseInput(TimelyFilingInputSchema, body));
}
