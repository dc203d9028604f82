// The auditor's pages (read-only): chain verification, timelines, queries, exports.
import { get } from '../lib/api.js';
import { badge, flowLink, h, isoToday, table, when } from '../lib/dom.js';
import { field, values } from '../lib/forms.js';
import { lazySection, page } from '../lib/page.js';
import { exportLinks } from './flow.js';

export function auditPage(/** @type {URLSearchParams} */ query) {
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
