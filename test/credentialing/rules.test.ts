// Credential rules (DOMAIN.md §2): cycles, reminder dates, renewal windows, lapse and grace.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { checkRenewal, credentialPlan, credentialSchedule, CredentialSchema, lapseEscalationDate, lapseFlags, nextDueDate } from '../../domain/credentialing';
import { zodProblems } from '../../domain/errors';
import { credential } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });

describe('CAQH ProView re-attestation', () => {
  it('is due 120 days after attesting, 180 in Illinois', () => {
    const caqh = credential({ type: 'caqh_attestation', jurisdiction: undefined, dueDate: '2026-01-05' });
    expect(nextDueDate(caqh, {}, '2026-01-05', ny)).toBe('2026-05-05');
    expect(nextDueDate({ ...caqh, jurisdiction: 'IL' }, {}, '2026-01-05', ny)).toBe('2026-07-04');
  });

  it('reminds 15, 10 and 5 days before, as CAQH does, on business days; expired the day after', () => {
    const schedule = credentialSchedule(credential({ type: 'caqh_attestation', jurisdiction: undefined, dueDate: '2026-05-05' }), ny);
    expect(schedule.notices.map((n) => [n.key, n.date, n.toManager])).toEqual([
      ['remind_15d', '2026-04-20', false],
      ['remind_10d', '2026-04-24', false], // Sat 25 Apr -> Fri 24
      ['remind_5d', '2026-04-30', true],
      ['due', '2026-05-05', true],
    ]);
    expect(schedule.lapsesOn).toBe('2026-05-06');
  });
});

describe('DEA registration (21 CFR 1301.13)', () => {
  const dea = credential({ dueDate: '2027-06-30' });

  it('rejects a renewal filed 61 days before expiry and accepts one 60 days before', () => {
    expect(checkRenewal(dea, {}, '2027-04-30', ny)).toEqual({
      ok: false,
      field: 'renewedOn',
      message: 'DEA controlled-substance registration renewal opens 60 days before expiry (21 CFR 1301.13): earliest 2027-05-01, not 2027-04-30',
    });
    expect(checkRenewal(dea, {}, '2027-05-01', ny)).toEqual({ ok: true, kind: 'renewal' });
  });

  it('renews for 3 years from the previous expiry', () => {
    expect(nextDueDate(dea, {}, '2027-05-20', ny)).toBe('2030-06-30');
  });

  it('reinstates within one calendar month after expiry, then needs a new application', () => {
    expect(checkRenewal(dea, {}, '2027-07-01', ny)).toEqual({ ok: true, kind: 'reinstatement' });
    expect(checkRenewal(dea, {}, '2027-07-30', ny)).toEqual({ ok: true, kind: 'reinstatement' });
    expect(checkRenewal(dea, {}, '2027-07-31', ny)).toMatchObject({ ok: false, field: 'newDueDate' });
    expect(checkRenewal(dea, { newDueDate: '2030-07-31' }, '2027-08-15', ny)).toEqual({ ok: true, kind: 'new_application' });
    expect(credentialSchedule(dea, ny).graceEndsOn).toBe('2027-07-30');
  });

  it('flags controlled-substance prescribing in the registration state when it lapses', () => {
    expect(lapseFlags(dea)).toEqual([{ flag: 'no_controlled_substances:NY', description: 'may not prescribe, administer or handle controlled substances in NY' }]);
  });
});

describe('state medical license', () => {
  it('keeps a California license at the end of the birth month, across a leap year', () => {
    const ca = credential({ type: 'state_license', jurisdiction: 'CA', dueDate: '2026-03-31' });
    expect(nextDueDate(ca, {}, '2026-03-01', ny)).toBe('2028-03-31');
    const february = credential({ type: 'state_license', jurisdiction: 'CA', dueDate: '2026-02-28' });
    expect(nextDueDate(february, {}, '2026-02-01', ny)).toBe('2028-02-29');
  });

  it('uses the 3-year New York cycle and the general rule elsewhere', () => {
    expect(nextDueDate(credential({ type: 'state_license', jurisdiction: 'NY', dueDate: '2026-09-30' }), {}, '2026-09-01', ny)).toBe('2029-09-30');
    expect(nextDueDate(credential({ type: 'state_license', jurisdiction: 'TX', dueDate: '2026-09-30' }), {}, '2026-09-01', ny)).toBe('2028-09-30');
  });
});

describe('an expiry date on a weekend', () => {
  const saturday = credential({ type: 'malpractice_insurance', jurisdiction: undefined, dueDate: '2026-08-15' });

  it('keeps the legal date, sends its notices on business days, lapses the day after', () => {
    const schedule = credentialSchedule(saturday, ny);
    expect(schedule.dueDate).toBe('2026-08-15');
    expect(schedule.notices.map((n) => [n.key, n.date])).toEqual([
      ['remind_60d', '2026-06-16'],
      ['remind_30d', '2026-07-16'],
      ['remind_14d', '2026-07-31' /* Sat 1 Aug -> Fri 31 Jul */],
      ['remind_7d', '2026-08-07' /* Sat 8 Aug -> Fri 7 Aug */],
      ['due', '2026-08-14' /* Sat 15 Aug -> Fri 14 Aug */],
    ]);
    expect(schedule.lapsesOn).toBe('2026-08-16');
    // The first lapse escalation waits for the next business day, then every 3 days.
    expect(lapseEscalationDate(saturday, ny, 1)).toBe('2026-08-17');
    expect(lapseEscalationDate(saturday, ny, 2)).toBe('2026-08-19');
  });
});

describe('payer recredentialing (NCQA)', () => {
  const payer = credential({ type: 'payer_recredentialing', jurisdiction: undefined, issuer: 'aetna', dueDate: '2029-03-15' });

  it('is due 36 months after the committee decision, with 30 days that may still count', () => {
    expect(nextDueDate(payer, {}, '2029-02-20', ny)).toBe('2032-03-15');
    expect(checkRenewal(payer, {}, '2029-04-14', ny)).toEqual({ ok: true, kind: 'reinstatement' });
    expect(checkRenewal(payer, {}, '2029-04-15', ny)).toMatchObject({ ok: false, message: expect.stringMatching(/initial credentialing/) });
    expect(lapseFlags(payer)).toEqual([{ flag: 'claims_hold:aetna', description: 'hold claims to aetna for this provider' }]);
  });
});

describe('credential input', () => {
  const problems = (input: unknown) => {
    const parsed = CredentialSchema.safeParse(input);
    return parsed.success ? [] : zodProblems(parsed.error).map((p) => `${p.path}: ${p.message}`);
  };

  it('names the field and the reason', () => {
    expect(problems({ ...credential(), type: 'pilot_license' })).toEqual([expect.stringMatching(/^type: must be one of state_license, /)]);
    expect(problems({ ...credential(), jurisdiction: undefined })).toEqual(['jurisdiction: is required for dea_registration (the state it is valid in)']);
    expect(problems({ ...credential(), dueDate: '2027-02-29' })).toEqual(['dueDate: is not a real calendar date']);
    expect(problems({ ...credential(), type: 'payer_recredentialing', jurisdiction: undefined })).toEqual([expect.stringMatching(/^issuer: is required/)]);
  });

  it('plans a credential without starting anything', () => {
    expect(credentialPlan(credential({ type: 'caqh_attestation', jurisdiction: 'IL', dueDate: '2026-07-04' }), ny)).toMatchObject({
      dueDate: '2026-07-04',
      reminders: ['2026-06-18' /* 19 Jun is Juneteenth */, '2026-06-24', '2026-06-29', '2026-07-02' /* Fri 3 Jul observes the 4th */],
      lapsesOn: '2026-07-05',
    });
  });
});
