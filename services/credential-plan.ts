// Planning a credential without side effects: validates it with the domain's CredentialSchema and
// computes its due date, reminder dates, lapse and renewal window on the configured practice's
// business calendar. Shared by the service (API preview and add) and `practiceflow plan
// credential`, which runs it locally without the API.
import { BusinessCalendar } from '../domain/calendar/business-calendar';
import { credentialPlan, type Credential } from '../domain/credentialing';
import type { PracticeCalendar } from '../domain/practice/calendar-settings';
import type { PracticeProfile } from '../domain/practice/profile';
import { parseInput } from './errors';
import { AddCredentialBodySchema, type CredentialPlan } from './schemas';

/** The part of the practice profile a credential flow runs on (its workflow input's `practice`). */
export function credentialPractice(practice: PracticeProfile): PracticeCalendar {
  return { timeZone: practice.timeZone, closureDays: practice.closureDays, observeInaugurationDay: practice.observeInaugurationDay };
}

export function practiceCalendar(practice: PracticeProfile): BusinessCalendar {
  return new BusinessCalendar(credentialPractice(practice));
}

/** The plan as JSON shows it: keys without a value are left out. */
export function planOf(credential: Credential, calendar: BusinessCalendar): CredentialPlan {
  return JSON.parse(JSON.stringify(credentialPlan(credential, calendar))) as CredentialPlan;
}

export interface PlannedCredential {
  credential: Credential;
  plan: CredentialPlan;
}

/** Throws ServiceError (ValidationError) naming every bad field. */
export function planCredentialRequest(body: unknown, practice: PracticeProfile): PlannedCredential {
  const credential = parseInput(AddCredentialBodySchema, body);
  return { credential, plan: planOf(credential, practiceCalendar(practice)) };
}
