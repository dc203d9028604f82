// Users and access in the console (admin), in a real browser against a real stack: adding a user
// (the API's password rule next to the field), the new user signing in and creating their own API
// token on My work, disabling them (their open page is signed out) and enabling them again, a
// service account with a token shown once (acting as the service, never a person) and revoking
// it, lifting a sign-in lock; each change in the audit ledger under the admin's name; other roles
// get neither the page nor the link. Writes docs/screenshots/users.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, TEST_PASSWORD, useApiStack } from '../api/stack';
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

    // The new user signs in (their home page is My work) and creates an API token of their own there.
    const staff = await newPage();
    await signIn(staff, NEW_USER, stack.url, NEW_PASSWORD);
    await staff.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    const own = formTitled(staff, 'Create an API token for yourself');
    await own.getByLabel('What it is for').fill('CLI on my laptop');
    await own.getByRole('button', { name: 'Create token' }).click();
    const ownToken = await own.getByLabel('The new token').inputValue();
    expect(await (await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${ownToken}` } })).json()).toMatchObject({ email: NEW_USER, role: 'staff', via: 'token' });

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
    expect(await ledger('access.user_disabled', NEW_USER)).toMatchObject({ actor: ADMIN, detail: { sessionsEnded: 1, tokensRevoked: 1 } });
    await staff.reload();
    await staff.getByRole('heading', { name: 'Sign in to PracticeFlow' }).waitFor();
    expect((await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${ownToken}` } })).status).toBe(401);

    // Enable again: they sign in again (their old token stays revoked).
    const enable = formTitled(admin, 'Enable a user again');
    await enable.getByLabel('Disabled user').selectOption({ label: `${NEW_USER} (staff)` });
    await enable.getByRole('button', { name: 'Enable user' }).click();
    await admin.locator('#main').getByText(`User ${NEW_USER} enabled.`).waitFor();
    await settled(admin);
    await expect(section(admin, /^Users/).getByRole('row').filter({ hasText: NEW_USER }).textContent()).resolves.toMatch(/active/);
    expect(await ledger('access.user_enabled', NEW_USER)).toMatchObject({ actor: ADMIN });
    await signIn(staff, NEW_USER, stack.url, NEW_PASSWORD);
    await staff.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
    await staff.context().close();
    await admin.context().close();
  });

  it('adds a service account and issues its API token shown once, which acts as the service until it is revoked', async () => {
    const admin = await newPage({ height: 1000 });
    await signIn(admin, ADMIN);
    await admin.goto(`${stack.url}/#/users`);
    const add = formTitled(admin, 'Add a service account');
    await add.getByLabel('Service name').fill('HR system');
    await add.getByLabel('Service role').selectOption('manager');
    await add.getByRole('button', { name: 'Add service account' }).click();
    expect(await fieldMessage(add.getByLabel('Service name'))).toMatch(/^must be 2 to 63 lower-case letters/);
    await add.getByLabel('Service name').fill('hr-system');
    await add.getByRole('button', { name: 'Add service account' }).click();
    await admin.locator('#main').getByText('Service account service:hr-system added as manager.').waitFor();
    await settled(admin);
    await expect(section(admin, /^Users/).getByRole('row').filter({ hasText: 'service:hr-system' }).textContent()).resolves.toMatch(/service account.*manager.*active/);
    expect(await ledger('access.service_account_created', 'service:hr-system')).toMatchObject({ actor: ADMIN, detail: { role: 'manager' } });

    const issue = formTitled(admin, 'Issue an API token');
    await issue.getByLabel('What it is for').fill('HR system');
    await issue.getByLabel('Acts as').selectOption({ label: 'service account hr-system (manager)' });
    await issue.getByRole('button', { name: 'Issue token' }).click();
    const token = await issue.getByLabel('The new token').inputValue();
    expect(token).toMatch(/^pf_/);
    const asToken = (t: string) => fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${t}` } });
    expect(await (await asToken(token)).json()).toMatchObject({ email: 'service:hr-system', role: 'manager', via: 'token' });
    expect(await ledger('access.token_created', 'service:hr-system')).toMatchObject({ actor: ADMIN, detail: { name: 'HR system' } });
    // The only choices are yourself and service accounts: never another person.
    const choices = await issue.getByLabel('Acts as').locator('option').allTextContents();
    expect(choices).toEqual([`yourself (${ADMIN})`, 'service account hr-system (manager)']);

    // Shown once: the list has its name and state, never the token.
    await admin.reload();
    await settled(admin);
    const tokens = section(admin, /^API tokens/);
    await expect(tokens.getByRole('row').filter({ hasText: 'HR system' }).textContent()).resolves.toMatch(/service:hr-system.*active/);
    await expect(admin.locator('#main').textContent()).resolves.not.toContain(token);

    const revoke = formTitled(admin, 'Revoke an API token');
    await revoke.getByLabel('Token').selectOption({ label: 'HR system (service:hr-system)' });
    await revoke.getByRole('button', { name: 'Revoke token' }).click();
    await admin.locator('#main').getByText('Token "HR system" of service:hr-system revoked.').waitFor();
    expect((await asToken(token)).status).toBe(401);
    expect(await ledger('access.token_revoked', 'service:hr-system')).toMatchObject({ actor: ADMIN });
    await admin.context().close();
  });

  it('shows sign-in locks and lifts one, after which the person signs in', async () => {
    const locked = 'locked.out@clinic.example';
    await stack.tokenFor(locked, 'staff');
    // Five wrong passwords from an address of their own (not this browser's): the email is locked.
    for (let i = 0; i < 5; i++) await stack.services.users.signIn({ email: locked, password: 'not the password' }, { address: '192.0.2.44' }).catch(() => undefined);
    const person = await newPage();
    await person.goto(`${stack.url}/#/sign-in`);
    await person.getByLabel('Email', { exact: true }).fill(locked);
    await person.getByLabel('Password').fill(TEST_PASSWORD);
    await person.getByRole('button', { name: 'Sign in' }).click();
    await expect(person.getByRole('alert').textContent()).resolves.toMatch(/\(429\).*locked after repeated failures/);

    const admin = await newPage({ height: 1400 });
    await signIn(admin, ADMIN);
    await admin.goto(`${stack.url}/#/users`);
    await settled(admin);
    await expect(section(admin, /^Sign-in locks/).getByRole('row').filter({ hasText: locked }).textContent()).resolves.toMatch(/5.*locked until/);
    await shot(admin, 'users', { fullPage: true });
    const lift = formTitled(admin, 'Lift a sign-in lock');
    await lift.getByLabel('Locked email or address').selectOption({ label: `${locked} (locked)` });
    await lift.getByRole('button', { name: 'Lift lock' }).click();
    await admin.locator('#main').getByText(`Sign-in lock on ${locked} lifted.`).waitFor();
    expect(await stack.prisma.auditEntry.findFirst({ where: { action: 'access.sign_in_unlocked', detail: { path: ['key'], equals: locked } } })).toMatchObject({ actor: ADMIN });

    await person.getByRole('button', { name: 'Sign in' }).click();
    await person.getByRole('button', { name: 'Sign out' }).waitFor();
    await person.context().close();
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
