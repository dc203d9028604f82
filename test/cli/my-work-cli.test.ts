// `practiceflow my-work` (bin/practiceflow.js) against a real stack: the token's user's own open
// work, as a table and as exactly the JSON GET /api/me/tasks answers; without a token it says to sign in.
import { describe, expect, it } from 'vitest';
import { eventually, isoDay, useApiStack } from '../api/stack';
import { NO_STACK, runPracticeflow } from '../support/cli';

const MANAGER = 'lead@clinic.example';
const STAFF = 'h-6101@staff.example';
const FLOW = 'onboarding-h-6101';

const stack = useApiStack();

describe('practiceflow my-work', () => {
  it("prints the token's user's open tasks, overdue first, and the API's JSON with --json", async () => {
    const token = await stack.tokenFor(STAFF, 'staff');
    const started = await stack.request('POST', '/api/onboarding', { hireId: 'h-6101', name: 'Ari Cole', email: STAFF, role: 'front_desk', startDate: isoDay(-3), managerEmail: MANAGER });
    expect(started.status).toBe(201);
    const theirs = (started.json.plan.tasks as { key: string; assignee: string }[]).filter((t) => t.assignee === STAFF).map((t) => t.key);
    await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: FLOW, action: 'task.created' } })) === started.json.plan.tasks.length, 'the tasks in the ledger');
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');

    const json = await runPracticeflow(['my-work', '--json'], { apiUrl: stack.url, token });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const api = await stack.request('GET', '/api/me/tasks', undefined, {}, { token });
    expect(JSON.parse(json.stdout)).toEqual(api.json);
    expect(api.json.tasks.map((t: { key: string }) => t.key).sort()).toEqual([...theirs].sort());

    const human = await runPracticeflow(['my-work'], { apiUrl: stack.url, token });
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toBe(`Open work of ${STAFF} (today ${isoDay(0)}, America/New_York)`);
    // One row per task, the overdue ones (the I-9 due on day one) first.
    const rows = lines.slice(3, 3 + theirs.length);
    expect(rows.map((r) => r.split(/\s+/)[3]).sort()).toEqual([...theirs].sort());
    expect(rows.find((r) => r.includes(' i9_section1 '))).toMatch(new RegExp(`^${isoDay(-3)}\\s+OVERDUE\\s+${FLOW}\\s+i9_section1\\s`));
    const states = rows.map((r) => r.split(/\s+/)[1]);
    expect(states).toEqual([...states].sort((a, b) => Number(a !== 'OVERDUE') - Number(b !== 'OVERDUE')));
    expect(states).toContain('open');
  });

  it('says to sign in without a token', async () => {
    const anonymous = await runPracticeflow(['my-work'], { apiUrl: stack.url, token: null });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: not signed in: .*set PRACTICEFLOW_TOKEN/);
    expect(anonymous.stderr).not.toMatch(NO_STACK);
  });
});
