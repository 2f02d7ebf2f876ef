// Payments the matcher could not tie to one order (assign or dismiss them) and the
// wallet CSV import that feeds the matcher.

import { api_error, call, get, post, query, unauthorized_error } from './api.js';
import {
  announce,
  details_list,
  error_box,
  fill,
  form_dialog,
  h,
  hidden_text,
  humanize,
  next_id,
  time_element,
} from './dom.js';
import { format_atomic } from './money.js';

const reasons = {
  no_reference_and_no_amount_match: 'No order reference, and no pending order asks this amount',
  several_candidates: 'Several pending orders ask this amount',
  conflicting_references: 'Its references point to different orders',
  order_cancelled: 'The order it belongs to is cancelled',
  order_not_pending: 'The order it belongs to is no longer waiting for payment',
  quote_expired: 'It arrived after the order’s quote expired',
  zero_amount: 'The amount is zero',
  underpaid_expired: 'The order was paid in part when its quote expired',
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Coin decimals come from the public catalog of payment methods; loaded once.
let decimals_by_coin = null;
async function coin_decimals() {
  if (decimals_by_coin) return decimals_by_coin;
  try {
    const methods = await get('/api/payment-methods');
    decimals_by_coin = Object.fromEntries(methods.map((m) => [m.code, m.decimals]));
  } catch {
    return {}; // amounts then show in atomic units; try again next time
  }
  return decimals_by_coin;
}

const state = { status: 'open' };

export async function render(main, _params, { is_current }) {
  const status_id = next_id('exception-status');
  const status = h(
    'select',
    { id: status_id },
    h('option', { value: 'open' }, 'Open'),
    h('option', { value: 'resolved' }, 'Resolved'),
    h('option', { value: 'dismissed' }, 'Dismissed'),
  );
  status.value = state.status;
  const list = h('div', { class: 'results' });
  const heading_id = next_id('exceptions-heading');
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Payments'),
    h(
      'section',
      { 'aria-labelledby': heading_id },
      h('h2', { id: heading_id }, 'Payment exceptions'),
      h('p', {}, 'Payments the matcher could not tie to exactly one order. Assign each to its order or dismiss it with a reason.'),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: status_id }, 'Show'), status)),
      list,
    ),
    import_section(() => load()),
  );
  status.addEventListener('change', () => {
    state.status = status.value;
    load();
  });

  async function load() {
    list.setAttribute('aria-busy', 'true');
    let answer;
    let decimals;
    try {
      [answer, decimals] = await Promise.all([get(`/admin/api/payments/exceptions${query({ status: state.status })}`), coin_decimals()]);
    } catch (error) {
      if (error instanceof unauthorized_error || !is_current()) return;
      fill(list, error_box(`The payment exceptions could not be loaded. ${error.message}`));
      list.removeAttribute('aria-busy');
      return;
    }
    if (!is_current()) return;
    list.removeAttribute('aria-busy');
    fill(list, exceptions_table(answer.exceptions || [], decimals, load));
  }

  await load();
}

function exceptions_table(exceptions, decimals, reload) {
  if (exceptions.length === 0) return h('p', { class: 'empty' }, `No ${state.status} payment exceptions.`);
  const open = state.status === 'open';
  return h(
    'table',
    { class: 'data exceptions' },
    h('caption', {}, `${humanize(state.status)} payment exceptions, newest first`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Transaction', 'Amount', 'Received', 'Memo', 'Why', 'Source', open ? 'Resolve' : 'Outcome'].map((label) =>
          h('th', { scope: 'col', class: label === 'Amount' ? 'number' : null }, label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      exceptions.map((x) =>
        h(
          'tr',
          { dataset: { txid: x.txid } },
          h('th', { scope: 'row' }, h('code', { class: 'wrap' }, x.txid)),
          h('td', { class: 'number' }, format_atomic(x.amount_atomic, decimals[x.coin], x.coin)),
          h('td', {}, time_element(x.received_at)),
          h('td', {}, x.memo ? h('code', {}, x.memo) : '—'),
          h('td', {}, reasons[x.reason] || humanize(x.reason)),
          h('td', {}, humanize(x.source)),
          h('td', {}, open ? resolve_buttons(x, decimals, reload) : outcome(x)),
        ),
      ),
    ),
  );
}

function outcome(x) {
  return details_list([
    [x.status === 'dismissed' ? 'Dismissed' : 'Resolved', time_element(x.resolved_at)],
    x.order_id ? ['Order', h('a', { href: `#/orders/${x.order_id}` }, 'Open the order')] : null,
    x.resolution ? ['Note', x.resolution] : null,
    x.resolved_by ? ['By', x.resolved_by] : null,
  ]);
}

function resolve_buttons(x, decimals, reload) {
  const amount = format_atomic(x.amount_atomic, decimals[x.coin], x.coin);
  const assign = h('button', { type: 'button', class: 'secondary' }, 'Assign', hidden_text(` payment ${x.txid}`));
  const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Dismiss', hidden_text(` payment ${x.txid}`));
  assign.addEventListener('click', async () => {
    const done = await form_dialog({
      title: 'Assign payment to an order',
      intro: h('p', {}, `${amount}, transaction `, h('code', { class: 'wrap' }, x.txid), '.'),
      fields: [
        {
          name: 'order',
          api_field: 'order_id',
          label: 'Order ID or number',
          required: true,
          spellcheck: false,
          hint: 'The order number (e.g. CCC-000123) or the order’s id.',
        },
      ],
      submit: 'Assign',
      action: async (values) => {
        const order_id = await order_id_of(values.order);
        return post(`/admin/api/payments/exceptions/${encodeURIComponent(x.id)}/assign`, { order_id });
      },
    });
    if (done) {
      announce(`Payment ${x.txid} assigned to its order.`);
      await reload();
    }
  });
  dismiss.addEventListener('click', async () => {
    const done = await form_dialog({
      title: 'Dismiss payment exception',
      intro: h('p', {}, `${amount}, transaction `, h('code', { class: 'wrap' }, x.txid), '. It stays on record as dismissed.'),
      fields: [{ name: 'reason', label: 'Reason', required: true, multiline: true, hint: 'Why this payment needs no order, e.g. “refunded to sender”.' }],
      submit: 'Dismiss',
      danger: true,
      action: (values) => post(`/admin/api/payments/exceptions/${encodeURIComponent(x.id)}/dismiss`, { reason: values.reason }),
    });
    if (done) {
      announce(`Payment ${x.txid} dismissed.`);
      await reload();
    }
  });
  return h('div', { class: 'row-actions' }, assign, dismiss);
}

/** An order id as typed, or the id of the order with the typed number. */
async function order_id_of(text) {
  const value = text.trim();
  if (uuid.test(value)) return value.toLowerCase();
  const number = value.toUpperCase();
  const page = await get(`/admin/api/orders${query({ q: number, limit: 10 })}`);
  const found = (page.orders || []).find((o) => o.number === number);
  if (!found) throw new api_error(`No order has the number ${number}.`, { field: 'order_id' });
  return found.id;
}

function import_section(after_import) {
  const heading_id = next_id('import-heading');
  const file_id = next_id('wallet-csv');
  const file = h('input', { id: file_id, type: 'file', name: 'file', accept: '.csv,text/csv', 'aria-describedby': `${file_id}-hint` });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'import', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: file_id }, 'Wallet CSV'),
      h('p', { class: 'hint', id: `${file_id}-hint` }, 'The wallet’s export, with the header txid,coin,amount,received_at,memo. Importing a file again counts nothing twice.'),
      file,
    ),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      fill(result, error_box('Choose the wallet’s CSV file first.'));
      file.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    fill(result, h('p', {}, `Importing ${chosen.name}…`));
    try {
      const answer = await call('POST', '/admin/api/payments/import', { body: chosen, content_type: 'text/csv' });
      fill(result, import_summary(chosen.name, answer));
      form.reset();
      await after_import();
    } catch (error) {
      if (error instanceof unauthorized_error) return;
      fill(result, error_box(`${chosen.name} was not imported. ${error.message}`));
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return h(
    'section',
    { 'aria-labelledby': heading_id },
    h('h2', { id: heading_id }, 'Import a wallet export'),
    form,
    result,
  );
}

function import_summary(name, answer) {
  const rejected = answer.rejected || [];
  return h(
    'div',
    {},
    h('h3', {}, `Imported ${name}`),
    details_list(
      [
        ['Processed', answer.processed],
        ['Matched', answer.matched],
        ['Exceptions', answer.exceptions],
        ['Duplicates', answer.duplicates],
        ['Rejected', rejected.length],
      ],
      { class: 'facts tiles', 'aria-label': 'Import result' },
    ),
    rejected.length === 0
      ? h('p', {}, 'No line was rejected.')
      : h(
          'table',
          { class: 'data' },
          h('caption', {}, 'Rejected lines'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'number' }, 'Line'), h('th', { scope: 'col' }, 'Reason'))),
          h('tbody', {}, rejected.map((r) => h('tr', {}, h('td', { class: 'number' }, r.line), h('td', {}, r.reason)))),
        ),
  );
}
