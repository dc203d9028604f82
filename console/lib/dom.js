// DOM helpers: elements built from data (text is always set as text: nothing from the API is
// parsed as HTML), dates in the reader's terms, tables with captions.
import { state } from './state.js';
export const main = /** @type {HTMLElement} */ (document.getElementById('main'));
export const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
export const who = /** @type {HTMLElement} */ (document.getElementById('who'));
export const live = /** @type {HTMLElement} */ (document.getElementById('live'));

/**
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** @param {HTMLElement} el @param {unknown[]} children */
export function append(el, children) {
  for (const child of children.flat(3)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const link = (/** @type {string} */ href, /** @type {unknown} */ text) => h('a', { href }, text);
export const flowLink = (/** @type {string} */ flowId, /** @type {unknown} */ text = undefined) => link(`#/flows/${encodeURIComponent(flowId)}`, text ?? flowId);
export const badge = (/** @type {string} */ text, /** @type {'bad' | 'good' | 'neutral'} */ kind = 'neutral') => h('span', { class: `badge ${kind}` }, text);
export const say = (/** @type {string} */ text) => {
  live.textContent = '';
  setTimeout(() => (live.textContent = text), 30);
};

/** Local date and time in the practice's terms: the API sends ISO instants. */
export function when(/** @type {string | null | undefined} */ iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * Today (and days from it) as a date in the practice's time zone, where due dates are days (the
 * server's PRACTICE_TIME_ZONE, from the settings; the browser's own zone until they are loaded).
 */
export function isoToday(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: state.settings.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * A table with a caption (hidden when the section heading already says it), or a sentence when empty.
 * @param {string} caption
 * @param {string[]} headers
 * @param {unknown[][]} rows
 * @param {string} empty
 */
export function table(caption, headers, rows, empty = 'Nothing here.') {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'table',
    null,
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => (c instanceof HTMLElement && c.tagName === 'TD' ? c : h('td', null, c)))))),
  );
}

export const choices = (/** @type {string[]} */ list) => list.map((v) => /** @type {[string, string]} */ ([v, v.replace(/_/g, ' ')]));
export const row = (/** @type {unknown[]} */ ...fields) => h('div', { class: 'fields-inline' }, fields);
export const facts = (/** @type {[string, unknown][]} */ pairs) => h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
