// PracticeFlow web console: one small ES module, no build step. Every page calls the same JSON API
// the CLI uses (/api/..., see /api/openapi.json) with the session cookie from POST /api/session, so
// the API decides who may do what: the console shows its answers, including 401 (back to sign-in)
// and 403 (the API's message, nothing changed). Pages are addressed by the URL fragment
// (#/flows/onboarding-h-1042) so every view can be bookmarked and reloaded.

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const live = /** @type {HTMLElement} */ (document.getElementById('live'));

/** @type {{ email: string, role: 'admin' | 'manager' | 'staff' | 'auditor', idleMinutes: number } | null} */
let me = null;
/** @type {{ temporalUiUrl: string | null, temporalNamespace: string, mailbox: boolean }} */
let settings = { temporalUiUrl: null, temporalNamespace: 'default', mailbox: false };
/** Why the sign-in page is shown (an ended session), shown on it once. */
let signInReason = '';

const FLOW_TYPES = ['onboarding', 'credential', 'prior_auth', 'appeal', 'osha_site', 'osha_occurrence', 'checklist'];
const HIRE_ROLES = ['front_desk', 'billing', 'medical_assistant', 'nurse', 'physician', 'nurse_practitioner', 'physician_assistant', 'office_manager'];

// ---- DOM helpers (text is always set as text: nothing from the API is parsed as HTML) ------------

/**
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** @param {HTMLElement} el @param {unknown[]} children */
function append(el, children) {
  for (const child of children.flat(3)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const link = (/** @type {string} */ href, /** @type {unknown} */ text) => h('a', { href }, text);
const flowLink = (/** @type {string} */ flowId, /** @type {unknown} */ text) => link(`#/flows/${encodeURIComponent(flowId)}`, text ?? flowId);
const badge = (/** @type {string} */ text, /** @type {'bad' | 'good' | 'neutral'} */ kind = 'neutral') => h('span', { class: `badge ${kind}` }, text);
const say = (/** @type {string} */ text) => {
  live.textContent = '';
  setTimeout(() => (live.textContent = text), 30);
};

/** Local date and time in the practice's terms: the API sends ISO instants. */
function when(/** @type {string | null | undefined} */ iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function isoToday(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A table with a caption (hidden when the section heading already says it), or a sentence when empty.
 * @param {string} caption
 * @param {string[]} headers
 * @param {unknown[][]} rows
 * @param {string} empty
 */
function table(caption, headers, rows, empty = 'Nothing here.') {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'table',
    null,
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => (c instanceof HTMLElement && c.tagName === 'TD' ? c : h('td', null, c)))))),
  );
}

// ---- The API ----------------------------------------------------------------------------------

/** Thrown after a 401 sent the page to sign-in: stops the page that was being drawn. */
class SignedOut extends Error {}

/**
 * @typedef {{ type: string, message: string, problems: { path: string, message: string }[] }} ApiError
 * @typedef {{ ok: true, status: number, data: any } | { ok: false, status: number, error: ApiError }} ApiResult
 */

/**
 * Calls the API as the signed-in user (the session cookie). A 401 ends the session in the page too.
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<ApiResult>}
 */
async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, error: { type: 'Unavailable', message: 'PracticeFlow cannot be reached: check the connection and try again', problems: [] } };
  }
  const text = await res.text();
  /** @type {any} */
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data };
  const error = data && data.error ? data.error : { type: 'Internal', message: `the server answered ${res.status}`, problems: [] };
  if (res.status === 401 && path !== '/api/session') {
    me = null;
    signInReason = error.message;
    location.hash = `#/sign-in?next=${encodeURIComponent(location.hash.startsWith('#/sign-in') ? '#/' : location.hash || '#/')}`;
    throw new SignedOut(error.message);
  }
  return { ok: false, status: res.status, error };
}

/** GET that must succeed for the page: throws the API's error to the page's error box. */
async function get(/** @type {string} */ path) {
  const result = await api('GET', path);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { api: result.error, status: result.status });
  return result.data;
}

/** The API's error as the page shows it: an alert naming the status. */
function errorBox(/** @type {ApiError} */ error, /** @type {number} */ status) {
  const title = status === 401 ? 'Not signed in' : status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 409 ? 'Not possible now' : status === 400 ? 'Please correct the form' : 'Something went wrong';
  return h('div', { class: 'alert', role: 'alert' }, h('strong', null, `${title} (${status || 'offline'}): `), error.message);
}

/**
 * A section whose content loads on its own: a failure (a 403 for this role, an unreachable service)
 * shows in it without breaking the rest of the page.
 * @param {string} title
 * @param {() => Promise<{ count?: number, body: unknown }>} load
 */
function lazySection(title, load) {
  const headingId = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const heading = h('h2', { id: headingId }, title);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { 'aria-labelledby': headingId }, heading, body);
  load()
    .then(({ count, body: content }) => {
      if (count !== undefined) heading.append(' ', h('span', { class: 'count' }, `(${count})`));
      body.replaceChildren();
      append(body, [content]);
    })
    .catch((err) => {
      if (err instanceof SignedOut) return;
      body.replaceChildren(err.api ? errorBox(err.api, err.status) : errorBox({ type: 'Internal', message: String(err.message ?? err), problems: [] }, 0));
    })
    .finally(() => body.removeAttribute('aria-busy'));
  return section;
}

// ---- Forms ------------------------------------------------------------------------------------

let fieldSeq = 0;

/**
 * A labelled input with room for the API's message about it (aria-describedby).
 * @param {{ name: string, label: string, type?: string, value?: string, required?: boolean, hint?: string, options?: (string | [string, string])[], textarea?: boolean, autocomplete?: string, min?: string, step?: string, kind?: 'number' | 'boolean' | 'list' | 'datetime' }} spec
 * `name` may be dotted (`payer.name`): body() nests it, and the API's problem at that path lands here.
 * `kind` converts the value in body(): a number, true/false, a comma-separated list, a local date-time
 * as ISO 8601 with the browser's offset.
 */
function field(spec) {
  const id = `f-${spec.name.replace(/[^A-Za-z0-9]/g, '-')}-${++fieldSeq}`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const common = { id, name: spec.name, required: spec.required, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), autocomplete: spec.autocomplete, 'data-kind': spec.kind };
  let control;
  if (spec.options) {
    control = h(
      'select',
      common,
      spec.options.map((o) => {
        const [value, text] = Array.isArray(o) ? o : [o, o];
        return h('option', { value, selected: value === spec.value }, text);
      }),
    );
  } else if (spec.textarea) {
    control = h('textarea', common, spec.value ?? '');
  } else {
    control = h('input', { ...common, type: spec.type ?? 'text', value: spec.value, min: spec.min, step: spec.step });
  }
  return h('div', { class: 'field', 'data-field': spec.name }, h('label', { for: id }, spec.label, spec.required ? '' : h('span', { class: 'muted' }, ' (optional)')), spec.hint ? h('span', { class: 'hint', id: hintId }, spec.hint) : null, control, h('span', { class: 'field-error', id: errorId }));
}

/** The form's values by name; empty optional fields are left out. */
function values(/** @type {HTMLFormElement} */ form) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

/** A local `YYYY-MM-DDTHH:mm` as ISO 8601 with the browser's offset (what the API's date-times take). */
function withOffset(/** @type {string} */ local) {
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local;
  const off = -d.getTimezoneOffset();
  const pad = (/** @type {number} */ n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}

/**
 * The form as a JSON body: dotted names nest (`payer.name` -> { payer: { name } }), each field's
 * `data-kind` converts it; empty fields are left out (a `list` is always sent, [] when empty).
 * @param {HTMLFormElement} form
 * @returns {Record<string, any>}
 */
function body(form) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const el of /** @type {HTMLCollectionOf<HTMLInputElement>} */ (form.elements)) {
    if (!el.name || el.tagName === 'BUTTON' || el.disabled) continue;
    const raw = el.value.trim();
    const kind = el.dataset.kind;
    /** @type {unknown} */
    let value = raw;
    if (kind === 'list') value = raw.split(/[\s,]+/).filter(Boolean);
    else if (raw === '') continue;
    else if (kind === 'number') value = Number.isNaN(Number(raw)) ? raw : Number(raw);
    else if (kind === 'boolean') value = raw === 'true';
    else if (kind === 'datetime') value = withOffset(raw);
    const keys = el.name.split('.');
    let target = out;
    for (const key of keys.slice(0, -1)) target = target[key] ??= {};
    target[/** @type {string} */ (keys.at(-1))] = value;
  }
  return out;
}

/**
 * The field a problem's path belongs to: the longest dotted prefix that names a field, so
 * `payer.name` lands on the payer-name input and `denialCodes.1` on the denial-codes one.
 * @param {HTMLFormElement} form @param {string} path @param {Record<string, string>} aliases
 */
function fieldFor(form, path, aliases) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    const name = aliases[prefix] ?? prefix;
    const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (wrap) return { wrap, name: prefix };
  }
  return null;
}

/**
 * Shows the API's answer on the form: each problem next to its field (by `path`, see fieldFor), the
 * rest and the message in an alert at the top. Returns whether there were errors.
 * @param {HTMLFormElement} form
 * @param {ApiResult | null} result
 * @param {Record<string, string>} [aliases] problem paths that belong to a differently named field
 *   (a plan route's `amountInControversy` is the start form's `deniedAmount`)
 */
function showProblems(form, result, aliases = {}) {
  const box = /** @type {HTMLElement} */ (form.querySelector('.form-status'));
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  box.replaceChildren();
  if (!result || result.ok) return false;
  const unplaced = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const problem of result.error.problems) {
    const found = fieldFor(form, problem.path, aliases);
    if (!found) {
      unplaced.push(problem);
      continue;
    }
    const { wrap, name } = found;
    const control = /** @type {HTMLElement} */ (wrap.querySelector('input, select, textarea'));
    control.setAttribute('aria-invalid', 'true');
    const err = /** @type {HTMLElement} */ (wrap.querySelector('.field-error'));
    const text = `${problem.path === name ? '' : `${problem.path}: `}${problem.message}`;
    err.textContent = err.textContent ? `${err.textContent}; ${text}` : text;
    first ??= control;
  }
  box.append(errorBox(result.error, result.status));
  if (unplaced.length > 0 && unplaced.length < result.error.problems.length) box.append(h('ul', null, unplaced.map((p) => h('li', null, `${p.path}: ${p.message}`))));
  if (first) first.focus();
  else {
    box.setAttribute('tabindex', '-1');
    box.focus();
  }
  return true;
}

const formStatus = () => h('div', { class: 'form-status', 'aria-live': 'assertive' });

// ---- Pages ------------------------------------------------------------------------------------

/** Replaces the page: title, heading (focused, so screen readers announce the new page). */
function page(/** @type {string} */ title, /** @type {unknown[]} */ ...content) {
  document.title = `${title} · PracticeFlow`;
  const heading = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading);
  append(main, content);
  heading.focus();
}

const canWrite = () => me !== null && (me.role === 'admin' || me.role === 'manager');

function drawChrome() {
  nav.replaceChildren();
  who.replaceChildren();
  if (!me) return;
  /** @type {[string, string][]} */
  const items = me.role === 'staff' ? [['#/', 'My work']] : [['#/', 'Today'], ['#/flows', 'Flows'], ['#/credentials', 'Credentials'], ['#/appeals', 'Appeals'], ['#/osha', 'OSHA calendar'], ['#/audit', 'Audit']];
  if (canWrite()) items.splice(1, 0, ['#/start', 'Start a flow']);
  if (settings.mailbox && canWrite()) items.push(['#/mail', 'Mailbox']);
  const current = `#/${(location.hash.slice(2).split(/[/?]/)[0] ?? '')}`;
  nav.append(h('ul', null, items.map(([href, text]) => h('li', null, h('a', { href, 'aria-current': href === current ? 'page' : undefined }, text)))));
  who.append(
    h('span', null, me.email, ' ', h('span', { class: 'badge neutral', style: undefined }, me.role)),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
}

async function signOut() {
  await api('POST', '/api/session/logout');
  me = null;
  signInReason = 'You are signed out.';
  location.hash = '#/sign-in';
}

function signInPage(/** @type {URLSearchParams} */ query) {
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
    me = result.data;
    await loadSettings();
    signInReason = '';
    location.hash = next.startsWith('#/sign-in') ? '#/' : next;
  });
  document.title = 'Sign in · PracticeFlow';
  main.replaceChildren(
    h(
      'div',
      { class: 'signin' },
      h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to PracticeFlow'),
      signInReason ? h('div', { class: 'info', role: 'status' }, signInReason) : null,
      form,
      h('p', { class: 'muted' }, 'You are signed out automatically after a period without activity.'),
    ),
  );
  /** @type {HTMLInputElement} */ (form.querySelector('input')).focus();
}

// ---- Today ------------------------------------------------------------------------------------

/** Open tasks of running flows (their checklists), for "due this week" and escalations. */
async function openTasksOfRunningFlows() {
  const { flows } = await get('/api/flows?status=running&limit=100');
  const details = [];
  for (let i = 0; i < flows.length; i += 8) {
    const batch = await Promise.all(flows.slice(i, i + 8).map((/** @type {any} */ f) => api('GET', `/api/flows/${encodeURIComponent(f.flowId)}`)));
    for (const r of batch) if (r.ok) details.push(r.data);
  }
  const tasks = [];
  for (const flow of details) {
    for (const task of flow.tasks) {
      if (task.status !== 'open') continue;
      const escalations = flow.history.filter((/** @type {any} */ e) => e.action === 'notice.escalation' && e.task === task.key);
      tasks.push({ flow, task, lastEscalation: escalations.at(-1)?.at });
    }
  }
  return tasks;
}

function todayPage() {
  if (me?.role === 'staff') return staffHome();
  const today = isoToday();
  const inAWeek = isoToday(7);
  const tasks = openTasksOfRunningFlows();
  page(
    'Today',
    me?.role === 'auditor' ? h('p', { class: 'info' }, 'You are signed in as an auditor: you can read everything; changes are refused.') : null,
    h(
      'div',
      { class: 'grid' },
      lazySection('Overdue tasks', async () => {
        const { obligations } = await get('/api/audit/overdue');
        return {
          count: obligations.length,
          body: table('Overdue tasks', ['Task', 'Flow', 'Assignee', 'Due', 'Days over'], obligations.map((/** @type {any} */ o) => [o.title, flowLink(o.flowId), o.assignee, o.dueDate, h('td', { class: 'num' }, o.daysOverdue)]), 'Nothing is overdue.'),
        };
      }),
      lazySection('Due this week', async () => {
        const due = (await tasks).filter((t) => !t.task.overdue && t.task.dueDate >= today && t.task.dueDate <= inAWeek).sort((a, b) => a.task.dueDate.localeCompare(b.task.dueDate));
        return { count: due.length, body: table('Due this week', ['Task', 'Flow', 'Assignee', 'Due'], due.map((t) => [t.task.title, flowLink(t.flow.flowId, t.flow.title), t.task.assignee.email, t.task.dueDate]), 'Nothing is due in the next 7 days.') };
      }),
      lazySection('Escalations', async () => {
        const escalated = (await tasks).filter((t) => t.lastEscalation);
        return { count: escalated.length, body: table('Escalations', ['Task', 'Flow', 'Due', 'Last escalation'], escalated.map((t) => [t.task.title, flowLink(t.flow.flowId, t.flow.title), t.task.dueDate, when(t.lastEscalation)]), 'No open task has been escalated.') };
      }),
      lazySection('Payer clocks past due', async () => {
        const { items } = await get('/api/worklist/prior-auth');
        const past = items.filter((/** @type {any} */ i) => i.pastClock);
        return {
          count: past.length,
          body: [
            table('Payer clocks past due', ['Authorization', 'Payer', 'Decision was due', 'Rule'], past.map((/** @type {any} */ i) => [flowLink(i.flowId, i.title), i.payer?.name ?? '', when(i.decisionDueAt), i.rule ?? '']), 'No payer is past its decision clock.'),
            h('p', { class: 'muted' }, `${items.length} request(s) waiting on payers.`),
          ],
        };
      }),
      lazySection('Credentials expiring within 90 days', async () => {
        const { credentials } = await get('/api/credentials?expiringWithinDays=90');
        return { count: credentials.length, body: credentialTable(credentials, 'No credential is due in the next 90 days.') };
      }),
      lazySection('Upcoming fire drills', async () => {
        const { occurrences } = await get('/api/osha/occurrences?status=upcoming&obligation=fire_drill');
        return {
          count: occurrences.length,
          body: table('Upcoming fire drills', ['Site', 'Period', 'Shift', 'Due', 'Rule'], occurrences.map((/** @type {any} */ o) => [o.flowId ? flowLink(o.flowId, o.siteId) : o.siteId, o.period, o.shift ?? '', o.dueDate, o.rule]), 'No drill is planned in the next 90 days.'),
        };
      }),
    ),
  );
}

function staffHome() {
  const form = /** @type {HTMLFormElement} */ (h('form', null, field({ name: 'flowId', label: 'Flow id', required: true, hint: 'From your reminder email, e.g. onboarding-h-1042' }), h('button', { type: 'submit' }, 'Open')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const { flowId } = values(form);
    if (flowId) location.hash = `#/flows/${encodeURIComponent(flowId)}`;
  });
  page(
    'My work',
    h('p', null, 'Your reminders name the flow of each task assigned to you. Open it to see your tasks and complete them.'),
    form,
    lazySection('Your calendar', async () => {
      const feed = await get('/api/me/calendar-feed');
      return { body: h('p', null, feed.url ? ['Subscribe to your due dates: ', h('code', null, feed.url)] : 'Your calendar feed exists; its address was shown when it was created (revoke it with the API to get a new one).') };
    }),
  );
}

/** @param {any[]} credentials @param {string} empty */
function credentialTable(credentials, empty) {
  return table(
    'Credentials',
    ['Provider', 'Credential', 'Due', 'Days left', 'Status'],
    [...credentials].sort((a, b) => a.dueDate.localeCompare(b.dueDate)).map((c) => [c.providerId, flowLink(c.flowId, `${c.type}${c.jurisdiction ? ` (${c.jurisdiction})` : ''}`), c.dueDate, h('td', { class: 'num' }, c.daysUntilDue), badge(c.status, c.status === 'active' ? 'good' : c.status === 'retired' ? 'neutral' : 'bad')]),
    empty,
  );
}

// ---- Flow page --------------------------------------------------------------------------------

function statusBadge(/** @type {any} */ task) {
  if (task.status === 'completed') return badge(task.completion?.late ? 'completed late' : 'completed', task.completion?.late ? 'bad' : 'good');
  if (task.status === 'cancelled') return badge('cancelled');
  return task.overdue ? badge('overdue', 'bad') : badge('open');
}

/**
 * A credential flow (credential-<credentialId>) has no checklist (GET /api/flows/... cannot query it):
 * its page shows the credential from GET /api/credentials/:credentialId instead.
 */
async function credentialFlowPage(/** @type {string} */ flowId) {
  const result = await api('GET', `/api/credentials/${encodeURIComponent(flowId.slice('credential-'.length))}`);
  if (!result.ok) return page(flowId, errorBox(result.error, result.status), h('p', null, link('#/credentials', 'Back to credentials')));
  const d = result.data;
  const c = d.credential;
  page(
    `${c.type.replace(/_/g, ' ')}${c.jurisdiction ? ` (${c.jurisdiction})` : ''}: ${c.providerId}`,
    h(
      'dl',
      { class: 'facts' },
      [
        ['Flow', [h('code', null, d.flowId), ' ', badge(d.status, d.status === 'active' ? 'good' : d.status === 'retired' ? 'neutral' : 'bad')]],
        ['Credential', `${c.credentialId}${c.number ? `, number ${c.number}` : ''}${c.issuer ? `, issued by ${c.issuer}` : ''}`],
        ['Due date', c.dueDate],
        ['Lapses on', d.lapsesOn],
        ['Grace ends', d.graceEndsOn],
        ['Renewal opens', d.renewalOpensOn],
        ['Next notice', d.nextNotice ? `${d.nextNotice.key} ${when(d.nextNotice.at)}` : undefined],
        ['Provider', c.providerEmail],
        ['Owner', c.ownerEmail],
        ['Manager', c.managerEmail],
        ['Rule', d.rule],
      ]
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    ),
    d.notice ? h('p', { class: 'info' }, d.notice) : null,
    d.flags.length ? [h('h2', null, 'Lapse flags in force'), h('ul', null, d.flags.map((/** @type {any} */ f) => h('li', null, h('code', null, f.flag), ' ', f.description)))] : null,
    h('h2', null, 'History'),
    h('ol', { class: 'timeline' }, d.history.map((/** @type {any} */ e) => h('li', null, h('time', { datetime: e.at }, when(e.at)), `${e.action}${e.task ? ` ${e.task}` : ''} by ${e.actor}`))),
  );
}

async function flowPage(/** @type {string} */ flowId) {
  if (flowId.startsWith('credential-')) return credentialFlowPage(flowId);
  const result = await api('GET', `/api/flows/${encodeURIComponent(flowId)}`);
  if (!result.ok) return page(flowId, errorBox(result.error, result.status), h('p', null, link('#/', 'Back to today')));
  const flow = result.data;
  const open = flow.tasks.filter((/** @type {any} */ t) => t.status === 'open');
  const temporalUrl = settings.temporalUiUrl ? `${settings.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(settings.temporalNamespace)}/workflows/${encodeURIComponent(flow.flowId)}` : null;
  page(
    flow.title,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Flow'),
      h('dd', null, h('code', null, flow.flowId), ' ', badge(flow.status, flow.status === 'running' ? 'neutral' : flow.status === 'completed' ? 'good' : 'bad')),
      h('dt', null, 'Started'),
      h('dd', null, `${when(flow.startedAt)} by ${flow.startedBy}`),
      h('dt', null, 'Manager'),
      h('dd', null, flow.managerEmail),
      flow.cancelled ? [h('dt', null, 'Cancelled'), h('dd', null, `${when(flow.cancelled.at)} by ${flow.cancelled.by}: ${flow.cancelled.reason}`)] : null,
      flow.completedAt ? [h('dt', null, 'Completed'), h('dd', null, when(flow.completedAt))] : null,
      h('dt', null, 'Times in'),
      h('dd', null, flow.timeZone),
      h('dt', null, 'Temporal'),
      h('dd', null, temporalUrl ? h('a', { href: temporalUrl, target: '_blank', rel: 'noopener' }, 'Open this flow in the Temporal Web UI') : h('span', { class: 'muted' }, 'Web UI not configured here')),
    ),
    flow.notice ? h('p', { class: 'info' }, flow.notice) : null,
    h('div', { id: 'flow-status', 'aria-live': 'polite' }),
    h('h2', null, 'Checklist'),
    table(
      'Checklist',
      ['Task', 'Assignee', 'Due', 'Status', 'Who did what', 'Rule'],
      flow.tasks.map((/** @type {any} */ t) => [
        h('span', null, t.title, h('br'), h('code', { class: 'muted' }, t.key)),
        t.assignee.email,
        t.dueDate,
        statusBadge(t),
        t.completion
          ? [`${t.completion.by}, ${when(t.completion.at)}`, t.completion.outcome ? ` (${t.completion.outcome})` : '', t.completion.note ? h('div', null, `Note: ${t.completion.note}`) : null, t.completion.lateReason ? h('div', null, `Late: ${t.completion.lateReason}`) : null]
          : t.nextNotice
            ? h('span', { class: 'muted' }, `next ${t.nextNotice.kind} ${when(t.nextNotice.at)}`)
            : '',
        t.rule ? t.rule.citation : '',
      ]),
    ),
    flow.status === 'running' && open.length > 0 ? actionForms(flow, open) : null,
    me?.role === 'staff'
      ? [h('h2', null, 'History'), h('ol', { class: 'timeline' }, flow.history.map((/** @type {any} */ e) => h('li', null, h('time', { datetime: e.at }, when(e.at)), `${e.action}${e.task ? ` ${e.task}` : ''} by ${e.actor}`)))]
      : lazySection('Timeline', async () => {
          const timeline = await get(`/api/audit/flows/${encodeURIComponent(flow.flowId)}/timeline`);
          return {
            count: timeline.lines.length,
            body: [
              h('p', { class: 'muted' }, `From the audit ledger, in ${timeline.timeZone}. Export: `, exportLinks(`/api/audit/flows/${encodeURIComponent(flow.flowId)}/export`)),
              h('ol', { class: 'timeline' }, timeline.lines.map((/** @type {any} */ l) => h('li', null, h('time', { datetime: l.at }, l.local), l.text))),
            ],
          };
        }),
  );
}

/** @param {string} base */
function exportLinks(base) {
  return ['html', 'csv', 'json'].flatMap((format, i) => [i ? ', ' : '', h('a', { href: `${base}${base.includes('?') ? '&' : '?'}format=${format}&download=1` }, format.toUpperCase())]);
}

/** Complete a task, change a due date, cancel the flow. The API decides who may (403 shown). */
function actionForms(/** @type {any} */ flow, /** @type {any[]} */ open) {
  const taskOptions = open.map((t) => /** @type {[string, string]} */ ([t.key, `${t.title} (due ${t.dueDate}${t.overdue ? ', overdue' : ''})`]));
  const outcomes = [...new Set(open.flatMap((t) => t.outcomes ?? []))];
  const by = me?.email ?? '';
  const reload = (/** @type {string} */ message) => {
    sessionFlash = message;
    void route();
  };

  const complete = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { 'aria-labelledby': 'complete-title' },
      h('h3', { id: 'complete-title' }, 'Complete a task'),
      formStatus(),
      field({ name: 'taskKey', label: 'Task', options: taskOptions, required: true }),
      outcomes.length ? field({ name: 'outcome', label: 'Outcome', options: [['', '(none)'], ...outcomes.map((o) => /** @type {[string, string]} */ ([o, o]))], hint: 'For tasks that record one (e.g. accepted or declined)' }) : null,
      field({ name: 'note', label: 'Note', textarea: true }),
      field({ name: 'lateReason', label: 'Late reason', textarea: true, hint: 'Required when the task is completed after its due date' }),
      h('button', { type: 'submit' }, 'Complete task'),
    )
  );
  complete.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { taskKey, ...rest } = values(complete);
    const result = await api('POST', `/api/flows/${encodeURIComponent(flow.flowId)}/tasks/${encodeURIComponent(taskKey ?? '')}/complete`, { by, ...rest });
    if (!showProblems(complete, result)) reload(`Task ${taskKey} completed.`);
  });

  const due = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { 'aria-labelledby': 'due-title' },
      h('h3', { id: 'due-title' }, 'Change a due date'),
      formStatus(),
      field({ name: 'taskKey', label: 'Task', options: taskOptions, required: true }),
      field({ name: 'due', label: 'New due date', type: 'date', required: true }),
      field({ name: 'reason', label: 'Reason', textarea: true, required: true }),
      h('button', { type: 'submit', class: 'secondary' }, 'Change due date'),
    )
  );
  due.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = values(due);
    const result = await api('POST', `/api/flows/${encodeURIComponent(flow.flowId)}/tasks/${encodeURIComponent(v.taskKey ?? '')}/due`, { by, reason: v.reason ?? '', due: { date: v.due ?? '' } });
    if (!showProblems(due, result)) reload(`Due date of ${v.taskKey} changed.`);
  });

  const cancel = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { 'aria-labelledby': 'cancel-title' },
      h('h3', { id: 'cancel-title' }, 'Cancel this flow'),
      formStatus(),
      h('p', { class: 'muted' }, 'Open tasks are cancelled and reminders stop. This cannot be undone.'),
      field({ name: 'reason', label: 'Reason', textarea: true, required: true }),
      h('button', { type: 'submit', class: 'danger' }, 'Cancel flow'),
    )
  );
  cancel.addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await api('POST', `/api/flows/${encodeURIComponent(flow.flowId)}/cancel`, { by, reason: values(cancel).reason ?? '' });
    if (!showProblems(cancel, result)) reload('Flow cancelled.');
  });

  return [
    h('h2', null, 'Actions'),
    me?.role === 'auditor' ? h('p', { class: 'info' }, 'You are signed in as an auditor: PracticeFlow will refuse changes.') : null,
    h('div', { class: 'grid' }, complete, me?.role === 'staff' ? null : due),
    me?.role === 'staff' ? null : cancel,
  ];
}

/** A message to show on the next page (after a change reloads it). */
let sessionFlash = '';

// ---- Start a flow -----------------------------------------------------------------------------

const CREDENTIAL_TYPES = ['state_license', 'dea_registration', 'board_certification', 'caqh_attestation', 'payer_recredentialing', 'medicare_revalidation', 'hospital_privileges', 'malpractice_insurance', 'bls_card', 'acls_card'];
const PAYER_TYPES = ['medicare_ffs', 'medicare_advantage', 'medicaid_ffs', 'medicaid_managed_care', 'chip', 'ffe_qhp', 'commercial', 'aca_individual'];
const APPEAL_LEVELS = ['redetermination', 'reconsideration', 'alj', 'internal', 'external'];

const choices = (/** @type {string[]} */ list) => list.map((v) => /** @type {[string, string]} */ ([v, v.replace(/_/g, ' ')]));
const row = (/** @type {unknown[]} */ ...fields) => h('div', { class: 'fields-inline' }, fields);
const facts = (/** @type {[string, unknown][]} */ pairs) => h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
const payerFields = () => row(field({ name: 'payer.type', label: 'Payer type', options: choices(PAYER_TYPES), required: true }), field({ name: 'payer.id', label: 'Payer id', hint: 'Lower-case, e.g. aetna (contract overrides)' }), field({ name: 'payer.name', label: 'Payer name' }));
const peopleFields = () => row(field({ name: 'staffEmail', label: 'Staff email', type: 'email', required: true, autocomplete: 'off', hint: 'Who works the tasks' }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: me?.email }));

/**
 * @typedef {{
 *   title: string, intro: string, legend: string, fields: unknown[], startLabel: string,
 *   plan: { path: string, body?: (b: Record<string, any>) => unknown, aliases?: Record<string, string>, show: (data: any) => { content: unknown[], canStart?: boolean } },
 *   start: { path: string, body?: (b: Record<string, any>) => unknown, flash: (data: any) => string },
 * }} StartSpec
 */

/**
 * A "preview, then start" page: the preview posts the form to the plan route (a read: no side
 * effects) and shows what it computed; Start posts exactly the previewed form to the create route and
 * opens the new flow's page. The API's problems land next to their fields (dotted paths too).
 * @param {StartSpec} spec
 */
function startFormPage(spec) {
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { novalidate: true, 'aria-labelledby': 'start-legend' },
      formStatus(),
      h('fieldset', null, h('legend', { id: 'start-legend' }, spec.legend), spec.fields),
      h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'action', value: 'preview' }, 'Preview the plan')),
      h('div', { id: 'plan' }),
    )
  );
  const planBox = /** @type {HTMLElement} */ (form.querySelector('#plan'));
  /** The body the preview was made for: Start sends exactly that. */
  let previewed = '';
  form.addEventListener('input', () => {
    if (previewed && JSON.stringify(body(form)) !== previewed) {
      planBox.replaceChildren(h('p', { class: 'info' }, 'The form changed: preview the plan again before starting.'));
      previewed = '';
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submitter = /** @type {SubmitEvent} */ (e).submitter;
    const action = submitter instanceof HTMLButtonElement ? submitter.value : 'preview';
    if (action === 'start' && previewed) {
      const request = JSON.parse(previewed);
      const result = await api('POST', spec.start.path, spec.start.body ? spec.start.body(request) : request);
      if (showProblems(form, result) || !result.ok) return;
      sessionFlash = spec.start.flash(result.data);
      location.hash = `#/flows/${encodeURIComponent(result.data.flowId)}`;
      return;
    }
    const request = body(form);
    const aliases = spec.plan.aliases ?? {};
    const result = await api('POST', spec.plan.path, spec.plan.body ? spec.plan.body(request) : request);
    if (showProblems(form, result, aliases) || !result.ok) {
      planBox.replaceChildren();
      return;
    }
    previewed = JSON.stringify(request);
    const shown = spec.plan.show(result.data);
    planBox.replaceChildren(h('h2', { id: 'plan-title', tabindex: '-1' }, 'Plan preview'));
    append(planBox, [shown.content, shown.canStart === false ? null : h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'action', value: 'start' }, spec.startLabel))]);
    /** @type {HTMLElement} */ (planBox.querySelector('#plan-title')).focus();
  });
  page(spec.title, h('p', null, spec.intro), form);
}

/** @type {Record<string, { link: string, about: string, spec: () => StartSpec }>} */
const START_FORMS = {
  onboarding: {
    link: 'New-hire onboarding',
    about: 'preview the checklist and its legal due dates, then start.',
    spec: () => ({
      title: 'Start onboarding',
      intro: 'Due dates are computed from the start date under the rules in force on it. Preview the plan, then start.',
      legend: 'The hire',
      fields: [
        row(field({ name: 'hireId', label: 'Hire id', required: true, hint: 'Letters, digits and dashes, e.g. h-1042' }), field({ name: 'name', label: 'Name', required: true, autocomplete: 'off' }), field({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off' })),
        row(field({ name: 'role', label: 'Role', options: choices(HIRE_ROLES), required: true }), field({ name: 'startDate', label: 'Start date', type: 'date', required: true }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: me?.email })),
        row(
          field({ name: 'occupationalExposure', label: 'Occupational exposure', options: [['', 'by role (default)'], ['true', 'yes'], ['false', 'no']], kind: 'boolean' }),
          field({ name: 'provider', label: 'Credentialed provider', options: [['', 'by role (default)'], ['true', 'yes'], ['false', 'no']], kind: 'boolean' }),
          field({ name: 'siteId', label: 'Site', hint: 'Default: practice' }),
        ),
      ],
      startLabel: 'Start onboarding',
      plan: {
        path: '/api/onboarding/plan',
        show: (plan) => ({ content: [h('p', null, `${plan.tasks.length} tasks. Nothing has started yet.`), table('Plan preview', ['Task', 'Who', 'Due', 'Rule'], plan.tasks.map((/** @type {any} */ t) => [t.title, t.assignee, t.dueDate, t.rule]))] }),
      },
      start: { path: '/api/onboarding', flash: (r) => `Onboarding started: ${r.flowId}.` },
    }),
  },
  credential: {
    link: 'Provider credential',
    about: 'a license, DEA registration, certification...: preview its reminders, lapse day and renewal window, then add it.',
    spec: () => ({
      title: 'Add a credential',
      intro: 'Reminders go out on business days before the due date, under the rule for the credential type and state. Preview the plan, then add.',
      legend: 'The credential',
      fields: [
        row(field({ name: 'credentialId', label: 'Credential id', required: true, hint: 'Letters, digits, - or _, e.g. lic-ca-1042' }), field({ name: 'providerId', label: 'Provider id', required: true, hint: 'NPI or the hire id' }), field({ name: 'type', label: 'Credential type', options: choices(CREDENTIAL_TYPES), required: true })),
        row(field({ name: 'jurisdiction', label: 'State', hint: 'Two letters, e.g. CA (licenses, DEA)' }), field({ name: 'issuer', label: 'Issuer', hint: 'Board, payer or hospital (required for payer and hospital)' }), field({ name: 'number', label: 'Number' })),
        row(field({ name: 'issueDate', label: 'Issue date', type: 'date' }), field({ name: 'dueDate', label: 'Due date', type: 'date', required: true, hint: 'Expiry or next due date' }), field({ name: 'evidence', label: 'Evidence', hint: 'Document id or file name' })),
        row(field({ name: 'providerEmail', label: 'Provider email', type: 'email', required: true, autocomplete: 'off' }), field({ name: 'ownerEmail', label: 'Owner email', type: 'email', required: true, value: me?.email, hint: 'The credentialing coordinator' }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: me?.email })),
      ],
      startLabel: 'Add credential',
      plan: {
        path: '/api/credentials/plan',
        show: (plan) => ({
          content: [
            h('p', null, 'Nothing has been added yet.'),
            facts([
              ['Due date', plan.dueDate],
              ['Reminders', plan.reminders.join(', ')],
              ['Lapses on', plan.lapsesOn],
              ['Grace ends', plan.graceEndsOn],
              ['Renewal opens', plan.renewalOpensOn],
              ['Rule', plan.rule],
            ]),
          ],
        }),
      },
      start: { path: '/api/credentials', flash: (r) => `Credential added: ${r.flowId} (due ${r.plan.dueDate}).${r.warnings?.length ? ` ${r.warnings.join(' ')}` : ''}` },
    }),
  },
  'prior-auth': {
    link: 'Prior authorization',
    about: "preview the payer's decision deadline, then start the eligibility and documentation tasks.",
    spec: () => ({
      title: 'Start a prior authorization',
      intro: "Identifiers only: the patient is a reference (MRN), never a name. The preview shows the payer's decision deadline for a submission at the time given.",
      legend: 'The request',
      fields: [
        row(field({ name: 'authorizationId', label: 'Authorization id', required: true, hint: 'e.g. pa-2027-0042' }), field({ name: 'patientRef', label: 'Patient reference', required: true, autocomplete: 'off', hint: 'An identifier with digits, e.g. mrn-001234' }), field({ name: 'orderingProvider', label: 'Ordering provider', required: true, hint: 'NPI or practice id' })),
        payerFields(),
        row(field({ name: 'service.code', label: 'Service code', required: true, hint: 'CPT or HCPCS, e.g. 72148' }), field({ name: 'service.units', label: 'Units', type: 'number', min: '1', value: '1', required: true, kind: 'number' }), field({ name: 'service.scheduledDate', label: 'Scheduled date', type: 'date', required: true })),
        row(field({ name: 'urgency', label: 'Urgency', options: choices(['standard', 'expedited']), required: true }), field({ name: 'submittedAt', label: 'Submission to the payer', type: 'datetime-local', kind: 'datetime', required: true, hint: 'For the preview only: when the payer receives it' })),
        peopleFields(),
      ],
      startLabel: 'Start prior authorization',
      plan: {
        path: '/api/prior-auth/plan',
        body: (b) => ({ payer: b.payer, urgency: b.urgency, submittedAt: b.submittedAt }),
        show: (plan) => ({
          content: [
            h('p', null, 'Nothing has started yet. The payer clock starts when the submission is recorded.'),
            facts([
              ['Decision due', `${when(plan.decisionDueAt)} (${plan.decisionDueDate}, ${plan.timeZone})`],
              ['Clock', `${plan.amount} ${String(plan.unit).replace(/_/g, ' ')}`],
              ['Rule', plan.rule],
            ]),
          ],
        }),
      },
      start: {
        path: '/api/prior-auth',
        body: ({ submittedAt: _previewOnly, ...rest }) => rest,
        flash: (r) => `Prior authorization started: ${r.flowId}. Submit to the payer by ${r.submissionTarget.date}.`,
      },
    }),
  },
  appeal: {
    link: 'Claim appeal',
    about: 'preview the filing deadline of the appeal level (or why the denial cannot be appealed), then start.',
    spec: () => ({
      title: 'Start a claim appeal',
      intro: 'Identifiers only: the patient is a reference, never a name. The filing deadline counts from the denial notice (or its proven receipt).',
      legend: 'The denial',
      fields: [
        row(field({ name: 'appealId', label: 'Appeal id', required: true, hint: 'e.g. A-1042' }), field({ name: 'claimId', label: 'Claim id', required: true }), field({ name: 'patientRef', label: 'Patient reference', required: true, autocomplete: 'off', hint: 'An identifier, never a name' })),
        payerFields(),
        row(field({ name: 'dateOfService', label: 'Date of service', type: 'date', required: true }), field({ name: 'noticeDate', label: 'Notice date', type: 'date', required: true, hint: 'Date on the denial notice' }), field({ name: 'receivedDate', label: 'Received date', type: 'date', hint: 'If known and provable' })),
        row(
          field({ name: 'denialCodes', label: 'Denial codes', kind: 'list', required: true, hint: 'CARC/RARC, comma-separated, e.g. CO-50, N115' }),
          field({ name: 'billedAmount', label: 'Billed amount', type: 'number', min: '0', step: '0.01', kind: 'number', required: true }),
          field({ name: 'deniedAmount', label: 'Denied amount', type: 'number', min: '0', step: '0.01', kind: 'number', required: true }),
        ),
        row(field({ name: 'level', label: 'Appeal level', options: [['', 'first level for the payer (default)'], ...choices(APPEAL_LEVELS)] }), field({ name: 'priorAuthorizationId', label: 'Prior authorization id', hint: 'For a pre-service denial' })),
        peopleFields(),
      ],
      startLabel: 'Start appeal',
      plan: {
        path: '/api/appeals/plan',
        body: (b) => ({
          payer: b.payer,
          // Left out: the API plans the payer type's first level, the one a start files.
          level: b.level,
          noticeDate: b.noticeDate,
          receivedDate: b.receivedDate,
          dateOfService: b.dateOfService,
          denialCodes: b.denialCodes,
          amountInControversy: b.deniedAmount,
        }),
        aliases: { amountInControversy: 'deniedAmount' },
        show: (plan) => ({
          canStart: plan.appealable,
          content: plan.appealable
            ? [
                h('p', null, 'Nothing has started yet.'),
                facts([
                  ['Level', String(plan.level).replace(/_/g, ' ')],
                  ['Filing deadline', plan.filingDeadline],
                  ['Amount in controversy', plan.amountInControversy ? `${plan.amountInControversy.meets === false ? 'below' : 'meets'} the ${plan.amountInControversy.year} threshold of $${plan.amountInControversy.required}` : undefined],
                  ['Rule', plan.rule],
                ]),
              ]
            : [h('div', { class: 'alert', role: 'alert' }, h('strong', null, 'Not appealable: '), plan.reason ?? '', ' ', `(${plan.rule})`)],
        }),
      },
      start: { path: '/api/appeals', flash: (r) => `Appeal started: ${r.flowId}. File by ${r.plan.filingDeadline}.` },
    }),
  },
};

function startPage() {
  page(
    'Start a flow',
    h('ul', null, Object.entries(START_FORMS).map(([key, f]) => h('li', null, link(`#/start/${key}`, f.link), ` – ${f.about}`))),
    h('p', null, 'The request fields of each are described in the ', link('/api/openapi.json', 'API document (OpenAPI)'), ' and by ', h('code', null, 'npx practiceflow --help'), '.'),
  );
}

// ---- Lists ------------------------------------------------------------------------------------

function flowsPage(/** @type {URLSearchParams} */ query) {
  const type = query.get('type') ?? '';
  const status = query.get('status') ?? 'running';
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'fields-inline', role: 'search', 'aria-label': 'Filter flows' },
      field({ name: 'type', label: 'Type', options: [['', 'any'], ...FLOW_TYPES.map((t) => /** @type {[string, string]} */ ([t, t.replace(/_/g, ' ')]))], value: type }),
      field({ name: 'status', label: 'Status', options: [['', 'any'], ['running', 'running'], ['completed', 'completed'], ['cancelled', 'cancelled']], value: status }),
      field({ name: 'subject', label: 'Subject', value: query.get('subject') ?? '', hint: 'Hire id, provider id...' }),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')),
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/flows?${new URLSearchParams(values(form))}`;
  });
  const q = new URLSearchParams({ ...(type ? { type } : {}), ...(status ? { status } : {}), ...(query.get('subject') ? { subject: /** @type {string} */ (query.get('subject')) } : {}), limit: '200' });
  page(
    'Flows',
    form,
    lazySection('Matching flows', async () => {
      const { flows } = await get(`/api/flows?${q}`);
      return { count: flows.length, body: table('Flows', ['Flow', 'Type', 'Subject', 'Status', 'Started', 'By'], flows.map((/** @type {any} */ f) => [flowLink(f.flowId, f.title), f.flowType, f.subjectId, badge(f.status, f.status === 'completed' ? 'good' : f.status === 'cancelled' ? 'bad' : 'neutral'), when(f.startedAt), f.startedBy]), 'No flow matches.') };
    }),
  );
}

function credentialsPage(/** @type {URLSearchParams} */ query) {
  const days = query.get('days') ?? '90';
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'fields-inline', role: 'search', 'aria-label': 'Filter credentials' }, field({ name: 'days', label: 'Due within (days)', type: 'number', value: days, min: '0' }), h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Show'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/credentials?${new URLSearchParams(values(form))}`;
  });
  page(
    'Credentials by expiry',
    form,
    lazySection(`Due within ${days} days`, async () => {
      const { credentials, today } = await get(`/api/credentials?expiringWithinDays=${encodeURIComponent(days)}&limit=500`);
      return { count: credentials.length, body: [h('p', { class: 'muted' }, `Counted from ${today}.`), credentialTable(credentials, 'No credential is due in this window.')] };
    }),
    lazySection('Lapsed', async () => {
      const { credentials } = await get('/api/credentials?status=lapsed,new_application_required&limit=500');
      return { count: credentials.length, body: credentialTable(credentials, 'No credential has lapsed.') };
    }),
  );
}

function appealsPage() {
  page(
    'Appeals by filing deadline',
    lazySection('Open appeals', async () => {
      const { items, today } = await get('/api/worklist/appeals');
      return {
        count: items.length,
        body: [
          h('p', { class: 'muted' }, `Soonest first; days counted from ${today}.`),
          table(
            'Open appeals',
            ['Appeal', 'Payer', 'Stage', 'Filing deadline', 'Decision due', 'Days left'],
            items.map((/** @type {any} */ i) => [flowLink(i.flowId, i.title), i.payer?.name ?? '', i.stage.replace(/_/g, ' '), i.filingDeadline ?? '', i.decisionDue ?? '', h('td', { class: 'num' }, i.overdue ? badge(`${i.daysUntilDue} (overdue)`, 'bad') : i.daysUntilDue ?? '')]),
            'No open appeal.',
          ),
        ],
      };
    }),
    lazySection('Prior authorizations waiting on payers', async () => {
      const { items } = await get('/api/worklist/prior-auth');
      return { count: items.length, body: table('Prior authorizations', ['Authorization', 'Payer', 'Urgency', 'Decision due', 'Hours left'], items.map((/** @type {any} */ i) => [flowLink(i.flowId, i.title), i.payer?.name ?? '', i.urgency ?? '', when(i.decisionDueAt), h('td', { class: 'num' }, i.pastClock ? badge(`${i.hoursLeft} (past clock)`, 'bad') : i.hoursLeft ?? '')]), 'Nothing is waiting on a payer.') };
    }),
  );
}

async function oshaPage(/** @type {URLSearchParams} */ query) {
  const sites = await api('GET', '/api/osha/sites');
  const siteList = sites.ok ? sites.data.sites ?? [] : [];
  const siteId = query.get('site') ?? siteList[0]?.siteId ?? '';
  const year = query.get('year') ?? String(new Date().getFullYear());
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'fields-inline', role: 'search', 'aria-label': 'Choose site and year' },
      siteList.length ? field({ name: 'site', label: 'Site', options: siteList.map((/** @type {any} */ s) => /** @type {[string, string]} */ ([s.siteId, typeof s.profile?.name === 'string' ? `${s.profile.name} (${s.siteId})` : s.siteId])), value: siteId }) : field({ name: 'site', label: 'Site id', value: siteId }),
      field({ name: 'year', label: 'Year', type: 'number', value: year }),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Show')),
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/osha?${new URLSearchParams(values(form))}`;
  });
  page(
    'OSHA compliance calendar',
    sites.ok ? null : errorBox(sites.error, sites.status),
    form,
    siteId
      ? lazySection(`${siteId}, ${year}`, async () => {
          const cal = await get(`/api/osha/sites/${encodeURIComponent(siteId)}/calendar?year=${encodeURIComponent(year)}`);
          return {
            count: cal.entries.length,
            body: [
              h('p', null, Object.entries(cal.summary).map(([k, v], i) => [i ? ' · ' : '', `${k}: ${v}`])),
              table('Calendar', ['Month', 'Obligation', 'Due', 'State', 'Rule'], cal.entries.map((/** @type {any} */ e) => [e.monthOf, e.flowId ? flowLink(e.flowId, e.obligation.replace(/_/g, ' ')) : e.obligation.replace(/_/g, ' '), e.dueDate, badge(e.state, ['done'].includes(e.state) ? 'good' : ['late', 'overdue', 'missed'].includes(e.state) ? 'bad' : 'neutral'), e.rule]), 'Nothing is scheduled this year.'),
            ],
          };
        })
      : h('p', { class: 'muted' }, 'No OSHA site is set up yet (POST /api/osha/sites).'),
  );
}

// ---- The auditor's pages (read-only) ----------------------------------------------------------

function auditPage(/** @type {URLSearchParams} */ query) {
  const from = query.get('from') ?? isoToday(-30);
  const to = query.get('to') ?? isoToday();
  const person = query.get('by') ?? '';
  const flowId = query.get('flow') ?? '';

  const periodForm = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'fields-inline', 'aria-label': 'Period and person' },
      field({ name: 'from', label: 'From', type: 'date', value: from }),
      field({ name: 'to', label: 'To', type: 'date', value: to }),
      field({ name: 'by', label: 'Completions by (email)', type: 'email', value: person }),
      field({ name: 'flow', label: 'Timeline of flow id', value: flowId }),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Show')),
    )
  );
  periodForm.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/audit?${new URLSearchParams(values(periodForm))}`;
  });
  const period = new URLSearchParams({ from, to });
  page(
    'Audit',
    h('p', { class: 'muted' }, 'Every read here is itself recorded in the audit ledger (who read what, when).'),
    lazySection('Chain verification', async () => {
      const v = await get('/api/audit/verify');
      return {
        body: v.ok
          ? h('p', { class: 'notice', role: 'status' }, `OK: ${v.entries} entries, the hash chain is intact${v.redacted ? ` (${v.redacted} redacted by purges)` : ''}; head seq ${v.headSeq ?? '-'}, hash ${String(v.headHash ?? '').slice(0, 16)}…`)
          : h('div', { class: 'alert', role: 'alert' }, `BROKEN at seq ${v.brokenAtSeq} (${v.problem}): ${v.message}`),
      };
    }),
    periodForm,
    flowId
      ? lazySection(`Timeline of ${flowId}`, async () => {
          const t = await get(`/api/audit/flows/${encodeURIComponent(flowId)}/timeline`);
          return {
            count: t.lines.length,
            body: [
              h('p', null, flowLink(flowId, 'Open the flow'), ' · Export: ', exportLinks(`/api/audit/flows/${encodeURIComponent(flowId)}/export`)),
              table('Obligations', ['Task', 'Rule', 'Due', 'Status', 'Completed by', 'Late reason'], t.obligations.map((/** @type {any} */ o) => [o.title, o.rule ?? '', o.dueDate, o.late ? badge(`${o.status}, late`, 'bad') : o.status, o.completedBy ?? '', o.lateReason ?? ''])),
              h('ol', { class: 'timeline' }, t.lines.map((/** @type {any} */ l) => h('li', null, h('time', { datetime: l.at }, l.local), l.text))),
            ],
          };
        })
      : null,
    lazySection('Overdue now', async () => {
      const { obligations } = await get('/api/audit/overdue');
      return { count: obligations.length, body: table('Overdue', ['Task', 'Flow', 'Assignee', 'Due', 'Days over', 'Rule'], obligations.map((/** @type {any} */ o) => [o.title, flowLink(o.flowId), o.assignee, o.dueDate, h('td', { class: 'num' }, o.daysOverdue), o.rule ?? '']), 'Nothing is overdue.') };
    }),
    lazySection(`Late from ${from} to ${to}`, async () => {
      const r = await get(`/api/audit/late?${period}`);
      return {
        count: r.lateCompletions.length + r.stillOpen.length,
        body: [
          h('h3', null, 'Completed late'),
          table('Completed late', ['Task', 'Flow', 'Due', 'Completed', 'By', 'Days late', 'Reason'], r.lateCompletions.map((/** @type {any} */ c) => [c.title, flowLink(c.flowId), c.dueDate ?? '', when(c.completedAt), c.completedBy, h('td', { class: 'num' }, c.daysLate ?? ''), c.lateReason ?? '']), 'No late completion in the period.'),
          h('h3', null, 'Due in the period, still open'),
          table('Still open', ['Task', 'Flow', 'Assignee', 'Due'], r.stillOpen.map((/** @type {any} */ o) => [o.title, flowLink(o.flowId), o.assignee, o.dueDate]), 'None.'),
          r.otherEvents.length ? [h('h3', null, 'Other lateness'), h('ol', { class: 'timeline' }, r.otherEvents.map((/** @type {any} */ l) => h('li', null, h('time', { datetime: l.at }, l.local), l.text)))] : null,
        ],
      };
    }),
    person
      ? lazySection(`Completions by ${person}`, async () => {
          const r = await get(`/api/audit/completions?${new URLSearchParams({ by: person, from, to })}`);
          return { count: r.completions.length, body: [table('Completions', ['Task', 'Flow', 'Completed', 'Late', 'Note'], r.completions.map((/** @type {any} */ c) => [c.title, flowLink(c.flowId), when(c.completedAt), c.late ? badge('late', 'bad') : '', c.note ?? '']), 'No completion by this person.'), h('p', null, 'Export: ', exportLinks(`/api/audit/people/${encodeURIComponent(person)}/export`))] };
        })
      : null,
    h('h2', null, 'Exports'),
    h('p', null, `Everything recorded from ${from} to ${to}: `, exportLinks(`/api/audit/export?${period}`), '. Each export carries the chain head; check it later with ', h('code', null, 'practiceflow audit verify --export <file>'), '.'),
  );
}

// ---- Mailbox (development: the local mail sink) -----------------------------------------------

async function mailPage(/** @type {string | undefined} */ id) {
  if (id) {
    const r = await api('GET', `/api/console/mail/${encodeURIComponent(id)}`);
    if (!r.ok) return page('Message', errorBox(r.error, r.status));
    const m = r.data;
    return page(m.subject || '(no subject)', h('p', null, link('#/mail', 'Back to the mailbox')), h('dl', { class: 'facts' }, h('dt', null, 'Received'), h('dd', null, when(m.receivedAt)), h('dt', null, 'From'), h('dd', null, m.from), h('dt', null, 'To'), h('dd', null, m.to.join(', '))), h('pre', { class: 'mail' }, m.text));
  }
  page(
    'Mailbox',
    h('p', { class: 'muted' }, 'What the local mail sink received (development only; in production mail goes to SMTP_URL). Newest first.'),
    lazySection('Messages', async () => {
      const { messages } = await get('/api/console/mail?limit=200');
      return { count: messages.length, body: table('Messages', ['Received', 'To', 'Subject'], messages.map((/** @type {any} */ m) => [when(m.receivedAt), m.to.join(', '), link(`#/mail/${encodeURIComponent(m.id)}`, m.subject || '(no subject)')]), 'No mail yet.') };
    }),
  );
}

// ---- Router -----------------------------------------------------------------------------------

async function loadSettings() {
  const r = await api('GET', '/api/console/settings');
  if (r.ok) settings = r.data;
}

async function route() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'sign-in') {
      me = null;
      drawChrome();
      return signInPage(query);
    }
    if (!me) {
      const r = await api('GET', '/api/me');
      if (!r.ok) return;
      me = r.data;
      await loadSettings();
    }
    drawChrome();
    const flash = sessionFlash;
    sessionFlash = '';
    const [first, second, third] = parts;
    if (!first) todayPage();
    else if (first === 'flows' && second) await flowPage(second);
    else if (first === 'flows') flowsPage(query);
    else if (first === 'start' && second && Object.hasOwn(START_FORMS, second)) startFormPage(START_FORMS[second].spec());
    else if (first === 'start') startPage();
    else if (first === 'credentials') credentialsPage(query);
    else if (first === 'appeals') appealsPage();
    else if (first === 'osha') await oshaPage(query);
    else if (first === 'audit') auditPage(query);
    else if (first === 'mail') await mailPage(second);
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
void route();
