// Webhooks: register an endpoint (its signing secret is shown once), the
// endpoints with Delete, and the deliveries that failed every attempt, each with
// a Redeliver that sends it again under the same webhook-id.

import { fill, h, hiddenText, uid } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { del, get, isUnauthorized, post } from './session.js';
import { announce, errorBox, humanize, section, timeElement } from './ui.js';

const eventsText = (events) => (events.length === 1 && events[0] === '*' ? 'Every order event' : events.map(humanize).join(', '));

function registerForm(onRegistered) {
  const urlId = uid('webhook-url');
  const eventsId = uid('webhook-events');
  const url = h('input', { id: urlId, name: 'url', type: 'url', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${urlId}-hint` });
  const events = h('input', { id: eventsId, name: 'events', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${eventsId}-hint` });
  events.value = '*';
  const personalId = uid('webhook-personal');
  const personal = h('input', { id: personalId, name: 'include_personal_data', type: 'checkbox', 'aria-describedby': `${personalId}-hint` });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const shown = h('div', {});
  const button = h('button', { type: 'submit', class: 'primary' }, 'Register');
  const form = h(
    'form',
    { class: 'webhook-register', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: urlId }, 'Endpoint URL'),
      h('p', { class: 'hint', id: `${urlId}-hint` }, 'Where the shop POSTs each event, e.g. https://hooks.example.com/ccc.'), url),
    h('div', { class: 'field' }, h('label', { for: eventsId }, 'Events'),
      h('p', { class: 'hint', id: `${eventsId}-hint` }, '* for every order event, or event types separated by commas: order_placed, payment_verified, order_shipped, …'), events),
    h('div', { class: 'field' }, h('label', { for: personalId }, personal, ' Include the customer\'s name, email and shipping address'),
      h('p', { class: 'hint', id: `${personalId}-hint` }, 'Only for a service that must have them (a fulfilment partner), and name it on the privacy page first. Without it, payloads carry the order number and status.')),
    error,
    h('div', { class: 'dialog-actions' }, button),
    shown,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const list = events.value.split(',').map((e) => e.trim()).filter(Boolean);
    button.disabled = true;
    try {
      const created = await post('/admin/api/webhooks', { url: url.value.trim(), events: list, include_personal_data: personal.checked });
      fill(
        shown,
        h('p', { role: 'status' }, 'Registered. Copy the signing secret now: it is not shown again.'),
        h('p', {}, h('code', { class: 'secret', 'aria-label': 'Signing secret' }, created.secret)),
      );
      url.value = '';
      personal.checked = false;
      announce(`Webhook endpoint ${created.url} is registered.`);
      onRegistered();
    } catch (failure) {
      if (isUnauthorized(failure)) return;
      error.textContent = adminSentence(failure);
      error.hidden = false;
      const field = failure.field === 'events' ? events : url;
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** GETs `path` into `list` (busy meanwhile); the answer, or null once `list` shows why there is none. */
async function fetchInto(list, path, what, isCurrent) {
  list.setAttribute('aria-busy', 'true');
  let answer;
  try {
    answer = await get(path);
  } catch (error) {
    if (isUnauthorized(error) || !isCurrent()) return null;
    fill(list, errorBox(`The ${what} could not be loaded. ${adminSentence(error)}`));
    list.removeAttribute('aria-busy');
    return null;
  }
  if (!isCurrent()) return null;
  list.removeAttribute('aria-busy');
  return answer;
}

async function loadEndpoints(list, isCurrent) {
  const answer = await fetchInto(list, '/admin/api/webhooks', 'webhook endpoints', isCurrent);
  if (!answer) return;
  const endpoints = answer.webhooks || [];
  if (endpoints.length === 0) {
    fill(list, h('p', { class: 'empty' }, 'No webhook endpoints. Nothing is sent.'));
    return;
  }
  const rows = endpoints.map((e) => {
    const outcome = h('span', {});
    const remove = h('button', { type: 'button', class: 'secondary', onClick: () => removeEndpoint() },
      'Delete', hiddenText(`: ${e.url}`));
    async function removeEndpoint() {
      remove.disabled = true;
      try {
        await del(`/admin/api/webhooks/${encodeURIComponent(e.id)}`);
        announce(`Webhook endpoint ${e.url} is deleted.`);
        loadEndpoints(list, isCurrent);
      } catch (error) {
        if (isUnauthorized(error)) return;
        remove.disabled = false;
        fill(outcome, h('span', { class: 'error', role: 'alert' }, adminSentence(error)));
      }
    }
    return h('tr', {},
      h('th', { scope: 'row' }, e.url),
      h('td', {}, eventsText(e.events)),
      h('td', {}, e.include_personal_data ? 'Name, email, address' : 'None'),
      h('td', {}, timeElement(e.created_at)),
      h('td', {}, remove, outcome));
  });
  fill(list, h('table', { class: 'data' },
    h('caption', {}, 'Webhook endpoints, oldest first'),
    h('thead', {}, h('tr', {}, ['URL', 'Events', 'Personal data', 'Registered', 'Action'].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows)));
}

async function loadFailed(list, isCurrent) {
  const answer = await fetchInto(list, '/admin/api/webhooks/deliveries?state=failed', 'failed deliveries', isCurrent);
  if (!answer) return;
  const deliveries = answer.deliveries || [];
  if (deliveries.length === 0) {
    fill(list, h('p', { class: 'empty' }, 'No failed deliveries. Every webhook was delivered or is still being tried.'));
    return;
  }
  const rows = deliveries.map((d) => {
    const outcome = h('span', {});
    const redeliver = h('button', { type: 'button', class: 'secondary', onClick: () => send() },
      'Redeliver', hiddenText(`: ${humanize(d.event_type)} to ${d.url}`));
    async function send() {
      redeliver.disabled = true;
      try {
        await post(`/admin/api/webhooks/deliveries/${encodeURIComponent(d.id)}/redeliver`, {});
        fill(outcome, 'Queued again.');
        redeliver.remove();
        announce(`${humanize(d.event_type)} to ${d.url} is queued again.`);
      } catch (error) {
        if (isUnauthorized(error)) return;
        redeliver.disabled = false;
        fill(outcome, h('span', { class: 'error', role: 'alert' }, error.status === 404 ? 'It is no longer failed (already redelivered?).' : adminSentence(error)));
      }
    }
    return h('tr', {},
      h('td', {}, timeElement(d.created_at)),
      h('th', { scope: 'row' }, humanize(d.event_type)),
      h('td', {}, h('a', { href: `#/orders/${d.order_id}` }, 'Open the order', hiddenText(` ${d.order_id}`))),
      h('td', {}, d.url),
      h('td', { class: 'number' }, d.attempts),
      h('td', {}, d.last_error || '—'),
      h('td', {}, redeliver, outcome));
  });
  fill(list, h('table', { class: 'data' },
    h('caption', {}, 'Failed webhook deliveries, newest first'),
    h('thead', {}, h('tr', {}, ['Event time', 'Event', 'Order', 'Endpoint', 'Attempts', 'Last error', 'Action']
      .map((label) => h('th', { scope: 'col', class: label === 'Attempts' ? 'number' : null }, label)))),
    h('tbody', {}, rows)));
}

export async function render(main, _params, { isCurrent }) {
  const endpoints = h('div', { class: 'results', 'aria-busy': 'true' });
  const failed = h('div', { class: 'results', 'aria-busy': 'true' });
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Webhooks'),
    h('p', {}, 'Each order event an endpoint subscribes to is POSTed to it, signed with its secret (Standard Webhooks). Payloads carry the order number and status; the customer\'s name, email and address go only to an endpoint registered with them included (docs/API.md).'),
    section('Register an endpoint', registerForm(() => loadEndpoints(endpoints, isCurrent))),
    section('Endpoints', endpoints),
    section('Failed deliveries', failed),
  );
  await Promise.all([loadEndpoints(endpoints, isCurrent), loadFailed(failed, isCurrent)]);
}
