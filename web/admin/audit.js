// The audit log: every admin call (reads included), sign-ins and refusals,
// newest first, filtered by who and what.

import { fill, h, uid } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { get, isUnauthorized } from './session.js';
import { errorBox, timeElement } from './ui.js';

const PAGE = 50;

function query(filters, before) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.action) params.set('action', filters.action);
  if (before) params.set('before', String(before));
  return `/admin/api/audit?${params}`;
}

function row(entry) {
  const refused = entry.outcome >= 400;
  return h(
    'tr',
    {},
    h('td', {}, timeElement(entry.at)),
    h('th', { scope: 'row' }, entry.actor),
    h('td', {}, entry.action),
    h('td', {}, entry.target || '—'),
    h('td', {}, entry.client),
    h('td', { class: refused ? 'error' : '' }, String(entry.outcome)),
  );
}

export async function render(main, _params, { isCurrent }) {
  const filters = { actor: '', action: '' };
  const field = (label, name) => {
    const id = uid(`audit-${name}`);
    const input = h('input', { id, name, type: 'search' });
    return { input, row: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  };
  const actor = field('Who (exact)', 'actor');
  const action = field('What contains', 'action');
  const body = h('tbody', {});
  const status = h('p', { role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older entries');
  let next = null;

  async function load(append) {
    status.textContent = 'Loading…';
    let page;
    try {
      page = await get(query(filters, append ? next : null));
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      status.textContent = '';
      fill(body);
      body.append(h('tr', {}, h('td', { colspan: '6' }, errorBox(`The audit log could not be loaded. ${adminSentence(error)}`))));
      return;
    }
    if (!isCurrent()) return;
    if (!append) fill(body);
    for (const entry of page.entries) body.append(row(entry));
    next = page.next_before;
    more.hidden = next === null;
    status.textContent = body.children.length ? `${body.children.length} entries shown.` : 'No entries match.';
  }

  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' },
    actor.row,
    action.row,
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filters.actor = actor.input.value.trim();
    filters.action = action.input.value.trim();
    load(false);
  });
  more.addEventListener('click', () => load(true));

  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Audit log'),
    h('p', {}, 'Every call to the admin API, reads included, with who made it, from where and how it was answered.'),
    form,
    status,
    h(
      'table',
      { class: 'data' },
      h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'On', 'From', 'Answer'].map((l) => h('th', { scope: 'col' }, l)))),
      body,
    ),
    more,
  );
  await load(false);
}
