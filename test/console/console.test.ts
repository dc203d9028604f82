// The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
// stack (test/api/stack.ts: Temporal dev server, Postgres, SMTP sink, worker, the HTTP API that
// serves the console). A manager starts an onboarding from the form (validation messages next to
// the field, the plan preview before starting), completes a task and sees it in the timeline; an
// auditor reads but a write from the console is refused with the API's 403 and changes nothing;
// staff see and complete only their own tasks; a signed-out page goes back to sign-in.
// Screenshots of the main pages are written to docs/screenshots/ (used in the README).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server';
import { mailFileBase } from '../../devstack/mailbox';
import { eventually, isoDay, TEST_AUTH, TEST_PASSWORD, useApiStack } from '../api/stack';
import { settled, shot, useConsoleBrowser } from './browser';

const MANAGER = 'lead@clinic.example';
const AUDITOR = 'auditor@accreditor.example';
const HIRE = 'h-7001';
const STAFF = `${HIRE}@staff.example`;
const FLOW = `onboarding-${HIRE}`;

const stack = useApiStack();
const { newPage, signIn } = useConsoleBrowser(stack);

beforeAll(async () => {
  await stack.tokenFor(MANAGER, 'manager');
  await stack.tokenFor(AUDITOR, 'auditor');
  await stack.tokenFor(STAFF, 'staff');
});

async function taskStatus(flowId: string, key: string): Promise<string | undefined> {
  const flow = await stack.service.getFlow(flowId);
  return flow.tasks.find((t) => t.key === key)?.status;
}

describe('web console', () => {
  it('sends an anonymous visitor to sign-in, refuses a wrong password, and signs a manager in to Today', async () => {
    const page = await newPage();
    await page.goto(`${stack.url}/`);
    await page.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'sign in' }).first().textContent()).resolves.toMatch(/sign in/i);
    await page.getByLabel('Email', { exact: true }).fill(MANAGER);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/401/);
    await shot(page, 'sign-in');

    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    for (const section of ['Overdue tasks', 'Due this week', 'Escalations', 'Payer clocks past due', 'Credentials expiring within 90 days', 'Upcoming fire drills']) {
      await page.getByRole('heading', { name: section }).waitFor();
    }
    await settled(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('starts an onboarding from the form: field messages from the API, the plan preview, then the flow page', async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.getByRole('link', { name: 'Start a flow' }).click();
    await page.getByRole('link', { name: 'New-hire onboarding' }).click();
    await page.getByRole('heading', { name: 'Start onboarding' }).waitFor();

    await page.getByLabel('Hire id').fill('not a hire id!');
    await page.getByLabel('Name', { exact: true }).fill('Dana Reyes');
    await page.getByLabel('Email', { exact: true }).fill(STAFF);
    await page.getByLabel('Role').selectOption('medical_assistant');
    await page.getByLabel('Start date').fill(isoDay(14));
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    // The API's message is next to the field, and the field is marked invalid.
    const hireId = page.getByLabel('Hire id');
    await expect.poll(() => hireId.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await hireId.getAttribute('aria-describedby'))!.split(' ');
    const message = await page.locator(`[id="${describedBy.at(-1)}"]`).textContent();
    expect(message).toMatch(/\S/);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/400/);

    await hireId.fill(HIRE);
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await page.getByRole('heading', { name: 'Plan preview' }).waitFor();
    const preview = page.getByRole('table');
    await expect(preview.textContent()).resolves.toContain('8 CFR 274a.2(b)(1)(ii)');
    expect(await stack.prisma.flow.count({ where: { workflowId: FLOW } })).toBe(0); // a preview starts nothing
    await shot(page, 'onboarding-plan');

    await page.getByRole('button', { name: 'Start onboarding' }).click();
    await page.getByRole('heading', { name: 'Checklist' }).waitFor();
    expect(page.url()).toContain(`#/flows/${FLOW}`);
    await expect(page.locator('#main').getByText(`Onboarding started: ${FLOW}.`).textContent()).resolves.toBeTruthy();
    const row = await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: FLOW } }), 'the flow row');
    expect(row?.startedBy).toBe(MANAGER);
    await page.context().close();
  });

  it('completes a task from the flow page and shows it in the checklist and the audit timeline', async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.goto(`${stack.url}/#/flows/${FLOW}`);
    await page.getByRole('heading', { name: 'Complete a task' }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await form.getByLabel('Task').selectOption('hipaa_training');
    await form.getByLabel('Note').fill('Completed the HIPAA module in the LMS');
    await form.getByRole('button', { name: 'Complete task' }).click();
    await page.locator('#main').getByText('Task hipaa_training completed.').waitFor();
    expect(await taskStatus(FLOW, 'hipaa_training')).toBe('completed');
    const row = page.getByRole('row').filter({ hasText: 'hipaa_training' });
    await expect(row.textContent()).resolves.toMatch(new RegExp(`completed.*${MANAGER}.*Note: Completed the HIPAA module`));

    // The timeline comes from the audit ledger, which the worker writes: reload until it is there.
    await eventually(async () => {
      await page.reload();
      const timeline = page.locator('ol.timeline');
      await timeline.waitFor();
      return (await timeline.textContent())?.includes(`completed by ${MANAGER}`);
    }, 'the completion in the timeline');
    await page.getByRole('link', { name: 'Open this flow in the Temporal Web UI' }).count();
    await shot(page, 'flow');

    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    await page.getByRole('link', { name: /Dana Reyes/ }).first().waitFor();
    // Search: words in the id, subject or title, any case; the filter is in the URL (bookmarkable).
    const filter = page.getByRole('search', { name: 'Filter flows' });
    await filter.getByLabel('Search').fill('REYES medical');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.url()).toContain('search=REYES+medical');
    await settled(page);
    const found = page.getByRole('table', { name: 'Flows' }).locator('tbody tr');
    await expect(found.allTextContents()).resolves.toEqual([expect.stringContaining(`Onboarding ${HIRE} Dana Reyes`)]);
    await filter.getByLabel('Search').fill('nobody-by-this-name');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#main').getByText('No flow matches.').waitFor();
    await filter.getByLabel('Search').fill('');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: /Dana Reyes/ }).first().waitFor();
    await shot(page, 'flows');
    await page.context().close();
  });

  it('lets an auditor read everything but refuses their changes with the API\'s 403: nothing changes', async () => {
    const page = await newPage();
    await signIn(page, AUDITOR);
    await expect(page.getByText('You are signed in as an auditor').first().textContent()).resolves.toBeTruthy();
    expect(await page.getByRole('link', { name: 'Start a flow' }).count()).toBe(0);

    await page.goto(`${stack.url}/#/flows/${FLOW}`);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await form.getByLabel('Task').selectOption('bbp_training');
    await form.getByRole('button', { name: 'Complete task' }).click();
    const alert = form.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/Not allowed \(403\).*auditor/);
    expect(await taskStatus(FLOW, 'bbp_training')).toBe('open');

    // A plan is a read (allowed); starting is a write (refused), and no flow is created.
    await page.goto(`${stack.url}/#/start/onboarding`);
    await page.getByLabel('Hire id').fill('h-7002');
    await page.getByLabel('Name', { exact: true }).fill('Sam Auditor-Try');
    await page.getByLabel('Email', { exact: true }).fill('h-7002@staff.example');
    await page.getByLabel('Start date').fill(isoDay(20));
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await page.getByRole('heading', { name: 'Plan preview' }).waitFor();
    await page.getByRole('button', { name: 'Start onboarding' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/403/);
    expect(await stack.prisma.flow.count({ where: { workflowId: 'onboarding-h-7002' } })).toBe(0);

    await page.goto(`${stack.url}/#/audit?flow=${FLOW}`);
    await page.getByText(/OK: \d+ entries, the hash chain is intact/).waitFor();
    await page.getByRole('heading', { name: `Timeline of ${FLOW}` }).waitFor();
    await settled(page);
    await shot(page, 'audit');
    await page.context().close();
  });

  it('adds a credential from its form (field message, plan, flow page); an auditor\'s prior-auth start is refused with 403', async () => {
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.getByRole('link', { name: 'Start a flow' }).click();
    await page.getByRole('link', { name: 'Provider credential' }).click();
    await page.getByRole('heading', { name: 'Add a credential' }).waitFor();
    await page.getByLabel('Credential id').fill('lic-ca-7010');
    await page.getByLabel('Provider id').fill('p-7010');
    await page.getByLabel('Credential type').selectOption('state_license');
    await page.getByLabel('State').fill('California');
    await page.getByLabel('Due date').fill(isoDay(200));
    await page.getByLabel('Provider email').fill('p-7010@staff.example');
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    const state = page.getByLabel('State');
    await expect.poll(() => state.getAttribute('aria-invalid')).toBe('true');
    const stateError = page.locator(`[id="${(await state.getAttribute('aria-describedby'))!.split(' ').at(-1)}"]`);
    await expect(stateError.textContent()).resolves.toMatch(/two-letter US state code/);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/400/);

    await state.fill('CA');
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await page.getByRole('heading', { name: 'Plan preview' }).waitFor();
    await expect(page.locator('#plan dl').textContent()).resolves.toContain(`Due date${isoDay(200)}`);
    expect(await state.getAttribute('aria-invalid')).toBeNull();
    expect(await stack.prisma.credential.count({ where: { credentialId: 'lic-ca-7010' } })).toBe(0); // a preview adds nothing
    await page.getByRole('button', { name: 'Add credential' }).click();
    await page.locator('#main').getByText('Credential added: credential-lic-ca-7010').waitFor();
    expect(page.url()).toContain('#/flows/credential-lic-ca-7010');
    await page.getByRole('heading', { name: 'state license (CA): p-7010', level: 1 }).waitFor();
    await expect(page.locator('dl.facts').textContent()).resolves.toContain(`Due date${isoDay(200)}`);
    expect(await page.getByRole('alert').count()).toBe(0);
    await eventually(() => stack.prisma.credential.findUnique({ where: { credentialId: 'lic-ca-7010' } }), 'the credential row');
    await page.context().close();

    // The auditor: a nested field's message lands next to it (payer.id), the preview is a read, the start is refused.
    const auditor = await newPage();
    await signIn(auditor, AUDITOR);
    await auditor.goto(`${stack.url}/#/start/prior-auth`);
    await auditor.getByRole('heading', { name: 'Start a prior authorization' }).waitFor();
    await auditor.getByLabel('Authorization id').fill('pa-7010');
    await auditor.getByLabel('Patient reference').fill('mrn-007010');
    await auditor.getByLabel('Ordering provider').fill('p-7010');
    await auditor.getByLabel('Payer type').selectOption('medicare_advantage');
    await auditor.getByLabel('Payer id').fill('Not An Id');
    await auditor.getByLabel('Service code').fill('72148');
    await auditor.getByLabel('Scheduled date').fill(isoDay(21));
    await auditor.getByLabel('Submission to the payer').fill(`${isoDay(2)}T10:00`);
    await auditor.getByLabel('Staff email').fill('pa@clinic.example');
    await auditor.getByRole('button', { name: 'Preview the plan' }).click();
    const payerId = auditor.getByLabel('Payer id');
    await expect.poll(() => payerId.getAttribute('aria-invalid')).toBe('true');
    const payerIdError = auditor.locator(`[id="${(await payerId.getAttribute('aria-describedby'))!.split(' ').at(-1)}"]`);
    await expect(payerIdError.textContent()).resolves.toMatch(/payer id/);
    await payerId.fill('');
    await auditor.getByRole('button', { name: 'Preview the plan' }).click();
    await auditor.getByRole('heading', { name: 'Plan preview' }).waitFor();
    await expect(auditor.locator('#plan dl').textContent()).resolves.toMatch(/Decision due.*Rule.*CFR/);
    await auditor.getByRole('button', { name: 'Start prior authorization' }).click();
    await expect(auditor.getByRole('alert').textContent()).resolves.toMatch(/Not allowed \(403\)/);
    expect(auditor.url()).toContain('#/start/prior-auth');
    expect(await stack.prisma.flow.count({ where: { workflowId: 'prior-auth-pa-7010' } })).toBe(0);
    await auditor.context().close();
  });

  it('shows staff only their own tasks and lets them complete one', async () => {
    const page = await newPage();
    await signIn(page, STAFF);
    await page.getByRole('heading', { name: 'My work' }).waitFor();
    // My work lists the hire's own task, linked to the flow where it is completed.
    const mine = page.locator('section', { has: page.getByRole('heading', { name: /Your tasks/ }) });
    await settled(page);
    await mine.locator(`a[href="#/flows/${FLOW}"]`).first().click();
    await page.getByRole('heading', { name: 'Checklist' }).waitFor();
    const table = await page.getByRole('table').textContent();
    expect(table).toContain('i9_section1');
    expect(table).not.toContain('i9_section2'); // the manager's
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await form.getByLabel('Task').selectOption('i9_section1');
    await form.getByRole('button', { name: 'Complete task' }).click();
    await page.locator('#main').getByText('Task i9_section1 completed.').waitFor();
    expect(await taskStatus(FLOW, 'i9_section1')).toBe('completed');
    await page.context().close();
  });

  it('shows overdue tasks on Today, the lists, and sends the page back to sign-in once signed out', async () => {
    // A hire who started days ago: their day-one tasks are overdue.
    const late = await stack.request('POST', '/api/onboarding', { hireId: 'h-7003', name: 'Lee Park', email: 'h-7003@staff.example', role: 'nurse', startDate: isoDay(-6), managerEmail: MANAGER });
    expect(late.status).toBe(201);
    const page = await newPage();
    await signIn(page, MANAGER);
    await eventually(async () => {
      // Reload: going to the same #/ URL again would not re-render a Today drawn before the
      // new flow reached the ledger.
      await page.goto(`${stack.url}/#/`);
      await page.reload();
      const overdue = page.locator('section', { has: page.getByRole('heading', { name: 'Overdue tasks' }) });
      await settled(page);
      return (await overdue.textContent())?.includes('onboarding-h-7003');
    }, 'the overdue tasks on Today');
    await shot(page, 'today');
    for (const [hash, heading] of [
      ['#/credentials', 'Credentials by expiry'],
      ['#/appeals', 'Appeals by filing deadline'],
      ['#/osha', 'OSHA compliance calendar'],
    ] as const) {
      await page.goto(`${stack.url}/${hash}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await settled(page);
      expect(await page.getByRole('alert').count(), hash).toBe(0);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    await page.goto(`${stack.url}/#/flows/${FLOW}`);
    await page.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    await page.context().close();
  });

  it('signs a page left alone out by itself after the idle time (45 CFR 164.312(a)(2)(iii)); activity keeps it signed in', async () => {
    const page = await newPage();
    await page.clock.install(); // the page's clock, moved by the test; the server's runs as usual
    await signIn(page, MANAGER);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    // Working: a key press ten minutes in counts as activity (and keeps the server session alive).
    await page.clock.fastForward('10:00');
    await page.keyboard.press('Tab');
    await page.clock.fastForward('10:00');
    // 20 minutes in, 10 idle: the page is as it was (a sign-out clears it at once).
    expect(await page.getByRole('heading', { name: 'Today', level: 1 }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    // Then nothing for 15 minutes (the stack's SESSION_IDLE_MINUTES): the page clears itself to sign-in.
    await page.clock.fastForward('15:00');
    await page.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    await expect(page.locator('.signin [role="status"]').textContent()).resolves.toMatch(/signed out after 15 minutes without activity \(automatic logoff\)/);
    expect(await page.getByRole('heading', { name: 'Today' }).count()).toBe(0);
    // ... and the server session is over: the browser's cookie no longer signs anyone in.
    expect((await page.request.get(`${stack.url}/api/me`)).status()).toBe(401);
    // Signing in again returns to the page that was open.
    await page.getByLabel('Email', { exact: true }).fill(MANAGER);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.context().close();
  });

  it("counts 'today' in the practice's time zone, not the browser's", async () => {
    // UTC+14: for most of the day its date is a day ahead of the practice's (America/New_York).
    const page = await newPage({ timezoneId: 'Pacific/Kiritimati' });
    await signIn(page, AUDITOR);
    await page.goto(`${stack.url}/#/audit`);
    const query = page.getByRole('form', { name: 'Period and person' });
    await expect(query.getByLabel('To').inputValue()).resolves.toBe(isoDay(0));
    await expect(query.getByLabel('From').inputValue()).resolves.toBe(isoDay(-30));
    await page.context().close();
  });

  it('completes an overdue task with its late reason, changes a due date, cancels a flow; the auditor finds them by query', async () => {
    // A hire who started six days ago: day-one tasks are late.
    const LATE_FLOW = 'onboarding-h-7004';
    const started = await stack.request('POST', '/api/onboarding', { hireId: 'h-7004', name: 'Ari Stone', email: 'h-7004@staff.example', role: 'nurse', startDate: isoDay(-6), managerEmail: MANAGER });
    expect(started.status).toBe(201);
    await eventually(() => stack.prisma.flow.findUnique({ where: { workflowId: LATE_FLOW } }), 'the flow row');
    const page = await newPage();
    await signIn(page, MANAGER);
    await page.goto(`${stack.url}/#/flows/${LATE_FLOW}`);
    const complete = page.locator('form', { has: page.getByRole('heading', { name: 'Complete a task' }) });
    await complete.getByLabel('Task').selectOption('i9_section1');
    await complete.getByRole('button', { name: 'Complete task' }).click();
    // Late without a reason: the API's refusal lands by the field, and the task stays open.
    const lateReason = complete.getByLabel('Late reason');
    await expect.poll(() => lateReason.getAttribute('aria-invalid')).toBe('true');
    expect(await taskStatus(LATE_FLOW, 'i9_section1')).toBe('open');
    await lateReason.fill('The hire brought the documents on day six');
    await complete.getByRole('button', { name: 'Complete task' }).click();
    await page.locator('#main').getByText('Task i9_section1 completed.').waitFor();
    expect(await taskStatus(LATE_FLOW, 'i9_section1')).toBe('completed');

    const reschedule = page.locator('form', { has: page.getByRole('heading', { name: 'Change a due date' }) });
    await reschedule.getByLabel('Task').selectOption('bbp_training');
    await reschedule.getByLabel('New due date').fill(isoDay(3));
    await reschedule.getByLabel('Reason').fill('Trainer available on that day; no exposure before it');
    await reschedule.getByRole('button', { name: 'Change due date' }).click();
    await page.locator('#main').getByText('Due date of bbp_training changed.').waitFor();
    await expect.poll(async () => (await stack.service.getFlow(LATE_FLOW)).tasks.find((t) => t.key === 'bbp_training')?.dueDate).toBe(isoDay(3));
    await page.context().close();

    // The auditor: the late completion with its reason, and the manager's completions, by query.
    const auditor = await newPage();
    await signIn(auditor, AUDITOR);
    await auditor.getByRole('link', { name: 'Audit' }).click();
    const query = auditor.getByRole('form', { name: 'Period and person' });
    await query.getByLabel('From').fill(isoDay(-30));
    await query.getByLabel('To').fill(isoDay(0));
    await query.getByLabel('Completions by (email)').fill(MANAGER);
    await query.getByRole('button', { name: 'Show' }).click();
    expect(auditor.url()).toContain(`by=${encodeURIComponent(MANAGER)}`);
    const late = auditor.getByRole('table', { name: 'Completed late' });
    await eventually(async () => {
      await auditor.reload();
      await settled(auditor);
      return (await auditor.locator('#main').textContent())?.includes('The hire brought the documents on day six');
    }, 'the late completion on the audit page');
    await expect(late.getByRole('row').filter({ hasText: LATE_FLOW }).textContent()).resolves.toMatch(new RegExp(`${MANAGER}.*The hire brought`));
    const completions = auditor.getByRole('table', { name: 'Completions' });
    await expect(completions.getByRole('row').filter({ hasText: LATE_FLOW }).textContent()).resolves.toMatch(/I-9.*late/);
    await auditor.context().close();

    // Cancel: a reason is required by the API, then the flow ends and the page says so.
    const manager = await newPage();
    await signIn(manager, MANAGER);
    await manager.goto(`${stack.url}/#/flows/${LATE_FLOW}`);
    const cancel = manager.locator('form', { has: manager.getByRole('heading', { name: 'Cancel this flow' }) });
    await cancel.getByLabel('Reason').fill('Offer withdrawn before the first week ended');
    await cancel.getByRole('button', { name: 'Cancel flow' }).click();
    await manager.locator('#main').getByText('Flow cancelled.').waitFor();
    await expect.poll(async () => (await stack.service.getFlow(LATE_FLOW)).status, { timeout: 20_000 }).toBe('cancelled');
    const cancelled = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: LATE_FLOW, action: 'flow.cancelled' } }), 'the cancellation in the ledger');
    expect(cancelled?.actor).toBe(MANAGER);
    await manager.context().close();
  });

  it('lists the local mail sink in the mailbox (development) for managers only', async () => {
    // A server as `npm start` runs it with the local sink: the console gets the sink's folder.
    const mailDir = await mkdtemp(path.join(tmpdir(), 'practiceflow-console-mail-'));
    const mail = { id: 'm1console', receivedAt: new Date().toISOString(), envelopeFrom: 'practiceflow@clinic.example', envelopeTo: [STAFF], messageId: '<m1@clinic.example>', subject: 'Reminder: Form I-9 Section 1 is due', from: 'practiceflow@clinic.example', to: [STAFF], cc: [], text: 'Please complete Form I-9 Section 1.', headers: {} };
    await writeFile(path.join(mailDir, `${mailFileBase(mail)}.json`), JSON.stringify(mail));
    const server = await startApiServer({ host: '127.0.0.1', port: 0, services: stack.services, auth: TEST_AUTH, console: { mailDir } });
    try {
      const page = await newPage();
      await signIn(page, MANAGER, server.url);
      await page.getByRole('link', { name: 'Mailbox' }).click();
      await page.getByRole('link', { name: mail.subject }).click();
      await page.getByText('Please complete Form I-9 Section 1.').waitFor();
      await page.context().close();
      const auditor = await fetch(`${server.url}/api/console/mail`, { headers: { authorization: `Bearer ${await stack.tokenFor(AUDITOR, 'auditor')}` } });
      expect(auditor.status).toBe(403);
      // Without a local sink (the stack's server) there is no mailbox.
      const none = await fetch(`${stack.url}/api/console/mail`, { headers: { authorization: `Bearer ${await stack.tokenFor(MANAGER)}` } });
      expect(none.status).toBe(404);
    } finally {
      await server.stop();
      await rm(mailDir, { recursive: true, force: true });
    }
  });
});
