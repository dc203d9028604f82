// The real `practiceflow` command (bin/practiceflow.js) for credentials: `plan credential` runs
// locally and prints the plan JSON; `credential import` sends a CSV file to a real stack and
// prints the report (exit 1 when rows are rejected); every credential command has --help.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isoDay, startApiStack, type ApiStack } from '../api/stack';
import { NO_STACK, runPracticeflow } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'practiceflow-credential-cli-'));
const HEADER = 'credentialId,providerId,type,issuer,jurisdiction,number,issueDate,dueDate,evidence,providerEmail,ownerEmail,managerEmail';
const EMAILS = 'dr.a@clinic.example,credentialing@clinic.example,manager@clinic.example';
let stack: ApiStack | undefined;

/** Against this file's stack once it is started (the local plan tests need none). */
const practiceflow = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) => runPracticeflow(args, { ...opts, apiUrl: stack?.url });

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('practiceflow plan credential (local, no API)', () => {
  const dea = {
    credentialId: 'dea-p77',
    providerId: 'p-77',
    type: 'dea_registration',
    jurisdiction: 'NY',
    number: 'FK1234563',
    dueDate: '2027-06-30',
    providerEmail: 'dr.kim@clinic.example',
    ownerEmail: 'credentialing@clinic.example',
    managerEmail: 'manager@clinic.example',
  };

  it('prints the plan as one line of JSON, from a file, stdin or flags', async () => {
    const file = join(dir, 'dea.json');
    writeFileSync(file, JSON.stringify(dea));
    const fromFile = await practiceflow(['plan', 'credential', '--input', file]);
    expect(fromFile).toMatchObject({ code: 0, stderr: '' });
    expect(fromFile.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(fromFile.stdout)).toEqual({
      credential: { credentialId: 'dea-p77', providerId: 'p-77', type: 'dea_registration', jurisdiction: 'NY' },
      dueDate: '2027-06-30',
      reminders: ['2027-04-01', '2027-04-30', '2027-05-28', '2027-06-16', '2027-06-23', '2027-06-30'],
      lapsesOn: '2027-07-01',
      graceEndsOn: '2027-07-30',
      renewalOpensOn: '2027-05-01',
      rule: '21 CFR 1301.13',
    });
    expect(Object.keys(JSON.parse(fromFile.stdout))).toEqual(['credential', 'dueDate', 'reminders', 'lapsesOn', 'graceEndsOn', 'renewalOpensOn', 'rule']);

    expect(await practiceflow(['plan', 'credential', '--input', '-'], { stdin: JSON.stringify(dea) })).toEqual(fromFile);
    // Flags override the file: a CAQH attestation due in 120-day cycles, reminders 15, 10 and 5 days before.
    const caqh = await practiceflow(['plan', 'credential', '--input', file, '--type', 'caqh_attestation', '--jurisdiction', 'IL', '--due-date', '2027-03-15']);
    expect(caqh.code).toBe(0);
    expect(JSON.parse(caqh.stdout)).toMatchObject({ dueDate: '2027-03-15', reminders: ['2027-02-26', '2027-03-05', '2027-03-10', '2027-03-15'], lapsesOn: '2027-03-16', rule: 'CAQH ProView: re-attest every 180 days in Illinois' });
  });

  it('names each bad field by its flag, and exits 1 without a stack trace', async () => {
    const bad = await practiceflow(['plan', 'credential', '--credential-id', 'dea-1', '--provider', 'p-1', '--type', 'dea_registration', '--due-date', '2027-02-30', '--provider-email', 'a@clinic.example', '--owner-email', 'b@clinic.example', '--manager-email', 'c@clinic.example']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      [
        'error: 2 problems: dueDate, jurisdiction',
        '  dueDate (--due-date): is not a real calendar date',
        '  jurisdiction (--jurisdiction): is required for dea_registration (the state it is valid in)',
        '',
      ].join('\n'),
    );
    expect(bad.stderr).not.toMatch(NO_STACK);
  });
});

describe('practiceflow credential (through the API)', () => {
  beforeAll(async () => {
    stack = await startApiStack();
  });

  it('imports a CSV file and prints the report; the same file again is unchanged', async () => {
    const file = join(dir, 'credentials.csv');
    writeFileSync(file, [HEADER, `lic-1,p-1,state_license,,NY,NY-1,,${isoDay(40)},,${EMAILS}`, `bls-1,p-1,bls_card,AHA,,,,${isoDay(300)},,${EMAILS}`, ''].join('\n'));
    const first = await practiceflow(['credential', 'import', file, '--actor', 'coordinator@clinic.example']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Read 2 rows: 2 imported, 0 changed, 0 unchanged\.\nROW\s+CREDENTIAL\s+OUTCOME/);
    expect(first.stdout).toMatch(/2\s+lic-1\s+imported\n3\s+bls-1\s+imported/);
    await eventually(async () => (await stack!.prisma.credential.count()) === 2, 'the credential rows');

    const again = await practiceflow(['credential', 'import', file, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: true, imported: 0, changed: 0, unchanged: 2 });

    const list = await practiceflow(['credential', 'list', '--expiring-within', '90']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${isoDay(40)}\\s+40\\s+active\\s+lic-1\\s+p-1\\s+state_license\\s+NY`));
    expect(list.stdout).not.toContain('bls-1');
  });

  it('prints every rejected row, imports nothing and exits 1', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, [HEADER, `lic-2,p-2,state_license,,NY,,,${isoDay(40)},,${EMAILS}`, `dea-2,p-2,dea,,NY,,,2027-13-01,,${EMAILS}`, `lic-2,p-3,state_license,,NJ,,,${isoDay(40)},,${EMAILS}`].join('\n'));
    const run = await practiceflow(['credential', 'import', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Nothing was imported: 2 of 3 rows rejected\.\nROW\s+FIELD\s+REASON\n/);
    expect(run.stdout).toMatch(/3\s+type\s+must be one of state_license, /);
    expect(run.stdout).toMatch(/3\s+dueDate\s+is not a real calendar date/);
    expect(run.stdout).toMatch(/4\s+credentialId\s+duplicates row 2 \(same credentialId "lic-2"\)/);
    expect(run.stderr).toBe('error: nothing was imported: 2 of 3 rows rejected; correct them and import the file again\n');
    expect(await stack!.prisma.credential.count()).toBe(2);

    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, `${HEADER}\nlic-3,p-3,state_license,,NY,"NY-3,,${isoDay(40)},,${EMAILS}\n`);
    const malformed = await practiceflow(['credential', 'import', broken]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^error: csv: line 2: a quoted field opens here and is never closed \(unbalanced quotes\)\n$/);
    const missing = await practiceflow(['credential', 'import', join(dir, 'nope.csv')]);
    expect(missing).toMatchObject({ code: 1, stderr: `error: ${join(dir, 'nope.csv')}: no such file\n` });
    for (const r of [run, malformed, missing]) expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('has --help on every credential command', async () => {
    const commands = [['credential'], ['credential', 'add'], ['credential', 'list'], ['credential', 'show'], ['credential', 'renew'], ['credential', 'change'], ['credential', 'retire'], ['credential', 'flags'], ['credential', 'import'], ['plan', 'credential']];
    const runs = await Promise.all(commands.map((c) => practiceflow([...c, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code, commands[i]!.join(' ')).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: practiceflow ${commands[i]!.join(' ')}`));
    });
    expect(runs[4]!.stdout).toContain('--renewed-on <YYYY-MM-DD>');
    expect(runs[2]!.stdout).toContain('--expiring-within <days>');
    const missing = await practiceflow(['credential', 'renew', 'lic-1', '--by', 'x@clinic.example']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--evidence <ref>' not specified");
  });
});
