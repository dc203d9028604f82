// The flow page offers the actions each flow type takes, in a real browser (Debian's Chromium driven
// by playwright-core) against a real stack (test/api/stack.ts: Temporal dev server, Postgres, SMTP
// sink, worker, the HTTP API serving the console). A manager changes an onboarding's start date (the
// API's refusals next to the field, nothing changed; then the open tasks move to the recomputed
// dates), records a hepatitis B declination reversal and adds a task; records a prior
// authorization's submission and the payer's decision; records an appeal's filing; records an OSHA
// occurrence (the generic completion is not offered for it); renews a credential. Every change is
// checked through the API or the database, not only on the page.
// Screenshots: docs/screenshots/flow-prior-auth.png and flow-appeal.png.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appealBody, eventually, isoDay, priorAuthBody, TIME_ZONE, useApiStack } from '../api/stack';
import { fieldMessage, flash, formTitled as actionForm, settled, shot, useConsoleBrowser } from './browser';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANAGER = 'ops-lead@clinic.example';

const stack = useApiStack();
const browser = useConsoleBrowser(stack);
const { signIn } = browser;
const newPage = () => browser.newPage({ height: 900 });
let managerToken = '';

beforeAll(async () => {
  managerToken = await stack.tokenFor(MANAGER, 'manager');
});

/** The API as the manager (their token: the API records them). */
const asManager = (method: 'GET' | 'POST', apiPath: string, body?: unknown, headers: Record<string, string> = {}) => stack.request(method, apiPath, body, headers, { token: managerToken });

async function openFlow(page: Page, flowId: string, heading: string): Promise<void> {
  await page.goto(`${stack.url}/#/flows/${flowId}`);
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

const dueDates = async (flowId: string): Promise<Record<string, string>> => {
  const flow = await stack.service.getFlow(flowId);
  return Object.fromEntries(flow.tasks.map((t) => [t.key, t.dueDate]));
};

describe('the flow page offers the actions of its flow type', () => {
  it('onboarding: changes the start date (refusals next to the field change nothing), reverses a hep B declination, adds a task', async () => {
    const hire = { hireId: 'h-8001', name: 'Robin Vale', email: 'h-8001@staff.example', role: 'medical_assistant', startDate: isoDay(14), managerEmail: MANAGER };
    const flowId = 'onboarding-h-8001';
    expect((await asManager('POST', '/api/onboarding', hire)).status).toBe(201);
    const before = await dueDates(flowId);

    const page = await newPage();
    await signIn(page, MANAGER);
    await openFlow(page, flowId, 'Change the start date');
    const form = actionForm(page, 'Change the start date');
    // The same start date: the flow refuses (409) and says so next to the date.
    await form.getByLabel('New start date', { exact: true }).fill(isoDay(14));
    await form.getByLabel('Reason for the new start date').fill('offer letter amended');
    await form.getByRole('button', { name: 'Change start date' }).click();
    expect(await fieldMessage(form.getByLabel('New start date', { exact: true }))).toMatch(`the start date is already ${isoDay(14)}`);
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/409/);
    // No reason: the API's 400 next to the reason.
    await form.getByLabel('New start date', { exact: true }).fill(isoDay(21));
    await form.getByLabel('Reason for the new start date').fill('');
    await form.getByRole('button', { name: 'Change start date' }).click();
    expect(await fieldMessage(form.getByLabel('Reason for the new start date'))).toBe('is required');
    expect(await form.getByLabel('New start date', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/400/);
    expect(await dueDates(flowId)).toEqual(before);

    await form.getByLabel('Reason for the new start date').fill('offer letter amended: starts a week later');
    await form.getByRole('button', { name: 'Change start date' }).click();
    await flash(page, `Start date changed to ${isoDay(21)}: open tasks moved.`);
    // Every open task is now due when the plan for the new start date says.
    const plan = await asManager('POST', '/api/onboarding/plan', { ...hire, startDate: isoDay(21) });
    expect(plan.status).toBe(200);
    const planned = Object.fromEntries(plan.json.tasks.map((t: any) => [t.key, t.dueDate]));
    const after = await dueDates(flowId);
    expect(after).toEqual(planned);
    expect(after.i9_section2).not.toBe(before.i9_section2);
    await expect(page.getByRole('row').filter({ hasText: 'i9_section2' }).textContent()).resolves.toContain(planned.i9_section2);
    const audited = await eventually(() => stack.prisma.auditEntry.findFirst({ where: { workflowId: flowId, action: 'onboarding.start_date_changed' } }), 'the start-date change in the ledger');
    expect(audited?.actor).toBe(MANAGER);

    // Hep B: explained (with its rule) until the offer is declined, then offered.
    await expect(page.locator('#main').getByText(/Hepatitis B declination reversal: .*29 CFR 1910\.1030\(f\)\(2\)\(iv\).*still open/).count()).resolves.toBe(1);
    expect(await actionForm(page, 'Hepatitis B declination reversed').count()).toBe(0);
    const declined = await asManager('POST', `/api/flows/${flowId}/tasks/hepb_vaccine_offer/complete`, { by: MANAGER, outcome: 'declined', note: 'declination signed (Appendix A)' });
    expect(declined.status).toBe(200);
    await page.reload();
    const reversal = actionForm(page, 'Hepatitis B declination reversed');
    await reversal.getByLabel('Note').fill('the hire asked for the series today');
    await reversal.getByRole('button', { name: 'Record the reversal' }).click();
    await flash(page, 'Hepatitis B declination reversed');
    const vaccination = (await stack.service.getFlow(flowId)).tasks.find((t) => t.key === 'hepb_vaccination');
    expect(vaccination).toMatchObject({ status: 'open', rule: { citation: '29 CFR 1910.1030(f)(2)(iv)' } });
    expect(await actionForm(page, 'Hepatitis B declination reversed').count()).toBe(0);

    const add = actionForm(page, 'Add a task');
    await add.getByLabel('Task key').fill('Badge Photo');
    await add.getByLabel('Title').fill('Take the badge photo');
    await add.getByLabel('Assignee email').fill(hire.email);
    await add.getByLabel('Due date').fill(isoDay(21));
    await add.getByRole('button', { name: 'Add task' }).click();
    expect(await fieldMessage(add.getByLabel('Task key'))).toMatch(/lower_snake_case/);
    await add.getByLabel('Task key').fill('badge_photo');
    await add.getByRole('button', { name: 'Add task' }).click();
    await flash(page, 'Task badge_photo added.');
    expect((await stack.service.getFlow(flowId)).tasks.find((t) => t.key === 'badge_photo')).toMatchObject({ status: 'open', dueDate: isoDay(21), assignee: { email: hire.email } });
    await page.context().close();
  });

  it('prior authorization: shows the stage and payer clock, records the submission and then the decision', async () => {
    const started = await asManager('POST', '/api/prior-auth', priorAuthBody('pa-8001', { service: { code: '72148', units: 2, scheduledDate: isoDay(20) } }, { staff: 'pa-staff@clinic.example', manager: MANAGER }));
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const flowId = started.json.flowId as string;
    expect(flowId).toBe('prior-auth-pa-8001');

    const page = await newPage();
    await signIn(page, MANAGER);
    await openFlow(page, flowId, 'Prior authorization');
    const facts = page.locator('h2:has-text("Prior authorization") + dl');
    await expect(facts.textContent()).resolves.toMatch(/Stageawaiting submission.*Submit by/);
    // The generic completion is offered only for the staff tasks it takes; no generic due change.
    expect(await actionForm(page, 'Change a due date').count()).toBe(0);
    const complete = actionForm(page, 'Complete a task');
    expect(await complete.getByLabel('Task').locator('option').allTextContents()).toHaveLength(2);

    const submission = actionForm(page, 'Record the submission');
    await submission.getByLabel('Confirmation number').fill('C-8001');
    await submission.getByRole('button', { name: 'Record submission' }).click();
    await flash(page, /Submission recorded: the payer's decision is due \d{4}-\d\d-\d\d\./);
    const submitted = await asManager('GET', '/api/prior-auth/pa-8001');
    expect(submitted.json).toMatchObject({ status: 'submitted', submissions: [{ confirmationNumber: 'C-8001', by: MANAGER }], clock: { submission: 1 } });
    await expect(facts.textContent()).resolves.toMatch(/Stagesubmitted.*Payer clockdecision due/);
    expect(await actionForm(page, 'Record the submission').count()).toBe(0);

    // A denial without the payer's reason: the API's message next to it, nothing recorded.
    const decision = actionForm(page, "Record the payer's decision");
    await decision.getByLabel('Decision', { exact: true }).selectOption('denied');
    expect(await decision.getByLabel('Authorization number').isHidden()).toBe(true);
    await decision.getByRole('button', { name: 'Record decision' }).click();
    expect(await fieldMessage(decision.getByLabel("Payer's reason"))).toMatch(/specific reason/);
    expect((await asManager('GET', '/api/prior-auth/pa-8001')).json.status).toBe('submitted');

    await decision.getByLabel('Decision', { exact: true }).selectOption('approved');
    await decision.getByLabel('Authorization number').fill('AUTH-8001');
    await decision.getByLabel('Valid from').fill(isoDay(0));
    await decision.getByLabel('Valid to').fill(isoDay(60));
    await decision.getByRole('button', { name: 'Record decision' }).click();
    await flash(page, 'Decision recorded: approved.');
    const approved = await asManager('GET', '/api/prior-auth/pa-8001');
    expect(approved.json).toMatchObject({ status: 'approved', decision: { outcome: 'approved', authorizationNumber: 'AUTH-8001', validTo: isoDay(60), units: 2, by: MANAGER }, units: { authorized: 2, used: 0 } });
    await expect(facts.textContent()).resolves.toMatch(/Stageapproved.*Decisionapproved.*AUTH-8001.*Units0 of 2 used/);
    await actionForm(page, 'Record a service rendered').waitFor();
    await settled(page);
    await shot(page, 'flow-prior-auth', { fullPage: true });
    await page.context().close();
  });

  it('appeal: shows the level, filing deadline and stage, records the filing with its proof', async () => {
    const started = await asManager('POST', '/api/appeals', appealBody('A-8001', {}, { staff: 'billing@clinic.example', manager: MANAGER }));
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const flowId = started.json.flowId as string;
    const deadline = started.json.plan.filingDeadline as string;

    const page = await newPage();
    await signIn(page, MANAGER);
    await openFlow(page, flowId, 'Appeal');
    const facts = page.locator('h2:has-text("Appeal") + dl');
    await expect(facts.textContent()).resolves.toMatch(new RegExp(`Stagefiling.*Levelredetermination.*Filing deadline${deadline}`));
    expect(await actionForm(page, "Record the payer's decision").count()).toBe(0);

    const submission = actionForm(page, 'Record the submission');
    await submission.getByLabel('Confirmation number').fill('FAX-8001');
    await submission.getByLabel('Channel').selectOption('fax');
    await submission.getByRole('button', { name: 'Record submission' }).click();
    await flash(page, 'Submission recorded.');
    const shown = await asManager('GET', '/api/appeals/A-8001');
    expect(shown.json).toMatchObject({ status: 'running', level: 'redetermination', submission: { confirmationNumber: 'FAX-8001', channel: 'fax', by: MANAGER, timely: true } });
    expect(shown.json.decisionDue).toMatch(/^\d{4}-\d\d-\d\d$/);
    await expect(facts.textContent()).resolves.toMatch(new RegExp(`Stageawaiting the payer's decision.*Decision due${shown.json.decisionDue}`));
    await actionForm(page, "Record the payer's decision").waitFor();
    expect(await actionForm(page, 'Record the submission').count()).toBe(0);
    await settled(page);
    await shot(page, 'flow-appeal', { fullPage: true });
    await page.context().close();
  });

  it('OSHA occurrence: offers "record the occurrence" instead of the generic completion, and records it', async () => {
    const profile = {
      siteId: 'annex',
      timeZone: TIME_ZONE,
      occupancy: 'ambulatory_health_care',
      shifts: ['day'],
      headcount: 6,
      occupationalExposure: true,
      extinguisherUse: false,
      accreditor: 'none',
      roster: [],
    };
    const registered = await asManager('POST', '/api/osha/sites', { profile, contacts: { responsibleEmail: MANAGER, managerEmail: MANAGER } }, { 'X-PracticeFlow-Actor': MANAGER });
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    // Registration opens what is already in its notice window: the annual exposure control plan review.
    const open = await eventually(async () => (await asManager('GET', '/api/osha/occurrences?siteId=annex&status=open')).json.occurrences.find((o: any) => o.obligation === 'ecp_review' && o.flowId), 'the open ECP review', 30_000);
    const flowId = open.flowId as string;

    const page = await newPage();
    await signIn(page, MANAGER);
    await openFlow(page, flowId, 'Record the occurrence');
    expect(await actionForm(page, 'Complete a task').count()).toBe(0);
    const form = actionForm(page, 'Record the occurrence');
    await form.getByLabel('Duration (minutes)').fill('0');
    await form.getByRole('button', { name: 'Record occurrence' }).click();
    expect(await fieldMessage(form.getByLabel('Duration (minutes)'))).toBe('must be at least 1 minute');
    expect((await stack.prisma.safetyOccurrence.findUnique({ where: { occurrenceKey: open.occurrenceKey } }))?.status).toBe('open');

    await form.getByLabel('Duration (minutes)').fill('45');
    await form.getByLabel('Findings').fill('sharps containers added to the engineering controls');
    await form.getByLabel('Action 1').fill('update the ECP appendix B');
    await form.getByLabel('Owner 1').fill(MANAGER);
    await form.getByLabel('Due 1').fill(isoDay(14));
    await form.getByRole('button', { name: 'Add another corrective action' }).click();
    await expect.poll(() => form.getByLabel('Action 2').count()).toBe(1); // an empty second row is left out
    await form.getByRole('button', { name: 'Record occurrence' }).click();
    await flash(page, /^Occurrence recorded: /);
    const row = await eventually(async () => {
      const r = await stack.prisma.safetyOccurrence.findUnique({ where: { occurrenceKey: open.occurrenceKey } });
      return r?.status === 'completed' && r;
    }, 'the completed record');
    expect(row).toMatchObject({ recordedBy: MANAGER, durationMinutes: 45, findings: 'sharps containers added to the engineering controls' });
    expect(row.correctiveActions).toEqual([{ action: 'update the ECP appendix B', owner: MANAGER, due: isoDay(14) }]);
    await page.context().close();
  });

  it('credential: renews from the form (a missing evidence is refused next to the field) to a new due date', async () => {
    const added = await asManager('POST', '/api/credentials', {
      credentialId: 'lic-ny-8001',
      providerId: 'p-8001',
      type: 'state_license',
      jurisdiction: 'NY',
      dueDate: isoDay(30),
      providerEmail: 'p-8001@clinic.example',
      ownerEmail: MANAGER,
      managerEmail: MANAGER,
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);

    const page = await newPage();
    await signIn(page, MANAGER);
    await openFlow(page, 'credential-lic-ny-8001', 'Record a renewal');
    await actionForm(page, 'Correct the credential').waitFor();
    await actionForm(page, 'Retire the credential').waitFor();
    const form = actionForm(page, 'Record a renewal');
    await form.getByLabel('New due date').fill(isoDay(760));
    await form.getByRole('button', { name: 'Record renewal' }).click();
    expect(await fieldMessage(form.getByLabel('Evidence'))).toBe('is required');
    expect((await asManager('GET', '/api/credentials/lic-ny-8001')).json.credential.dueDate).toBe(isoDay(30));

    await form.getByLabel('Evidence').fill('ny-registration-8001.pdf');
    await form.getByRole('button', { name: 'Record renewal' }).click();
    await flash(page, `Renewal recorded: due ${isoDay(760)}.`);
    const renewed = await asManager('GET', '/api/credentials/lic-ny-8001');
    expect(renewed.json).toMatchObject({ status: 'active', cycle: 2, credential: { dueDate: isoDay(760), evidence: 'ny-registration-8001.pdf' } });
    await expect(page.locator('dl.facts').first().textContent()).resolves.toContain(`Due date${isoDay(760)}`);
    await page.context().close();
  });
});
