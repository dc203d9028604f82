// A flow's page: checklist, who did what, the actions its flow type takes (flow-*.js), its timeline.
import { api, errorBox, get } from '../lib/api.js';
import { badge, h, link, table, when } from '../lib/dom.js';
import { lazySection, page } from '../lib/page.js';
import { state } from '../lib/state.js';
import { appealView } from './flow-appeal.js';
import { credentialActions } from './flow-credential.js';
import { cancelForm, completeForm, dueForm } from './flow-form.js';
import { occurrenceActions } from './flow-occurrence.js';
import { checklistActions, onboardingActions } from './flow-onboarding.js';
import { priorAuthView } from './flow-prior-auth.js';

export function statusBadge(/** @type {any} */ task) {
  if (task.status === 'completed') return badge(task.completion?.late ? 'completed late' : 'completed', task.completion?.late ? 'bad' : 'good');
  if (task.status === 'cancelled') return badge('cancelled');
  return task.overdue ? badge('overdue', 'bad') : badge('open');
}

/**
 * A credential flow (credential-<credentialId>) has no checklist (GET /api/flows/... cannot query it):
 * its page shows the credential from GET /api/credentials/:credentialId instead.
 */
export async function credentialFlowPage(/** @type {string} */ flowId) {
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
    actionsSection(credentialActions(d)),
    h('h2', null, 'History'),
    h('ol', { class: 'timeline' }, d.history.map((/** @type {any} */ e) => h('li', null, h('time', { datetime: e.at }, when(e.at)), `${e.action}${e.task ? ` ${e.task}` : ''} by ${e.actor}`))),
  );
}

export async function flowPage(/** @type {string} */ flowId) {
  if (flowId.startsWith('credential-')) return credentialFlowPage(flowId);
  const result = await api('GET', `/api/flows/${encodeURIComponent(flowId)}`);
  if (!result.ok) return page(flowId, errorBox(result.error, result.status), h('p', null, link('#/', 'Back to today')));
  const flow = result.data;
  const open = flow.tasks.filter((/** @type {any} */ t) => t.status === 'open');
  const byType = FLOW_TYPES[flow.flowType] ?? ((/** @type {any} */ f, /** @type {any[]} */ o) => ({ details: null, actions: genericActions(f, o) }));
  const { details, actions } = await byType(flow, open);
  const temporalUrl = state.settings.temporalUiUrl ? `${state.settings.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(state.settings.temporalNamespace)}/workflows/${encodeURIComponent(flow.flowId)}` : null;
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
    details,
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
    flow.status === 'running' ? actionsSection(actions) : null,
    state.me?.role === 'staff'
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
export function exportLinks(base) {
  return ['html', 'csv', 'json'].flatMap((format, i) => [i ? ', ' : '', h('a', { href: `${base}${base.includes('?') ? '&' : '?'}format=${format}&download=1` }, format.toUpperCase())]);
}

/**
 * The actions of each flow type, chosen by the flow's `flowType`: what its workflow accepts and the
 * API routes that take it. Each returns the type's details (facts from its own API route, or null)
 * and its action forms. Types not listed take the generic task actions.
 * @type {Record<string, (flow: any, open: any[]) => Promise<{ details: unknown, actions: unknown[] }> | { details: unknown, actions: unknown[] }>}
 */
const FLOW_TYPES = {
  onboarding: (flow, open) => ({ details: null, actions: genericActions(flow, open, onboardingActions(flow)) }),
  checklist: (flow, open) => ({ details: null, actions: genericActions(flow, open, checklistActions(flow)) }),
  prior_auth: priorAuthView,
  appeal: appealView,
  osha_occurrence: (flow) => ({ details: null, actions: occurrenceActions(flow) }),
  bbp_training: (flow) => ({ details: null, actions: occurrenceActions(flow) }),
};

/**
 * Complete a task, change a due date, the type's own `extra` forms, cancel the flow (task-engine
 * flows). Shown to auditors too: the API decides who may (its 403 is shown). Staff: completion only.
 */
export function genericActions(/** @type {any} */ flow, /** @type {any[]} */ open, /** @type {unknown[]} */ extra = []) {
  if (open.length === 0) return extra;
  const staff = state.me?.role === 'staff';
  return [completeForm(flow, open), staff ? null : dueForm(flow, open), ...extra, staff ? null : cancelForm(flow)];
}

/** The Actions section: the auditor's note, the forms side by side. */
function actionsSection(/** @type {unknown[]} */ forms) {
  const shown = forms.filter(Boolean);
  if (shown.length === 0) return null;
  return [
    h('h2', null, 'Actions'),
    state.me?.role === 'auditor' ? h('p', { class: 'info' }, 'You are signed in as an auditor: PracticeFlow will refuse changes.') : null,
    h('div', { class: 'grid' }, shown),
  ];
}
