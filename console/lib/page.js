// Pages and sections: a page's title and focused heading, sections that load on their own.
import { SignedOut, errorBox } from './api.js';
import { append, h, main } from './dom.js';


/**
 * A section whose content loads on its own: a failure (a 403 for this role, an unreachable service)
 * shows in it without breaking the rest of the page.
 * @param {string} title
 * @param {() => Promise<{ count?: number, body: unknown }>} load
 */
export function lazySection(title, load) {
  const headingId = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const heading = h('h2', { id: headingId }, title);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { 'aria-labelledby': headingId }, heading, body);
  load()
    .then(({ count, body: content }) => {
      if (count !== undefined) heading.append(' ', h('span', { class: 'count' }, `(${count})`));
      body.replaceChildren();
      append(body, [content]);
    })
    .catch((err) => {
      if (err instanceof SignedOut) return;
      body.replaceChildren(err.api ? errorBox(err.api, err.status) : errorBox({ type: 'Internal', message: String(err.message ?? err), problems: [] }, 0));
    })
    .finally(() => body.removeAttribute('aria-busy'));
  return section;
}

/** Replaces the page: title, heading (focused, so screen readers announce the new page). */
export function page(/** @type {string} */ title, /** @type {unknown[]} */ ...content) {
  document.title = `${title} · PracticeFlow`;
  const heading = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading);
  append(main, content);
  heading.focus();
}

/** Draws the current page again (after a change): the router listens to hashchange. */
export const refresh = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
