// What the API fuzz test (./fuzz.test.ts) seeds before it starts, so that generated path
// parameters can name real records: an onboarding, a credential, a prior authorization, an appeal,
// OSHA sites (and the occurrences they open), a user and a service account's token. Returns the
// ids by the path parameter they fill.
import { appealBody, hireBody, isoDay, priorAuthBody, TIME_ZONE, type ApiStack } from './stack';

export type KnownIds = Record<'flowId' | 'taskKey' | 'credentialId' | 'authorizationId' | 'appealId' | 'siteId' | 'id' | 'person', string[]>;

export interface Seeded {
  /** What the fuzzer may change. */
  known: KnownIds;
  /** What the routes that end a flow (cancel, close, retire) get instead, so the others stay open longer. */
  toEnd: Pick<KnownIds, 'flowId' | 'credentialId' | 'authorizationId' | 'appealId' | 'siteId'>;
  /** A service account's token, there to be revoked. */
  revocableTokenId: string;
}

const MANAGER = 'manager@clinic.example';

export async function seedForFuzzing(stack: ApiStack): Promise<Seeded> {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    const res = await stack.request('POST', path, body, headers);
    if (res.status >= 300) throw new Error(`seed: POST ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
    return res.json as Record<string, unknown>;
  };
  // Two of each: the second for the routes that end a flow (see `toEnd`).
  for (const n of [1, 2]) {
    await post('/api/onboarding', hireBody(`fz-${n}`));
    await post('/api/credentials', {
      credentialId: `fz-dea-${n}`,
      providerId: 'p-fz',
      type: 'dea_registration',
      jurisdiction: n === 1 ? 'NY' : 'NJ',
      number: 'FK1234563',
      dueDate: isoDay(200),
      providerEmail: 'dr.fuzz@clinic.example',
      ownerEmail: MANAGER,
      managerEmail: MANAGER,
    });
    await post('/api/prior-auth', priorAuthBody(`fz-pa-${n}`), { 'X-PracticeFlow-Actor': 'pa-staff@clinic.example' });
    await post('/api/appeals', appealBody(`fz-ap-${n}`), { 'X-PracticeFlow-Actor': 'billing@clinic.example' });
  }
  const profile = {
    siteId: 'fz-main',
    timeZone: TIME_ZONE,
    occupancy: 'ambulatory_health_care',
    shifts: ['day'],
    headcount: 5,
    occupationalExposure: true,
    extinguisherUse: true,
    accreditor: 'none',
    roster: [{ employeeId: 'e-fz', lastBbpTraining: isoDay(-300), email: 'e-fz@clinic.example' }],
  };
  const contacts = { responsibleEmail: MANAGER, managerEmail: MANAGER };
  await post('/api/osha/sites', { profile, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
  await post('/api/osha/sites', { profile: { ...profile, siteId: 'fz-annex', occupationalExposure: false, roster: [] }, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
  const occurrences = (await stack.request('GET', '/api/osha/occurrences')).json as { occurrences?: { flowId?: string }[] } | undefined;
  const user = await post('/api/users', { email: 'fz-staff@clinic.example', role: 'staff', password: 'a long enough password' });
  await post('/api/service-accounts', { name: 'fz-feed', role: 'auditor' });
  const token = await post('/api/tokens', { name: 'fz', serviceAccount: 'fz-feed' });
  const known: KnownIds = {
    flowId: [
      'onboarding-fz-1',
      'credential-fz-dea-1',
      'prior-auth-fz-pa-1',
      'appeal-fz-ap-1',
      'osha-site-fz-main',
      ...(occurrences?.occurrences ?? []).flatMap((o) => (o.flowId ? [o.flowId] : [])),
    ],
    taskKey: ['i9_section1', 'i9_section2', 'hepb_vaccine_offer', 'hipaa_training', 'bbp_training'],
    credentialId: ['fz-dea-1'],
    authorizationId: ['fz-pa-1'],
    appealId: ['fz-ap-1'],
    siteId: ['fz-main'],
    id: [String(user.id), String(token.id)],
    person: [MANAGER, 'fz-1@staff.example', 'fz-staff@clinic.example', 'dr.fuzz@clinic.example'],
  };
  const toEnd = {
    flowId: ['onboarding-fz-2', 'prior-auth-fz-pa-2', 'appeal-fz-ap-2'],
    credentialId: ['fz-dea-2'],
    authorizationId: ['fz-pa-2'],
    appealId: ['fz-ap-2'],
    siteId: ['fz-annex'],
  };
  return { known, toEnd, revocableTokenId: String(token.id) };
}
