// The flow page's later-stage actions, in a real browser against a real stack (the companion of
// flow-actions.test.ts, which covers the first steps): a service rendered against an approved prior
// authorization, the path after a denial (the appeal it starts), cancelling an authorization; an
// appeal's loss opening the next level, closing and cancelling an appeal; correcting and retiring a
// credential. Earlier steps go through the API (as the manager) so each test starts at its stage;
// every change made in the browser is checked through the API.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appealBody, isoDay, priorAuthBody, useApiStack } from '../api/stack';
import { fieldMessage, flash, formTitled, useConsoleBrowser } from './browser';

const MANAGER = 'outcomes-lead@clinic.example';
const PEOPLE = { staff: 'pa-staff@clinic.example', manager: MANAGER };

const stack = useApiStack();
const { newPage, signIn } = useConsoleBrowser(stack);
let managerToken = '';

beforeAll(async () => {
  managerToken = await stack.tokenFor(MANAGER, 'manager');
});

async function asManager(method: 'GET' | 'POST', apiPath: string, body?: unknown) {
  const res = await stack.request(method, apiPath, body, {}, { token: managerToken });
  if (res.status >= 300) throw new Error(`${method} ${apiPath}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}


async function managerOn(flowId: string, form: string): Promise<Page> {
  const page = await newPage({ height: 900 });
  await signIn(page, MANAGER);
  await page.goto(`${stack.url}/#/flows/${flowId}`);
  await formTitled(page, form).waitFor();
  return page;
}

/** A prior authorization submitted to the payer and decided (through the API). */
async function decidedAuthorization(id: string, decision: Record<string, unknown>): Promise<string> {
  const started = await asManager('POST', '/api/prior-auth', priorAuthBody(id, { service: { code: '97110', units: 3, scheduledDate: isoDay(20) } }, PEOPLE));
  await asManager('POST', `/api/prior-auth/${id}/submission`, { by: MANAGER, channel: 'portal', confirmationNumber: `C-${id}`, submittedAt: new Date(Date.now() - 60_000).toISOString() });
  await asManager('POST', `/api/prior-auth/${id}/decision`, { by: MANAGER, ...decision });
  return started.flowId as string;
}

describe('the flow page records later stages', () => {
  it('prior authorization: a service rendered uses authorized units; a denial goes to appeal; another is cancelled', async () => {
    const approvedFlow = await decidedAuthorization('pa-8101', { outcome: 'approved', authorizationNumber: 'AUTH-8101', validFrom: isoDay(0), validTo: isoDay(90), units: 3 });
    const page = await managerOn(approvedFlow, 'Record a service rendered');
    const service = formTitled(page, 'Record a service rendered');
    await service.getByLabel('Units used').fill('4');
    await service.getByRole('button', { name: 'Record service' }).click();
    await expect(service.getByRole('alert').textContent()).resolves.toMatch(/unit/i); // more than authorized
    expect((await asManager('GET', '/api/prior-auth/pa-8101')).units).toMatchObject({ used: 0, authorized: 3 });
    await service.getByLabel('Units used').fill('2');
    await service.getByRole('button', { name: 'Record service' }).click();
    await flash(page, `Service on ${isoDay(0)} recorded.`);
    expect((await asManager('GET', '/api/prior-auth/pa-8101')).units).toMatchObject({ used: 2, remaining: 1, authorized: 3 });
    await page.context().close();

    const deniedFlow = await decidedAuthorization('pa-8102', { outcome: 'denied', reason: 'not medically necessary per the payer policy', denialCodes: ['CO-50'] });
    const denied = await managerOn(deniedFlow, 'Choose the path after the denial');
    const path = formTitled(denied, 'Choose the path after the denial');
    await path.getByLabel('Next step').selectOption('appeal');
    await path.getByLabel('Note').fill('the ordering provider asks to appeal');
    await path.getByRole('button', { name: 'Choose path' }).click();
    await flash(denied, 'Path after the denial: appeal.');
    const appealed = await asManager('GET', '/api/prior-auth/pa-8102');
    expect(appealed.denialPath).toMatchObject({ path: 'appeal', by: MANAGER });
    expect(appealed.appeal?.workflowId).toMatch(/\S/);
    // The authorization's page links the appeal it started.
    await denied.locator(`a[href="#/flows/${encodeURIComponent(appealed.appeal.workflowId)}"]`).first().waitFor();
    await denied.context().close();

    const started = await asManager('POST', '/api/prior-auth', priorAuthBody('pa-8103', {}, PEOPLE));
    const cancelPage = await managerOn(started.flowId, 'Cancel this prior authorization');
    const cancel = formTitled(cancelPage, 'Cancel this prior authorization');
    await cancel.getByRole('button', { name: 'Cancel prior authorization' }).click();
    await expect(fieldMessage(cancel.getByLabel('Reason'))).resolves.toMatch(/\S/); // a reason is required
    await cancel.getByLabel('Reason').fill('the order was withdrawn by the provider');
    await cancel.getByRole('button', { name: 'Cancel prior authorization' }).click();
    await flash(cancelPage, 'Prior authorization cancelled.');
    expect((await asManager('GET', `/api/flows/${started.flowId}`)).status).toBe('cancelled');
    await cancelPage.context().close();
  });

  it("appeal: a loss with its notice date opens the next level; one appeal is closed, another cancelled", async () => {
    const lost = await asManager('POST', '/api/appeals', appealBody('A-8101', {}, PEOPLE));
    await asManager('POST', '/api/appeals/A-8101/submission', { by: MANAGER, confirmationNumber: 'FAX-8101', channel: 'fax' });
    const page = await managerOn(lost.flowId, "Record the payer's decision");
    const decision = formTitled(page, "Record the payer's decision");
    await decision.getByLabel('Decision', { exact: true }).selectOption('lost');
    await decision.getByRole('button', { name: 'Record decision' }).click();
    expect(await fieldMessage(decision.getByLabel('Decision notice date'))).toMatch(/\S/); // required for a loss
    expect((await asManager('GET', '/api/appeals/A-8101')).level).toBe('redetermination');
    await decision.getByLabel('Decision notice date').fill(isoDay(-1));
    await decision.getByRole('button', { name: 'Record decision' }).click();
    await expect.poll(() => fieldMessage(decision.getByLabel('Decision notice date'))).toMatch(/must not be before the submission/);
    await decision.getByLabel('Decision notice date').fill(isoDay(0));
    await decision.getByRole('button', { name: 'Record decision' }).click();
    await flash(page, 'Decision recorded: lost.');
    const next = await asManager('GET', '/api/appeals/A-8101');
    expect(next.level).toBe('reconsideration'); // Medicare's second level, 42 CFR 405.960
    expect(next.filingDeadline).toMatch(/^\d{4}-\d\d-\d\d$/);
    await page.context().close();

    const closed = await asManager('POST', '/api/appeals', appealBody('A-8102', {}, PEOPLE));
    const closePage = await managerOn(closed.flowId, 'Close this appeal');
    const close = formTitled(closePage, 'Close this appeal');
    await close.getByLabel('Reason').fill('written off: below the cost of appeal');
    await close.getByRole('button', { name: 'Close appeal' }).click();
    await flash(closePage, 'Appeal closed.');
    expect((await asManager('GET', '/api/appeals/A-8102')).outcome).toMatchObject({ kind: 'closed' });
    await closePage.context().close();

    const cancelled = await asManager('POST', '/api/appeals', appealBody('A-8103', {}, PEOPLE));
    const cancelPage = await managerOn(cancelled.flowId, 'Cancel this appeal');
    const cancel = formTitled(cancelPage, 'Cancel this appeal');
    await cancel.getByLabel('Reason').fill('started for the wrong claim');
    await cancel.getByRole('button', { name: 'Cancel appeal' }).click();
    await flash(cancelPage, 'Appeal cancelled.');
    expect((await asManager('GET', `/api/flows/${cancelled.flowId}`)).status).toBe('cancelled');
    await cancelPage.context().close();
  });

  it('credential: a correction changes what it names (a reason is required); retiring ends it and its actions', async () => {
    await asManager('POST', '/api/credentials', {
      credentialId: 'dea-8101',
      providerId: 'p-8101',
      type: 'dea_registration',
      jurisdiction: 'NY',
      number: 'AB1234563',
      dueDate: isoDay(200),
      providerEmail: 'p-8101@clinic.example',
      ownerEmail: MANAGER,
      managerEmail: MANAGER,
    });
    const page = await managerOn('credential-dea-8101', 'Correct the credential');
    const correct = formTitled(page, 'Correct the credential');
    await correct.getByLabel('Due date').fill(isoDay(210));
    await correct.getByRole('button', { name: 'Save correction' }).click();
    expect(await fieldMessage(correct.getByLabel('Reason for the correction'))).toMatch(/\S/);
    expect((await asManager('GET', '/api/credentials/dea-8101')).credential.dueDate).toBe(isoDay(200));
    await correct.getByLabel('Reason for the correction').fill('typed from the wrong certificate');
    await correct.getByRole('button', { name: 'Save correction' }).click();
    await flash(page, 'Credential corrected.');
    expect((await asManager('GET', '/api/credentials/dea-8101')).credential.dueDate).toBe(isoDay(210));

    const retire = formTitled(page, 'Retire the credential');
    await retire.getByLabel('Reason for retiring').fill('the provider left the practice');
    await retire.getByRole('button', { name: 'Retire credential' }).click();
    await flash(page, 'Credential retired.');
    expect((await asManager('GET', '/api/credentials/dea-8101')).status).toBe('retired');
    expect(await formTitled(page, 'Record a renewal').count()).toBe(0);
    await page.context().close();
  });
});
