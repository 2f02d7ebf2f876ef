// Refunds the shop owes (GET /admin/api/refunds): each order with what is due,
// what was sent and what is still owed, newest first, a page at a time. The
// refund itself is sent from the wallet by hand and recorded on the order page.

import { fill, h, hiddenText } from '../shared/dom.js';
import { formatAtomic } from '../shared/money.js';
import { adminSentence } from '../shared/problems.js';
import { REFUND_STATES } from './order_refund.js';
import { get, isUnauthorized } from './session.js';
import { errorBox, humanize, statusBadge, timeElement } from './ui.js';

const FILTERS = [
  ['owed', 'Owed'],
  ['due', 'Waiting for an address'],
  ['requested', 'Ready to send'],
  ['refunded', 'Refunded'],
];

export async function render(main, params, { isCurrent }) {
  const state = new URLSearchParams(location.hash.split('?')[1] || '').get('state') || 'owed';
  const list = h('div', { class: 'results', 'aria-busy': 'true' });
  const filter = h(
    'p',
    { class: 'filters' },
    FILTERS.map(([value, label], i) => [
      i ? ' · ' : '',
      value === state ? h('strong', { 'aria-current': 'true' }, label) : h('a', { href: `#/refunds?state=${value}` }, label),
    ]),
  );
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Refunds'),
    h('p', {}, 'What the shop owes back to customers (overpaid, or paid and cancelled). Send each refund from the wallet, then record it on the order page.'),
    filter,
    list,
  );
  const rows = [];
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  let cursor = null;

  async function loadPage() {
    let answer;
    try {
      const query = new URLSearchParams({ state, limit: '50' });
      if (cursor) query.set('cursor', cursor);
      answer = await get(`/admin/api/refunds?${query}`);
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      fill(list, errorBox(`The refunds could not be loaded. ${adminSentence(error)}`));
      list.removeAttribute('aria-busy');
      return;
    }
    if (!isCurrent()) return;
    list.removeAttribute('aria-busy');
    for (const r of answer.refunds || []) {
      const amount = (atomic) => formatAtomic(atomic, r.decimals, r.payment_method);
      const row = h(
        'tr',
        {},
        h('th', { scope: 'row' }, h('a', { href: `#/orders/${r.order_id}` }, r.order_number, hiddenText(' (open the order)'))),
        h('td', {}, statusBadge(r.status)),
        h('td', {}, REFUND_STATES[r.state] || humanize(r.state)),
        h('td', { class: 'number' }, amount(r.due_atomic)),
        h('td', { class: 'number' }, amount(r.refunded_atomic)),
        h('td', { class: 'number' }, amount(r.outstanding_atomic)),
        h('td', {}, timeElement(r.updated_at)),
      );
      rows.push(row);
      tbody.append(row);
    }
    cursor = answer.next_cursor || null;
    more.hidden = !cursor;
    if (rows.length === 0) {
      fill(list, h('p', { class: 'empty' }, state === 'refunded' ? 'No refund was sent yet.' : 'No refund is owed.'));
      return;
    }
    if (!list.contains(tbody))
      fill(
        list,
        h(
          'table',
          { class: 'data' },
          h('caption', {}, 'Refunds, newest order first'),
          h('thead', {}, h('tr', {}, ['Order', 'Status', 'Refund', 'Due', 'Refunded', 'Still due', 'Updated'].map((label) => h('th', { scope: 'col', class: ['Due', 'Refunded', 'Still due'].includes(label) ? 'number' : null }, label)))),
          tbody,
        ),
        more,
      );
  }
  more.addEventListener('click', () => loadPage());
  await loadPage();
}
