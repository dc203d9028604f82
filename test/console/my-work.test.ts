// "My work" in the web console, in a real browser (Debian's Chromium driven by playwright-core)
// against a real stack (test/api/stack.ts): a staff member's home lists their open tasks with the
// overdue badge where due, links each to its flow, and a task they complete there leaves the list;
// a manager's Today shows the tasks assigned to them. Writes docs/screenshots/my-work.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, isoDay, useApiStack } from '../api/stack';
import { section, settled, shot, useConsoleBrowser } from './browser';

const MANAGER = 'lead@clinic.example';
const HIRE = 'h-9101';
const STAFF = `${HIRE}@staff.example`;
const FLOW = `onboarding-${HIRE}`;

const stack = useApiStack();
const { newPage, signIn } = useConsoleBrowser(stack);
/** The tasks the onboarding plan gives the hire and the manager: key -> title. */
let hireTasks: Map<string, string>;
let managerTasks: Map<string, string>;

beforeAll(async () => {
  await stack.tokenFor(MANAGER, 'manager');
  await stack.tokenFor(STAFF, 'staff');
  // A hire who started six days ago: their day-one I-9 is overdue, their trainings are not yet due.
  const started = await stack.request('POST', '/api/onboarding', { hireId: HIRE, name: 'Dana Reyes', email: STAFF, role: 'medical_assistant', startDate: isoDay(-6), managerEmail: MANAGER });
  expect(started.status).toBe(201);
  const plan = started.json.plan.tasks as { key: string; title: string; assignee: string }[];
  hireTasks = new Map(plan.filter((t) => t.assignee === STAFF).map((t) => [t.key, t.title]));
  managerTasks = new Map(plan.filter((t) => t.assignee === MANAGER).map((t) => [t.key, t.title]));
  await eventually(async () => (await stack.prisma.auditEntry.count({ where: { workflowId: FLOW, action: 'task.created' } })) === plan.length, 'the tasks in the ledger');
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');
});

describe('my work in the console', () => {
  it("lists a staff member's open tasks with the overdue badge, and a task completed on its flow page leaves the list", async () => {
    const page = await newPage();
    await signIn(page, STAFF);
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    await settled(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    const tasks = section(page, 'Your tasks');
    await expect(tasks.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(`Your tasks (${hireTasks.size})`);
    await expect(tasks.locator('caption').textContent()).resolves.toBe('Your open tasks');
    const rows = tasks.locator('tbody tr');
    expect(await rows.count()).toBe(hireTasks.size);
    for (const title of hireTasks.values()) await expect(rows.filter({ hasText: title }).count(), title).resolves.toBe(1);
    for (const title of managerTasks.values()) await expect(rows.filter({ hasText: title }).count(), title).resolves.toBe(0);

    // The I-9 due on day one is overdue, and overdue tasks come first.
    const i9 = rows.filter({ hasText: hireTasks.get('i9_section1')! });
    await expect(i9.locator('.badge.bad').textContent()).resolves.toBe('overdue');
    const states = await rows.locator('.badge').allTextContents();
    expect(states).toEqual([...states].sort((a, b) => Number(a !== 'overdue') - Number(b !== 'overdue')));
    expect(states).toContain('open');
    await expect(i9.textContent()).resolves.toContain(isoDay(-6));
    await expect(i9.textContent()).resolves.toContain('8 CFR 274a.2');
    const hipaa = rows.filter({ hasText: hireTasks.get('hipaa_training')! });
    await expect(hipaa.locator('.badge').textContent()).resolves.toBe('open');
    for (const heading of ['Your credentials', 'OSHA and fire safety', 'Your calendar']) await section(page, heading).waitFor();
    await shot(page, 'my-work');

    // Its link goes to the flow, where the task is completed (late: with a reason).
    const link = i9.getByRole('link');
    expect(await link.getAttribute('href')).toBe(`#/flows/${FLOW}`);
    await link.click();
    await page.getByRole('heading', { name: 'Complete a task' }).waitFor();
    expect(page.url()).toContain(`#/flows/${FLOW}`);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await form.getByLabel('Task').selectOption('i9_section1');
    await form.getByLabel('Late reason').fill('Started before the paperwork arrived');
    await form.getByRole('button', { name: 'Complete task' }).click();
    await page.locator('#main').getByText('Task i9_section1 completed.').waitFor();

    // Back on My work, it is gone (once the ledger has the completion; the list is read from it).
    await page.getByRole('link', { name: 'My work' }).click();
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    await eventually(async () => {
      // Reload: the same #/ again would not draw the page again.
      await page.reload();
      await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
      await settled(page);
      return (await section(page, 'Your tasks').locator('tbody tr').count()) === hireTasks.size - 1;
    }, 'the completed task to leave My work');
    await expect(section(page, 'Your tasks').textContent()).resolves.not.toContain(hireTasks.get('i9_section1'));
    await expect(section(page, 'Your tasks').textContent()).resolves.toContain(hireTasks.get('hipaa_training'));
    await page.context().close();
  });

  it("shows a manager the tasks assigned to them on Today", async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await settled(page);
    const mine = section(page, 'Assigned to me');
    const rows = mine.locator('tbody tr');
    expect(await rows.count()).toBe(managerTasks.size);
    for (const title of managerTasks.values()) await expect(rows.filter({ hasText: title }).count(), title).resolves.toBe(1);
    for (const title of hireTasks.values()) await expect(rows.filter({ hasText: title }).count(), title).resolves.toBe(0);
    expect(await mine.getByRole('link', { name: /./ }).first().getAttribute('href')).toBe(`#/flows/${FLOW}`);
    await page.context().close();
  });

  it('gives a manager their own My work with a private calendar address, shown once, and replaces it (the old one stops working)', async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My work' }).click();
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    await settled(page);
    await expect(section(page, 'Your tasks').locator('tbody tr').count()).resolves.toBe(managerTasks.size);

    // The first visit creates the feed and shows its address; it serves the manager's due dates.
    const address = section(page, 'Your calendar').getByLabel('Calendar address');
    const first = await address.inputValue();
    expect(first).toMatch(/\/calendar\/[A-Za-z0-9_-]{16,}\.ics$/);
    const feed = await fetch(first);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain(managerTasks.get('i9_section2'));

    // Shown once: on the next visit PracticeFlow no longer has it (it keeps a hash), so it offers a new one.
    await page.reload();
    await settled(page);
    expect(await address.count()).toBe(0);
    await section(page, 'Your calendar').getByRole('button', { name: 'Get a new address' }).click();
    await address.waitFor();
    const second = await address.inputValue();
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    expect((await fetch(second)).status).toBe(200);
    await page.context().close();
  });
});
