// Lists: flows with filters, credentials by expiry, appeals by filing deadline, the OSHA calendar.
import { api, errorBox, get } from '../lib/api.js';
import { badge, flowLink, h, table, when } from '../lib/dom.js';
import { field, values } from '../lib/forms.js';
import { lazySection, page } from '../lib/page.js';
import { credentialTable } from './today.js';

const FLOW_TYPES = ['onboarding', 'credential', 'prior_auth', 'appeal', 'osha_site', 'osha_occurrence', 'bbp_training', 'checklist'];

export function flowsPage(/** @type {URLSearchParams} */ query) {
  const type = query.get('type') ?? '';
  const status = query.get('status') ?? 'running';
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'fields-inline', role: 'search', 'aria-label': 'Filter flows' },
      field({ name: 'type', label: 'Type', options: [['', 'any'], ...FLOW_TYPES.map((t) => /** @type {[string, string]} */ ([t, t.replace(/_/g, ' ')]))], value: type }),
      field({ name: 'status', label: 'Status', options: [['', 'any'], ['running', 'running'], ['completed', 'completed'], ['cancelled', 'cancelled']], value: status }),
      field({ name: 'search', label: 'Search', type: 'search', value: query.get('search') ?? '', hint: 'Words in the flow id, subject or title, e.g. a name or a hire id' }),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')),
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/flows?${new URLSearchParams(values(form))}`;
  });
  const search = query.get('search')?.trim() ?? '';
  const q = new URLSearchParams({ ...(type ? { type } : {}), ...(status ? { status } : {}), ...(search ? { search } : {}), limit: '200' });
  page(
    'Flows',
    form,
    lazySection('Matching flows', async () => {
      const { flows } = await get(`/api/flows?${q}`);
      return { count: flows.length, body: table('Flows', ['Flow', 'Type', 'Subject', 'Status', 'Started', 'By'], flows.map((/** @type {any} */ f) => [flowLink(f.flowId, f.title), f.flowType, f.subjectId, badge(f.status, f.status === 'completed' ? 'good' : f.status === 'cancelled' ? 'bad' : 'neutral'), when(f.startedAt), f.startedBy]), 'No flow matches.') };
    }),
  );
}

export function credentialsPage(/** @type {URLSearchParams} */ query) {
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

export function appealsPage() {
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

export async function oshaPage(/** @type {URLSearchParams} */ query) {
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
