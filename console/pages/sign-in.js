// Sign-in and sign-out (POST /api/session, /api/session/logout).
import { api } from '../lib/api.js';
import { h, main } from '../lib/dom.js';
import { field, formStatus, showProblems, values } from '../lib/forms.js';
import { resetIdle } from '../lib/idle.js';
import { state } from '../lib/state.js';

export async function signOut() {
  await api('POST', '/api/session/logout');
  state.me = null;
  state.signInReason = 'You are signed out.';
  location.hash = '#/sign-in';
}

export function signInPage(/** @type {URLSearchParams} */ query) {
  const next = query.get('next') || '#/';
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { novalidate: true, 'aria-labelledby': 'signin-title' },
      formStatus(),
      field({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'username' }),
      field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
    )
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await api('POST', '/api/session', values(form));
    if (showProblems(form, result) || !result.ok) return;
    state.me = result.data;
    resetIdle();
    await loadSettings();
    state.signInReason = '';
    location.hash = next.startsWith('#/sign-in') ? '#/' : next;
  });
  document.title = 'Sign in · PracticeFlow';
  main.replaceChildren(
    h(
      'div',
      { class: 'signin' },
      h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to PracticeFlow'),
      state.signInReason ? h('div', { class: 'info', role: 'status' }, state.signInReason) : null,
      form,
      h('p', { class: 'muted' }, 'You are signed out automatically after a period without activity.'),
    ),
  );
  /** @type {HTMLInputElement} */ (form.querySelector('input')).focus();
}

export async function loadSettings() {
  const r = await api('GET', '/api/console/settings');
  if (r.ok) state.settings = r.data;
}
