// Automatic logoff in the browser (45 CFR 164.312(a)(2)(iii)): the server ends a session after
// SESSION_IDLE_MINUTES without a request, but a page left open would go on showing what it showed.
// So the console counts the person's own activity (keys, pointer, scrolling): while they work, a
// light request keeps the server session alive (typing a long note is not inactivity); once they
// have done nothing for the idle time, it signs out and replaces the page with the sign-in form.
import { api, toSignIn } from './api.js';
import { main, nav, who } from './dom.js';
import { state } from './state.js';

/** How often the idle time is checked, and the least time between two keep-alive requests. */
const CHECK_MS = 15_000;
const KEEP_ALIVE_MS = 60_000;
const ACTIVITY = ['keydown', 'pointerdown', 'wheel', 'touchstart'];

let lastActivity = Date.now();
let lastKeepAlive = Date.now();

function active() {
  lastActivity = Date.now();
  if (!state.me || lastActivity - lastKeepAlive < KEEP_ALIVE_MS) return;
  lastKeepAlive = lastActivity;
  void api('GET', '/api/me').catch(() => undefined); // a 401 here sends the page to sign-in itself
}

async function check() {
  if (!state.me) return;
  const idleMs = state.me.idleMinutes * 60_000;
  if (Date.now() - lastActivity < idleMs) return;
  const minutes = state.me.idleMinutes;
  state.me = null;
  for (const el of [main, nav, who]) el.replaceChildren(); // nothing stays on screen while the sign-out is sent
  await api('POST', '/api/session/logout').catch(() => undefined);
  toSignIn(`You were signed out after ${minutes} minutes without activity (automatic logoff). Sign in again to continue.`);
}

/** Starts watching (once, at load). Signing in counts as activity. */
export function watchIdle() {
  for (const type of ACTIVITY) window.addEventListener(type, active, { passive: true, capture: true });
  setInterval(() => void check(), CHECK_MS);
}

/** A sign-in starts the idle time afresh. */
export function resetIdle() {
  lastActivity = Date.now();
  lastKeepAlive = Date.now();
}
