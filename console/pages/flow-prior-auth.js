// A prior authorization's page: its stage and payer clock (GET /api/prior-auth/:authorizationId) and
// the actions of that stage: record the submission, the payer's decision, a service rendered, the
// path after a denial, cancel. The flow id is prior-auth-<authorizationId>.
import { api, errorBox } from '../lib/api.js';
import { badge, choices, facts, flowLink, h, isoToday, when } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { actionForm, auditorHint, by, canWrite, cancelForm, completeForm, group, isAuditor, isStaff, localNow, seg } from './flow-form.js';

/** Tasks the generic completion takes (the others close through the routes below). */
const COMPLETABLE = ['eligibility_check', 'documentation'];

export const authorizationIdOf = (/** @type {any} */ flow) => flow.subjectId ?? flow.flowId.replace(/^prior-auth-/, '');

const label = (/** @type {string} */ s) => s.replace(/_/g, ' ');

/** The authorization's facts: stage, payer, service, payer clock, decision, units. */
export function priorAuthFacts(/** @type {any} */ pa) {
  const clock = pa.clock;
  const d = pa.decision;
  return facts([
    ['Stage', badge(label(pa.status), ['approved'].includes(pa.status) ? 'good' : ['denied', 'denial_accepted'].includes(pa.status) ? 'bad' : 'neutral')],
    ['Authorization', pa.authorizationId],
    ['Payer', [pa.payer?.name ?? pa.payer?.id ?? '', pa.payer ? ` (${label(pa.payer.type)})` : ''].join('')],
    ['Service', pa.service ? `CPT/HCPCS ${pa.service.code} × ${pa.service.units}, scheduled ${pa.service.scheduledDate}` : undefined],
    ['Urgency', pa.urgency],
    ['Submit by', pa.status === 'awaiting_submission' && pa.submissionTarget ? `${pa.submissionTarget.date} (${pa.submissionTarget.rule})` : undefined],
    [
      'Payer clock',
      clock
        ? [
            `decision due ${when(clock.decisionDueAt)} (${clock.decisionDueDate}): ${clock.amount} ${label(clock.unit)} from the submission of ${when(clock.submittedAt)}`,
            ' ',
            clock.stoppedAt ? badge('decided', 'good') : clock.overdue ? badge('past the clock', 'bad') : badge('running'),
          ]
        : undefined,
    ],
    ['Clock rule', clock?.rule],
    ['Submissions', pa.submissions?.length ? pa.submissions.map((/** @type {any} */ s) => `#${s.n} ${s.channel} ${s.confirmationNumber}, ${when(s.submittedAt)} by ${s.by}`).join('; ') : undefined],
    [
      'Decision',
      d
        ? `${d.outcome} (received ${when(d.receivedAt)}, by ${d.by})${d.authorizationNumber ? `: ${d.authorizationNumber}, valid ${d.validFrom} to ${d.validTo}, ${d.units} units` : ''}${d.reason ? `: ${d.reason}` : ''}${d.infoRequested ? `: ${d.infoRequested}, respond by ${d.respondBy}` : ''}`
        : undefined,
    ],
    ['Units', pa.units ? `${pa.units.used} of ${pa.units.authorized} used, ${pa.units.remaining} left` : undefined],
    ['Denial path', pa.denialPath ? `${label(pa.denialPath.path)} (${pa.denialPath.by}, ${when(pa.denialPath.at)})` : undefined],
    ['Appeal', pa.appeal ? [flowLink(pa.appeal.workflowId), ` (${pa.appeal.status})`] : undefined],
  ]);
}

/** The stage's forms (managers), the completable staff tasks (anyone; the API checks). */
export function priorAuthActions(/** @type {any} */ flow, /** @type {any} */ pa) {
  const id = authorizationIdOf(flow);
  const base = `/api/prior-auth/${seg(id)}`;
  const completable = flow.tasks.filter((/** @type {any} */ t) => t.status === 'open' && COMPLETABLE.includes(t.key));
  const forms = completable.length ? [completeForm(flow, completable)] : [];
  if (isAuditor()) return [...forms, auditorHint(['the submission to the payer', "the payer's decision", 'services rendered', 'the path after a denial', 'a cancellation'])];
  if (!canWrite() || !pa) return forms;
  const status = pa.status;
  if (status === 'awaiting_submission' || status === 'pended') {
    forms.push(
      actionForm({
        title: status === 'pended' ? 'Record the resubmission' : 'Record the submission',
        intro: "The payer's decision clock starts when the payer receives the request.",
        fields: [
          field({ name: 'channel', label: 'Channel', options: [['portal', 'payer portal']], required: true }),
          field({ name: 'confirmationNumber', label: 'Confirmation number', required: true, autocomplete: 'off', hint: "The payer portal's confirmation number: the proof of submission" }),
          field({ name: 'submittedAt', label: 'Received by the payer', type: 'datetime-local', kind: 'datetime', required: true, value: localNow(), hint: 'Your local time; not in the future' }),
        ],
        submitLabel: 'Record submission',
        post: (b) => [`${base}/submission`, { by: by(), channel: b.channel, confirmationNumber: b.confirmationNumber, submittedAt: b.submittedAt }],
        flash: (_b, r) => `Submission recorded: the payer's decision is due ${r.clock?.decisionDueDate ?? ''}.`,
      }),
    );
  }
  if (status === 'submitted' || status === 'peer_to_peer') {
    forms.push(
      actionForm({
        title: "Record the payer's decision",
        fields: [
          field({ name: 'outcome', label: 'Decision', options: choices(['approved', 'denied', 'pended']), required: true }),
          group(
            'approved',
            field({ name: 'authorizationNumber', label: 'Authorization number', required: true, autocomplete: 'off' }),
            field({ name: 'validFrom', label: 'Valid from', type: 'date', required: true }),
            field({ name: 'validTo', label: 'Valid to', type: 'date', required: true }),
            field({ name: 'units', label: 'Units authorized', type: 'number', min: '1', kind: 'number', required: true, value: String(pa.service?.units ?? 1) }),
          ),
          group(
            'denied',
            field({ name: 'reason', label: "Payer's reason", textarea: true, required: true, hint: 'The specific reason the payer gave (CMS-0057-F)' }),
            field({ name: 'denialCodes', label: 'Denial codes', kind: 'list', hint: 'Comma-separated, e.g. CO-50' }),
          ),
          group(
            'pended',
            field({ name: 'infoRequested', label: 'Information requested', textarea: true, required: true, hint: "In the payer's words; kept in the record, never emailed" }),
            field({ name: 'respondBy', label: 'Respond by', type: 'date', required: true }),
          ),
          field({ name: 'receivedAt', label: 'Decision received', type: 'datetime-local', kind: 'datetime', hint: 'Default: now; not before the submission' }),
        ],
        choose: 'outcome',
        submitLabel: 'Record decision',
        post: (b) => [`${base}/decision`, { by: by(), ...b }],
        flash: (b) => `Decision recorded: ${b.outcome}.`,
      }),
    );
  }
  if (status === 'approved') {
    forms.push(
      actionForm({
        title: 'Record a service rendered',
        intro: pa.units ? `${pa.units.remaining} of ${pa.units.authorized} authorized units left.` : undefined,
        fields: [field({ name: 'on', label: 'Date of service', type: 'date', required: true, value: isoToday() }), field({ name: 'unitsUsed', label: 'Units used', type: 'number', min: '1', value: '1', kind: 'number', required: true })],
        submitLabel: 'Record service',
        post: (b) => [`${base}/service-rendered`, { by: by(), on: b.on, unitsUsed: b.unitsUsed }],
        flash: (b) => `Service on ${b.on} recorded.`,
      }),
    );
  }
  if (status === 'denied') {
    forms.push(
      actionForm({
        title: 'Choose the path after the denial',
        fields: [
          field({ name: 'path', label: 'Next step', options: [['peer_to_peer', 'peer-to-peer review with the payer'], ['appeal', 'appeal (starts a claim appeal)'], ['accept', 'accept the denial']], required: true }),
          field({ name: 'note', label: 'Note', textarea: true }),
        ],
        submitLabel: 'Choose path',
        post: (b) => [`${base}/denial-path`, { by: by(), path: b.path, note: b.note }],
        flash: (b) => `Path after the denial: ${label(b.path)}.`,
      }),
    );
  }
  forms.push(cancelForm(flow, { path: `${base}/cancel`, title: 'Cancel this prior authorization', intro: 'Its tasks and escalations stop. This cannot be undone.', submitLabel: 'Cancel prior authorization', flash: 'Prior authorization cancelled.' }));
  return forms;
}

/** The details section and the actions of a prior-authorization flow. */
export async function priorAuthView(/** @type {any} */ flow) {
  if (isStaff()) return { details: null, actions: priorAuthActions(flow, null) };
  const r = await api('GET', `/api/prior-auth/${seg(authorizationIdOf(flow))}`);
  return {
    details: [h('h2', null, 'Prior authorization'), r.ok ? [priorAuthFacts(r.data), r.data.notice ? h('p', { class: 'info' }, r.data.notice) : null] : errorBox(r.error, r.status)],
    actions: priorAuthActions(flow, r.ok ? r.data : null),
  };
}
