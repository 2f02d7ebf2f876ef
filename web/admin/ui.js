// The dashboard's own pieces, built with the shared h() (../shared/dom.js):
// dates, status badges, notices, fact lists and the dialog form.

import { h, uid } from '../shared/dom.js';
import { adminFieldSentence, adminSentence } from '../shared/problems.js';
import { isUnauthorized } from './session.js';

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnlyFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** An RFC 3339 instant as a <time> in the admin's local time. */
export function timeElement(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h('time', { datetime: iso, title: iso }, dateTimeFormat.format(date));
}

/** A calendar date (YYYY-MM-DD) as a <time>. */
export function dateElement(day) {
  if (!day) return '—';
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return h('time', { datetime: day }, dateOnlyFormat.format(date));
}

export const statuses = ['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'];

export const statusLabel = (status) =>
  status ? status[0].toUpperCase() + status.slice(1).replace(/_/g, ' ') : '—';

export const statusBadge = (status) => h('span', { class: `badge status-${status}` }, statusLabel(status));

/** Words for a snake_case code nobody gave a label: "order_not_pending" → "Order not pending". */
export const humanize = (code) => (code ? statusLabel(String(code)) : '—');

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
export const errorBox = (message) => h('p', { class: 'error', role: 'alert' }, message);

/** A part of a page under its own heading, named by it for assistive technology. */
export function section(title, ...content) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** A definition list from [term, value] pairs; values may be nodes. */
export function detailsList(pairs, props = {}) {
  return h(
    'dl',
    { class: 'facts', ...props },
    pairs.filter(Boolean).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'))),
  );
}

/**
 * A modal <dialog> form. `fields` are {name, label, type, value, required, hint,
 * multiline, apiField, inputmode, suffix, min, spellcheck, autocomplete}; `submit`
 * names the submit button; `validate(values)` may answer {field, message};
 * `action(values)` does the work and may throw an ApiError (its `field` is shown
 * at that input) or an Error with a `field`. Resolves to what `action` answered,
 * or null when the admin closes the dialog.
 */
export function formDialog({ title, intro = [], fields = [], submit, validate, action, danger = false }) {
  const opener = document.activeElement;
  const titleId = uid('dialog-title');
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const inputs = new Map();
  const fieldErrors = new Map();

  const fieldNodes = fields.map((field) => {
    const id = uid(`field-${field.name}`);
    const hintId = field.hint ? `${id}-hint` : null;
    const errorId = `${id}-error`;
    const controlProps = {
      id,
      name: field.name,
      'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
      autocomplete: field.autocomplete || 'off',
      inputmode: field.inputmode,
      min: field.min,
      'aria-required': field.required ? 'true' : null,
      spellcheck: field.spellcheck === undefined ? null : String(field.spellcheck),
    };
    const control = field.multiline
      ? h('textarea', { ...controlProps, rows: 4 })
      : h('input', { ...controlProps, type: field.type || 'text' });
    control.value = field.value ?? '';
    // role=alert: read out when it appears, also to someone whose focus is elsewhere.
    const error = h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true });
    fieldErrors.set(field.name, error);
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
      field.hint ? h('p', { class: 'hint', id: hintId }, field.hint) : null,
      field.suffix ? h('div', { class: 'with-suffix' }, control, h('span', { 'aria-hidden': 'true' }, field.suffix)) : control,
      error,
    );
  });

  const submitButton = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submit);
  const closeButton = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: titleId }, title),
    h('div', { id: `${titleId}-intro` }, intro),
    fieldNodes,
    formError,
    h('div', { class: 'dialog-actions' }, submitButton, closeButton),
  );
  // The intro says what the step does; read with the title when the dialog opens.
  const dialog = h('dialog', { 'aria-labelledby': titleId, 'aria-describedby': `${titleId}-intro`, class: 'form-dialog' }, form);

  const clearErrors = () => {
    formError.hidden = true;
    formError.textContent = '';
    for (const [name, error] of fieldErrors) {
      error.hidden = true;
      error.textContent = '';
      inputs.get(name).removeAttribute('aria-invalid');
    }
  };
  const fieldNamed = (name) => (name ? fields.find((f) => f.name === name || f.apiField === name) : undefined);
  const showError = (message, fieldName) => {
    const name = fieldNamed(fieldName)?.name;
    if (name) {
      const error = fieldErrors.get(name);
      error.textContent = message;
      error.hidden = false;
      const input = inputs.get(name);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    formError.textContent = message;
    formError.hidden = false;
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
    closeButton.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', () => finish(null));
    dialog.addEventListener('close', () => finish(null));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (submitButton.disabled) return;
      clearErrors();
      const values = Object.fromEntries([...inputs].map(([name, input]) => [name, input.value.trim()]));
      for (const field of fields) {
        if (field.required && !values[field.name]) {
          showError(`Enter the ${field.label.toLowerCase()}.`, field.name);
          return;
        }
      }
      const invalid = validate ? validate(values) : null;
      if (invalid) {
        showError(invalid.message, invalid.field);
        return;
      }
      submitButton.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        const result = await action(values);
        finish(result ?? true);
      } catch (error) {
        // The shell has already gone back to sign-in.
        if (isUnauthorized(error)) return finish(null);
        showError(fieldNamed(error.field) ? adminFieldSentence(error) : adminSentence(error), error.field);
      } finally {
        submitButton.disabled = false;
        form.removeAttribute('aria-busy');
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    // A dangerous step with nothing to fill in starts on Close: Enter alone must not do it.
    const first = fields.length ? inputs.get(fields[0].name) : danger ? closeButton : submitButton;
    first.focus();
    if (first.select && first.value) first.select();
  });
}
