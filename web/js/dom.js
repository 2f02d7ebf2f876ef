// A small element builder: h('p', { class: 'price' }, '$34.99').
// Text always goes in as text nodes, so nothing from the API is parsed as HTML.

const properties = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'open']);

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (properties.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Text for screen readers only (e.g. which product a button is about). */
export function hidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

let counter = 0;
/** A page-unique id for tying labels, hints and errors to their fields. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Sets the page title and the main heading's text in one place. */
export function pageTitle(text) {
  document.title = text ? `${text} · Cleveland Cartridge Co` : 'Cleveland Cartridge Co';
}

/** The element with `data-key` = key inside root, if any. */
export function byKey(root, key) {
  return root.querySelector(`[data-key="${CSS.escape(key)}"]`);
}

/**
 * Replaces `old` with `fresh`, keeping keyboard focus on the element with the
 * same data-key when focus was inside `old`: a status update must not throw
 * the visitor's focus back to the top of the page.
 */
export function replaceKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const key = active && old.contains(active) ? active.closest('[data-key]')?.dataset.key : undefined;
  old.replaceWith(fresh);
  if (key) byKey(fresh, key)?.focus();
  return fresh;
}
