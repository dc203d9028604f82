// The real `practiceflow` command (bin/practiceflow.js) as a practice's safety officer runs it,
// against one real stack (Temporal dev server in real time, Postgres, SMTP sink, worker, API): a
// site registered from a profile file (its Temporal Schedules created and triggered once, so the
// occurrences whose notice time has come open within seconds), shown and listed; upcoming and
// open occurrences; a record with a bad flag refused before any call (exit 2, the flag named), a
// good one recorded; the compliance calendar; the sharps injury log; a profile change that drops
// extinguisher use and with it the extinguisher-training schedule; the site retired. Dates are
// relative to now.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, isoDay, useApiStack } from '../api/stack';
import { NO_STACK, runPracticeflow, type Run } from '../support/cli';

/* eslint-disable @typescript-eslint/no-explicit-any */

const RESPONSIBLE = 'safety@clinic.example';
const MANAGER = 'manager@clinic.example';
const SITE = {
  siteId: 'cli-main',
  timeZone: 'America/New_York',
  occupancy: 'ambulatory_health_care',
  shifts: ['day', 'evening'],
  headcount: 14,
  occupationalExposure: true,
  extinguisherUse: true,
};
const SCHEDULES = ['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance', 'extinguisher_training', 'ecp_review'].map((o) => `osha-cli-main-${o}`);

const dir = mkdtempSync(join(tmpdir(), 'practiceflow-osha-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stack = useApiStack();
const practiceflow = (args: string[]) => runPracticeflow(args, { apiUrl: stack.url });

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/** Exit code 0, nothing on stderr; the run's stdout. */
function ok(run: Run, what: string): string {
  expect(run.stderr, what).toBe('');
  expect(run.code, what).toBe(0);
  return run.stdout;
}

/** A failure: the exit code, nothing on stdout, `error:` first and no stack trace; the stderr. */
function failed(run: Run, code: 1 | 2, what: string): string {
  expect(run.stdout, what).toBe('');
  expect(run.code, what).toBe(code);
  expect(run.stderr, what).toMatch(/^error: /);
  expect(run.stderr, what).not.toMatch(NO_STACK);
  return run.stderr;
}

async function scheduleExists(scheduleId: string): Promise<boolean> {
  try {
    await stack.client.schedule.getHandle(scheduleId).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** The site's open occurrences (JSON), once `check` accepts them. */
async function openOccurrences(check: (occurrences: any[]) => boolean, what: string): Promise<any[]> {
  return eventually(async () => {
    const list = JSON.parse(ok(await practiceflow(['osha', 'occurrences', '--site', 'cli-main', '--json']), 'occurrences --json'));
    return check(list.occurrences) ? (list.occurrences as any[]) : undefined;
  }, what, 30_000);
}

describe('practiceflow osha (through the API)', () => {
  let ecpFlow = '';
  let trainingFlow = '';
  let ecpYear = 0;

  it('registers a site from a profile file: obligations with their rules, one schedule each; shows and lists it', async () => {
    const registered = ok(
      await practiceflow([
        'osha', 'site', 'register',
        '--site', file('site.json', SITE),
        '--responsible', RESPONSIBLE,
        '--manager', MANAGER,
        '--participants', 'extinguisher_training=trainee1@clinic.example,trainee2@clinic.example',
        '--actor', MANAGER,
      ]),
      'site register',
    );
    expect(registered).toMatch(/^Registered site cli-main \(flow osha-site-cli-main\): 5 schedule\(s\)\.\n\nSite cli-main\n/);
    for (const s of SCHEDULES) expect(registered).toContain(`\n  ${s}\n`);
    // The site flow creates the schedules just after it starts.
    await eventually(async () => (await Promise.all(SCHEDULES.map(scheduleExists))).every(Boolean), 'the five schedules');

    const shown = ok(await practiceflow(['osha', 'site', 'show', 'cli-main']), 'site show');
    expect(shown).toMatch(/^Site cli-main\n\n {2}Status +active, profile version 1\n {2}Flow +osha-site-cli-main\n/);
    expect(shown).toMatch(/\n {2}Shifts +day, evening\n/);
    expect(shown).toMatch(/\n {2}Responsible +safety@clinic\.example\n {2}Manager +manager@clinic\.example\n {2}Told +extinguisher_training: trainee1@clinic\.example, trainee2@clinic\.example\n/);
    expect(shown).toMatch(/\nObligations\n {2}OBLIGATION +CADENCE +RULE\n/);
    expect(shown).toMatch(/\n {2}fire_drill +quarterly, on each shift +NFPA 101 20\.7\.1\.4\n/);
    expect(shown).toMatch(/\n {2}extinguisher_inspection +monthly +29 CFR 1910\.157\(e\)\(2\)\n/);
    expect(shown).toMatch(/\n {2}extinguisher_training +annually +29 CFR 1910\.157\(g\)\(1\)-\(2\)\n/);
    expect(shown).toMatch(/\n {2}ecp_review +annually +29 CFR 1910\.1030\(c\)\(1\)\(iv\)\n/);
    expect(shown).toMatch(/\n {2}bbp_training +within 365 days of the last +29 CFR 1910\.1030\(g\)\(2\)\(ii\)\(B\)\n/);
    expect(shown).toContain(`\nSchedules (5)\n${SCHEDULES.map((s) => `  ${s}`).join('\n')}\n`);
    const json = JSON.parse(ok(await practiceflow(['osha', 'site', 'show', 'cli-main', '--json']), 'site show --json'));
    expect(json).toMatchObject({ siteId: 'cli-main', status: 'active', version: 1, schedules: SCHEDULES, contacts: { participantEmails: { extinguisher_training: ['trainee1@clinic.example', 'trainee2@clinic.example'] } } });

    const list = await eventually(async () => {
      const out = ok(await practiceflow(['osha', 'site', 'list']), 'site list');
      return out.includes('cli-main') ? out : undefined;
    }, 'the site row');
    expect(list).toMatch(/^SITE +STATUS +VERSION +REGISTERED +TIME ZONE +SHIFTS +SCHEDULES +FLOW\ncli-main +active +1 +\d{4}-\d\d-\d\d +America\/New_York +day,evening +5 +osha-site-cli-main\n$/);

    const again = failed(await practiceflow(['osha', 'site', 'register', '--site', file('site.json', SITE), '--responsible', RESPONSIBLE, '--manager', MANAGER]), 1, 'register again');
    expect(again).toMatch(/^error: profile\.siteId: site cli-main is already registered/);
    expect(again).toContain('  profile.siteId (--site): site cli-main is already registered');
  });

  it('lists upcoming occurrences from the plan, and the open ones the schedules opened', async () => {
    const upcoming = ok(await practiceflow(['osha', 'occurrences', '--site', 'cli-main', '--status', 'upcoming', '--within-days', '200']), 'occurrences upcoming');
    const [header, ...rows] = upcoming.trimEnd().split('\n');
    expect(header).toMatch(/^DUE +OBLIGATION +SHIFT\/EMPLOYEE +SITE +PERIOD +STATUS +FLOW$/);
    // 200 days hold at least one whole quarter: a drill on each shift, and the next months' inspections.
    expect(rows.some((r) => /^\d{4}-\d\d-\d\d +fire_drill +day shift +cli-main +\d{4}-Q\d +upcoming$/.test(r))).toBe(true);
    expect(rows.some((r) => /^\d{4}-\d\d-\d\d +fire_drill +evening shift +cli-main +\d{4}-Q\d +upcoming$/.test(r))).toBe(true);
    expect(rows.some((r) => /^\d{4}-\d\d-\d\d +extinguisher_inspection +cli-main +\d{4}-\d\d +upcoming$/.test(r))).toBe(true);
    expect(rows.map((r) => r.slice(0, 10))).toEqual(rows.map((r) => r.slice(0, 10)).sort());

    // Annual obligations with none on record are due about now: their notices have come, so the
    // schedules' first (triggered) runs open them.
    const open = await openOccurrences((o) => ['ecp_review', 'extinguisher_training'].every((ob) => o.some((x) => x.obligation === ob && x.flowId)), 'the annual occurrences to open');
    const ecp = open.find((x) => x.obligation === 'ecp_review');
    ecpFlow = ecp.flowId;
    ecpYear = Number(ecp.dueDate.slice(0, 4));
    trainingFlow = open.find((x) => x.obligation === 'extinguisher_training').flowId;
    expect(ecpFlow).toMatch(/^osha-occurrence-cli-main-ecp_review-\d{4}$/);
    const human = ok(await practiceflow(['osha', 'occurrences', '--site', 'cli-main', '--obligation', 'ecp_review']), 'occurrences open');
    expect(human).toMatch(new RegExp(`^DUE +OBLIGATION +SHIFT/EMPLOYEE +SITE +PERIOD +STATUS +FLOW\\n${ecp.dueDate} +ecp_review +cli-main +${ecpYear} +open +${ecpFlow}\\n$`));
  });

  it('refuses bad flag values before calling the API (exit 2, the flag named); records an occurrence', async () => {
    const runs = await Promise.all([
      practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--participants', 'e-1,e-2', '--duration', 'half an hour']),
      practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--duration', '0']),
      practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--participants', 'Jane Doe']),
      practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--corrective', 'order new containers']),
      practiceflow(['osha', 'occurrences', '--status', 'late']),
    ]);
    expect(failed(runs[0]!, 2, 'bad --duration')).toMatch(/^error: option '--duration <minutes>' argument 'half an hour' is invalid\. must be a whole number of minutes, 1 to 1440\n/);
    expect(failed(runs[1]!, 2, '--duration 0')).toMatch(/^error: option '--duration <minutes>' argument '0' is invalid\./);
    expect(failed(runs[2]!, 2, 'a name in --participants')).toMatch(/^error: option '--participants <ids>' argument 'Jane Doe' is invalid\. "Jane Doe" must be 1-64 letters, digits, \., - or _: an identifier such as h-1042, never a name/);
    expect(failed(runs[3]!, 2, 'bad --corrective')).toMatch(/^error: option '--corrective <action\|owner\|YYYY-MM-DD>' argument 'order new containers' is invalid\. must be "<action>\|<owner>"/);
    expect(failed(runs[4]!, 2, 'bad --status')).toMatch(/^error: option '--status <status>' argument 'late' is invalid\. Allowed choices are open, overdue, upcoming, completed\./);

    // What the API refuses is named by the flag too (exit 1): a training record names who took part.
    const noParticipants = failed(await practiceflow(['osha', 'record', trainingFlow, '--by', RESPONSIBLE, '--duration', '30']), 1, 'training without participants');
    expect(noParticipants).toContain('participants (--participants): must list who took part');

    const recorded = ok(
      await practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--participants', 'e-1,e-2', '--duration', '45', '--findings', 'plan reviewed; safer needles evaluated', '--corrective', `Order safety-engineered needles|${MANAGER}|${isoDay(30)}`]),
      'record',
    );
    expect(recorded).toMatch(new RegExp(`^Recorded ecp_review \\(${ecpFlow}\\): completed, due \\d{4}-\\d\\d-\\d\\d\\.\\n {2}completed \\S+ by safety@clinic\\.example\\n$`));
    const completed = JSON.parse(ok(await practiceflow(['osha', 'occurrences', '--site', 'cli-main', '--status', 'completed', '--json']), 'occurrences completed'));
    expect(completed.occurrences).toHaveLength(1);
    expect(completed.occurrences[0]).toMatchObject({
      flowId: ecpFlow,
      status: 'completed',
      completion: { recordedBy: RESPONSIBLE, late: false, participants: ['e-1', 'e-2'], durationMinutes: 45, findings: 'plan reviewed; safer needles evaluated', correctiveActions: [{ action: 'Order safety-engineered needles', owner: MANAGER, due: isoDay(30) }] },
    });
    const again = failed(await practiceflow(['osha', 'record', ecpFlow, '--by', RESPONSIBLE, '--participants', 'e-1']), 1, 'record again');
    expect(again).toMatch(/^error: /);
  });

  it('prints the compliance calendar: the summary, then the entries by month', async () => {
    const out = ok(await practiceflow(['osha', 'calendar', '--site', 'cli-main', '--year', String(ecpYear)]), 'calendar');
    expect(out).toMatch(new RegExp(`^Compliance calendar ${ecpYear}, site cli-main\\n {2}done 1, late 0, open \\d+, overdue \\d+, missed \\d+, upcoming \\d+\\n\\n[A-Z][a-z]+ ${ecpYear}\\n {2}DUE +OBLIGATION +SHIFT/EMPLOYEE +PERIOD +STATE +FLOW\\n`));
    expect(out).toMatch(new RegExp(`\\n {2}\\d{4}-\\d\\d-\\d\\d +ecp_review +${ecpYear} +done +${ecpFlow}\\n`));
    const json = JSON.parse(ok(await practiceflow(['osha', 'calendar', '--site', 'cli-main', '--year', String(ecpYear), '--json']), 'calendar --json'));
    expect(json).toMatchObject({ siteId: 'cli-main', year: ecpYear, summary: { done: 1, late: 0 } });
    expect(out.split('\n')[1]).toBe(`  done 1, late 0, open ${json.summary.open}, overdue ${json.summary.overdue}, missed ${json.summary.missed}, upcoming ${json.summary.upcoming}`);
    const months = [...new Set(json.entries.map((e: any) => e.monthOf))];
    expect(out.match(/\n {2}DUE +OBLIGATION/g)).toHaveLength(months.length);
    const unknown = failed(await practiceflow(['osha', 'calendar', '--site', 'nowhere', '--year', String(ecpYear)]), 1, 'calendar of no site');
    expect(unknown).toMatch(/^error: siteId: no site "nowhere"/);
  });

  it('adds to the sharps injury log and lists it', async () => {
    const entry = { caseId: 'case-2026-07', siteId: 'cli-main', occurredOn: isoDay(-2), deviceType: '25G safety needle', deviceBrand: 'SafeStick', workArea: 'exam room 3', description: 'needle slipped while activating the safety shield after an injection' };
    const path = file('sharps.json', entry);
    const added = ok(await practiceflow(['osha', 'sharps', 'add', '--file', path, '--actor', RESPONSIBLE]), 'sharps add');
    expect(added).toMatch(new RegExp(`^Added case case-2026-07 to the sharps injury log of site cli-main \\(occurred ${isoDay(-2)}\\); kept until \\d{4}-12-31\\.\\n$`));
    const list = ok(await practiceflow(['osha', 'sharps', 'list', '--site', 'cli-main', '--year', isoDay(-2).slice(0, 4)]), 'sharps list');
    expect(list).toMatch(new RegExp(`^OCCURRED +CASE +SITE +DEVICE +WORK AREA +RECORDED BY +KEEP UNTIL +HOW\\n${isoDay(-2)} +case-2026-07 +cli-main +25G safety needle, SafeStick +exam room 3 +safety@clinic\\.example +\\d{4}-12-31 +needle slipped`));
    const twice = failed(await practiceflow(['osha', 'sharps', 'add', '--file', path, '--actor', RESPONSIBLE]), 1, 'sharps add twice');
    expect(twice).toMatch(/^error: caseId: case case-2026-07 is already in the sharps injury log/);
    expect(ok(await practiceflow(['osha', 'sharps', 'list', '--site', 'cli-main', '--year', '2001']), 'empty year')).toBe('No entries in the sharps injury log.\n');
  });

  it('changes the profile with a reason: no more extinguisher use, no extinguisher-training schedule; retires the site', async () => {
    const changedSite = file('site-v2.json', { ...SITE, extinguisherUse: false });
    const short = failed(await practiceflow(['osha', 'site', 'change', 'cli-main', '--site', changedSite, '--reason', 'no', '--by', MANAGER]), 1, 'change without a real reason');
    expect(short).toContain('reason (--reason): must say why the profile changed');

    const changed = ok(await practiceflow(['osha', 'site', 'change', 'cli-main', '--site', changedSite, '--reason', 'staff now evacuate instead of fighting fires', '--by', MANAGER]), 'site change');
    expect(changed).toMatch(/^Changed site cli-main to profile version 2: staff now evacuate instead of fighting fires\n {2}schedules added: none\n {2}schedules removed: osha-cli-main-extinguisher_training\n\nSite cli-main\n/);
    expect(changed).not.toMatch(/\n {2}extinguisher_training /);
    expect(changed).toContain('\nSchedules (4)\n');
    expect(await scheduleExists('osha-cli-main-extinguisher_training')).toBe(false);
    expect(await scheduleExists('osha-cli-main-extinguisher_inspection')).toBe(true);

    const retired = ok(await practiceflow(['osha', 'site', 'retire', 'cli-main', '--reason', 'the practice moved to a new building', '--by', MANAGER]), 'site retire');
    expect(retired).toBe('Retired site cli-main: its schedules are removed; its records are kept for their retention periods.\n');
    for (const s of SCHEDULES) expect(await scheduleExists(s), s).toBe(false);
    const shown = ok(await practiceflow(['osha', 'site', 'show', 'cli-main']), 'show retired');
    expect(shown).toMatch(/\n {2}Status +retired, profile version 2\n/);
    expect(shown).toContain('\nSchedules (0)\n  (none)\n');
  });

  it('has --help on every osha command', async () => {
    const commands = [['osha'], ['osha', 'site', 'register'], ['osha', 'site', 'change'], ['osha', 'occurrences'], ['osha', 'record'], ['osha', 'calendar'], ['osha', 'sharps', 'add'], ['osha', 'sharps', 'list']];
    const runs = await Promise.all(commands.map((c) => practiceflow([...c, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code, commands[i]!.join(' ')).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: practiceflow ${commands[i]!.join(' ')}`));
    });
    expect(runs[4]!.stdout).toContain('--corrective <action|owner|YYYY-MM-DD>');
  });
});
