// Forms: labelled fields with room for the API's message about each, the form as a JSON body, and
// the API's problems shown next to their fields.
import { errorBox } from './api.js';
import { h } from './dom.js';

let fieldSeq = 0;

/**
 * A labelled input with room for the API's message about it (aria-describedby).
 * @param {{ name: string, label: string, type?: string, value?: string, required?: boolean, hint?: string, options?: (string | [string, string])[], textarea?: boolean, autocomplete?: string, min?: string, step?: string, kind?: 'number' | 'boolean' | 'list' | 'datetime' }} spec
 * `name` may be dotted (`payer.name`): body() nests it, and the API's problem at that path lands here.
 * `kind` converts the value in body(): a number, true/false, a comma-separated list, a local date-time
 * as ISO 8601 with the browser's offset.
 */
export function field(spec) {
  const id = `f-${spec.name.replace(/[^A-Za-z0-9]/g, '-')}-${++fieldSeq}`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const common = { id, name: spec.name, required: spec.required, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), autocomplete: spec.autocomplete, 'data-kind': spec.kind };
  let control;
  if (spec.options) {
    control = h(
      'select',
      common,
      spec.options.map((o) => {
        const [value, text] = Array.isArray(o) ? o : [o, o];
        return h('option', { value, selected: value === spec.value }, text);
      }),
    );
  } else if (spec.textarea) {
    control = h('textarea', common, spec.value ?? '');
  } else {
    control = h('input', { ...common, type: spec.type ?? 'text', value: spec.value, min: spec.min, step: spec.step });
  }
  return h('div', { class: 'field', 'data-field': spec.name }, h('label', { for: id }, spec.label, spec.required ? '' : h('span', { class: 'muted' }, ' (optional)')), spec.hint ? h('span', { class: 'hint', id: hintId }, spec.hint) : null, control, h('span', { class: 'field-error', id: errorId }));
}

/** The form's values by name; empty optional fields are left out. */
export function values(/** @type {HTMLFormElement} */ form) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

/** A local `YYYY-MM-DDTHH:mm` as ISO 8601 with the browser's offset (what the API's date-times take). */
export function withOffset(/** @type {string} */ local) {
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local;
  const off = -d.getTimezoneOffset();
  const pad = (/** @type {number} */ n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}

/**
 * The form as a JSON body: dotted names nest (`payer.name` -> { payer: { name } }), each field's
 * `data-kind` converts it; empty fields are left out (a `list` is always sent, [] when empty).
 * @param {HTMLFormElement} form
 * @returns {Record<string, any>}
 */
export function body(form) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const el of /** @type {HTMLCollectionOf<HTMLInputElement>} */ (form.elements)) {
    if (!el.name || el.tagName === 'BUTTON' || el.disabled) continue;
    const raw = el.value.trim();
    const kind = el.dataset.kind;
    /** @type {unknown} */
    let value = raw;
    if (kind === 'list') value = raw.split(/[\s,]+/).filter(Boolean);
    else if (raw === '') continue;
    else if (kind === 'number') value = Number.isNaN(Number(raw)) ? raw : Number(raw);
    else if (kind === 'boolean') value = raw === 'true';
    else if (kind === 'datetime') value = withOffset(raw);
    const keys = el.name.split('.');
    let target = out;
    for (const key of keys.slice(0, -1)) target = target[key] ??= {};
    target[/** @type {string} */ (keys.at(-1))] = value;
  }
  return out;
}

/**
 * The field a problem's path belongs to: the longest dotted prefix that names a field, so
 * `payer.name` lands on the payer-name input and `denialCodes.1` on the denial-codes one.
 * @param {HTMLFormElement} form @param {string} path @param {Record<string, string>} aliases
 */
export function fieldFor(form, path, aliases) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    const name = aliases[prefix] ?? prefix;
    const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (wrap) return { wrap, name: prefix };
  }
  return null;
}

/**
 * Shows the API's answer on the form: each problem next to its field (by `path`, see fieldFor), the
 * rest and the message in an alert at the top. Returns whether there were errors.
 * @param {HTMLFormElement} form
 * @param {import('./api.js').ApiResult | null} result
 * @param {Record<string, string>} [aliases] problem paths that belong to a differently named field
 *   (a plan route's `amountInControversy` is the start form's `deniedAmount`)
 */
export function showProblems(form, result, aliases = {}) {
  const box = /** @type {HTMLElement} */ (form.querySelector('.form-status'));
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  box.replaceChildren();
  if (!result || result.ok) return false;
  const unplaced = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const problem of result.error.problems) {
    const found = fieldFor(form, problem.path, aliases);
    if (!found) {
      unplaced.push(problem);
      continue;
    }
    const { wrap, name } = found;
    const control = /** @type {HTMLElement} */ (wrap.querySelector('input, select, textarea'));
    control.setAttribute('aria-invalid', 'true');
    const err = /** @type {HTMLElement} */ (wrap.querySelector('.field-error'));
    const text = `${problem.path === name ? '' : `${problem.path}: `}${problem.message}`;
    err.textContent = err.textContent ? `${err.textContent}; ${text}` : text;
    first ??= control;
  }
  box.append(errorBox(result.error, result.status));
  if (unplaced.length > 0 && unplaced.length < result.error.problems.length) box.append(h('ul', null, unplaced.map((p) => h('li', null, `${p.path}: ${p.message}`))));
  if (first) first.focus();
  else {
    box.setAttribute('tabindex', '-1');
    box.focus();
  }
  return true;
}

export const formStatus = () => h('div', { class: 'form-status', 'aria-live': 'assertive' });

/**
 * A secret PracticeFlow shows only once (it keeps a hash): labelled, read-only, ready to copy.
 * @param {string} id @param {string} label @param {string} value
 */
export const shownOnce = (id, label, value) => h('p', null, h('label', { for: id }, label), h('br'), h('input', { id, type: 'text', readonly: true, value, class: 'wide' }));

/** A new API token beside the form that asked for it, once: PracticeFlow keeps only its hash. */
export function showToken(/** @type {{ name: string, email: string, token: string }} */ t, /** @type {HTMLFormElement} */ form) {
  form.querySelector('.token-issued')?.remove();
  form.append(
    h(
      'div',
      { class: 'notice token-issued', role: 'status' },
      h('p', null, `Token "${t.name}" for ${t.email}. Copy it now: it is not shown again.`),
      shownOnce('issued-token', 'The new token', t.token),
    ),
  );
}
