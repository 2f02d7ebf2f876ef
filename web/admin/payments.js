// Payments the matcher could not tie to one order (assign or dismiss them) and the
// wallet CSV import that feeds the matcher.

import { queryString } from '../shared/api.js';
import { fill, h, hiddenText, uid } from '../shared/dom.js';
import { formatAtomic } from '../shared/money.js';
import { adminSentence } from '../shared/problems.js';
import { adminRequest, get, isUnauthorized, post } from './session.js';
import { announce, detailsList, errorBox, formDialog, humanize, timeElement } from './ui.js';

const REASONS = {
  no_reference_and_no_amount_match: 'No order reference, and no pending order asks this amount',
  several_candidates: 'Several pending orders ask this amount',
  conflicting_references: 'Its references point to different orders',
  claim_amount_mismatch: 'A customer claimed it, but its amount does not fit that order',
  order_cancelled: 'The order it belongs to is cancelled',
  order_not_pending: 'The order it belongs to is no longer waiting for payment',
  quote_expired: 'It arrived after the order’s quote expired',
  zero_amount: 'The amount is zero',
  underpaid_expired: 'The order was paid in part when its quote expired',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Coin decimals come from the public catalog of payment methods; loaded once.
let decimalsByCoin = null;
async function coinDecimals() {
  if (decimalsByCoin) return decimalsByCoin;
  try {
    const methods = await get('/api/payment-methods');
    decimalsByCoin = Object.fromEntries(methods.map((m) => [m.code, m.decimals]));
  } catch {
    return {}; // amounts then show in atomic units; try again next time
  }
  return decimalsByCoin;
}

const state = { status: 'open' };

export async function render(main, _params, { isCurrent }) {
  const statusId = uid('exception-status');
  const status = h(
    'select',
    { id: statusId },
    h('option', { value: 'open' }, 'Open'),
    h('option', { value: 'resolved' }, 'Resolved'),
    h('option', { value: 'dismissed' }, 'Dismissed'),
  );
  status.value = state.status;
  const list = h('div', { class: 'results' });
  const headingId = uid('exceptions-heading');
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Payments'),
    h(
      'section',
      { 'aria-labelledby': headingId },
      h('h2', { id: headingId }, 'Payment exceptions'),
      h('p', {}, 'Payments the matcher could not tie to exactly one order. Assign each to its order or dismiss it with a reason.'),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: statusId }, 'Show'), status)),
      list,
    ),
    importSection(() => load()),
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
      [answer, decimals] = await Promise.all([get(`/admin/api/payments/exceptions${queryString({ status: state.status })}`), coinDecimals()]);
    } catch (error) {
      if (isUnauthorized(error) || !isCurrent()) return;
      fill(list, errorBox(`The payment exceptions could not be loaded. ${adminSentence(error)}`));
      list.removeAttribute('aria-busy');
      return;
    }
    if (!isCurrent()) return;
    list.removeAttribute('aria-busy');
    fill(list, exceptionsTable(answer.exceptions || [], decimals, load));
  }

  await load();
}

function exceptionsTable(exceptions, decimals, reload) {
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
          h('td', { class: 'number' }, formatAtomic(x.amount_atomic, decimals[x.coin], x.coin)),
          h('td', {}, timeElement(x.received_at)),
          h('td', {}, x.memo ? h('code', {}, x.memo) : '—'),
          h('td', {}, REASONS[x.reason] || humanize(x.reason)),
          h('td', {}, humanize(x.source)),
          h('td', {}, open ? resolveButtons(x, decimals, reload) : outcome(x)),
        ),
      ),
    ),
  );
}

function outcome(x) {
  return detailsList([
    [x.status === 'dismissed' ? 'Dismissed' : 'Resolved', timeElement(x.resolved_at)],
    x.order_id ? ['Order', h('a', { href: `#/orders/${x.order_id}` }, 'Open the order')] : null,
    x.resolution ? ['Note', x.resolution] : null,
    x.resolved_by ? ['By', x.resolved_by] : null,
  ]);
}

function resolveButtons(x, decimals, reload) {
  const amount = formatAtomic(x.amount_atomic, decimals[x.coin], x.coin);
  const assign = async () => {
    const done = await formDialog({
      title: 'Assign payment to an order',
      intro: h('p', {}, `${amount}, transaction `, h('code', { class: 'wrap' }, x.txid), '.'),
      fields: [
        {
          name: 'order',
          apiField: 'order_id',
          label: 'Order ID or number',
          required: true,
          spellcheck: false,
          hint: 'The order number (e.g. CCC-000123) or the order’s id.',
        },
      ],
      submit: 'Assign',
      action: async (values) => {
        const orderId = await orderIdOf(values.order);
        return post(`/admin/api/payments/exceptions/${encodeURIComponent(x.id)}/assign`, { order_id: orderId });
      },
    });
    if (done) {
      announce(`Payment ${x.txid} assigned to its order.`);
      await reload();
    }
  };
  const dismiss = async () => {
    const done = await formDialog({
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
  };
  return h(
    'div',
    { class: 'row-actions' },
    h('button', { type: 'button', class: 'secondary', onClick: assign }, 'Assign', hiddenText(` payment ${x.txid}`)),
    h('button', { type: 'button', class: 'secondary', onClick: dismiss }, 'Dismiss', hiddenText(` payment ${x.txid}`)),
  );
}

/** An order id as typed, or the id of the order with the typed number. */
async function orderIdOf(text) {
  const value = text.trim();
  if (UUID.test(value)) return value.toLowerCase();
  const number = value.toUpperCase();
  const page = await get(`/admin/api/orders${queryString({ q: number, limit: 10 })}`);
  const found = (page.orders || []).find((o) => o.number === number);
  if (!found) throw Object.assign(new Error(`No order has the number ${number}.`), { field: 'order_id' });
  return found.id;
}

function importSection(afterImport) {
  const headingId = uid('import-heading');
  const fileId = uid('wallet-csv');
  const file = h('input', { id: fileId, type: 'file', name: 'file', accept: '.csv,text/csv', 'aria-describedby': `${fileId}-hint` });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'import', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: fileId }, 'Wallet CSV'),
      h('p', { class: 'hint', id: `${fileId}-hint` }, 'The wallet’s export, with the header txid,coin,amount,received_at,memo. Importing a file again counts nothing twice.'),
      file,
    ),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      fill(result, errorBox('Choose the wallet’s CSV file first.'));
      file.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    fill(result, h('p', {}, `Importing ${chosen.name}…`));
    try {
      const answer = await adminRequest('POST', '/admin/api/payments/import', { body: chosen, contentType: 'text/csv' });
      fill(result, importSummary(chosen.name, answer));
      form.reset();
      await afterImport();
    } catch (error) {
      if (isUnauthorized(error)) return;
      fill(result, errorBox(`${chosen.name} was not imported. ${adminSentence(error)}`));
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return h(
    'section',
    { 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Import a wallet export'),
    form,
    result,
  );
}

function importSummary(name, answer) {
  const rejected = answer.rejected || [];
  return h(
    'div',
    {},
    h('h3', {}, `Imported ${name}`),
    detailsList(
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
