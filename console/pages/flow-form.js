// The flow page's action forms: one builder (a titled form posting its fields as a JSON body to one
// API route, the API's problems next to their fields, the page reloaded with a message on success)
// and the generic task actions most flows take (complete a task, change a due date, cancel).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { body, field, formStatus, showProblems } from '../lib/forms.js';
import { refresh } from '../lib/page.js';
import { canWrite, state } from '../lib/state.js';

/** Who acts: the signed-in user (the API records them and refuses anyone else). */
export const by = () => state.me?.email ?? '';
export const isStaff = () => state.me?.role === 'staff';
export const isAuditor = () => state.me?.role === 'auditor';
export { canWrite };

/** A path segment: flow ids, task keys and identifiers are letters, digits and - _ . : but say so. */
export const seg = (/** @type {string} */ s) => encodeURIComponent(s);

/** Now as a `datetime-local` value in the browser's time (to the minute). */
export function localNow() {
  const d = new Date();
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * @typedef {{
 *   title: string,
 *   intro?: unknown,
 *   fields: unknown[],
 *   submitLabel: string,
 *   kind?: 'secondary' | 'danger',
 *   post: (b: Record<string, any>) => [string, unknown] | { problems: { path: string, message: string }[] },
 *   flash: (b: Record<string, any>, data: any) => string,
 *   aliases?: Record<string, string>,
 *   choose?: string,
 *   done?: (data: any, form: HTMLFormElement) => void,
 * }} ActionSpec
 * `post` turns the form's body (see forms.js body(): dotted names nest, kinds convert, empty fields are
 * left out) into the route and the JSON it takes; `aliases` place problems whose path names no field
 * (e.g. `due` on the `due.date` input); `choose` names a select whose value shows only the field groups
 * made by `group()` for it (the others are hidden and not sent). `post` may instead return problems
 * found before sending (nothing chosen in a select that is part of the route): shown like the API's.
 * `done`, when given, takes the answer
 * instead of the page being reloaded with the `flash` message (e.g. to show a secret once).
 */

let formSeq = 0;

/** One action of the flow page: a form that posts to one API route. @param {ActionSpec} spec */
export function actionForm(spec) {
  const titleId = `action-${++formSeq}`;
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: spec.kind }, spec.submitLabel));
  const form = /** @type {HTMLFormElement} */ (
    h('form', { 'aria-labelledby': titleId, novalidate: true, class: 'action' }, h('h3', { id: titleId }, spec.title), formStatus(), spec.intro ? h('p', { class: 'muted' }, spec.intro) : null, spec.fields, h('div', { class: 'actions' }, button))
  );
  if (spec.choose) {
    const select = /** @type {HTMLSelectElement | null} */ (form.querySelector(`[name="${CSS.escape(spec.choose)}"]`));
    const show = () => {
      for (const g of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll('[data-when]'))) {
        const on = (g.dataset.when ?? '').split(' ').includes(select?.value ?? '');
        g.hidden = !on;
        for (const c of /** @type {NodeListOf<HTMLInputElement>} */ (g.querySelectorAll('input, select, textarea'))) c.disabled = !on;
      }
    };
    select?.addEventListener('change', show);
    show();
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const b = body(form);
    const request = spec.post(b);
    if (!Array.isArray(request)) {
      const message = request.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      showProblems(form, { ok: false, status: 400, error: { type: 'ValidationError', message, problems: request.problems } }, spec.aliases);
      return;
    }
    const [path, payload] = request;
    button.disabled = true;
    try {
      const result = await api('POST', path, payload);
      if (showProblems(form, result, spec.aliases) || !result.ok) return;
      if (spec.done) return spec.done(result.data, form);
      state.flash = spec.flash(b, result.data);
      refresh();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Fields shown only while the form's `choose` select has one of `values` (space-separated). */
export const group = (/** @type {string} */ values, /** @type {unknown[]} */ ...fields) => h('div', { 'data-when': values }, fields);

/** A task as a select option: title, due date, overdue. */
export const taskOptions = (/** @type {any[]} */ tasks) => tasks.map((t) => /** @type {[string, string]} */ ([t.key, `${t.title} (due ${t.dueDate}${t.overdue ? ', overdue' : ''})`]));

/** Complete one of `tasks` (open ones): POST /api/flows/:flowId/tasks/:taskKey/complete. Staff: their own. */
export function completeForm(/** @type {any} */ flow, /** @type {any[]} */ tasks) {
  const outcomes = [...new Set(tasks.flatMap((t) => t.outcomes ?? []))];
  return actionForm({
    title: 'Complete a task',
    fields: [
      field({ name: 'taskKey', label: 'Task', options: taskOptions(tasks), required: true }),
      outcomes.length ? field({ name: 'outcome', label: 'Outcome', options: [['', '(none)'], ...outcomes.map((o) => /** @type {[string, string]} */ ([o, o.replace(/_/g, ' ')]))], hint: 'For tasks that record one (e.g. accepted or declined)' }) : null,
      field({ name: 'note', label: 'Note', textarea: true }),
      field({ name: 'lateReason', label: 'Late reason', textarea: true, hint: 'Required when the task is completed after its due date' }),
    ],
    submitLabel: 'Complete task',
    post: ({ taskKey, ...rest }) => [`/api/flows/${seg(flow.flowId)}/tasks/${seg(taskKey ?? '')}/complete`, { by: by(), ...rest }],
    flash: (b) => `Task ${b.taskKey} completed.`,
  });
}

/** Move an open task's due date: POST /api/flows/:flowId/tasks/:taskKey/due (task-engine flows). */
export function dueForm(/** @type {any} */ flow, /** @type {any[]} */ tasks) {
  return actionForm({
    title: 'Change a due date',
    fields: [
      field({ name: 'taskKey', label: 'Task', options: taskOptions(tasks), required: true }),
      field({ name: 'due.date', label: 'New due date', type: 'date', required: true }),
      field({ name: 'reason', label: 'Reason', textarea: true, required: true }),
    ],
    submitLabel: 'Change due date',
    kind: 'secondary',
    aliases: { due: 'due.date' },
    post: ({ taskKey, ...rest }) => [`/api/flows/${seg(flow.flowId)}/tasks/${seg(taskKey ?? '')}/due`, { by: by(), ...rest }],
    flash: (b) => `Due date of ${b.taskKey} changed.`,
  });
}

/**
 * Cancel (or close) the flow with a reason: { by, reason } to `path` (default the generic
 * POST /api/flows/:flowId/cancel).
 * @param {any} flow @param {{ path?: string, title?: string, intro?: string, submitLabel?: string, flash?: string }} [o]
 */
export function cancelForm(flow, o = {}) {
  return actionForm({
    title: o.title ?? 'Cancel this flow',
    intro: o.intro ?? 'Open tasks are cancelled and reminders stop. This cannot be undone.',
    fields: [field({ name: 'reason', label: 'Reason', textarea: true, required: true })],
    submitLabel: o.submitLabel ?? 'Cancel flow',
    kind: 'danger',
    post: (b) => [o.path ?? `/api/flows/${seg(flow.flowId)}/cancel`, { by: by(), reason: b.reason }],
    flash: () => o.flash ?? 'Flow cancelled.',
  });
}

/** What an auditor sees instead of a type's forms: what a manager does here (the API refuses them). */
export const auditorHint = (/** @type {string[]} */ actions) => h('p', { class: 'muted' }, `A manager records here: ${actions.join('; ')}. PracticeFlow refuses these changes from an auditor.`);
