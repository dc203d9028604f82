// Users and access in the console (admin), in a real browser against a real stack: adding a user
// (the API's password rule next to the field), the new user signing in, disabling them (their open
// page is signed out), issuing an API token shown once and revoking it; each change in the audit
// ledger under the admin's name; other roles get neither the page nor the link. Writes
// docs/screenshots/users.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, useApiStack } from '../api/stack';
import { fieldMessage, formTitled, section, settled, shot, useConsoleBrowser } from './browser';

const NEW_USER = 'front.desk@clinic.example';
const NEW_PASSWORD = 'a long enough front-desk password';

const stack = useApiStack();
const { newPage, signIn } = useConsoleBrowser(stack);

beforeAll(async () => {
  await stack.tokenFor(ADMIN, 'admin');
  await stack.tokenFor('lead@clinic.example', 'manager');
});

const ledger = (action: string, email: string) => stack.prisma.auditEntry.findFirst({ where: { action, detail: { path: ['email'], equals: email } } });

describe('users and access in the console', () => {
  it('adds a user, who signs in; disables them, which signs their open page out; each change is in the ledger', async () => {
    const admin = await newPage({ height: 1000 });
    await signIn(admin, ADMIN);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users and access', level: 1 }).waitFor();

    const add = formTitled(admin, 'Add a user');
    await add.getByLabel('Email').fill(NEW_USER);
    await add.getByLabel('Role').selectOption('staff');
    await add.getByLabel('Password').fill('too short');
    await add.getByRole('button', { name: 'Add user' }).click();
    expect(await fieldMessage(add.getByLabel('Password'))).toBe('must be at least 12 characters');
    expect(await stack.prisma.user.count({ where: { email: NEW_USER } })).toBe(0);
    await add.getByLabel('Password').fill(NEW_PASSWORD);
    await add.getByRole('button', { name: 'Add user' }).click();
    await admin.locator('#main').getByText(`User ${NEW_USER} added as staff.`).waitFor();
    await settled(admin);
    await expect(section(admin, /^Users/).getByRole('row').filter({ hasText: NEW_USER }).textContent()).resolves.toMatch(/staff.*active/);
    expect(await ledger('access.user_created', NEW_USER)).toMatchObject({ actor: ADMIN, detail: { role: 'staff' } });

    // The new user signs in (their home page is My work).
    const staff = await newPage();
    await signIn(staff, NEW_USER, stack.url, NEW_PASSWORD);
    await staff.getByRole('heading', { name: 'My work', level: 1 }).waitFor();

    // Disable: nothing chosen is refused by the field; then the user, whose page is signed out.
    const disable = formTitled(admin, 'Disable a user');
    await disable.getByRole('button', { name: 'Disable user' }).click();
    expect(await fieldMessage(disable.getByLabel('User'))).toBe('is required: choose a user');
    expect((await disable.getByLabel('User').locator('option').allTextContents()).some((o) => o.includes(ADMIN))).toBe(false); // not yourself
    await disable.getByLabel('User').selectOption({ label: `${NEW_USER} (staff)` });
    await disable.getByRole('button', { name: 'Disable user' }).click();
    await admin.locator('#main').getByText(`User ${NEW_USER} disabled.`).waitFor();
    await settled(admin);
    await expect(section(admin, /^Users/).getByRole('row').filter({ hasText: NEW_USER }).textContent()).resolves.toMatch(/disabled/);
    expect(await ledger('access.user_disabled', NEW_USER)).toMatchObject({ actor: ADMIN, detail: { sessionsEnded: 1 } });
    await staff.reload();
    await staff.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    await staff.context().close();
    await admin.context().close();
  });

  it('issues an API token shown once, which then works until it is revoked', async () => {
    const admin = await newPage({ height: 1000 });
    await signIn(admin, ADMIN);
    await admin.goto(`${stack.url}/#/users`);
    const issue = formTitled(admin, 'Issue an API token');
    await issue.getByLabel('What it is for').fill('HR system');
    await issue.getByLabel('Whose token').fill('lead@clinic.example');
    await issue.getByRole('button', { name: 'Issue token' }).click();
    const token = await issue.getByLabel('The new token').inputValue();
    expect(token).toMatch(/^pf_/);
    const asToken = (t: string) => fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${t}` } });
    expect(await (await asToken(token)).json()).toMatchObject({ email: 'lead@clinic.example', via: 'token' });
    expect(await ledger('access.token_created', 'lead@clinic.example')).toMatchObject({ actor: ADMIN, detail: { name: 'HR system' } });

    // Shown once: the list has its name and state, never the token.
    await admin.reload();
    await settled(admin);
    const tokens = section(admin, /^API tokens/);
    await expect(tokens.getByRole('row').filter({ hasText: 'HR system' }).textContent()).resolves.toMatch(/lead@clinic\.example.*active/);
    await shot(admin, 'users', { fullPage: true });
    await expect(admin.locator('#main').textContent()).resolves.not.toContain(token);

    const revoke = formTitled(admin, 'Revoke an API token');
    await revoke.getByLabel('Token').selectOption({ label: 'HR system (lead@clinic.example)' });
    await revoke.getByRole('button', { name: 'Revoke token' }).click();
    await admin.locator('#main').getByText('Token "HR system" of lead@clinic.example revoked.').waitFor();
    expect((await asToken(token)).status).toBe(401);
    expect(await ledger('access.token_revoked', 'lead@clinic.example')).toMatchObject({ actor: ADMIN });
    await admin.context().close();
  });

  it('gives other roles neither the link nor the lists (403)', async () => {
    const manager = await newPage();
    await signIn(manager, 'lead@clinic.example');
    expect(await manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    await manager.goto(`${stack.url}/#/users`);
    await settled(manager);
    await expect(section(manager, /^Users/).getByRole('alert').textContent()).resolves.toMatch(/Not allowed \(403\)/);
    await manager.context().close();
  });
});
