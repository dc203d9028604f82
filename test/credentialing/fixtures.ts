import type { Credential } from '../../domain/credentialing';

export function credential(overrides: Partial<Credential> = {}): Credential {
  return {
    credentialId: 'cred-1',
    providerId: 'p-77',
    type: 'dea_registration',
    jurisdiction: 'NY',
    dueDate: '2027-06-30',
    providerEmail: 'dr.kim@example.org',
    ownerEmail: 'credentialing@example.org',
    managerEmail: 'manager@example.org',
    ...overrides,
  };
}
