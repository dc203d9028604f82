// Users and access (admin): who may sign in with which role, and the API tokens integrations and
// the CLI use. Every change here is recorded in the audit ledger by the API (access.* entries,
// 45 CFR 164.308(a)(4)(ii)(C)); users are disabled, never deleted, since the ledger names them.
import { get } from '../lib/api.js';
import { badge, h, table, when } from '../lib/dom.js';
import { field, shownOnce } from '../lib/forms.js';
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

/** A select named `id`, filled once the list it chooses from has loaded (its lists' section shows a failure). */
function idSelect(/** @type {string} */ label, /** @type {Promise<string[][]>} */ choices) {
  const wrap = field({ name: 'id', label, options: [['', 'loading…']], required: true });
  void choices.then((list) => {
    const control = /** @type {HTMLSelectElement} */ (wrap.querySelector('select'));
    control.replaceChildren(...[['', '(choose)'], ...list].map(([value, text]) => h('option', { value }, text)));
  }, () => undefined);
  return wrap;
}

export function usersPage() {
  const users = get('/api/users');
  const tokens = get('/api/tokens');
  page(
    'Users and access',
    h('p', { class: 'muted' }, 'Each change here is recorded in the audit ledger with your name. Users are disabled, never deleted: the record names them.'),
    lazySection('Users', async () => {
      const list = (await users).users;
      return { count: list.length, body: table('Users', ['Email', 'Role', 'Created', 'Status'], list.map((/** @type {any} */ u) => [u.email, u.role, when(u.createdAt), statusBadge(u)])) };
    }),
    lazySection('API tokens', async () => {
      const list = (await tokens).tokens;
      return {
        count: list.length,
        body: table('API tokens', ['Name', 'User', 'Created', 'Last used', 'Status'], list.map((/** @type {any} */ t) => [t.name, t.email, when(t.createdAt), t.lastUsedAt ? when(t.lastUsedAt) : 'never', statusBadge(t)]), 'No API tokens.'),
      };
    }),
    h('h2', null, 'Changes'),
    h('div', { class: 'grid' }, addUserForm(), disableUserForm(users), issueTokenForm(), revokeTokenForm(tokens)),
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
  // Not yourself: an admin who disabled their own account could not undo it.
  const choices = users.then(({ users: list }) => list.filter((/** @type {any} */ u) => !u.disabledAt && u.email !== state.me?.email).map((/** @type {any} */ u) => [u.id, `${u.email} (${u.role})`]));
  return actionForm({
    title: 'Disable a user',
    intro: 'They can no longer sign in; their sessions end and their API tokens stop working at once.',
    fields: [idSelect('User', choices)],
    submitLabel: 'Disable user',
    kind: 'danger',
    post: (b) => (b.id ? [`/api/users/${seg(b.id)}/disable`, {}] : { problems: [{ path: 'id', message: 'is required: choose a user' }] }),
    flash: (_b, u) => `User ${u.email} disabled.`,
  });
}

function issueTokenForm() {
  return actionForm({
    title: 'Issue an API token',
    intro: 'For an integration or the command line. Everything done with it is recorded as its user.',
    fields: [
      field({ name: 'name', label: 'What it is for', required: true, hint: 'e.g. CLI on the front-desk PC' }),
      field({ name: 'email', label: 'Whose token', type: 'email', autocomplete: 'off', hint: 'Default: yours' }),
    ],
    submitLabel: 'Issue token',
    kind: 'secondary',
    post: (b) => ['/api/tokens', { name: b.name, ...(b.email ? { email: b.email } : {}) }],
    flash: () => '',
    // The token is in this answer only (PracticeFlow keeps its hash): shown once, beside the form.
    done: (t, form) => {
      form.querySelector('.token-issued')?.remove();
      form.append(
        h(
          'div',
          { class: 'notice token-issued', role: 'status' },
          h('p', null, `Token "${t.name}" for ${t.email}. Copy it now: it is not shown again.`),
          shownOnce('issued-token', 'The new token', t.token),
        ),
      );
    },
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
