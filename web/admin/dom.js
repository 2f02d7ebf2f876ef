// Small DOM helpers shared by the views. Text always goes in as text nodes, never as
// HTML, so nothing an order or a customer wrote can turn into markup.

import { unauthorized_error } from './api.js';

/** h('p', {class: 'x', onclick}, 'text', node, [more]) → element. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `element` holds. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let unique = 0;
export const next_id = (prefix) => `${prefix}-${++unique}`;

/** Text only a screen reader reads, e.g. which row a "Dismiss" button belongs to. */
export const hidden_text = (text) => h('span', { class: 'visually-hidden' }, text);

const date_time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date_only = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** An RFC 3339 instant as a <time> in the admin's local time. */
export function time_element(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h('time', { datetime: iso, title: iso }, date_time.format(date));
}

/** A calendar date (YYYY-MM-DD) as a <time>. */
export function date_element(day) {
  if (!day) return '—';
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return h('time', { datetime: day }, date_only.format(date));
}

export const statuses = ['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'];

export const status_label = (status) =>
  status ? status[0].toUpperCase() + status.slice(1).replace(/_/g, ' ') : '—';

export const status_badge = (status) => h('span', { class: `badge status-${status}` }, status_label(status));

/** Words for a snake_case code nobody gave a label: "order_not_pending" → "Order not pending". */
export const humanize = (code) => (code ? status_label(String(code)) : '—');

/** Polite announcements for screen readers and a visible notice line. */
export function announce(message, kind = 'info') {
  const region = document.getElementById('notice');
  if (!region) return;
  region.dataset.kind = kind;
  // Cleared first so the same message twice is announced twice.
  region.textContent = '';
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

/** An error box inside a view (role=alert so it is read at once). */
export const error_box = (message) => h('p', { class: 'error', role: 'alert' }, message);

/** A definition list from [term, value] pairs; values may be nodes. */
export function details_list(pairs, attributes = {}) {
  return h(
    'dl',
    { class: 'facts', ...attributes },
    pairs.filter(Boolean).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'))),
  );
}

/**
 * A modal <dialog> form. `fields` are {name, label, type, value, required, hint,
 * multiline, api_field, inputmode, suffix, min}; `submit` names the submit button;
 * `validate(values)` may answer {field, message}; `action(values)` does the work and
 * may throw an api_error (its `field` is shown at that input). Resolves to what
 * `action` answered, or null when the admin closes the dialog.
 */
export function form_dialog({ title, intro = [], fields = [], submit, validate, action, danger = false }) {
  const opener = document.activeElement;
  const title_id = next_id('dialog-title');
  const form_error = h('p', { class: 'error', role: 'alert', hidden: true });
  const inputs = new Map();
  const field_errors = new Map();

  const field_nodes = fields.map((field) => {
    const id = next_id(`field-${field.name}`);
    const hint_id = field.hint ? `${id}-hint` : null;
    const error_id = `${id}-error`;
    const control_attributes = {
      id,
      name: field.name,
      'aria-describedby': [hint_id, error_id].filter(Boolean).join(' '),
      autocomplete: field.autocomplete || 'off',
      inputmode: field.inputmode,
      min: field.min,
      'aria-required': field.required ? 'true' : null,
      spellcheck: field.spellcheck === undefined ? null : String(field.spellcheck),
    };
    const control = field.multiline
      ? h('textarea', { ...control_attributes, rows: 4 })
      : h('input', { ...control_attributes, type: field.type || 'text' });
    control.value = field.value ?? '';
    // role=alert: read out when it appears, also to someone whose focus is elsewhere.
    const error = h('p', { class: 'field-error', id: error_id, role: 'alert', hidden: true });
    field_errors.set(field.name, error);
    inputs.set(field.name, control);
    // An error about a value goes away once the admin changes the value.
    control.addEventListener('input', () => {
      if (control.getAttribute('aria-invalid') !== 'true') return;
      control.removeAttribute('aria-invalid');
      error.hidden = true;
      error.textContent = '';
    });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, field.label),
      field.hint ? h('p', { class: 'hint', id: hint_id }, field.hint) : null,
      field.suffix ? h('div', { class: 'with-suffix' }, control, h('span', { 'aria-hidden': 'true' }, field.suffix)) : control,
      error,
    );
  });

  const submit_button = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submit);
  const close_button = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: title_id }, title),
    intro,
    field_nodes,
    form_error,
    h('div', { class: 'dialog-actions' }, submit_button, close_button),
  );
  const dialog = h('dialog', { 'aria-labelledby': title_id, class: 'form-dialog' }, form);

  const clear_errors = () => {
    form_error.hidden = true;
    form_error.textContent = '';
    for (const [name, error] of field_errors) {
      error.hidden = true;
      error.textContent = '';
      inputs.get(name).removeAttribute('aria-invalid');
    }
  };
  const show_error = (message, field) => {
    const name = fields.find((f) => f.name === field || f.api_field === field)?.name;
    if (name) {
      const error = field_errors.get(name);
      error.textContent = message;
      error.hidden = false;
      const input = inputs.get(name);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    form_error.textContent = message;
    form_error.hidden = false;
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(value);
    };
    close_button.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', () => finish(null));
    dialog.addEventListener('close', () => finish(null));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (submit_button.disabled) return;
      clear_errors();
      const values = Object.fromEntries([...inputs].map(([name, input]) => [name, input.value.trim()]));
      for (const field of fields) {
        if (field.required && !values[field.name]) {
          show_error(`Enter the ${field.label.toLowerCase()}.`, field.name);
          return;
        }
      }
      const invalid = validate ? validate(values) : null;
      if (invalid) {
        show_error(invalid.message, invalid.field);
        return;
      }
      submit_button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        const result = await action(values);
        finish(result ?? true);
      } catch (error) {
        // The shell has already gone back to sign-in.
        if (error instanceof unauthorized_error) return finish(null);
        const at_input = fields.some((f) => f.name === error.field || f.api_field === error.field);
        show_error(at_input && error.detail ? error.detail : error.message || String(error), error.field);
      } finally {
        submit_button.disabled = false;
        form.removeAttribute('aria-busy');
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = fields.length ? inputs.get(fields[0].name) : submit_button;
    first.focus();
    if (first.select && first.value) first.select();
  });
}
