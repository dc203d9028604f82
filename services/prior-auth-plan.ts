// The payer's decision clock for a prior-authorization submission, without side effects: shared by
// the service (POST /api/prior-auth/plan) and `practiceflow plan prior-auth`, which runs it locally.
import { decisionDeadline, type DecisionDeadline } from '../domain/prior-auth/clock';
import type { PracticeProfile } from '../domain/practice/profile';
import { practiceCalendar } from './credential-plan';
import { invalid, parseInput } from './errors';
import { PriorAuthPlanBodySchema, type PriorAuthPlan } from './schemas';

/** Throws ServiceError (ValidationError) naming every bad field. */
export function planPriorAuthRequest(body: unknown, practice: PracticeProfile): PriorAuthPlan {
  const input = parseInput(PriorAuthPlanBodySchema, body);
  const calendar = practiceCalendar(practice);
  let deadline: DecisionDeadline;
  try {
    deadline = decisionDeadline(input, calendar);
  } catch (err) {
    // No clock for this payer type and urgency on that date (e.g. before the rule took effect).
    if (err instanceof RangeError) throw invalid([{ path: 'urgency', message: err.message }]);
    throw err;
  }
  return { decisionDueAt: deadline.decisionDueAt, decisionDueDate: deadline.decisionDueDate, rule: deadline.rule, amount: deadline.amount, unit: deadline.unit, timeZone: calendar.timeZone };
}
