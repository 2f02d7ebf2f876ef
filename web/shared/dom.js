// The element builder and small DOM helpers of both the storefront and the
// admin dashboard. Text always goes in as text nodes, never as HTML, so nothing
// an order, a product or a customer wrote can turn into markup.
//
//   h('button', { type: 'button', class: 'primary', onClick: save }, 'Save')
//
// Props:
//   onClick, onInput, onKeyDown, …  an event handler: "on" + the event's name in
//                 camelCase (the listener is added for the lower-case name:
//                 onKeyDown -> 'keydown'). Any other spelling that starts with
//                 "on" (onclick, onFoo) or a handler that is not a function
//                 throws a TypeError, so a mistyped handler is never silently
//                 ignored. Events without an on… property (focusin, custom
//                 events) are added with addEventListener.
//   class         the class attribute
//   dataset       an object merged into element.dataset
//   value, checked, selected, disabled, hidden, open, indeterminate
//                 set as properties (the live state, not the default)
//   anything else an attribute: true -> "", other values as text
//   undefined, null and false leave the prop out.
// Children: nodes, text (anything else is turned into text), nested arrays;
// undefined, null and false are skipped.

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'open', 'indeterminate']);

/** The event an on… prop names, or a TypeError explaining why it names none. */
function eventName(element, key) {
  const rest = key.slice(2);
  if (!/^[A-Z][A-Za-z]*$/.test(rest)) {
    throw new TypeError(
      `h('${element.localName}'): event props are camelCase, e.g. onClick; "${key}" is not one`
      + (/^[a-z]+$/.test(rest) ? ` (write on${rest[0].toUpperCase()}${rest.slice(1)})` : ''),
    );
  }
  const name = rest.toLowerCase();
  if (!(`on${name}` in element)) {
    throw new TypeError(`h('${element.localName}'): "${key}" names no event of this element`);
  }
  return name;
}

/** h('p', { class: 'price' }, '$34.99') → a <p>; see the props above. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key.startsWith('on')) {
      const name = eventName(element, key);
      if (value === undefined || value === null || value === false) continue;
      if (typeof value !== 'function') throw new TypeError(`h('${tag}'): ${key} must be a function`);
      element.addEventListener(name, value);
      continue;
    }
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (PROPERTIES.has(key)) element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  return append(element, ...children);
}

/** Appends children (as h() takes them) to `element`; returns `element`. */
export function append(element, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces what `element` holds with `children`; returns `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, ...children);
}

/** Text only a screen reader reads, e.g. which product or row a button is about. */
export function hiddenText(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

let counter = 0;
/** A page-unique id for tying labels, hints and errors to their fields: uid('hint') → "hint-7". */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** The element with `data-key` = key inside root, if any. */
export function byKey(root, key) {
  return root.querySelector(`[data-key="${CSS.escape(key)}"]`);
}

/**
 * Replaces `old` with `fresh`, keeping keyboard focus on the element with the
 * same data-key when focus was inside `old`: an update must not throw the
 * visitor's focus back to the top of the page. Returns `fresh`.
 */
export function replaceKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const key = active && old.contains(active) ? active.closest('[data-key]')?.dataset.key : undefined;
  old.replaceWith(fresh);
  if (key) byKey(fresh, key)?.focus();
  return fresh;
}
