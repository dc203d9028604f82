import { PracticeProfileSchema, type PracticeProfile } from '../domain/practice/profile';
import type { Config } from './env';

/** The practice profile configured for this installation; flows may override it per request. */
export function practiceProfileFromConfig(config: Config): PracticeProfile {
  return PracticeProfileSchema.parse({
    timeZone: config.PRACTICE_TIME_ZONE,
    state: config.PRACTICE_STATE,
    eVerify: config.PRACTICE_EVERIFY,
    closureDays: config.PRACTICE_CLOSURE_DAYS,
    observeInaugurationDay: config.PRACTICE_OBSERVE_INAUGURATION_DAY,
    hipaaTrainingDays: config.PRACTICE_HIPAA_TRAINING_DAYS,
    newHireReportDays: config.PRACTICE_NEW_HIRE_REPORT_DAYS,
  });
}
