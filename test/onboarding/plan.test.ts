// The onboarding plan (DOMAIN.md §1): which tasks a hire gets and when they are due, by rule.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../domain/calendar';
import { OnboardingRequestSchema, planOnboarding, planView, rulesInEffect } from '../../domain/onboarding';
import { resolvePractice } from '../../domain/practice/profile';
import { zodProblems } from '../../domain/errors';
import { dana, NEW_YORK } from './fixtures';

const due = (plan: ReturnType<typeof planOnboarding>) => Object.fromEntries(planView(plan).tasks.map((t) => [t.key, t.dueDate]));
const rules = (plan: ReturnType<typeof planOnboarding>) => Object.fromEntries(planView(plan).tasks.map((t) => [t.key, t.rule]));

describe('medical assistant starting Monday 23 November 2026 (Thanksgiving week)', () => {
  const plan = planOnboarding(dana(), NEW_YORK);

  it('gets every obligation of an exposed clinical role, each with its due date', () => {
    expect(due(plan)).toEqual({
      i9_section1: '2026-11-23', // first day of work for pay
      i9_section2: '2026-11-27', // Mon + 3 business days, Thanksgiving (Thu 26) skipped
      new_hire_report: '2026-12-13', // 20 calendar days
      hipaa_training: '2026-12-23', // default 30 calendar days
      hazcom_training: '2026-11-23',
      eap_review: '2026-11-23',
      bbp_training: '2026-11-23', // before exposure
      hepb_vaccine_offer: '2026-12-08', // 10 working days, Thanksgiving skipped
      tb_screening: '2026-11-23',
    });
  });

  it('cites the rule of each task', () => {
    expect(rules(plan)).toEqual({
      i9_section1: '8 CFR 274a.2(b)(1)(i)(A)',
      i9_section2: '8 CFR 274a.2(b)(1)(ii)',
      new_hire_report: '42 U.S.C. 653a(b)(2) (PRWORA)',
      hipaa_training: '45 CFR 164.530(b)(2)(i)(B)',
      hazcom_training: '29 CFR 1910.1200(h)(1)',
      eap_review: '29 CFR 1910.38(f)(1)',
      bbp_training: '29 CFR 1910.1030(g)(2)(ii)(A)',
      hepb_vaccine_offer: '29 CFR 1910.1030(f)(2)(i)',
      tb_screening: 'CDC, MMWR 2019;68(19):439-443',
    });
  });

  it('assigns employee tasks to the hire and employer tasks to the manager; the hepatitis B offer records accepted or declined', () => {
    const byKey = Object.fromEntries(plan.tasks.map((t) => [t.key, t]));
    expect(byKey.i9_section1!.assignee.email).toBe('dana@example.org');
    expect(byKey.i9_section2!.assignee.email).toBe('manager@example.org');
    expect(byKey.hepb_vaccine_offer!.outcomes).toEqual(['accepted', 'declined']);
  });
});

describe('applicability by role and facts', () => {
  it('gives a front-desk hire no exposure or clinical tasks', () => {
    const keys = planOnboarding(dana({ role: 'front_desk' }), NEW_YORK).tasks.map((t) => t.key);
    expect(keys).toEqual(['i9_section1', 'i9_section2', 'new_hire_report', 'hipaa_training', 'hazcom_training', 'eap_review']);
  });

  it('gives a physician credentialing, plus the exposure tasks', () => {
    const keys = planOnboarding(dana({ role: 'physician' }), NEW_YORK).tasks.map((t) => t.key);
    expect(keys).toContain('credentialing');
    expect(keys).toContain('bbp_training');
    expect(planOnboarding(dana({ role: 'billing' }), NEW_YORK).tasks.map((t) => t.key)).not.toContain('credentialing');
  });

  it('follows the practice exposure determination when it overrides the role default', () => {
    const keys = planOnboarding(dana({ role: 'nurse', occupationalExposure: false }), NEW_YORK).tasks.map((t) => t.key);
    expect(keys).not.toContain('bbp_training');
    expect(keys).not.toContain('hepb_vaccine_offer');
    expect(keys).toContain('tb_screening'); // still clinical
    const officeWithExposure = planOnboarding(dana({ role: 'office_manager', occupationalExposure: true }), NEW_YORK).tasks.map((t) => t.key);
    expect(officeWithExposure).toContain('hepb_vaccine_offer');
  });

  it('puts both I-9 sections on day one for a job of fewer than 3 days (8 CFR 274a.2(b)(1)(iii))', () => {
    const plan = planOnboarding(dana({ jobLengthDays: 2 }), NEW_YORK);
    const i9 = plan.tasks.find((t) => t.key === 'i9_section2')!;
    expect(i9.due).toEqual({ date: '2026-11-23' });
    expect(i9.rule?.citation).toBe('8 CFR 274a.2(b)(1)(iii)');
    expect(planOnboarding(dana({ jobLengthDays: 3 }), NEW_YORK).tasks.find((t) => t.key === 'i9_section2')!.due).toEqual({ date: '2026-11-27' });
  });

  it('adds the E-Verify case on the third business day when the practice is enrolled', () => {
    const plan = planOnboarding(dana(), resolvePractice(NEW_YORK, { eVerify: true }));
    expect(due(plan).everify_case).toBe('2026-11-27');
    expect(due(planOnboarding(dana(), NEW_YORK)).everify_case).toBeUndefined();
  });

  it('uses the state new-hire window where shorter, and the practice override above all', () => {
    expect(due(planOnboarding(dana(), resolvePractice(NEW_YORK, { state: 'GA' }))).new_hire_report).toBe('2026-12-03');
    expect(rules(planOnboarding(dana(), resolvePractice(NEW_YORK, { state: 'GA' }))).new_hire_report).toMatch(/^O\.C\.G\.A\./);
    expect(due(planOnboarding(dana(), resolvePractice(NEW_YORK, { state: 'CA' }))).new_hire_report).toBe('2026-12-13');
    expect(due(planOnboarding(dana(), resolvePractice(NEW_YORK, { state: 'GA', newHireReportDays: 5 }))).new_hire_report).toBe('2026-11-28');
  });

  it('counts practice closures as non-working days', () => {
    const closedFriday = resolvePractice(NEW_YORK, { closureDays: ['2026-11-27'] });
    const plan = due(planOnboarding(dana(), closedFriday));
    expect(plan.i9_section2).toBe('2026-11-30');
    expect(plan.hepb_vaccine_offer).toBe('2026-12-09');
  });

  it('uses the practice HIPAA training window', () => {
    expect(due(planOnboarding(dana(), resolvePractice(NEW_YORK, { hipaaTrainingDays: 10 }))).hipaa_training).toBe('2026-12-03');
  });

  it('recomputes every date from a start date moved by a week', () => {
    const moved = due(planOnboarding(dana(), NEW_YORK, '2026-11-30'));
    expect(moved.i9_section2).toBe('2026-12-03');
    expect(moved.hepb_vaccine_offer).toBe('2026-12-14');
    expect(moved.new_hire_report).toBe('2026-12-20');
  });

  it('rolls across year end and 29 February correctly', () => {
    const leap = due(planOnboarding(dana({ startDate: '2028-02-28' }), NEW_YORK));
    expect(leap.i9_section2).toBe('2028-03-02'); // Tue 29 Feb counts as a business day
    expect(leap.new_hire_report).toBe('2028-03-19');
    const yearEnd = due(planOnboarding(dana({ startDate: '2026-12-28' }), NEW_YORK));
    expect(yearEnd.i9_section2).toBe('2026-12-31');
    expect(yearEnd.hepb_vaccine_offer).toBe('2027-01-12'); // New Year's Day skipped
  });
});

describe('rules with effective dates', () => {
  it('plans a hire under the rules in force on the start date', () => {
    // Before the HIPAA Privacy Rule's compliance date (14 Apr 2003) there was no training duty.
    expect(rulesInEffect('2003-04-13').map((r) => r.key)).not.toContain('hipaa_training');
    expect(rulesInEffect('2003-04-14').map((r) => r.key)).toContain('hipaa_training');
    expect(rulesInEffect('2018-01-02').map((r) => r.key)).not.toContain('tb_screening');
  });
});

describe('request validation', () => {
  const problems = (input: unknown) => {
    const parsed = OnboardingRequestSchema.safeParse(input);
    return parsed.success ? [] : zodProblems(parsed.error).map((p) => `${p.path}: ${p.message}`);
  };

  it('names the field and the reason', () => {
    expect(problems({ ...dana(), role: 'janitor' })).toEqual([expect.stringMatching(/^role: must be one of front_desk, billing, /)]);
    expect(problems({ ...dana(), startDate: '2026-02-30' })).toEqual(['startDate: is not a real calendar date']);
    expect(problems({ ...dana(), email: 'dana' })).toEqual(['email: must be an email address']);
    expect(problems({ ...dana(), hireId: '../etc/passwd' })).toEqual([expect.stringMatching(/^hireId: must be 1-64 letters/)]);
    expect(problems({ ...dana(), salary: 50000 })).toEqual([expect.stringMatching(/salary/)]);
    expect(problems({ ...dana(), practice: { timeZone: 'Eastern' } })).toEqual([expect.stringMatching(/^practice\.timeZone: must be an IANA/)]);
    const { managerEmail: _m, ...missing } = dana();
    expect(problems(missing)).toEqual([expect.stringMatching(/^managerEmail: /)]);
  });

  it('keeps the 2026 and 2037 calendars identical (the time-skipped flow test runs in 2037)', () => {
    const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
    for (let d = '2026-11-01'; d <= '2027-01-31'; d = ny.addCalendarDays(d, 1)) {
      const mirror = `${Number(d.slice(0, 4)) + 11}${d.slice(4)}`;
      expect([mirror, ny.isBusinessDay(mirror), ny.at(mirror, '09:00') - ny.at(d, '09:00')]).toEqual([mirror, ny.isBusinessDay(d), Date.UTC(Number(mirror.slice(0, 4)), Number(mirror.slice(5, 7)) - 1, Number(mirror.slice(8))) - Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8)))]);
    }
  });
});
