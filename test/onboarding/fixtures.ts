import { PracticeProfileSchema, type PracticeProfile } from '../../domain/practice/profile';
import type { OnboardingRequest } from '../../domain/onboarding';

export const NEW_YORK: PracticeProfile = PracticeProfileSchema.parse({ timeZone: 'America/New_York' });

/** The example hire: a medical assistant starting Monday 23 November 2026 (Thanksgiving week). */
export function dana(overrides: Partial<OnboardingRequest> = {}): OnboardingRequest {
  return {
    hireId: 'h-1042',
    name: 'Dana Reyes',
    email: 'dana@example.org',
    role: 'medical_assistant',
    startDate: '2026-11-23',
    managerEmail: 'manager@example.org',
    ...overrides,
  };
}
