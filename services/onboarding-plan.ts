// Planning an onboarding request without side effects: validates the request, resolves the
// practice (the configured profile, overridden by the request's `practice`), and computes the
// plan. Shared by the service (API preview and start) and `practiceflow plan onboarding`, which
// runs it locally without the API.
import { planOnboarding, planView, type OnboardingPlan, type OnboardingRequest } from '../domain/onboarding';
import { resolvePractice, type PracticeProfile } from '../domain/practice/profile';
import { parseInput } from './errors';
import { StartOnboardingBodySchema, type PlanView } from './schemas';

export interface PlannedOnboarding {
  request: OnboardingRequest;
  practice: PracticeProfile;
  plan: OnboardingPlan;
  view: PlanView;
}

/** Throws ServiceError (ValidationError) naming every bad field. */
export function planOnboardingRequest(body: unknown, basePractice: PracticeProfile): PlannedOnboarding {
  const request = parseInput(StartOnboardingBodySchema, body);
  const practice = resolvePractice(basePractice, request.practice);
  const plan = planOnboarding(request, practice);
  return { request, practice, plan, view: planView(plan) };
}
