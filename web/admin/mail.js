// Emails that failed every attempt, and emails whose sender stopped mid-send
// (they may have gone out), each with a Retry that queues it again.

import { fill, h, hiddenText } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { get, isUnauthorized, post } from './session.js';
import { announce, errorBox, humanize, timeElement } from './ui.js';

const KINDS = {
  order_confirmation: 'Order confirmation',
  new_order_admin: 'New order (to the shop)',
  payment_received: 'Payment received',
  payment_reminder: 'Payment reminder',
  shipping: 'Shipping notice',
  order_cancelled: 'Cancellation',
  review_request: 'Review request',
  contact_customer: 'Message to the customer',
  refund_due: 'Refund due (asks for an address)',
  refund_address_received: 'Refund address received',
  refund_sent: 'Refund sent',
};
const kindLabel = (kind) => KINDS[kind] || humanize(kind);

export async function render(main, _params, { isCurrent }) {
  const list = h('div', { class: 'results', 'aria-busy': 'true' });
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Dead mail'),
    h('p', {}, 'Emails that failed every delivery attempt: fix the cause (the last error says what went wrong), then retry. Also emails marked “may have been sent”: a node stopped while sending them, so they are not sent again unless you retry.'),
    list,
  );
  let answer;
  try {
    answer = await get('/admin/api/mail/dead');
  } catch (error) {
    if (isUnauthorized(error) || !isCurrent()) return;
    fill(list, errorBox(`The dead mail could not be loaded. ${adminSentence(error)}`));
    list.removeAttribute('aria-busy');
    return;
  }
  if (!isCurrent()) return;
  list.removeAttribute('aria-busy');
  const messages = answer.messages || [];
  if (messages.length === 0) {
    fill(list, h('p', { class: 'empty' }, 'No dead mail. Every email was delivered or is still being tried.'));
    return;
  }
  const rows = messages.map((m) => {
    const outcome = h('span', {});
    const retry = h('button', { type: 'button', class: 'secondary', onClick: () => retryMessage() },
      'Retry', hiddenText(`: ${kindLabel(m.kind)}, email ${m.id}`));
    async function retryMessage() {
      retry.disabled = true;
      try {
        await post(`/admin/api/mail/${encodeURIComponent(m.id)}/retry`, {});
        fill(outcome, 'Queued again.');
        retry.remove();
        announce(`${kindLabel(m.kind)} email ${m.id} is queued again.`);
      } catch (error) {
        if (isUnauthorized(error)) return;
        retry.disabled = false;
        fill(outcome, h('span', { class: 'error', role: 'alert' }, error.status === 404 ? 'It is no longer waiting for you (already retried?).' : adminSentence(error)));
      }
    }
    return h(
      'tr',
      {},
      h('td', {}, timeElement(m.created_at)),
      h('th', { scope: 'row' }, kindLabel(m.kind)),
      h('td', {}, m.order_id ? h('a', { href: `#/orders/${m.order_id}` }, 'Open the order', hiddenText(` ${m.order_id}`)) : '—'),
      h('td', { class: 'number' }, m.attempts),
      h('td', {}, m.status === 'uncertain' ? h('strong', {}, 'May have been sent. ') : null, m.last_error || '—'),
      h('td', {}, retry, outcome),
    );
  });
  fill(
    list,
    h(
      'table',
      { class: 'data' },
      h('caption', {}, 'Dead mail, newest first'),
      h('thead', {}, h('tr', {}, ['Queued', 'Email', 'Order', 'Attempts', 'Last error', 'Action'].map((label) => h('th', { scope: 'col', class: label === 'Attempts' ? 'number' : null }, label)))),
      h('tbody', {}, rows),
    ),
  );
}
