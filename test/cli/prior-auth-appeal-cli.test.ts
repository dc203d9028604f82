// The real `practiceflow` command (bin/practiceflow.js) as a billing lead runs it, against one real
// stack (Temporal dev server in real time, Postgres, SMTP sink, worker, API): a prior authorization
// from a JSON file through submission, a denial and the accepted denial; one approved and used; one
// past the payer's clock on the worklist; a claim appeal from a file through submission with proof
// and a won decision, another closed; the appeal worklist; the metrics report for what was done;
// bad input naming the field (and the flag that set it) with exit code 1, usage errors with 2.
// Dates are relative to now.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, isoDay, useApiStack, appealBody } from '../api/stack';
import { NO_STACK, runPracticeflow, type Run } from '../support/cli';

/* eslint-disable @typescript-eslint/no-explicit-any */

const STAFF = 'billing@clinic.example';
const MANAGER = 'manager@clinic.example';
const ACME = { type: 'medicare_advantage', id: 'acme-ma', name: 'Acme MA' };
const MCO = { type: 'medicaid_managed_care', id: 'state-mco', name: 'State MCO' };
/** Now, to the second (the flows record instants without milliseconds). */
const NOW = Math.floor(Date.now() / 1000) * 1000;
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * 3_600_000).toISOString().replace('.000Z', 'Z');

/** The day of an instant in the practice's zone. */
const practiceDay = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

const dir = mkdtempSync(join(tmpdir(), 'practiceflow-pa-appeal-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stack = useApiStack();
const practiceflow = (args: string[]) => runPracticeflow(args, { apiUrl: stack.url });

/** A JSON file in this file's folder. */
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

/** A failure: exit 1, nothing on stdout, `error:` first and no stack trace; the stderr. */
function failed(run: Run, what: string): string {
  expect(run.stdout, what).toBe('');
  expect(run.code, what).toBe(1);
  expect(run.stderr, what).toMatch(/^error: /);
  expect(run.stderr, what).not.toMatch(NO_STACK);
  return run.stderr;
}

const priorAuth = (authorizationId: string, extra: Record<string, unknown> = {}) => ({
  authorizationId,
  patientRef: 'mrn-001234',
  payer: ACME,
  service: { code: '72148', units: 2, scheduledDate: isoDay(20) },
  urgency: 'standard',
  orderingProvider: '1234567890',
  staffEmail: STAFF,
  managerEmail: MANAGER,
  ...extra,
});

const appeal = (appealId: string, extra: Record<string, unknown> = {}) => appealBody(appealId, extra, { staff: STAFF, manager: MANAGER });

async function startPriorAuth(body: Record<string, unknown>): Promise<string> {
  const out = ok(await practiceflow(['prior-auth', 'start', '--input', file(`${String(body.authorizationId)}.json`, body)]), 'prior-auth start');
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: `prior-auth-${String(body.authorizationId)}` } }), 'the flow row');
  return out;
}

describe('practiceflow prior-auth (through the API)', () => {
  it('starts from a file, shows, submits, records a denial and its accepted path; the list shows it completed', async () => {
    const started = await startPriorAuth(priorAuth('pa-cli-1'));
    expect(started).toMatch(/^Started prior-auth-pa-cli-1: submit to the payer by \d{4}-\d{2}-\d{2}\.\n$/);

    const before = ok(await practiceflow(['prior-auth', 'show', 'pa-cli-1']), 'show');
    expect(before).toMatch(/^prior-auth-pa-cli-1 {2}awaiting_submission \(flow running\)\n/);
    expect(before).toContain('payer Acme MA (medicare_advantage), standard, CPT/HCPCS 72148 x2 on ' + isoDay(20));
    expect(before).toMatch(/ {2}submit by \d{4}-\d{2}-\d{2} \(/);

    const submitted = ok(await practiceflow(['prior-auth', 'submit', 'pa-cli-1', '--confirmation', 'PORTAL-4471', '--by', STAFF, '--submitted-at', at(10), '--json']), 'submit');
    const view = JSON.parse(submitted);
    expect(view).toMatchObject({ status: 'submitted', submissions: [{ n: 1, confirmationNumber: 'PORTAL-4471' }], clock: { overdue: false, rule: expect.stringContaining('422.568') } });
    // Standard Medicare Advantage: 7 calendar days from receipt, to the end of that day.
    expect(view.clock.decisionDueDate).toBe(new Date(Date.parse(`${practiceDay(NOW - 10 * 3_600_000)}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10));
    expect(view.clock.decisionDueAt.startsWith(`${view.clock.decisionDueDate}T`)).toBe(true);

    const shown = ok(await practiceflow(['prior-auth', 'show', 'pa-cli-1']), 'show after submit');
    expect(shown).toMatch(/^prior-auth-pa-cli-1 {2}submitted \(flow running\)\n/);
    expect(shown).toContain(`  payer decision due ${view.clock.decisionDueAt} (${view.clock.rule})\n`);
    expect(shown).not.toContain('PAST THE CLOCK');

    const denied = ok(await practiceflow(['prior-auth', 'decide', 'pa-cli-1', '--outcome', 'denied', '--reason', 'not medically necessary per LCD L35936', '--denial-code', 'CO-50', '--by', STAFF, '--received-at', at(4)]), 'decide');
    expect(denied).toMatch(/^prior-auth-pa-cli-1 {2}denied \(flow running\)\n/);
    expect(denied).toContain(`  decision: denied by ${STAFF} at `);
    expect(denied).toContain('(not medically necessary per LCD L35936)');

    const accepted = ok(await practiceflow(['prior-auth', 'denial-path', 'pa-cli-1', '--path', 'accept', '--by', MANAGER, '--note', 'patient will self-pay']), 'denial-path');
    expect(accepted).toMatch(/^prior-auth-pa-cli-1 {2}denial_accepted \(flow completed\)\n/);

    const flows = await eventually(async () => {
      const run = await practiceflow(['prior-auth', 'list', '--json']);
      const list = JSON.parse(ok(run, 'list --json'));
      const f = list.flows.find((x: any) => x.subjectId === 'pa-cli-1');
      return f?.status === 'completed' ? list.flows : undefined;
    }, 'the list to show pa-cli-1 completed');
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ flowId: 'prior-auth-pa-cli-1', flowType: 'prior_auth', status: 'completed' });
    const human = ok(await practiceflow(['prior-auth', 'list', '--status', 'completed']), 'list');
    expect(human).toMatch(/^FLOW\s+TYPE\s+STATUS\s+STARTED \(UTC\)\s+STARTED BY\s+TITLE\nprior-auth-pa-cli-1\s+prior_auth\s+completed\s/);
    expect(ok(await practiceflow(['prior-auth', 'list', '--status', 'running']), 'list running')).toBe('No flows.\n');
  });

  it('puts a request past its expedited clock first on the worklist; approves and uses another', async () => {
    // pa-cli-2: expedited (72 hours), received 100 hours ago: the payer is 28 hours past its clock.
    await startPriorAuth(priorAuth('pa-cli-2', { payer: MCO, urgency: 'expedited' }));
    ok(await practiceflow(['prior-auth', 'submit', 'pa-cli-2', '--confirmation', 'MCO-9', '--by', STAFF, '--submitted-at', at(100)]), 'submit pa-cli-2');
    await startPriorAuth(priorAuth('pa-cli-3'));
    ok(await practiceflow(['prior-auth', 'submit', 'pa-cli-3', '--confirmation', 'PORTAL-4480', '--by', STAFF, '--submitted-at', at(10)]), 'submit pa-cli-3');

    const shown = ok(await practiceflow(['prior-auth', 'show', 'pa-cli-2']), 'show pa-cli-2');
    expect(shown).toMatch(/ {2}payer decision due \S+ \(.+\) {2}PAST THE CLOCK\n/);

    const worklist = ok(await practiceflow(['worklist', 'prior-auth']), 'worklist prior-auth');
    const lines = worklist.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DECISION DUE\s+HOURS LEFT\s+AUTHORIZATION\s+STATUS\s+PAYER\s+RULE$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\S+\s+-2[89](\.\d+)? PAST CLOCK\s+pa-cli-2\s+submitted\s+State MCO\s+\S/);
    expect(lines[2]).toMatch(/^\S+\s+1\d\d(\.\d+)?\s+pa-cli-3\s+submitted\s+Acme MA\s+\S/);
    const json = JSON.parse(ok(await practiceflow(['worklist', 'prior-auth', '--json']), 'worklist --json'));
    expect(json.items.map((i: any) => [i.authorizationId, i.pastClock])).toEqual([
      ['pa-cli-2', true],
      ['pa-cli-3', false],
    ]);
    expect(Date.parse(json.items[0].decisionDueAt)).toBe(NOW - 28 * 3_600_000);

    const approved = ok(
      await practiceflow(['prior-auth', 'decide', 'pa-cli-3', '--outcome', 'approved', '--authorization-number', 'AUTH-77', '--valid-from', isoDay(0), '--valid-to', isoDay(60), '--units', '2', '--by', STAFF, '--received-at', at(4)]),
      'approve pa-cli-3',
    );
    expect(approved).toMatch(/^prior-auth-pa-cli-3 {2}approved /);
    expect(approved).toContain(' #AUTH-77');
    const rendered = ok(await practiceflow(['prior-auth', 'rendered', 'pa-cli-3', '--on', isoDay(0), '--units', '1', '--by', STAFF]), 'rendered');
    expect(rendered).toContain('  units: 1 of 2 used, 1 left');

    const after = JSON.parse(ok(await practiceflow(['worklist', 'prior-auth', '--json']), 'worklist after'));
    expect(after.items.map((i: any) => i.authorizationId)).toEqual(['pa-cli-2']);
  });

  it('reports the metrics for what was done, then cancels the late one', async () => {
    const run = await practiceflow(['report', 'prior-auth-metrics', '--from', isoDay(-1), '--to', isoDay(1), '--json']);
    const report = JSON.parse(ok(run, 'metrics --json'));
    // Requests: pa-cli-1..3. Decisions: pa-cli-1 denied after 6 h, pa-cli-3 approved after 6 h.
    expect(report).toMatchObject({ from: isoDay(-1), to: isoDay(1), timeZone: 'America/New_York' });
    expect(report.overall).toEqual({ requests: 3, decisions: 2, approved: 1, denied: 1, pended: 0, approvalRate: 0.5, denialRate: 0.5, averageDecisionHours: 6, medianDecisionHours: 6, decidedAfterClock: 0 });
    expect(report.payers).toEqual([
      { key: 'medicaid_managed_care:state-mco', payer: MCO, requests: 1, decisions: 0, approved: 0, denied: 0, pended: 0, approvalRate: null, denialRate: null, averageDecisionHours: null, medianDecisionHours: null, decidedAfterClock: 0 },
      { key: 'medicare_advantage:acme-ma', payer: ACME, requests: 2, decisions: 2, approved: 1, denied: 1, pended: 0, approvalRate: 0.5, denialRate: 0.5, averageDecisionHours: 6, medianDecisionHours: 6, decidedAfterClock: 0 },
    ]);
    const human = ok(await practiceflow(['report', 'prior-auth-metrics', '--from', isoDay(-1), '--to', isoDay(1)]), 'metrics');
    expect(human).toContain(`Prior-authorization metrics ${isoDay(-1)} to ${isoDay(1)} (America/New_York)`);
    expect(human).toMatch(/\n\(all\)\s+3\s+2\s+1\s+1\s+0\s+50%\s+50%\s+6\s+6\s+0\n$/);

    const cancelled = ok(await practiceflow(['prior-auth', 'cancel', 'pa-cli-2', '--by', MANAGER, '--reason', 'order withdrawn']), 'cancel');
    expect(cancelled).toBe('Cancelled prior-auth-pa-cli-2.\n');
    expect(ok(await practiceflow(['worklist', 'prior-auth']), 'empty worklist')).toBe('No prior authorizations waiting on a payer.\n');
  });
});

describe('practiceflow appeal and worklist appeals (through the API)', () => {
  it('starts from a file, shows the deadline and rule, submits with proof, records a win; closes another', async () => {
    const started = ok(await practiceflow(['appeal', 'start', '--input', file('A-cli-1.json', appeal('A-cli-1'))]), 'appeal start');
    expect(started).toMatch(/^Started appeal-A-cli-1: redetermination, file by (\d{4}-\d{2}-\d{2}) \(42 CFR 405\.942\(a\).*\)\.\n$/);
    const deadline = /file by (\S+)/.exec(started)![1]!;
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'appeal-A-cli-1' } }), 'the appeal flow row');
    // Commercial internal appeal: 180 days from the notice.
    ok(await practiceflow(['appeal', 'start', '--input', file('A-cli-2.json', appeal('A-cli-2', { payer: { type: 'commercial', name: 'Northwind Health' }, noticeDate: isoDay(-5), denialCodes: ['CO-197'] })), '--actor', MANAGER]), 'start A-cli-2');
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: 'appeal-A-cli-2' } }), 'the A-cli-2 flow row');

    const shown = ok(await practiceflow(['appeal', 'show', 'A-cli-1']), 'appeal show');
    expect(shown).toMatch(/^appeal-A-cli-1 {2}running, level redetermination\n/);
    expect(shown).toMatch(new RegExp(`\\n  claim CLM-A-cli-1: file by ${deadline} \\(42 CFR 405\\.942\\(a\\)`));
    expect(shown).toMatch(/TASK\s+STATUS\s+DUE\s+ASSIGNEE\n/);
    expect(shown).toMatch(/submit_appeal\s+open\s/);

    const worklist = ok(await practiceflow(['worklist', 'appeals']), 'worklist appeals');
    const lines = worklist.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DUE\s+DAYS\s+STAGE\s+APPEAL\s+LEVEL\s+PAYER\s+FILING DEADLINE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[3])).toEqual(['A-cli-1', 'A-cli-2']);
    expect(lines[1]).toMatch(new RegExp(`^${deadline}\\s+\\d+\\s+filing\\s+A-cli-1\\s+redetermination\\s+Medicare Part B\\s+${deadline}$`));

    const submitted = ok(await practiceflow(['appeal', 'submit', 'A-cli-1', '--confirmation', 'FAX-881', '--channel', 'fax', '--by', STAFF, '--note', 'records and letter, 14 pages']), 'appeal submit');
    expect(submitted).toMatch(/ {2}submitted \S+ via fax, confirmation FAX-881\n/);
    expect(submitted).not.toContain('(LATE)');
    expect(submitted).toMatch(/ {2}payer decision due \d{4}-\d{2}-\d{2}/);
    const afterSubmit = JSON.parse(ok(await practiceflow(['worklist', 'appeals', '--json']), 'worklist appeals --json'));
    expect(afterSubmit.items.find((i: any) => i.appealId === 'A-cli-1')).toMatchObject({ stage: 'awaiting_decision', overdue: false });

    const won = ok(await practiceflow(['appeal', 'decide', 'A-cli-1', '--outcome', 'won', '--amount-recovered', '450', '--by', STAFF]), 'appeal decide');
    expect(won).toMatch(/^appeal-A-cli-1 {2}completed, level redetermination\n/);
    expect(won).toContain('  outcome: won: ');

    const closed = ok(await practiceflow(['appeal', 'close', 'A-cli-2', '--by', MANAGER, '--reason', 'written off: below the cost of appeal']), 'appeal close');
    expect(closed).toContain('  outcome: closed: ');

    const flows = await eventually(async () => {
      const list = JSON.parse(ok(await practiceflow(['appeal', 'list', '--json']), 'appeal list --json'));
      return list.flows.every((f: any) => f.status !== 'running') ? list.flows : undefined;
    }, 'both appeals to be closed in the list (won: completed; closed: cancelled)');
    expect(flows.map((f: any) => [f.subjectId, f.status]).sort()).toEqual([
      ['A-cli-1', 'completed'],
      ['A-cli-2', 'cancelled'],
    ]);
    expect(ok(await practiceflow(['worklist', 'appeals']), 'empty appeal worklist')).toBe('No open appeals.\n');
  });
});

describe('bad input', () => {
  it('names the field, and the flag that set it, with exit code 1', async () => {
    const badDecision = failed(await practiceflow(['prior-auth', 'decide', 'pa-cli-2', '--outcome', 'denied', '--by', STAFF]), 'denied without a reason');
    expect(badDecision).toMatch(/^error: .*\n {2}reason \(--reason\): .+\n$|^error: reason \(--reason\): .+\n$/);

    const badSubmit = failed(await practiceflow(['appeal', 'submit', 'A-cli-9', '--confirmation', 'X-1', '--channel', 'pigeon', '--by', STAFF]), 'a bad channel');
    expect(badSubmit).toMatch(/channel \(--channel\): /);

    const badReport = failed(await practiceflow(['report', 'prior-auth-metrics', '--from', isoDay(1), '--to', isoDay(-1)]), 'to before from');
    expect(badReport).toMatch(/to \(--to\): /);

    // Fields from a file are named by their path in the file.
    const badStart = failed(await practiceflow(['prior-auth', 'start', '--input', file('bad.json', priorAuth('pa-bad', { patientRef: 'Jane Doe', urgency: 'whenever' }))]), 'a bad start file');
    expect(badStart).toMatch(/\n {2}patientRef: /);
    expect(badStart).toMatch(/\n {2}urgency: /);
    expect(await stack.prisma.flow.count({ where: { subjectId: 'pa-bad' } })).toBe(0);

    const missing = failed(await practiceflow(['appeal', 'start', '--input', join(dir, 'nope.json')]), 'a missing file');
    expect(missing).toBe(`error: --input ${join(dir, 'nope.json')}: no such file\n`);
    const unknown = failed(await practiceflow(['prior-auth', 'show', 'pa-nope']), 'an unknown authorization');
    expect(unknown).toContain('pa-nope');
  });

  it('exits 2 when a command is used wrongly', async () => {
    const noChannel = await practiceflow(['appeal', 'submit', 'A-cli-1', '--confirmation', 'X-1', '--by', STAFF]);
    expect(noChannel.code).toBe(2);
    expect(noChannel.stderr).toContain("error: required option '--channel <channel>' not specified");
    const badLimit = await practiceflow(['worklist', 'appeals', '--limit', '0']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('must be a whole number greater than 0');
    for (const r of [noChannel, badLimit]) expect(r.stderr).not.toMatch(NO_STACK);
  });
});
