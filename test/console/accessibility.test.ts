// Accessibility of the console's main pages in a real browser: axe-core (Deque's maintained rule
// engine, the one behind most accessibility checkers) runs its WCAG 2.1 A/AA rules on each page
// as a manager, an auditor and staff see it, with data on it and with a form showing the API's
// field messages; and the keyboard alone reaches the content (skip link), signs in and completes
// a task. axe needs a script injected into the page, which the console's CSP forbids: these pages
// are opened with CSP bypassed, the only difference from what users get.
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, eventually, isoDay, TEST_PASSWORD, useApiStack } from '../api/stack';
import { settled, useConsoleBrowser } from './browser';

const MANAGER = 'a11y-lead@clinic.example';
const AUDITOR = 'a11y-auditor@accreditor.example';
const HIRE = 'h-7301';
const STAFF = `${HIRE}@staff.example`;
const FLOW = `onboarding-${HIRE}`;
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** WCAG 2.0 and 2.1, levels A and AA: the standard HHS's Section 504 rule adopts for web content (45 CFR 84.84). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const stack = useApiStack();
const browser = useConsoleBrowser(stack);
const { signIn } = browser;
/** axe is injected as a script, which the console's CSP forbids: bypassed, except where a test says. */
const newPage = ({ bypassCSP = true } = {}) => browser.newPage({ bypassCSP });

beforeAll(async () => {
  await stack.tokenFor(MANAGER, 'manager');
  await stack.tokenFor(AUDITOR, 'auditor');
  await stack.tokenFor(STAFF, 'staff');
  // A hire who started five days ago: overdue tasks on Today, My work and the audit pages.
  const started = await stack.request('POST', '/api/onboarding', { hireId: HIRE, name: 'Robin Vale', email: STAFF, role: 'medical_assistant', startDate: isoDay(-5), managerEmail: MANAGER });
  expect(started.status).toBe(201);
  await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');
});

/** axe's WCAG A/AA violations on the page as it is now, one line each (rule, impact, where). */
async function violations(page: Page): Promise<string[]> {
  await settled(page);
  if ((await page.locator('script[data-axe]').count()) === 0) await page.addScriptTag({ path: AXE_SOURCE }).then((s) => s.evaluate((el) => el.setAttribute('data-axe', '')));
  const result = await page.evaluate((tags) => {
    const inPage = globalThis as unknown as { axe: { run: (context: unknown, options: object) => Promise<AxeResults> }; document: unknown };
    return inPage.axe.run(inPage.document, { runOnly: { type: 'tag', values: tags } });
  }, WCAG_TAGS);
  // axe checked something: a page with nothing checked would pass vacuously.
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

async function visit(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${stack.url}/${hash}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe('console accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  it('sign-in, with and without the wrong-password alert', async () => {
    const page = await newPage();
    await visit(page, '#/sign-in', 'Sign in to PracticeFlow');
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('Email', { exact: true }).fill(MANAGER);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await violations(page)).toEqual([]);
    // The check finds what it is for: an unlabelled field added to the page is reported.
    await page.locator('form').first().evaluate((form) => form.insertAdjacentHTML('beforeend', '<input name="unlabelled">'));
    expect((await violations(page)).join('\n')).toMatch(/^label \(critical\)/m);
    await page.context().close();
  });

  it("the manager's pages: Today, flows, the flow page with its forms, the start forms (with field messages), lists, OSHA calendar", async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    const pages: [string, string | RegExp][] = [
      ['#/', 'Today'],
      ['#/me', 'My work'], // with the calendar address shown (the first visit creates it)
      ['#/flows', 'Flows'],
      [`#/flows/${FLOW}`, /Onboarding/],
      ['#/start', 'Start a flow'],
      ['#/start/onboarding', 'Start onboarding'],
      ['#/start/credential', /credential/i],
      ['#/start/prior-auth', 'Start a prior authorization'],
      ['#/start/appeal', /appeal/i],
      ['#/credentials', 'Credentials by expiry'],
      ['#/appeals', 'Appeals by filing deadline'],
      ['#/osha', 'OSHA compliance calendar'],
    ];
    for (const [hash, heading] of pages) {
      await visit(page, hash, heading);
      expect(await violations(page), hash).toEqual([]);
    }
    // A form with the API's messages next to its fields (invalid fields, error text, the alert).
    await visit(page, '#/start/onboarding', 'Start onboarding');
    await page.getByLabel('Hire id').fill('not a hire id!');
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await expect.poll(() => page.getByLabel('Hire id').getAttribute('aria-invalid')).toBe('true');
    expect(await violations(page), 'onboarding form with field messages').toEqual([]);
    // The plan preview.
    await page.getByLabel('Hire id').fill('h-7302');
    await page.getByLabel('Name', { exact: true }).fill('Kit Lane');
    await page.getByLabel('Email', { exact: true }).fill('h-7302@staff.example');
    await page.getByLabel('Start date').fill(isoDay(10));
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await page.getByRole('heading', { name: 'Plan preview' }).waitFor();
    expect(await violations(page), 'plan preview').toEqual([]);
    await page.context().close();
  });

  it("the auditor's pages and staff's My work", async () => {
    const auditor = await newPage();
    await signIn(auditor, AUDITOR);
    await visit(auditor, `#/audit?flow=${FLOW}&by=${encodeURIComponent(MANAGER)}`, 'Audit');
    expect(await violations(auditor), 'audit').toEqual([]);
    await visit(auditor, `#/flows/${FLOW}`, /Onboarding/);
    expect(await violations(auditor), 'flow page as the auditor').toEqual([]);
    await auditor.context().close();

    const staff = await newPage();
    await signIn(staff, STAFF);
    await visit(staff, '#/', 'My work');
    expect(await violations(staff), 'my work').toEqual([]);
    await staff.context().close();
  });

  it("the admin's Users and access page, with a token just issued", async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await visit(page, '#/users', 'Users and access');
    expect(await violations(page), 'users').toEqual([]);
    const issue = page.locator('form', { has: page.getByRole('heading', { name: 'Issue an API token' }) });
    await issue.getByLabel('What it is for').fill('accessibility check');
    await issue.getByRole('button', { name: 'Issue token' }).click();
    await issue.getByLabel('The new token').waitFor();
    expect(await violations(page), 'users, token shown').toEqual([]);
    await page.context().close();
  });

  it('works from the keyboard alone: skip link, sign in, complete a task', async () => {
    const page = await newPage({ bypassCSP: false }); // as users get it
    await page.goto(`${stack.url}/#/sign-in`);
    await page.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();

    // Sign-in starts in its first field; every other page moves focus to its heading, so a
    // screen reader announces it.
    await expect.poll(() => focused(page, page.getByLabel('Email', { exact: true }))).toBe(true);
    await page.keyboard.type(MANAGER);
    await tabTo(page, page.getByLabel('Password'));
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page, page.getByRole('heading', { name: 'Today', level: 1 }))).toBe(true);

    // Back up through the header to the skip link (the first stop on the page); Enter returns to the content.
    await tabTo(page, page.getByRole('link', { name: 'Skip to content' }), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page, page.getByRole('heading', { name: 'Today', level: 1 }))).toBe(true);
    // Forward from the skip link: the main navigation comes before the content.
    await tabTo(page, page.getByRole('link', { name: 'Skip to content' }), 'Shift+Tab');
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }));

    await page.goto(`${stack.url}/#/flows/${FLOW}`);
    const complete = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await complete.waitFor();
    await page.keyboard.press('Tab'); // from the focused heading into the page
    await tabTo(page, complete.getByLabel('Task'));
    const chosen = 'i9_section1'; // due on the start date: late, so the late reason is required
    for (let i = 0; i < 30 && (await complete.getByLabel('Task').inputValue()) !== chosen; i += 1) await page.keyboard.press('ArrowDown');
    expect(await complete.getByLabel('Task').inputValue()).toBe(chosen);
    await tabTo(page, complete.getByLabel('Late reason'));
    await page.keyboard.type('Keyboard-only completion; the hire was on leave');
    await tabTo(page, complete.getByRole('button', { name: 'Complete task' }));
    await page.keyboard.press('Enter');
    await page.locator('#main').getByText(`Task ${chosen} completed.`).waitFor();
    const flow = await stack.service.getFlow(FLOW);
    expect(flow.tasks.find((t) => t.key === chosen)?.status).toBe('completed');
    await page.context().close();
  });
});

/** Presses Tab (or Shift+Tab) until `target` has focus, at most 80 times, as a keyboard user would. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 80; i += 1) {
    if (await focused(page, target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`80 presses of ${key} did not reach ${target.toString()}`);
}

const focused = async (page: Page, target: ReturnType<Page['locator']>) => (await target.and(page.locator(':focus')).count()) === 1;
