// Users and access (admin): who may sign in with which role, service accounts for integrations,
// the API tokens integrations and the CLI use, and sign-in locks after repeated failures. Every
// change here is recorded in the audit ledger by the API (access.* entries, 45 CFR
// 164.308(a)(4)(ii)(C), (a)(5)(ii)(C)); users are disabled, never deleted, since the ledger names them.
import { get } from '../lib/api.js';
import { badge, h, table, when } from '../lib/dom.js';
import { field, showToken } from '../lib/forms.js';
import { lazySection, page } from '../lib/page.js';
import { state } from '../lib/state.js';
import { actionForm, seg } from './flow-form.js';

const ROLES = /** @type {[string, string][]} */ ([
  ['staff', 'staff: sees and completes only their own tasks'],
  ['manager', 'manager: starts flows and completes any task'],
  ['auditor', 'auditor: reads everything, changes nothing'],
  ['admin', 'admin: a manager who also manages users and tokens'],
]);

const statusBadge = (/** @type {{ disabledAt?: string | null, revokedAt?: string | null }} */ r) =>
  r.disabledAt || r.revokedAt ? badge(`${r.disabledAt ? 'disabled' : 'revoked'} ${when(r.disabledAt ?? r.revokedAt)}`, 'bad') : badge('active', 'good');

/** A select (named `name`, default `id`), filled once the list it chooses from has loaded (its lists' section shows a failure). */
function idSelect(/** @type {string} */ label, /** @type {Promise<string[][]>} */ choices, name = 'id') {
  const wrap = field({ name, label, options: [['', 'loading…']], required: true });
  void choices.then((list) => {
    const control = /** @type {HTMLSelectElement} */ (wrap.querySelector('select'));
    control.replaceChildren(...[['', '(choose)'], ...list].map(([value, text]) => h('option', { value }, text)));
  }, () => undefined);
  return wrap;
}

const SERVICE = 'service:';
const isService = (/** @type {any} */ u) => u.kind === 'service';

export function usersPage() {
  const users = get('/api/users');
  const tokens = get('/api/tokens');
  const locks = get('/api/sign-in-locks');
  page(
    'Users and access',
    h('p', { class: 'muted' }, 'Each change here is recorded in the audit ledger with your name. Users are disabled, never deleted: the record names them.'),
    lazySection('Users', async () => {
      const list = (await users).users;
      return { count: list.length, body: table('Users and service accounts', ['Email or service', 'Kind', 'Role', 'Created', 'Status'], list.map((/** @type {any} */ u) => [u.email, isService(u) ? 'service account' : 'person', u.role, when(u.createdAt), statusBadge(u)])) };
    }),
    lazySection('API tokens', async () => {
      const list = (await tokens).tokens;
      return {
        count: list.length,
        body: table('API tokens', ['Name', 'User', 'Created', 'Last used', 'Status'], list.map((/** @type {any} */ t) => [t.name, t.email, when(t.createdAt), t.lastUsedAt ? when(t.lastUsedAt) : 'never', statusBadge(t)]), 'No API tokens.'),
      };
    }),
    lazySection('Sign-in locks', async () => {
      const list = (await locks).locks;
      return {
        count: list.length,
        body: table(
          'Failed sign-ins still counted, and locks',
          ['Email or address', 'Failed attempts', 'Last failure', 'Status'],
          list.map((/** @type {any} */ l) => [`${l.scope === 'address' ? 'address ' : ''}${l.key}`, String(l.failures), when(l.lastFailureAt), l.lockedUntil ? badge(`locked until ${when(l.lockedUntil)}`, 'bad') : badge('not locked')]),
          'No failed sign-ins are counted.',
        ),
      };
    }),
    h('h2', null, 'Changes'),
    h('div', { class: 'grid' }, addUserForm(), disableUserForm(users), enableUserForm(users), serviceAccountForm(), issueTokenForm(users), revokeTokenForm(tokens), liftLockForm(locks)),
  );
}

function addUserForm() {
  return actionForm({
    title: 'Add a user',
    intro: 'Give them the password in person; they sign in with their email.',
    fields: [
      field({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off' }),
      field({ name: 'role', label: 'Role', options: ROLES, required: true }),
      field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 12 characters' }),
    ],
    submitLabel: 'Add user',
    post: (b) => ['/api/users', { email: b.email, role: b.role, password: b.password }],
    flash: (_b, u) => `User ${u.email} added as ${u.role}.`,
  });
}

/** @param {Promise<any>} users */
function disableUserForm(users) {
  // Not yourself: the API refuses it (an admin who disabled their own account could not undo it).
  const choices = users.then(({ users: list }) => list.filter((/** @type {any} */ u) => !u.disabledAt && u.email !== state.me?.email).map((/** @type {any} */ u) => [u.id, `${u.email} (${u.role})`]));
  return actionForm({
    title: 'Disable a user',
    intro: 'They can no longer sign in; their sessions end and their API tokens are revoked at once. Not the last active admin.',
    fields: [idSelect('User', choices)],
    submitLabel: 'Disable user',
    kind: 'danger',
    post: (b) => (b.id ? [`/api/users/${seg(b.id)}/disable`, {}] : { problems: [{ path: 'id', message: 'is required: choose a user' }] }),
    flash: (_b, u) => `User ${u.email} disabled.`,
  });
}

/** @param {Promise<any>} users */
function enableUserForm(users) {
  const choices = users.then(({ users: list }) => list.filter((/** @type {any} */ u) => u.disabledAt).map((/** @type {any} */ u) => [u.id, `${u.email} (${u.role})`]));
  return actionForm({
    title: 'Enable a user again',
    intro: 'They can sign in again (a service account can be issued tokens again). Their old sessions and tokens stay ended.',
    fields: [idSelect('Disabled user', choices)],
    submitLabel: 'Enable user',
    kind: 'secondary',
    post: (b) => (b.id ? [`/api/users/${seg(b.id)}/enable`, {}] : { problems: [{ path: 'id', message: 'is required: choose a user' }] }),
    flash: (_b, u) => `User ${u.email} enabled.`,
  });
}

function serviceAccountForm() {
  return actionForm({
    title: 'Add a service account',
    intro: 'For an integration: its own identity (service:name in the audit record), its own role, no password. Then issue its token below.',
    fields: [
      field({ name: 'name', label: 'Service name', required: true, autocomplete: 'off', hint: 'Lower-case letters, digits and -, e.g. hr-system' }),
      field({ name: 'role', label: 'Service role', options: ROLES.filter(([r]) => r !== 'admin'), required: true }),
    ],
    submitLabel: 'Add service account',
    kind: 'secondary',
    post: (b) => ['/api/service-accounts', { name: b.name, role: b.role }],
    flash: (_b, u) => `Service account ${u.email} added as ${u.role}.`,
  });
}

/** @param {Promise<any>} users */
function issueTokenForm(users) {
  const services = users.then(({ users: list }) =>
    list.filter((/** @type {any} */ u) => isService(u) && !u.disabledAt).map((/** @type {any} */ u) => [u.email.slice(SERVICE.length), `service account ${u.email.slice(SERVICE.length)} (${u.role})`]),
  );
  const whose = field({ name: 'serviceAccount', label: 'Acts as', options: [['', 'yourself']], required: true });
  void services.then((list) => {
    const control = /** @type {HTMLSelectElement} */ (whose.querySelector('select'));
    control.replaceChildren(...[['', `yourself (${state.me?.email ?? ''})`], ...list].map(([value, text]) => h('option', { value }, text)));
  }, () => undefined);
  return actionForm({
    title: 'Issue an API token',
    intro: 'For the command line (yours) or an integration (a service account). Everything done with it is recorded as its owner; a token never acts as another person.',
    fields: [field({ name: 'name', label: 'What it is for', required: true, hint: 'e.g. CLI on the front-desk PC' }), whose],
    submitLabel: 'Issue token',
    kind: 'secondary',
    post: (b) => ['/api/tokens', { name: b.name, ...(b.serviceAccount ? { serviceAccount: b.serviceAccount } : {}) }],
    flash: () => '',
    // The token is in this answer only (PracticeFlow keeps its hash): shown once, beside the form.
    done: (t, form) => showToken(t, form),
  });
}

/** @param {Promise<any>} tokens */
function revokeTokenForm(tokens) {
  const choices = tokens.then(({ tokens: list }) => list.filter((/** @type {any} */ t) => !t.revokedAt).map((/** @type {any} */ t) => [t.id, `${t.name} (${t.email})`]));
  return actionForm({
    title: 'Revoke an API token',
    intro: 'Requests with it are refused from now on.',
    fields: [idSelect('Token', choices)],
    submitLabel: 'Revoke token',
    kind: 'danger',
    post: (b) => (b.id ? [`/api/tokens/${seg(b.id)}/revoke`, {}] : { problems: [{ path: 'id', message: 'is required: choose a token' }] }),
    flash: (_b, t) => `Token "${t.name}" of ${t.email} revoked.`,
  });
}

/** @param {Promise<any>} locks */
function liftLockForm(locks) {
  // One value per counter: its scope and key (an email or an address has no space in it).
  const choices = locks.then(({ locks: list }) => list.map((/** @type {any} */ l) => [`${l.scope} ${l.key}`, `${l.scope === 'address' ? 'address ' : ''}${l.key}${l.lockedUntil ? ' (locked)' : ''}`]));
  return actionForm({
    title: 'Lift a sign-in lock',
    intro: 'After repeated failed sign-ins an email or an address is locked for a while. Lift it once you know who it was; their count starts again.',
    fields: [idSelect('Locked email or address', choices, 'lock')],
    submitLabel: 'Lift lock',
    kind: 'secondary',
    aliases: { key: 'lock', scope: 'lock' },
    post: (b) => {
      if (!b.lock) return { problems: [{ path: 'lock', message: 'is required: choose an email or address' }] };
      const [scope, ...key] = String(b.lock).split(' ');
      return ['/api/sign-in-locks/lift', { scope, key: key.join(' ') }];
    },
    flash: (_b, l) => `Sign-in lock on ${l.key} lifted.`,
  });
}
