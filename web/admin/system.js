// The engine's supervision tree, actors, queues and chain watchers, for a quick look.

import { fill, h } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { get, isUnauthorized } from './session.js';
import { detailsList, errorBox, humanize, timeElement } from './ui.js';

export async function render(main, _params, { isCurrent }) {
  fill(main, h('h1', { tabindex: '-1' }, 'System'), h('p', { 'aria-busy': 'true' }, 'Loading…'));
  let s;
  try {
    s = await get('/admin/api/system');
  } catch (error) {
    if (isUnauthorized(error) || !isCurrent()) return;
    fill(main, h('h1', { tabindex: '-1' }, 'System'), errorBox(`The system status could not be loaded. ${adminSentence(error)}`));
    return;
  }
  if (!isCurrent()) return;
  const supervisor = s.supervisor || {};
  const counters = (title, values) =>
    values && typeof values === 'object'
      ? h('section', {}, h('h2', {}, title), detailsList(Object.entries(values).map(([k, v]) => [humanize(k), String(v)]), { class: 'facts tiles' }))
      : null;
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'System'),
    h('p', { class: supervisor.healthy ? 'ok' : 'error' }, supervisor.healthy ? 'The supervision tree is healthy.' : 'The supervision tree is NOT healthy.'),
    h(
      'section',
      {},
      h('h2', {}, 'Supervised services'),
      h(
        'table',
        { class: 'data' },
        h('caption', {}, `Restart strategy: ${humanize(supervisor.strategy)}`),
        h('thead', {}, h('tr', {}, ['Service', 'State', 'Restarts', 'Last error'].map((l) => h('th', { scope: 'col' }, l)))),
        h(
          'tbody',
          {},
          (supervisor.children || []).map((c) =>
            h('tr', {}, h('th', { scope: 'row' }, humanize(c.name)), h('td', {}, humanize(c.state)), h('td', {}, c.restarts), h('td', {}, c.last_error || '—')),
          ),
        ),
      ),
    ),
    (s.watchers || []).length
      ? h(
          'section',
          {},
          h('h2', {}, 'Chain watchers'),
          h(
            'table',
            { class: 'data' },
            h('thead', {}, h('tr', {}, ['Coin', 'State', 'Height', 'Last poll', 'Polls', 'Failures', 'Addresses', 'Payments followed', 'Last error'].map((l) => h('th', { scope: 'col' }, l)))),
            h(
              'tbody',
              {},
              s.watchers.map((w) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, w.coin),
                  h('td', {}, humanize(w.state)),
                  h('td', {}, w.height ?? '—'),
                  h('td', {}, timeElement(w.last_poll_at)),
                  h('td', {}, w.polls ?? '—'),
                  h('td', {}, w.failures ?? '—'),
                  h('td', {}, w.addresses || '—'),
                  h('td', {}, w.followed ?? '—'),
                  h('td', {}, w.last_error || '—'),
                ),
              ),
            ),
          ),
        )
      : h('section', {}, h('h2', {}, 'Chain watchers'), h('p', {}, 'No chain watcher configured: every payment is verified by the admin or the CSV import.')),
    h('div', { class: 'columns' }, counters('Order actors', s.order_actors), counters('Journal', s.journal), counters('Payments', s.payments), counters('Timers', s.timers)),
  );
}
