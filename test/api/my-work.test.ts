// GET /api/me/tasks against a real stack (Temporal dev server, Postgres, SMTP sink, worker, HTTP
// API): a staff member sees exactly their own open tasks of a running onboarding, in the order and
// with the overdue flags of the flow's own checklist, not the manager's or another hire's; a task
// they complete leaves the list; anonymous callers get 401; the calendar feed carries the same tasks.
import { describe, expect, it } from 'vitest';
import { MyWorkSchema, type MyTask, type MyWork } from '../../services/auth-schemas';
import { eventually, isoDay, useApiStack } from './stack';

const MANAGER = 'lead@clinic.example';
const STAFF = 'h-8101@staff.example';
const OTHER = 'h-8102@staff.example';
const FLOW = 'onboarding-h-8101';
const OTHER_FLOW = 'onboarding-h-8102';

const stack = useApiStack();

interface Planned {
  key: string;
  dueDate: string;
  assignee: string;
}

/** Starts an onboarding (as the stack's admin) and waits until every planned task is in the ledger. */
async function startOnboarding(hireId: string, startDate: string): Promise<Planned[]> {
  const started = await stack.request('POST', '/api/onboarding', { hireId, name: 'Dana Reyes', email: `${hireId}@staff.example`, role: 'medical_assistant', startDate, managerEmail: MANAGER });
  expect(started.status).toBe(201);
  const planned = started.json.plan.tasks as Planned[];
  const flowId = started.json.flowId as string;
  await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: flowId, action: 'task.created' } })) === planned.length, `the tasks of ${flowId} in the ledger`);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: flowId } }), `the flow row of ${flowId}`);
  return planned;
}

async function myWork(token: string): Promise<MyWork> {
  const res = await stack.request('GET', '/api/me/tasks', undefined, {}, { token });
  expect(res.status).toBe(200);
  // The answer is exactly what the route's result schema (and so the OpenAPI document) says.
  return MyWorkSchema.parse(res.json);
}

const keys = (tasks: MyTask[]) => tasks.map((t) => t.key).sort();

describe('my work (GET /api/me/tasks)', () => {
  it("lists exactly a staff member's open tasks, overdue first, as the flow's checklist counts them", async () => {
    const staff = await stack.tokenFor(STAFF, 'staff');
    await stack.tokenFor(OTHER, 'staff');
    // A hire who started six days ago (their day-one tasks are overdue), and another hire starting later.
    const planned = await startOnboarding('h-8101', isoDay(-6));
    await startOnboarding('h-8102', isoDay(20));

    const work = await myWork(staff);
    expect(work).toMatchObject({ email: STAFF, today: isoDay(0), timeZone: 'America/New_York', credentials: [], occurrences: [] });
    expect(keys(work.tasks)).toEqual(planned.filter((t) => t.assignee === STAFF).map((t) => t.key).sort());
    expect(work.tasks.every((t) => t.flowId === FLOW && t.flowType === 'onboarding' && t.flowTitle.length > 0)).toBe(true);
    expect(work.tasks.map((t) => t.flowId)).not.toContain(OTHER_FLOW);

    // Overdue as the flow's own (live) checklist says, and day one's I-9 is overdue.
    const checklist = (await stack.request('GET', `/api/flows/${FLOW}`, undefined, {}, { token: staff })).json;
    const live = new Map<string, { overdue: boolean; dueDate: string; title: string }>(checklist.tasks.map((t: { key: string; overdue: boolean; dueDate: string; title: string }) => [t.key, t]));
    for (const task of work.tasks) {
      expect(task.overdue, task.key).toBe(live.get(task.key)!.overdue);
      expect(task.dueDate, task.key).toBe(live.get(task.key)!.dueDate);
      expect(task.title, task.key).toBe(live.get(task.key)!.title);
      expect(task.due).toEqual({ date: task.dueDate });
      expect(task.rule).toMatch(/\S/);
    }
    expect(work.tasks.find((t) => t.key === 'i9_section1')).toMatchObject({ overdue: true, dueDate: isoDay(-6), rule: expect.stringContaining('8 CFR 274a.2') });
    expect(work.tasks.some((t) => !t.overdue)).toBe(true);
    // Overdue first, then by due date.
    const rank = (t: MyTask) => `${t.overdue ? 0 : 1}${t.dueDate}`;
    expect(work.tasks.map(rank)).toEqual(work.tasks.map(rank).sort());

    // The manager sees their own tasks of both hires, none of the hires'.
    const manager = await myWork(await stack.tokenFor(MANAGER, 'manager'));
    expect(keys(manager.tasks.filter((t) => t.flowId === FLOW))).toEqual(planned.filter((t) => t.assignee === MANAGER).map((t) => t.key).sort());
    expect(manager.tasks.map((t) => t.key)).toContain('i9_section2');
    expect(new Set(manager.tasks.map((t) => t.flowId))).toEqual(new Set([FLOW, OTHER_FLOW]));
    // The other hire sees only theirs.
    const other = await myWork(await stack.tokenFor(OTHER, 'staff'));
    expect(other.tasks.length).toBeGreaterThan(0);
    expect(other.tasks.every((t) => t.flowId === OTHER_FLOW && !t.overdue)).toBe(true);
  });

  it('drops a task once it is completed', async () => {
    const staff = await stack.tokenFor(STAFF, 'staff');
    const before = await myWork(staff);
    const task = before.tasks.find((t) => !t.overdue)!;
    const done = await stack.request('POST', `/api/flows/${FLOW}/tasks/${task.key}/complete`, { by: STAFF }, {}, { token: staff });
    expect(done.status).toBe(200);
    const after = await eventually(async () => {
      const work = await myWork(staff);
      return work.tasks.some((t) => t.key === task.key) ? undefined : work;
    }, 'the completed task to leave the list');
    expect(keys(after.tasks)).toEqual(keys(before.tasks).filter((k) => k !== task.key));
  });

  it('answers anonymous callers 401', async () => {
    const res = await stack.request('GET', '/api/me/tasks', undefined, {}, { token: null });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ type: 'Unauthorized', message: expect.stringMatching(/sign in/) });
  });

  it('is what the calendar feed carries: one event per open task, and no other task', async () => {
    const staff = await stack.tokenFor(STAFF, 'staff');
    const work = await myWork(staff);
    const feed = await stack.request('GET', '/api/me/calendar-feed', undefined, {}, { token: staff });
    const ics = (await (await fetch(feed.json.url)).text()).replace(/\r\n /g, '');
    const taskUids = [...ics.matchAll(/^UID:task:(.+)@practiceflow\r?$/gm)].map((m) => m[1]).sort();
    expect(taskUids).toEqual(work.tasks.map((t) => `${t.flowId}:${t.key}`).sort());
  });

  it('is in the OpenAPI document as a route any signed-in user may call', async () => {
    const doc = (await stack.request('GET', '/api/openapi.json', undefined, {}, { token: null })).json;
    expect(doc.paths['/api/me/tasks'].get).toMatchObject({ operationId: 'myWork' });
  });
});
