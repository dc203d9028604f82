// Mailbox (development: the local mail sink's messages).
import { api, errorBox, get } from '../lib/api.js';
import { h, link, table, when } from '../lib/dom.js';
import { lazySection, page } from '../lib/page.js';

export async function mailPage(/** @type {string | undefined} */ id) {
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
