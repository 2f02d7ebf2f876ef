// The five KPIs (docs/KPIS.md) over a date range, as tiles, and the daily orders and
// revenue as a plain SVG bar chart (with the same figures as a table).

import { queryString } from '../shared/api.js';
import { fill, h, uid } from '../shared/dom.js';
import { formatCents } from '../shared/money.js';
import { adminFieldSentence, adminSentence } from '../shared/problems.js';
import { get, isUnauthorized } from './session.js';
import { dateElement } from './ui.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const isoDay = (date) => {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

// The range chosen last, kept while the admin moves between sections.
const state = (() => {
  const to = new Date();
  const from = new Date(to);
  from.setDate(from.getDate() - 29);
  return { from: isoDay(from), to: isoDay(to) };
})();

const percent = (rate) => (rate === null || rate === undefined ? 'No data' : `${(rate * 100).toFixed(1)} %`);

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function hours(value) {
  if (value === null || value === undefined) return 'No data';
  if (value < 1 / 60) return 'under a minute';
  if (value < 1) return `${Math.round(value * 60)} min`;
  if (value < 48) return `${value.toFixed(1)} h`;
  return `${(value / 24).toFixed(1)} days`;
}

export async function render(main, _params, { isCurrent }) {
  const fromId = uid('kpi-from');
  const toId = uid('kpi-to');
  const from = h('input', { id: fromId, type: 'date', name: 'from', required: true });
  const to = h('input', { id: toId, type: 'date', name: 'to', required: true });
  from.value = state.from;
  to.value = state.to;
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'filters', novalidate: true, 'aria-label': 'Date range' },
    h('div', { class: 'field' }, h('label', { for: fromId }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: toId }, 'To'), to),
    h('button', { type: 'submit', class: 'primary' }, 'Show'),
    formError,
  );
  const results = h('div', { class: 'results' });
  fill(main, h('h1', { tabindex: '-1' }, 'KPIs'), form, results);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    formError.hidden = true;
    for (const input of [from, to]) input.removeAttribute('aria-invalid');
    const invalid = (input, message) => {
      formError.textContent = message;
      formError.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    };
    if (!from.value) return invalid(from, 'Choose the first day (From).');
    if (!to.value) return invalid(to, 'Choose the last day (To).');
    if (from.value > to.value) return invalid(to, 'To must be on or after From.');
    state.from = from.value;
    state.to = to.value;
    load();
  });

  async function load() {
    results.setAttribute('aria-busy', 'true');
    let report;
    try {
      report = await get(`/admin/api/kpis${queryString({ from: state.from, to: state.to })}`);
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      results.removeAttribute('aria-busy');
      if (error.status === 422) {
        // The range itself was refused: say so at the date it is about.
        fill(results);
        formError.textContent = adminFieldSentence(error);
        formError.hidden = false;
        const input = error.field === 'to' ? to : from;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      fill(
        results,
        h(
          'div',
          { class: 'unavailable', role: 'alert' },
          h('h2', {}, 'KPIs unavailable'),
          h('p', {}, error.status === 404 ? 'This engine does not report KPIs yet.' : adminSentence(error)),
        ),
      );
      return;
    }
    if (!isCurrent()) return;
    results.removeAttribute('aria-busy');
    fill(results, tiles(report), chartSection(report.daily || []));
  }

  await load();
}

function tiles(r) {
  const pt = r.processing_time || {};
  const tile = (label, value, note) =>
    h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, h('span', { class: 'value' }, value), note ? h('span', { class: 'note' }, note) : null));
  return h(
    'section',
    { 'aria-labelledby': 'kpi-tiles-heading' },
    h('h2', { id: 'kpi-tiles-heading' }, 'From ', dateElement(r.from), ' to ', dateElement(r.to)),
    h(
      'dl',
      { class: 'kpi-tiles' },
      tile('Orders', String(r.orders ?? 0), `${plural(r.checkouts_started ?? 0, 'checkout')} started`),
      tile('Completion rate', percent(r.completion_rate), 'Orders per checkout started'),
      tile('Payment success rate', percent(r.payment_success_rate), 'Orders paid the correct amount'),
      tile(
        'Processing time',
        hours(pt.median_hours),
        pt.count ? `Median, paid to shipped; 90th percentile ${hours(pt.p90_hours)}; ${plural(pt.count, 'order')}` : 'No order shipped in the range',
      ),
      tile('Review rate', percent(r.review_rate), 'Reviews per delivered order'),
      tile('Average order value', r.average_order_value_cents === null || r.average_order_value_cents === undefined ? 'No data' : formatCents(r.average_order_value_cents), 'Mean total of paid orders'),
    ),
  );
}

/** A round axis maximum: 1, 2 or 5 times a power of ten, at least `value`. */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function chartSection(daily) {
  const headingId = 'kpi-chart-heading';
  if (daily.length === 0) {
    return h('section', { 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Orders and revenue per day'), h('p', { class: 'empty' }, 'No days in the range.'));
  }
  const totalOrders = daily.reduce((sum, d) => sum + (d.orders || 0), 0);
  const totalRevenue = daily.reduce((sum, d) => sum + (d.revenue_cents || 0), 0);
  return h(
    'section',
    { 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Orders and revenue per day'),
    h('div', { class: 'legend', 'aria-hidden': 'true' }, h('span', { class: 'swatch revenue' }), 'Revenue (paid orders)', h('span', { class: 'swatch orders' }), 'Orders placed'),
    chart(daily, `Daily revenue and orders, ${daily[0].date} to ${daily[daily.length - 1].date}: ${plural(totalOrders, 'order')}, ${formatCents(totalRevenue)} revenue in total. The table below has each day.`),
    h(
      'details',
      {},
      h('summary', {}, 'Each day as a table'),
      h(
        'table',
        { class: 'data' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col', class: 'number' }, 'Orders'), h('th', { scope: 'col', class: 'number' }, 'Revenue'))),
        h('tbody', {}, daily.map((d) => h('tr', {}, h('th', { scope: 'row' }, dateElement(d.date)), h('td', { class: 'number' }, d.orders), h('td', { class: 'number' }, formatCents(d.revenue_cents))))),
      ),
    ),
  );
}

function chart(daily, label) {
  const width = 760;
  const height = 280;
  const margin = { top: 16, right: 48, bottom: 40, left: 72 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const revenueMax = niceMax(Math.max(...daily.map((d) => d.revenue_cents || 0)));
  const ordersMax = niceMax(Math.max(...daily.map((d) => d.orders || 0)));
  const slot = plotW / daily.length;
  const barW = Math.max(1, slot * 0.7);
  const yRevenue = (cents) => margin.top + plotH - (cents / revenueMax) * plotH;
  const yOrders = (n) => margin.top + plotH - (n / ordersMax) * plotH;
  const xCenter = (i) => margin.left + slot * i + slot / 2;

  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = margin.top + plotH - f * plotH;
    return svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y }),
      svg('text', { x: margin.left - 8, y: y + 4, 'text-anchor': 'end' }, formatCents(Math.round(revenueMax * f)).replace(/\.00$/, '')),
      svg('text', { x: width - margin.right + 8, y: y + 4, 'text-anchor': 'start' }, Number.isInteger(ordersMax * f) ? ordersMax * f : ''),
    );
  });

  const bars = daily.map((d, i) => {
    const y = yRevenue(d.revenue_cents || 0);
    return svg(
      'rect',
      { class: 'bar', x: xCenter(i) - barW / 2, y, width: barW, height: margin.top + plotH - y },
      svg('title', {}, `${d.date}: ${plural(d.orders, 'order')}, ${formatCents(d.revenue_cents)}`),
    );
  });

  const line = svg('polyline', { class: 'orders-line', points: daily.map((d, i) => `${xCenter(i)},${yOrders(d.orders || 0)}`).join(' ') });
  const dots = daily.map((d, i) => svg('circle', { class: 'orders-dot', cx: xCenter(i), cy: yOrders(d.orders || 0), r: daily.length > 60 ? 1.5 : 3 }));

  // At most about eight date labels, always the first and the last day.
  const every = Math.max(1, Math.ceil(daily.length / 8));
  const labels = daily.map((d, i) =>
    (i % every === 0 && daily.length - 1 - i >= every / 2) || i === daily.length - 1
      ? svg('text', { class: 'x-label', x: xCenter(i), y: height - margin.bottom + 18, 'text-anchor': 'middle' }, d.date.slice(5))
      : null,
  );

  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'xMidYMid meet' },
    grid,
    bars,
    line,
    dots,
    labels,
    svg('text', { class: 'axis-title', x: 12, y: margin.top + plotH / 2, transform: `rotate(-90 12 ${margin.top + plotH / 2})`, 'text-anchor': 'middle' }, 'Revenue'),
    svg('text', { class: 'axis-title', x: width - 8, y: margin.top + plotH / 2, transform: `rotate(90 ${width - 8} ${margin.top + plotH / 2})`, 'text-anchor': 'middle' }, 'Orders'),
  );
}
