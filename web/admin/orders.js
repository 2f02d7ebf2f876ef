// The orders list: newest first, search by order number (or a customer's email),
// a status filter, and keyset paging with Next / Previous.

import { get, query, unauthorized_error } from './api.js';
import { error_box, fill, h, hidden_text, next_id, status_badge, status_label, statuses, time_element } from './dom.js';
import { format_cents } from './money.js';

const page_size = 20;

// Kept across visits so that going back from an order returns to the same page.
const state = { q: '', status: '', cursors: [null] };

// Order numbers are stored upper-case and searched by prefix; emails are matched as typed.
function normalize_search(text) {
  const trimmed = text.trim();
  return trimmed.includes('@') ? trimmed : trimmed.toUpperCase();
}

export async function render(main, _params, { is_current }) {
  const search_id = next_id('search');
  const status_id = next_id('status');
  const search = h('input', {
    id: search_id,
    type: 'search',
    name: 'q',
    value: state.q,
    placeholder: 'CCC-000123 or ada@example.com',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${search_id}-hint`,
  });
  const status = h(
    'select',
    { id: status_id, name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    statuses.map((s) => h('option', { value: s }, status_label(s))),
  );
  status.value = state.status;
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find orders' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: search_id }, 'Search'),
      search,
      h('p', { class: 'hint', id: `${search_id}-hint` }, 'An order number (or its start) or a customer’s exact email.'),
    ),
    h('div', { class: 'field' }, h('label', { for: status_id }, 'Status'), status),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  const results = h('div', { class: 'results' });
  fill(main, h('h1', { tabindex: '-1' }, 'Orders'), filters, results);

  const restart = () => {
    state.q = normalize_search(search.value);
    state.status = status.value;
    state.cursors = [null];
    load();
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    restart();
  });
  status.addEventListener('change', restart);

  async function load() {
    results.setAttribute('aria-busy', 'true');
    const cursor = state.cursors[state.cursors.length - 1];
    let page;
    try {
      page = await get(`/admin/api/orders${query({ q: state.q, status: state.status, limit: page_size, cursor })}`);
    } catch (error) {
      if (error instanceof unauthorized_error || !is_current()) return;
      fill(results, error_box(`The orders could not be loaded. ${error.message}`));
      results.removeAttribute('aria-busy');
      return;
    }
    if (!is_current()) return;
    results.removeAttribute('aria-busy');
    fill(results, orders_table(page.orders), pager(page.next_cursor));
  }

  function orders_table(list) {
    const filtered = state.q || state.status;
    if (list.length === 0) {
      return h('p', { class: 'empty' }, filtered ? 'No orders match.' : 'No orders yet.');
    }
    const page_number = state.cursors.length;
    return h(
      'table',
      { class: 'data orders' },
      h('caption', {}, `Orders, newest first${filtered ? ' (filtered)' : ''}, page ${page_number}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Order', 'Status', 'Payment', 'Total', 'Placed', 'Updated'].map((label) =>
            h('th', { scope: 'col', class: label === 'Total' ? 'number' : null }, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((o) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `#/orders/${o.id}` }, o.number)),
            h('td', {}, status_badge(o.status)),
            h('td', {}, o.payment_method),
            h('td', { class: 'number' }, format_cents(o.total_cents)),
            h('td', {}, time_element(o.created_at)),
            h('td', {}, time_element(o.updated_at)),
          ),
        ),
      ),
    );
  }

  function pager(next_cursor) {
    const previous = h('button', { type: 'button', class: 'secondary', disabled: state.cursors.length === 1 }, 'Previous');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !next_cursor }, 'Next');
    previous.addEventListener('click', () => {
      state.cursors.pop();
      load().then(() => focus_first_link());
    });
    next.addEventListener('click', () => {
      state.cursors.push(next_cursor);
      load().then(() => focus_first_link());
    });
    return h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of orders' },
      previous,
      h('span', {}, `Page ${state.cursors.length}`, hidden_text(next_cursor ? '' : ', the last')),
      next,
    );
  }

  // After paging the pressed button may be disabled; the first order is a good place to land.
  function focus_first_link() {
    const link = results.querySelector('tbody a');
    if (link) link.focus();
  }

  await load();
}
