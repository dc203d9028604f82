// The console tests' browser: Debian's Chromium driven by playwright-core (launched once per test
// file, after the file's stack), pages signed in through the sign-in form as a person would, and
// the waits and screenshots every console test uses. The stack is test/api/stack.ts.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/tools/chromium';
import { TEST_PASSWORD, TIME_ZONE, type ApiStack } from '../api/stack';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export interface ConsoleBrowser {
  /**
   * A fresh browser context (its own cookies) and page, its clock in the practice's time zone
   * unless `timezoneId` says otherwise. `bypassCSP` only for injecting a checker.
   */
  newPage(options?: { height?: number; bypassCSP?: boolean; timezoneId?: string }): Promise<Page>;
  /** Signs in through the sign-in form (the stack's server unless `base` names another; the test password unless `password`). */
  signIn(page: Page, email: string, base?: string, password?: string): Promise<void>;
}

export function useConsoleBrowser(stack: ApiStack): ConsoleBrowser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const executablePath = await findChromium();
    if (!executablePath) throw new Error('no Chromium: run `npm run tools:ensure` (installs Debian\'s chromium as root) or set CHROMIUM_PATH');
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async newPage({ height = 860, bypassCSP = false, timezoneId = TIME_ZONE } = {}) {
      if (!browser) throw new Error('the browser is not running (newPage called outside a test?)');
      const context = await browser.newContext({ viewport: { width: 1280, height }, bypassCSP, timezoneId });
      return context.newPage();
    },
    async signIn(page, email, base = stack.url, password = TEST_PASSWORD) {
      await page.goto(`${base}/#/sign-in`);
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
  };
}

/** Every section of the page has loaded (no evaluated script: the console's CSP forbids eval). */
export const settled = (page: Page) => expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 20_000 }).toBe(0);

/** Writes docs/screenshots/<name>.png, shown in the README. */
export const shot = (page: Page, name: string, options: { fullPage?: boolean } = {}) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? false });

/** Waits for the message the page shows after a change reloaded it. */
export const flash = (page: Page, text: string | RegExp) => page.locator('#main p.notice').filter({ hasText: text }).waitFor();

/** The section of the page headed `heading`. */
export const section = (page: Page, heading: string | RegExp) => page.locator('section', { has: page.getByRole('heading', { name: heading }) });

/** The form headed `title` (the flow page's action forms). */
export const formTitled = (page: Page, title: string) => page.locator('form', { has: page.getByRole('heading', { name: title, exact: true }) });

/** The API's message shown next to a field (its aria-describedby error element), once it is marked invalid. */
export async function fieldMessage(control: Locator): Promise<string> {
  await expect.poll(() => control.getAttribute('aria-invalid')).toBe('true');
  const id = (await control.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
  return (await control.page().locator(`[id="${id}"]`).textContent()) ?? '';
}
