// An OSHA or fire-safety occurrence (a drill, inspection, training or review; also a BBP training
// cycle): the generic completion is refused for it, it is recorded with what the rule asks for
// through POST /api/osha/occurrences/:flowId/record (participants, duration, findings, corrective
// actions, a late reason when late). Staff record the occurrences assigned to them.
import { h } from '../lib/dom.js';
import { field } from '../lib/forms.js';
import { actionForm, auditorHint, by, canWrite, isStaff, seg } from './flow-form.js';

/** Drills and trainings name who took part (domain/osha NEEDS_PARTICIPANTS). */
const NEEDS_PARTICIPANTS = ['fire_drill', 'extinguisher_training', 'bbp_training', 'ep_exercise'];

/** One corrective action's fields, numbered from 0 (the body's correctiveActions.<n>). */
const correctiveAction = (/** @type {number} */ n) =>
  h(
    'fieldset',
    { 'data-action': String(n) },
    h('legend', null, `Corrective action ${n + 1}`),
    field({ name: `correctiveActions.${n}.action`, label: `Action ${n + 1}`, hint: 'What will be done' }),
    field({ name: `correctiveActions.${n}.owner`, label: `Owner ${n + 1}`, hint: 'An email or role' }),
    field({ name: `correctiveActions.${n}.due`, label: `Due ${n + 1}`, type: 'date' }),
  );

export function occurrenceActions(/** @type {any} */ flow) {
  const task = flow.tasks.find((/** @type {any} */ t) => t.status === 'open');
  if (!task) return [];
  if (!canWrite() && !isStaff()) return [auditorHint(['the occurrence with its record (participants, duration, findings, corrective actions)'])];
  const needsParticipants = NEEDS_PARTICIPANTS.includes(task.key);
  const actions = h('div', null, correctiveAction(0));
  let count = 1;
  const more = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        actions.append(correctiveAction(count++));
        /** @type {HTMLElement | null} */ (actions.lastElementChild?.querySelector('input') ?? null)?.focus();
      },
    },
    'Add another corrective action',
  );
  return [
    actionForm({
      title: 'Record the occurrence',
      intro: `${task.title}: due ${task.dueDate}${task.overdue ? ', overdue' : ''}. ${task.rule?.citation ? `Rule: ${task.rule.citation}. ` : ''}The record is kept for its retention period.`,
      fields: [
        field({ name: 'completedAt', label: 'Held at', type: 'datetime-local', kind: 'datetime', hint: 'Default: now; not in the future' }),
        field({ name: 'participants', label: 'Participants', kind: 'list', required: needsParticipants, hint: 'Employee identifiers (not names), comma-separated, e.g. e-1, e-2' }),
        field({ name: 'durationMinutes', label: 'Duration (minutes)', type: 'number', min: '1', kind: 'number' }),
        field({ name: 'findings', label: 'Findings', textarea: true }),
        actions,
        h('div', { class: 'actions' }, more),
        field({ name: 'lateReason', label: 'Late reason', textarea: true, required: task.overdue, hint: 'Required when recorded after the due date' }),
      ],
      submitLabel: 'Record occurrence',
      post: (b) => [
        `/api/osha/occurrences/${seg(flow.flowId)}/record`,
        {
          ...b,
          by: by(),
          // The numbered rows as a list; rows left empty are left out.
          correctiveActions: Object.values(b.correctiveActions ?? {}),
        },
      ],
      flash: () => `Occurrence recorded: ${task.title}.`,
    }),
  ];
}
