// My work: a signed-in person's own open tasks, credential due dates and OSHA occurrences
// (GET /api/me/tasks, the same items as their calendar feed). Staff's home page; the manager's
// Today shows the tasks part as "Assigned to me".
import { api, errorBox, get } from '../lib/api.js';
import { append, badge, flowLink, h, table, when } from '../lib/dom.js';
import { field, shownOnce, showToken } from '../lib/forms.js';
import { lazySection, page } from '../lib/page.js';
import { actionForm } from './flow-form.js';

/** The signed-in person's open work: one request, shared by the sections that show it. */
export const myWork = () => get('/api/me/tasks');

/** A task's due date as the checklist shows it; an instant (a payer's clock) in local time. */
const dueOf = (/** @type {any} */ t) => ('at' in t.due ? h('time', { datetime: t.due.at }, when(t.due.at)) : h('time', { datetime: t.dueDate }, t.dueDate));

/** Open tasks, overdue first (the API's order), each linked to its flow where it is completed. */
export function myTasksTable(/** @type {any[]} */ tasks, /** @type {string} */ caption, /** @type {string} */ empty) {
  return table(
    caption,
    ['Task', 'Flow', 'Due', 'Status', 'Rule'],
    tasks.map((t) => [t.title, flowLink(t.flowId, t.flowTitle), dueOf(t), t.overdue ? badge('overdue', 'bad') : badge('open'), t.rule ?? '']),
    empty,
  );
}

export function myWorkPage() {
  const work = myWork();
  page(
    'My work',
    h('p', null, 'Your open tasks, soonest due first (overdue ones on top). Open a flow to complete your task there.'),
    lazySection('Your tasks', async () => {
      const { tasks } = await work;
      return { count: tasks.length, body: myTasksTable(tasks, 'Your open tasks', 'No open task is assigned to you.') };
    }),
    lazySection('Your credentials', async () => {
      const { credentials } = await work;
      return {
        count: credentials.length,
        body: table(
          'Your credentials',
          ['Credential', 'Provider', 'Due', 'Status'],
          // Not linked: the credential's page is the manager's (staff are refused it).
          credentials.map((/** @type {any} */ c) => [[`${c.type.replace(/_/g, ' ')}${c.jurisdiction ? ` (${c.jurisdiction})` : ''} `, h('code', { class: 'muted' }, c.credentialId)], c.providerId, c.dueDate, badge(c.status, c.status === 'active' ? 'good' : 'bad')]),
          'No credential of yours is due.',
        ),
      };
    }),
    lazySection('OSHA and fire safety', async () => {
      const { occurrences } = await work;
      return {
        count: occurrences.length,
        body: table(
          'Open OSHA and fire-safety occurrences of your sites',
          ['Obligation', 'Site', 'Shift', 'Due', 'Status', 'Rule'],
          occurrences.map((/** @type {any} */ o) => [o.obligation.replace(/_/g, ' '), flowLink(o.flowId, o.siteId), o.shift ?? '', o.dueDate, o.overdue ? badge('overdue', 'bad') : badge('open'), o.rule]),
          'No open occurrence at a site you are responsible for.',
        ),
      };
    }),
    lazySection('Your calendar', async () => calendarFeedSection(await get('/api/me/calendar-feed'))),
    h('h2', null, 'Command line'),
    myTokenForm(),
  );
}

/**
 * An API token of the signed-in person's own, for `npx practiceflow` (PRACTICEFLOW_TOKEN): it acts
 * as them, with their role; shown once. Only for yourself: nobody can create one that acts as you.
 */
function myTokenForm() {
  return actionForm({
    title: 'Create an API token for yourself',
    intro: 'For the practiceflow command line (PRACTICEFLOW_TOKEN). It acts as you, with your role, until an admin revokes it; keep it private.',
    fields: [field({ name: 'name', label: 'What it is for', required: true, hint: 'e.g. CLI on my laptop' })],
    submitLabel: 'Create token',
    kind: 'secondary',
    post: (b) => ['/api/tokens', { name: b.name }],
    flash: () => '',
    done: (t, form) => showToken(t, form),
  });
}

/**
 * The private calendar (ICS) address of the signed-in person's due dates. PracticeFlow keeps only
 * its hash, so the address is shown once, when created; a lost (or leaked) address is replaced:
 * the old one is revoked (calendars subscribed to it get 404) and a new one is shown.
 */
function calendarFeedSection(/** @type {any} */ feed) {
  const body = h('div', null);
  const draw = (/** @type {any} */ f) => {
    const replace = h('button', { type: 'button', class: 'secondary' }, f.url ? 'Replace this address' : 'Get a new address');
    replace.addEventListener('click', async () => {
      replace.setAttribute('disabled', '');
      const revoked = await api('POST', '/api/me/calendar-feed/revoke', {});
      const created = revoked.ok ? await api('GET', '/api/me/calendar-feed') : revoked;
      if (created.ok) return draw(created.data);
      replace.removeAttribute('disabled');
      body.append(errorBox(created.error, created.status));
    });
    body.replaceChildren();
    append(body, [
      f.url
        ? h(
            'p',
            null,
            'Subscribe to your due dates in Outlook, Google Calendar or Apple Calendar with this address. Keep it private: it works without a password. It is shown only now.',
          )
        : h('p', null, `Your calendar address was created ${when(f.createdAt)} and shown then; PracticeFlow does not keep it. If you lost it, or someone else may have it, get a new one: the old one stops working.`),
      f.url ? shownOnce('feed-url', 'Calendar address', f.url) : null,
      h('div', { class: 'actions' }, replace),
    ]);
  };
  draw(feed);
  return { body };
}
