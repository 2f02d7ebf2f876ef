// The orders list: newest first, search by order number (or a customer's email),
// a status filter, and keyset paging with Next / Previous. Above it, the
// customers' open erasure requests, the tasks waiting for the admin.

import { queryString } from '../shared/api.js';
import { fill, h, hiddenText, uid } from '../shared/dom.js';
import { formatCents } from '../shared/money.js';
import { adminSentence } from '../shared/problems.js';
import { erasureRequestsSection, openErasureRequests } from './erasure.js';
import { get, isUnauthorized } from './session.js';
import { errorBox, statusBadge, statusLabel, statuses, timeElement } from './ui.js';

const PAGE_SIZE = 20;

// Kept across visits so that going back from an order returns to the same page.
const state = { q: '', status: '', cursors: [null] };

// Order numbers are stored upper-case and searched by prefix; emails are matched as typed.
function normalizeSearch(text) {
  const trimmed = text.trim();
  return trimmed.includes('@') ? trimmed : trimmed.toUpperCase();
}

export async function render(main, _params, { isCurrent }) {
  const searchId = uid('search');
  const statusId = uid('status');
  const search = h('input', {
    id: searchId,
    type: 'search',
    name: 'q',
    value: state.q,
    placeholder: 'CCC-000123 or ada@example.com',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${searchId}-hint`,
  });
  const status = h(
    'select',
    { id: statusId, name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    statuses.map((s) => h('option', { value: s }, statusLabel(s))),
  );
  status.value = state.status;
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find orders' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: searchId }, 'Search'),
      search,
      h('p', { class: 'hint', id: `${searchId}-hint` }, 'An order number (or its start) or a customer’s exact email.'),
    ),
    h('div', { class: 'field' }, h('label', { for: statusId }, 'Status'), status),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  const results = h('div', { class: 'results' });
  const tasks = h('div', { class: 'task-list' });
  fill(main, h('h1', { tabindex: '-1' }, 'Orders'), tasks, filters, results);

  const restart = () => {
    state.q = normalizeSearch(search.value);
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
      page = await get(`/admin/api/orders${queryString({ q: state.q, status: state.status, limit: PAGE_SIZE, cursor })}`);
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      fill(results, errorBox(`The orders could not be loaded. ${adminSentence(error)}`));
      results.removeAttribute('aria-busy');
      return;
    }
    if (!isCurrent()) return;
    results.removeAttribute('aria-busy');
    fill(results, ordersTable(page.orders), pager(page.next_cursor));
  }

  function ordersTable(list) {
    const filtered = state.q || state.status;
    if (list.length === 0) {
      return h('p', { class: 'empty' }, filtered ? 'No orders match.' : 'No orders yet.');
    }
    const pageNumber = state.cursors.length;
    return h(
      'table',
      { class: 'data orders' },
      h('caption', {}, `Orders, newest first${filtered ? ' (filtered)' : ''}, page ${pageNumber}`),
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
            h('td', {}, statusBadge(o.status)),
            h('td', {}, o.payment_method),
            h('td', { class: 'number' }, formatCents(o.total_cents)),
            h('td', {}, timeElement(o.created_at)),
            h('td', {}, timeElement(o.updated_at)),
          ),
        ),
      ),
    );
  }

  function pager(nextCursor) {
    const previous = h('button', {
      type: 'button',
      class: 'secondary',
      disabled: state.cursors.length === 1,
      onClick: () => {
        state.cursors.pop();
        load().then(() => focusFirstLink());
      },
    }, 'Previous');
    const next = h('button', {
      type: 'button',
      class: 'secondary',
      disabled: !nextCursor,
      onClick: () => {
        state.cursors.push(nextCursor);
        load().then(() => focusFirstLink());
      },
    }, 'Next');
    return h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of orders' },
      previous,
      h('span', {}, `Page ${state.cursors.length}`, hiddenText(nextCursor ? '' : ', the last')),
      next,
    );
  }

  // After paging the pressed button may be disabled; the first order is a good place to land.
  function focusFirstLink() {
    const link = results.querySelector('tbody a');
    if (link) link.focus();
  }

  async function loadTasks() {
    let requests;
    try {
      requests = await openErasureRequests();
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      fill(tasks, errorBox(`The erasure requests could not be loaded. ${adminSentence(error)}`));
      return;
    }
    if (!isCurrent()) return;
    fill(tasks, erasureRequestsSection(requests));
  }

  // One after the other: a 401 on the first sends the admin to sign-in once.
  await load();
  if (isCurrent()) await loadTasks();
}
