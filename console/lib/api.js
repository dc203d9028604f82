// The JSON API as the signed-in user (the session cookie): a 401 ends the session in the page too.
import { h } from './dom.js';
import { state } from './state.js';

/** Thrown after a 401 sent the page to sign-in: stops the page that was being drawn. */
export class SignedOut extends Error {}

/** Ends the session in the page and goes to sign-in, saying why; signing in returns to this page. */
export function toSignIn(/** @type {string} */ reason) {
  state.me = null;
  state.signInReason = reason;
  location.hash = `#/sign-in?next=${encodeURIComponent(location.hash.startsWith('#/sign-in') ? '#/' : location.hash || '#/')}`;
}

/**
 * @typedef {{ type: string, message: string, problems: { path: string, message: string }[] }} ApiError
 * @typedef {{ ok: true, status: number, data: any } | { ok: false, status: number, error: ApiError }} ApiResult
 */

/**
 * Calls the API as the signed-in user (the session cookie). A 401 ends the session in the page too.
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<ApiResult>}
 */
export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      // JSON on every write, with or without a body: the API refuses any other cookie-borne write
      // (api/browser-guard.ts), so a form on another site cannot forge one.
      headers: { accept: 'application/json', ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, error: { type: 'Unavailable', message: 'PracticeFlow cannot be reached: check the connection and try again', problems: [] } };
  }
  const text = await res.text();
  /** @type {any} */
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data };
  const error = data && data.error ? data.error : { type: 'Internal', message: `the server answered ${res.status}`, problems: [] };
  if (res.status === 401 && path !== '/api/session') {
    toSignIn(error.message);
    throw new SignedOut(error.message);
  }
  return { ok: false, status: res.status, error };
}

/** GET that must succeed for the page: throws the API's error to the page's error box. */
export async function get(/** @type {string} */ path) {
  const result = await api('GET', path);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { api: result.error, status: result.status });
  return result.data;
}

/** The API's error as the page shows it: an alert naming the status. */
export function errorBox(/** @type {ApiError} */ error, /** @type {number} */ status) {
  const title = status === 401 ? 'Not signed in' : status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 409 ? 'Not possible now' : status === 429 ? 'Too many failed attempts' : status === 400 ? 'Please correct the form' : 'Something went wrong';
  return h('div', { class: 'alert', role: 'alert' }, h('strong', null, `${title} (${status || 'offline'}): `), error.message);
}
