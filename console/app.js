// PracticeFlow web console: small ES modules, no build step (lib/: the DOM, the API, forms, the
// session; pages/: one file per page). Every page calls the same JSON API the CLI uses (/api/...,
// see /api/openapi.json) with the session cookie from POST /api/session, so the API decides who may
// do what: the console shows its answers, including 401 (back to sign-in) and 403 (the API's
// message, nothing changed). Pages are addressed by the URL fragment (#/flows/onboarding-h-1042) so
// every view can be bookmarked and reloaded.
import { SignedOut, api, errorBox } from './lib/api.js';
import { h, link, main, nav, say, who } from './lib/dom.js';
import { watchIdle } from './lib/idle.js';
import { page } from './lib/page.js';
import { canWrite, state } from './lib/state.js';
import { auditPage } from './pages/audit.js';
import { flowPage } from './pages/flow.js';
import { appealsPage, credentialsPage, flowsPage, oshaPage } from './pages/lists.js';
import { mailPage } from './pages/mail.js';
import { myWorkPage } from './pages/my-work.js';
import { loadSettings, signInPage, signOut } from './pages/sign-in.js';
import { START_FORMS, startFormPage, startPage } from './pages/start.js';
import { todayPage } from './pages/today.js';
import { usersPage } from './pages/users.js';

function drawChrome() {
  nav.replaceChildren();
  who.replaceChildren();
  if (!state.me) return;
  /** @type {[string, string][]} */
  const items = state.me.role === 'staff' ? [['#/', 'My work']] : [['#/', 'Today'], ['#/me', 'My work'], ['#/flows', 'Flows'], ['#/credentials', 'Credentials'], ['#/appeals', 'Appeals'], ['#/osha', 'OSHA calendar'], ['#/audit', 'Audit']];
  if (canWrite()) items.splice(1, 0, ['#/start', 'Start a flow']);
  if (state.me.role === 'admin') items.push(['#/users', 'Users']);
  if (state.settings.mailbox && canWrite()) items.push(['#/mail', 'Mailbox']);
  const current = `#/${(location.hash.slice(2).split(/[/?]/)[0] ?? '')}`;
  nav.append(h('ul', null, items.map(([href, text]) => h('li', null, h('a', { href, 'aria-current': href === current ? 'page' : undefined }, text)))));
  who.append(
    h('span', null, state.me.email, ' ', h('span', { class: 'badge neutral', style: undefined }, state.me.role)),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
}

async function route() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'sign-in') {
      state.me = null;
      drawChrome();
      return signInPage(query);
    }
    if (!state.me) {
      const r = await api('GET', '/api/me');
      if (!r.ok) return;
      state.me = r.data;
      await loadSettings();
    }
    drawChrome();
    const flash = state.flash;
    state.flash = '';
    const [first, second, third] = parts;
    if (!first) todayPage();
    else if (first === 'me') myWorkPage();
    else if (first === 'flows' && second) await flowPage(second);
    else if (first === 'flows') flowsPage(query);
    else if (first === 'start' && second && Object.hasOwn(START_FORMS, second)) startFormPage(START_FORMS[second].spec());
    else if (first === 'start') startPage();
    else if (first === 'credentials') credentialsPage(query);
    else if (first === 'appeals') appealsPage();
    else if (first === 'osha') await oshaPage(query);
    else if (first === 'audit') auditPage(query);
    else if (first === 'mail') await mailPage(second);
    else if (first === 'users') usersPage();
    else page('Not found', h('p', null, `There is no page ${path}${third ? '' : ''}. `, link('#/', 'Go to today')));
    if (flash) {
      const note = h('p', { class: 'notice' }, flash); // announced through the live region
      main.querySelector('h1')?.after(note);
      say(flash);
    }
  } catch (err) {
    if (err instanceof SignedOut) return;
    page('Something went wrong', errorBox({ type: 'Internal', message: String(/** @type {Error} */ (err).message ?? err), problems: [] }, 0));
  }
}

document.getElementById('skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});
window.addEventListener('hashchange', () => void route());
watchIdle();
void route();
