// What an onboarding (and a plain checklist) flow takes besides the generic task actions: a new
// start date, the hepatitis B declination reversal, an added task.
import { h } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { actionForm, auditorHint, by, canWrite, isAuditor, seg } from './flow-form.js';

/** 29 CFR 1910.1030(f)(2)(iv), as the onboarding flow cites it (workflows/onboarding). */
export const HEPB_RULE = '29 CFR 1910.1030(f)(2)(iv)';

/** Add a task to a task-engine flow: POST /api/flows/:flowId/tasks (AddTaskBodySchema). */
export function addTaskForm(/** @type {any} */ flow) {
  return actionForm({
    title: 'Add a task',
    intro: 'A task the rules do not create (e.g. a practice policy item). Reminders and escalations follow it like the others.',
    fields: [
      field({ name: 'task.key', label: 'Task key', required: true, hint: 'lower_snake_case, e.g. badge_photo' }),
      field({ name: 'task.title', label: 'Title', required: true }),
      field({ name: 'task.assignee.email', label: 'Assignee email', type: 'email', required: true, autocomplete: 'off' }),
      field({ name: 'task.due.date', label: 'Due date', type: 'date', required: true }),
      field({ name: 'task.rule.citation', label: 'Rule or policy', hint: 'Its citation, e.g. Practice policy 4.2' }),
      field({ name: 'task.required', label: 'Required', options: [['true', 'yes: the flow completes when it is done'], ['false', 'no']], kind: 'boolean' }),
    ],
    submitLabel: 'Add task',
    kind: 'secondary',
    aliases: { 'task.due': 'task.due.date', 'task.assignee': 'task.assignee.email', 'task.rule': 'task.rule.citation' },
    post: (b) => [`/api/flows/${seg(flow.flowId)}/tasks`, { by: by(), task: b.task ?? {} }],
    flash: (b) => `Task ${b.task?.key ?? ''} added.`,
  });
}

/**
 * The hepatitis B declination reversal: offered when the offer task was completed with outcome
 * declined and not yet reversed; otherwise a sentence on when it applies (or nothing, when the hire
 * has no occupational exposure and so no offer).
 */
export function hepBReversal(/** @type {any} */ flow) {
  const offer = flow.tasks.find((/** @type {any} */ t) => t.key === 'hepb_vaccine_offer');
  if (!offer) return null;
  if (flow.tasks.some((/** @type {any} */ t) => t.key === 'hepb_vaccination')) {
    return h('p', { class: 'muted' }, `The hepatitis B declination was reversed: the task hepb_vaccination makes the vaccination series available (${HEPB_RULE}).`);
  }
  if (offer.status !== 'completed' || offer.completion?.outcome !== 'declined') {
    return h(
      'p',
      { class: 'muted' },
      `Hepatitis B declination reversal: a hire who declines the vaccination (the offer completed with outcome declined) and later, while still exposed, decides to accept it must be given it at that time (${HEPB_RULE}). `,
      offer.status === 'completed' ? `The offer was ${offer.completion?.outcome ?? 'completed'}: there is no declination to reverse.` : 'The offer is still open: this becomes available once it is completed as declined.',
    );
  }
  return actionForm({
    title: 'Hepatitis B declination reversed',
    intro: `The hire declined the vaccination (recorded ${offer.completion.at.slice(0, 10)} by ${offer.completion.by}) and now accepts it. Under ${HEPB_RULE} the employer makes the vaccination available at that time: this adds the task to make the series available, due today.`,
    fields: [field({ name: 'note', label: 'Note', textarea: true, hint: 'e.g. how the hire asked; no medical details' })],
    submitLabel: 'Record the reversal',
    kind: 'secondary',
    post: (b) => [`/api/flows/${seg(flow.flowId)}/hepb-declination-reversal`, { by: by(), note: b.note }],
    flash: () => 'Hepatitis B declination reversed: the vaccination task was added.',
  });
}

/** Onboarding: the start date, the hepatitis B reversal, an added task (managers; an auditor sees what they are). */
export function onboardingActions(/** @type {any} */ flow) {
  if (isAuditor()) return [auditorHint(['a new start date', 'a hepatitis B declination reversal', 'an added task'])];
  if (!canWrite()) return [];
  const startDate = actionForm({
    title: 'Change the start date',
    intro: 'Open tasks move to the dates computed from the new start date under the same rules; completed tasks keep their dates and evidence.',
    fields: [field({ name: 'startDate', label: 'New start date', type: 'date', required: true }), field({ name: 'reason', label: 'Reason for the new start date', textarea: true, required: true })],
    submitLabel: 'Change start date',
    kind: 'secondary',
    post: (b) => [`/api/flows/${seg(flow.flowId)}/start-date`, { by: by(), startDate: b.startDate, reason: b.reason }],
    flash: (b) => `Start date changed to ${b.startDate}: open tasks moved.`,
  });
  return [startDate, hepBReversal(flow), addTaskForm(flow)];
}

/** A plain checklist: an added task. */
export const checklistActions = (/** @type {any} */ flow) => (isAuditor() ? [auditorHint(['an added task'])] : canWrite() ? [addTaskForm(flow)] : []);
