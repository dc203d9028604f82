// The real `practiceflow` command (bin/practiceflow.js) for the pure plans: `plan prior-auth`
// prints the payer's decision deadline and `plan appeal` the filing deadline, as one line of JSON,
// with nothing running; a CO-29 denial prints appealable false and exits 1; bad input names the
// field. The new command groups all answer --help.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_STACK, runPracticeflow } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'practiceflow-plans-cli-'));

/** Nothing listens on port 9: the plans must not need the API. */
const practiceflow = (args: string[], stdin = '') => runPracticeflow(args, { stdin, apiUrl: 'http://127.0.0.1:9' });

const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('practiceflow plan osha', () => {
  const site = { siteId: 'main', timeZone: 'America/New_York', occupancy: 'ambulatory_health_care', shifts: ['day', 'evening'], headcount: 14, occupationalExposure: true, extinguisherUse: true, accreditor: 'none' };

  it('prints every occurrence of the year in the issue\'s shape, reproducibly', async () => {
    const run = await practiceflow(['plan', 'osha', '--site', file('site.json', site), '--from', '2026-01-01', '--to', '2026-12-31']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { occurrences } = JSON.parse(run.stdout) as { occurrences: { obligation: string; shift?: string; dueDate: string; rule: string }[] };
    const count = (o: string) => occurrences.filter((x) => x.obligation === o).length;
    expect([count('fire_drill'), count('extinguisher_inspection'), count('extinguisher_maintenance'), count('extinguisher_training'), count('ecp_review'), count('ep_exercise')]).toEqual([8, 12, 1, 1, 1, 0]);
    expect(occurrences.find((x) => x.obligation === 'fire_drill')).toMatchObject({ shift: expect.stringMatching(/^(day|evening)$/), dueDate: expect.stringMatching(/^2026-0[1-3]-\d\d$/), rule: 'NFPA 101 20.7.1.4' });
    expect(occurrences.find((x) => x.obligation === 'ecp_review')!.dueDate).toBe('2026-01-02'); // none on record: now, off the holiday
    expect(await practiceflow(['plan', 'osha', '--site', '-', '--from', '2026-01-01', '--to', '2026-12-31'], JSON.stringify(site))).toEqual(run);
  });

  it('names a bad profile field and a bad date', async () => {
    const bad = await practiceflow(['plan', 'osha', '--site', file('site-bad.json', { ...site, occupancy: 'hospital' }), '--from', '2026-01-01', '--to', '2026-12-31']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/site\.occupancy: must be one of business, ambulatory_health_care/);
    const date = await practiceflow(['plan', 'osha', '--site', file('site.json', site), '--from', '2026-12-31', '--to', '2026-01-01']);
    expect(date.code).toBe(1);
    expect(date.stderr).toMatch(/to \(--to\): must not be before from/);
    expect(date.stderr).not.toMatch(NO_STACK);
  });
});

describe('practiceflow plan timely-filing', () => {
  it('prints the Medicare filing deadline, and exits 1 with the reason when a submission is late', async () => {
    const ok = await practiceflow(['plan', 'timely-filing', '--date-of-service', '2026-07-04']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ legalLastDay: '2027-07-04', filingDeadline: '2027-07-06' });
    const late = await practiceflow(['plan', 'timely-filing', '--input', '-'], JSON.stringify({ dateOfService: '2025-11-25', submittedAt: '2026-11-25T18:30:00-05:00' }));
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout)).toMatchObject({ receivedOn: '2026-11-27', timely: false });
    expect(late.stderr).toMatch(/late: received 2026-11-27, after the last day 2026-11-25/);
    const bad = await practiceflow(['plan', 'timely-filing', '--date-of-service', '2026-02-30']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/dateOfService \(--date-of-service\): is not a real calendar date/);
    expect(bad.stderr).not.toMatch(NO_STACK);
  });
});

describe('practiceflow plan prior-auth', () => {
  const pa = { payer: { type: 'medicare_advantage', name: 'Acme MA' }, urgency: 'expedited', submittedAt: '2026-03-06T17:00:00-05:00' };

  it('prints the decision deadline in the practice time zone (72 hours across the DST change)', async () => {
    const run = await practiceflow(['plan', 'prior-auth', '--input', file('pa.json', pa)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ decisionDueAt: '2026-03-09T18:00:00-04:00', decisionDueDate: '2026-03-09', rule: '42 CFR 422.572(a)' });
    expect(await practiceflow(['plan', 'prior-auth', '--input', '-'], JSON.stringify(pa))).toEqual(run);
  });

  it('names the bad field and exits 1', async () => {
    const run = await practiceflow(['plan', 'prior-auth', '--input', file('pa-bad.json', { ...pa, urgency: 'soon' })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/urgency: must be expedited or standard/);
    expect(run.stderr).not.toMatch(NO_STACK);
    const flags = await practiceflow(['plan', 'prior-auth', '--payer-type', 'medicare_advantage', '--urgency', 'standard', '--submitted-at', 'yesterday']);
    expect(flags.code).toBe(1);
    expect(flags.stderr).toMatch(/submittedAt \(--submitted-at\): must be an ISO 8601 date-time/);
  });
});

describe('practiceflow plan appeal', () => {
  const facts = { payer: { type: 'medicare_ffs' }, level: 'redetermination', noticeDate: '2026-02-09', dateOfService: '2026-01-12', amountInControversy: 450 };

  it('prints the filing deadline and rule', async () => {
    const run = await practiceflow(['plan', 'appeal', '--input', file('appeal.json', facts)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ appealable: true, level: 'redetermination', filingDeadline: '2026-06-15' });
    expect(plan.rule).toMatch(/^42 CFR 405\.942\(a\)/);
    const flags = await practiceflow(['plan', 'appeal', '--payer-type', 'medicare_ffs', '--level', 'redetermination', '--notice-date', '2026-02-09', '--date-of-service', '2026-01-12', '--amount', '450']);
    expect(flags).toEqual(run);
  });

  it('prints appealable false with the reason for a CO-29 denial and exits 1', async () => {
    const run = await practiceflow(['plan', 'appeal', '--input', file('co29.json', { ...facts, denialCodes: ['CO-29'] })]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ appealable: false, level: 'redetermination', reason: expect.stringContaining('CO-29'), rule: expect.stringContaining('405.926(n)') });
    expect(run.stderr).toMatch(/^error: not appealable: /);
  });

  it('names the bad field', async () => {
    const run = await practiceflow(['plan', 'appeal', '--input', file('appeal-bad.json', { ...facts, noticeDate: '2026-02-30', level: 'internal' })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/noticeDate: /);
    const level = await practiceflow(['plan', 'appeal', '--input', file('appeal-level.json', { ...facts, level: 'internal' })]);
    expect(level.code).toBe(1);
    expect(level.stderr).toMatch(/level: medicare_ffs appeals have no "internal" level/);
    expect(level.stderr).not.toMatch(NO_STACK);
  });
});

describe('--help', () => {
  it.each(['plan prior-auth', 'plan appeal', 'prior-auth', 'prior-auth decide', 'appeal', 'appeal submit', 'worklist', 'worklist appeals', 'report prior-auth-metrics'])('practiceflow %s --help', async (command) => {
    const run = await practiceflow([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: practiceflow /);
  });
});
