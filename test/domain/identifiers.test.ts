// The one rule for what Temporal keeps in plaintext (domain/identifiers.ts): ids carry
// identifiers only. Every id builder refuses a name, a note or a patient reference in disguise,
// and produces exactly the ids live flows already have (a changed id would orphan them).
import { describe, expect, it } from 'vitest';
import { identifierSchema, isIdentifier, temporalId } from '../../domain/identifiers';
import { onboardingWorkflowId } from '../../domain/onboarding/request';
import { denialAppealId, priorAuthWorkflowId } from '../../domain/prior-auth/request';
import { appealWorkflowId } from '../../domain/appeals/request';
import { credentialWorkflowId } from '../../domain/credentialing/credential';
import { bbpWorkflowIdOf } from '../../domain/osha/records';
import { occurrenceWorkflowIdOf, scheduleIdOf, siteWorkflowIdOf } from '../../domain/osha/schedule';

describe('identifiers in what Temporal shows in plaintext', () => {
  it('accepts identifiers and refuses names, free text and control characters', () => {
    for (const ok of ['h-1042', 'pa-2027-0042', 'A-1042.1', 'dea_1234567893', '7']) expect(isIdentifier(ok)).toBe(true);
    for (const bad of ['Jane Doe', 'Doe, Jane', 'jane@clinic.example', '-x', '.hidden', '../etc', 'a/b', 'x\u0000', 'dx E11.9', 'a'.repeat(65), '']) expect(isIdentifier(bad)).toBe(false);
    const r = identifierSchema('a hire identifier', 'h-1042').safeParse('Dana Reyes');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('must be 1-64 letters, digits, ., - or _: a hire identifier such as h-1042, never a name');
  });

  it('builds the same workflow and schedule ids as before, and refuses to build one from a name', () => {
    expect(onboardingWorkflowId('h-1042')).toBe('onboarding-h-1042');
    expect(priorAuthWorkflowId('pa-2027-0042')).toBe('prior-auth-pa-2027-0042');
    expect(appealWorkflowId(denialAppealId('pa-2027-0042', 2))).toBe('appeal-pa-2027-0042-2');
    expect(appealWorkflowId('A-1042.1')).toBe('appeal-A-1042.1');
    expect(credentialWorkflowId('dea-1')).toBe('credential-dea-1');
    expect(bbpWorkflowIdOf('e-7')).toBe('osha-bbp-e-7');
    expect(siteWorkflowIdOf('main')).toBe('osha-site-main');
    expect(scheduleIdOf('main', 'fire_drill')).toBe('osha-main-fire_drill');
    expect(occurrenceWorkflowIdOf('main:fire_drill:2027-Q1:night')).toBe('osha-occurrence-main-fire_drill-2027-Q1-night');
    expect(() => onboardingWorkflowId('Dana Reyes')).toThrow(/^hireId: must be 1-64 letters, digits, ., - or _/);
    expect(() => temporalId('prior-auth', { patientRef: 'mrn 001234' })).toThrow(/identifiers only/);
  });
});
