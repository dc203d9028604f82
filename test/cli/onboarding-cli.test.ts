// The real `practiceflow` command (bin/practiceflow.js, as `npx practiceflow` runs it) against a
// real stack: plan from a file and from stdin, start from flags, list, show, complete, and what a
// person sees when the input is bad or the API is not there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devstack/temporal';
import { eventually, isoDay, useApiStack } from '../api/stack';
import { NO_STACK, runPracticeflow } from '../support/cli';

const MANAGER = 'manager@clinic.example';
const dir = mkdtempSync(join(tmpdir(), 'practiceflow-cli-'));
const stack = useApiStack();

const practiceflow = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) => runPracticeflow(args, { ...opts, apiUrl: stack.url });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('practiceflow CLI', () => {
  const example = {
    hireId: 'h-2000',
    name: 'Sam Lee',
    email: 'sam@staff.example',
    role: 'medical_assistant',
    startDate: '2026-11-23',
    managerEmail: MANAGER,
    practice: { timeZone: 'America/New_York' },
  };

  it('plans from a file and from stdin: exactly {"tasks":[{key,title,dueDate,rule}]}', async () => {
    const file = join(dir, 'hire.json');
    writeFileSync(file, JSON.stringify(example));
    const fromFile = await practiceflow(['plan', 'onboarding', '--input', file]);
    expect(fromFile).toMatchObject({ code: 0, stderr: '' });
    expect(fromFile.stdout.trim().split('\n')).toHaveLength(1);
    const plan = JSON.parse(fromFile.stdout) as { tasks: Record<string, string>[] };
    expect(Object.keys(plan)).toEqual(['tasks']);
    for (const task of plan.tasks) {
      expect(Object.keys(task)).toEqual(['key', 'title', 'dueDate', 'rule']);
      expect(task.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(Object.fromEntries(plan.tasks.map((t) => [t.key, t.dueDate]))).toMatchObject({
      i9_section1: '2026-11-23',
      i9_section2: '2026-11-27',
      hepb_vaccine_offer: '2026-12-08',
      new_hire_report: '2026-12-13',
      hipaa_training: '2026-12-23',
    });
    expect(plan.tasks.find((t) => t.key === 'i9_section2')).toEqual({
      key: 'i9_section2',
      title: 'Form I-9 Section 2 (employer review of documents)',
      dueDate: '2026-11-27',
      rule: '8 CFR 274a.2(b)(1)(ii)',
    });

    const fromStdin = await practiceflow(['plan', 'onboarding', '--input', '-'], { stdin: JSON.stringify(example) });
    expect(fromStdin).toEqual(fromFile);
    expect(await stack.prisma.flow.count()).toBe(0);
  });

  it('starts onboarding from flags, lists it and shows its checklist', async () => {
    const start = await practiceflow([
      'onboarding', 'start',
      '--hire-id', 'h-5001',
      '--name', 'Lee Park',
      '--email', 'lee@staff.example',
      '--role', 'front_desk',
      '--start-date', isoDay(30),
      '--manager-email', MANAGER,
      '--state', 'GA',
      '--actor', 'hr@clinic.example',
       ]);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('Started onboarding-h-5001 with 6 tasks');
    expect(start.stdout).toMatch(new RegExp(`${isoDay(30)}\\s+i9_section1`));
    expect(start.stdout).toContain('O.C.G.A. 19-11-9.2'); // Georgia's 10-day new-hire report

    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'onboarding-h-5001' } }), 'the flow row');
    const list = await practiceflow(['flows', 'list', '--type', 'onboarding']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^FLOW\s+TYPE\s+STATUS/);
    expect(list.stdout).toMatch(/onboarding-h-5001\s+onboarding\s+running\s+.*hr@clinic\.example\s+Onboarding h-5001 Lee Park \(front_desk\)/);
    const found = await practiceflow(['flows', 'list', '--search', 'lee FRONT_desk', '--json']);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).flows.map((f: { flowId: string }) => f.flowId)).toEqual(['onboarding-h-5001']);
    const none = await practiceflow(['flows', 'list', '--search', 'nobody']);
    expect(none.code).toBe(0);
    expect(none.stdout).not.toContain('onboarding-h-5001');

    const show = await practiceflow(['flows', 'show', 'onboarding-h-5001']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Onboarding h-5001 Lee Park (front_desk)');
    expect(show.stdout).toMatch(/Started\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} by hr@clinic\.example/);
    expect(show.stdout).toMatch(new RegExp(`open\\s+${isoDay(30)}\\s+i9_section1\\s+lee@staff\\.example`));
    expect(show.stdout).toMatch(/Recent history[\s\S]*hr@clinic\.example\s+flow\.started/);
  });

  it('completes a task and shows who did it', async () => {
    const done = await practiceflow(['task', 'complete', 'onboarding-h-5001', 'i9_section1', '--by', 'lee@staff.example', '--note', 'signed in person', '--evidence', 'document=passport', '--evidence', 'checked_by=manager']);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toContain('Completed i9_section1 in onboarding-h-5001');

    const show = await practiceflow(['flows', 'show', 'onboarding-h-5001']);
    expect(show.stdout).toMatch(/done\s+\S+\s+i9_section1\s+lee@staff\.example\s+lee@staff\.example \d{4}-\d{2}-\d{2} \d{2}:\d{2}; note: signed in person/);
    expect(show.stdout).toMatch(/lee@staff\.example\s+task\.completed\s+i9_section1\s+8 CFR 274a\.2\(b\)\(1\)\(i\)\(A\)/);
    const json = JSON.parse((await practiceflow(['flows', 'show', 'onboarding-h-5001', '--json'])).stdout);
    expect(json.tasks.find((t: { key: string }) => t.key === 'i9_section1').completion).toMatchObject({
      by: 'lee@staff.example',
      evidence: { document: 'passport', checked_by: 'manager' },
    });
  });

  it('prints what is wrong with bad input, field by field, and exits 1 without a stack trace', async () => {
    const bad = await practiceflow(['onboarding', 'start', '--hire-id', 'h-5002', '--name', 'Kim', '--email', 'kim@staff.example', '--role', 'chef', '--start-date', '2026-02-30', '--manager-email', MANAGER]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      [
        'error: 2 problems: role, startDate',
        '  role (--role): must be one of front_desk, billing, medical_assistant, nurse, physician, nurse_practitioner, physician_assistant, office_manager',
        '  startDate (--start-date): is not a real calendar date',
        '',
      ].join('\n'),
    );
    expect(await stack.prisma.flow.count()).toBe(1);

    const twice = await practiceflow(['task', 'complete', 'onboarding-h-5001', 'i9_section1', '--by', MANAGER]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^error: taskKey: task "i9_section1" is already completed \(by lee@staff\.example at .*\)\n$/);

    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"hireId": ');
    const broken = await practiceflow(['plan', 'onboarding', '--input', file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: --input .*broken\.json: is not valid JSON/);

    for (const run of [bad, twice, broken]) expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('exits 2 for a wrong command line, and --help works on commands', async () => {
    const missing = await practiceflow(['task', 'complete', 'onboarding-h-5001', 'i9_section2']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--by <who>' not specified");
    const help = await practiceflow(['task', 'complete', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--late-reason <text>');
  });

  it('says when the API cannot be reached, naming PRACTICEFLOW_API_URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const down = await practiceflow(['flows', 'list'], { env: { PRACTICEFLOW_API_URL: url } });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`error: cannot reach the PracticeFlow API at ${url} (ECONNREFUSED). Start it with \`npm start\`, or set PRACTICEFLOW_API_URL to the address of a running API.\n`);
  });
});
