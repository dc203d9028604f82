// What the console knows about the session: who is signed in, the server's settings, and messages
// carried from one page to the next. One object, so every module sees the same values.

/**
 * @typedef {{ email: string, role: 'admin' | 'manager' | 'staff' | 'auditor', idleMinutes: number }} Me
 * @typedef {{ temporalUiUrl: string | null, temporalNamespace: string, mailbox: boolean, timeZone?: string }} Settings
 */

export const state = {
  /** @type {Me | null} */
  me: null,
  /** @type {Settings} */
  settings: { temporalUiUrl: null, temporalNamespace: 'default', mailbox: false },
  /** Why the sign-in page is shown (an ended session), shown on it once. */
  signInReason: '',
  /** A message to show on the next page (after a change reloads it). */
  flash: '',
};

/** Admin and manager change things; the API refuses the others (the console only hides the forms). */
export const canWrite = () => state.me !== null && (state.me.role === 'admin' || state.me.role === 'manager');
