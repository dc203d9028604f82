// A claim appeal's page: level, filing deadline and stage (GET /api/appeals/:appealId) and its
// actions: record the filing with its proof, the payer's decision, close, cancel. The flow id is
// appeal-<appealId>.
import { api, errorBox } from '../lib/api.js';
import { badge, choices, facts, h, when } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { actionForm, auditorHint, by, canWrite, cancelForm, completeForm, group, isAuditor, isStaff, seg } from './flow-form.js';

const SUBMIT_TASK = 'submit_appeal';
const DECISION_TASK = 'payer_decision';
export const SUBMISSION_CHANNELS = ['portal', 'fax', 'mail', 'edi', 'email', 'in_person'];

export const appealIdOf = (/** @type {any} */ flow) => flow.subjectId ?? flow.flowId.replace(/^appeal-/, '');

const label = (/** @type {string} */ s) => s.replace(/_/g, ' ');

/** filing: not yet submitted; awaiting decision: submitted; or how it ended. */
export const appealStage = (/** @type {any} */ a) => (a.status !== 'running' ? (a.outcome ? label(a.outcome.kind) : a.status) : a.submission ? "awaiting the payer's decision" : 'filing');

export function appealFacts(/** @type {any} */ a) {
  const s = a.submission;
  return facts([
    ['Stage', badge(appealStage(a), a.outcome?.kind === 'won' ? 'good' : a.status === 'running' ? 'neutral' : 'bad')],
    ['Level', a.level ? label(a.level) : undefined],
    ['Claim', a.claimId],
    ['Filing deadline', a.filingDeadline ? `${a.filingDeadline} (${a.rule})` : undefined],
    ['Notice', a.noticeDate ? `dated ${a.noticeDate}, received ${a.receiptDate}${a.receiptPresumed ? ' (presumed)' : ''}` : undefined],
    ['Amount in controversy', a.amountInControversy !== undefined ? `$${a.amountInControversy}` : undefined],
    ['Recovered', a.amountRecovered ? `$${a.amountRecovered}` : undefined],
    ['Submitted', s ? `${when(s.submittedAt)} by ${s.by}, ${label(s.channel)} ${s.confirmationNumber}${s.timely === false ? ' (after the filing deadline)' : ''}` : undefined],
    ['Decision due', a.decisionDue ? `${a.decisionDue}${a.decisionRule ? ` (${a.decisionRule})` : ''}` : undefined],
    ['Next level', a.nextLevel ? label(a.nextLevel) : undefined],
    ['Decisions', a.decisions?.length ? a.decisions.map((/** @type {any} */ d) => `${label(d.level)}: ${label(d.outcome)}${d.amountRecovered !== undefined ? ` ($${d.amountRecovered})` : ''}`).join('; ') : undefined],
    ['Outcome', a.outcome ? a.outcome.detail : undefined],
  ]);
}

/**
 * Record the filing: managers through POST /api/appeals/:appealId/submission; staff (it is their task)
 * through the generic completion of submit_appeal with the same proof as its evidence.
 */
function submissionForm(/** @type {any} */ flow, /** @type {any} */ task) {
  const staff = isStaff();
  return actionForm({
    title: 'Record the submission',
    intro: `The proof of filing (it wins timely-filing disputes); due ${task.dueDate}${task.overdue ? ', overdue' : ''}. The payer's decision clock starts from it.`,
    fields: [
      field({ name: 'confirmationNumber', label: 'Confirmation number', required: true, autocomplete: 'off', hint: "The payer's confirmation, tracking or fax receipt number" }),
      field({ name: 'channel', label: 'Channel', options: choices(SUBMISSION_CHANNELS), required: true }),
      field({ name: 'submittedAt', label: 'Submitted at', type: 'datetime-local', kind: 'datetime', hint: 'Default: now; not in the future' }),
      field({ name: 'note', label: 'Note', textarea: true }),
      field({ name: 'lateReason', label: 'Late reason', textarea: true, required: task.overdue, hint: 'Required when recorded after the due date' }),
    ],
    submitLabel: 'Record submission',
    aliases: { 'evidence.confirmationNumber': 'confirmationNumber', 'evidence.channel': 'channel', 'evidence.submittedAt': 'submittedAt', evidence: 'confirmationNumber' },
    post: ({ confirmationNumber, channel, submittedAt, ...rest }) =>
      staff
        ? [`/api/flows/${seg(flow.flowId)}/tasks/${SUBMIT_TASK}/complete`, { by: by(), ...rest, completedAt: submittedAt, evidence: { confirmationNumber, channel, ...(submittedAt ? { submittedAt } : {}) } }]
        : [`/api/appeals/${seg(appealIdOf(flow))}/submission`, { by: by(), confirmationNumber, channel, submittedAt, ...rest }],
    flash: () => 'Submission recorded.',
  });
}

export function appealActions(/** @type {any} */ flow, /** @type {any} */ appeal) {
  const base = `/api/appeals/${seg(appealIdOf(flow))}`;
  const open = flow.tasks.filter((/** @type {any} */ t) => t.status === 'open');
  const submit = open.find((/** @type {any} */ t) => t.key === SUBMIT_TASK);
  const plain = open.filter((/** @type {any} */ t) => t.key !== SUBMIT_TASK && t.key !== DECISION_TASK);
  const forms = plain.length ? [completeForm(flow, plain)] : [];
  if (isAuditor()) return [...forms, auditorHint(['the submission with its proof', "the payer's decision", 'closing or cancelling the appeal'])];
  if (isStaff()) return submit ? [...forms, submissionForm(flow, submit)] : forms;
  if (!canWrite()) return forms;
  if (submit) forms.push(submissionForm(flow, submit));
  if (appeal?.submission || (!submit && flow.tasks.some((/** @type {any} */ t) => t.key === SUBMIT_TASK && t.status === 'completed'))) {
    forms.push(
      actionForm({
        title: "Record the payer's decision",
        intro: appeal?.nextLevel ? `A loss (or a partial win) with its notice date opens the ${label(appeal.nextLevel)}.` : undefined,
        fields: [
          field({ name: 'outcome', label: 'Decision', options: choices(['won', 'partially_won', 'lost']), required: true }),
          group('won partially_won', field({ name: 'amountRecovered', label: 'Amount recovered', type: 'number', min: '0', step: '0.01', kind: 'number', required: true })),
          group('partially_won lost', field({ name: 'noticeDate', label: 'Decision notice date', type: 'date', hint: 'The next level counts from it (required for a loss)' }), field({ name: 'receivedDate', label: 'Notice received', type: 'date', hint: 'If known and provable' })),
          field({ name: 'note', label: 'Note', textarea: true }),
        ],
        choose: 'outcome',
        submitLabel: 'Record decision',
        post: (b) => [`${base}/decision`, { by: by(), ...b }],
        flash: (b) => `Decision recorded: ${label(b.outcome)}.`,
      }),
    );
  }
  forms.push(
    cancelForm(flow, { path: `${base}/close`, title: 'Close this appeal', intro: 'The practice stops pursuing it: its tasks and reminders stop.', submitLabel: 'Close appeal', flash: 'Appeal closed.' }),
    cancelForm(flow, { path: `${base}/cancel`, title: 'Cancel this appeal', intro: 'For an appeal started in error. This cannot be undone.', submitLabel: 'Cancel appeal', flash: 'Appeal cancelled.' }),
  );
  return forms;
}

/** The details section and the actions of an appeal flow. */
export async function appealView(/** @type {any} */ flow) {
  if (isStaff()) return { details: null, actions: appealActions(flow, null) };
  const r = await api('GET', `/api/appeals/${seg(appealIdOf(flow))}`);
  return {
    details: [h('h2', null, 'Appeal'), r.ok ? [appealFacts(r.data), r.data.notice ? h('p', { class: 'info' }, r.data.notice) : null] : errorBox(r.error, r.status)],
    actions: appealActions(flow, r.ok ? r.data : null),
  };
}
