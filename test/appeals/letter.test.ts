// The draft appeal letter (domain/appeals/letter.ts): template filling from the claim's facts,
// unknown placeholders, and no patient information.
import { describe, expect, it } from 'vitest';
import { DEFAULT_APPEAL_LETTER_TEMPLATE, fillAppealLetter, unknownPlaceholders, type LetterFacts } from '../../domain/appeals/letter';

const facts: LetterFacts = {
  appealId: 'A-100',
  claimId: 'CLM-2027-0042',
  dateOfService: '2027-01-12',
  payer: { type: 'medicare_ffs', name: 'Jurisdiction L MAC' },
  level: 'redetermination',
  denialCodes: ['CO-50', 'N115'],
  billedAmount: 1200,
  deniedAmount: 800,
  noticeDate: '2027-02-08',
  receiptDate: '2027-02-13',
  filingDeadline: '2027-06-14',
  rule: '42 CFR 405.942(a)',
  today: '2027-02-10',
};

describe('fillAppealLetter', () => {
  it('fills every placeholder of the default template from the claim facts', () => {
    const { text, unknown } = fillAppealLetter(DEFAULT_APPEAL_LETTER_TEMPLATE, facts);
    expect(unknown).toEqual([]);
    expect(text).not.toMatch(/\{\{/);
    expect(text).toContain('Request for Redetermination');
    expect(text).toContain('To: Jurisdiction L MAC');
    expect(text).toContain('Claim number: CLM-2027-0042');
    expect(text).toContain('Date of service: 2027-01-12');
    expect(text).toContain('Denial codes: CO-50, N115');
    expect(text).toContain('amount denied: $800.00');
    expect(text).toContain('filed on or before 2027-06-14 under 42 CFR 405.942(a)');
    expect(text).toContain('Prior authorization: none');
  });

  it("fills the practice's own template, tolerating spaces inside braces", () => {
    const { text } = fillAppealLetter('Re: claim {{ claimId }} ({{payerType}}, {{level}}) denied {{deniedAmount}} of {{billedAmount}}; PA {{priorAuthorizationId}}', {
      ...facts,
      priorAuthorizationId: 'PA-9',
    });
    expect(text).toBe('Re: claim CLM-2027-0042 (medicare_ffs, redetermination) denied $800.00 of $1200.00; PA PA-9');
  });

  it('leaves unknown placeholders as written and lists them once', () => {
    const template = 'Patient: {{patientName}} ({{memberId}}) claim {{claimId}}; again {{patientName}}';
    expect(unknownPlaceholders(template)).toEqual(['patientName', 'memberId']);
    const { text, unknown } = fillAppealLetter(template, facts);
    expect(unknown).toEqual(['patientName', 'memberId']);
    expect(text).toBe('Patient: {{patientName}} ({{memberId}}) claim CLM-2027-0042; again {{patientName}}');
  });

  it('never puts a patient name or reference in the draft: there is no placeholder for them', () => {
    const { text } = fillAppealLetter(`${DEFAULT_APPEAL_LETTER_TEMPLATE}\n{{patientRef}} {{patientName}}`, facts);
    expect(text).toContain('{{patientRef}} {{patientName}}');
    expect(text).not.toMatch(/PT-\d|Dana|Reyes/);
  });
});
