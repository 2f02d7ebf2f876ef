// One order: what was bought, its payments, its timeline and event history, and
// the commands its status allows, each asked for in a <dialog> form (the
// customer, their erasure request and the erase action are in order_customer.js).
// One file on purpose: each command's form sits beside the part of the page it changes.

import { fill, h, hiddenText } from '../shared/dom.js';
import { atomicToDecimal, decimalToAtomic, formatAtomic, formatCents, splitDisplayAmount } from '../shared/money.js';
import { adminSentence } from '../shared/problems.js';
import { askToEraseCustomer, customerSection, openRequestFor } from './order_customer.js';
import { refundSection } from './order_refund.js';
import { get, isUnauthorized, post } from './session.js';
import {
  announce,
  dateElement,
  detailsList,
  errorBox,
  formDialog,
  humanize,
  section,
  statusBadge,
  statusLabel,
  timeElement,
} from './ui.js';

// What each status allows; the engine checks again (409).
const ACTIONS_BY_STATUS = {
  pending: ['verify_payment', 'cancel'],
  paid: ['start_processing', 'cancel'],
  processing: ['ship', 'cancel'],
  shipped: ['mark_delivered'],
  delivered: [],
  cancelled: [],
};
const ALWAYS = ['contact_customer', 'add_note'];

const ACTION_LABELS = {
  verify_payment: 'Verify payment',
  start_processing: 'Start processing',
  ship: 'Ship',
  mark_delivered: 'Mark delivered',
  cancel: 'Cancel',
  contact_customer: 'Contact customer',
  add_note: 'Add note',
};

/** The commands offered for a status, in a stable order. */
export function allowedActions(status) {
  return [...(ACTIONS_BY_STATUS[status] ?? []), ...ALWAYS];
}

const EVENT_LABELS = {
  order_placed: 'Order placed',
  payment_claimed: 'Customer says they paid',
  payment_detected: 'Payment seen, waiting for confirmations',
  payment_received: 'Payment received',
  payment_requoted: 'Payment re-quoted',
  underpayment_expired: 'Quote expired while underpaid',
  payment_verified: 'Payment verified',
  payment_reminder_sent: 'Payment reminder sent',
  processing_started: 'Processing started',
  order_shipped: 'Shipped',
  order_delivered: 'Delivered',
  order_cancelled: 'Cancelled',
  note_added: 'Note added',
  customer_contacted: 'Customer contacted',
  review_requested: 'Review requested',
  review_left: 'Review left',
  refund_address_given: 'Refund address given',
  refund_recorded: 'Refund sent',
};

const BASIS_LABELS = {
  assigned: 'assigned by the admin',
  address: 'its own address',
  memo: 'the memo',
  claimed_tx: 'the transaction the customer named',
  amount: 'the exact amount',
};

const PAYMENT_STATES = {
  awaiting: 'Awaiting payment',
  detected: 'Seen, waiting for confirmations',
  underpaid: 'Underpaid',
  paid: 'Paid',
  overpaid: 'Overpaid (see Refund)',
};

export async function render(main, { id }, { isCurrent }) {
  fill(main, h('h1', { tabindex: '-1' }, 'Order'), h('p', { 'aria-busy': 'true' }, 'Loading…'));
  let order;
  try {
    order = await get(`/admin/api/orders/${encodeURIComponent(id)}`);
  } catch (error) {
    if (isUnauthorized(error) || !isCurrent()) return;
    const message = error.status === 404 ? 'There is no order with this id.' : adminSentence(error);
    fill(main, h('h1', { tabindex: '-1' }, 'Order'), backLink(), errorBox(message));
    return;
  }
  if (!isCurrent()) return;
  // After the order, not beside it: one 401 sends the admin to sign-in once.
  const erasureRequest = await openRequestFor(id);
  if (!isCurrent()) return;
  show(main, order, isCurrent, erasureRequest);
}

const backLink = () => h('p', { class: 'back' }, h('a', { href: '#/orders' }, '← All orders'));

function show(main, order, isCurrent, erasureRequest = null) {
  const coin = order.payment?.method;
  const decimals = order.payment?.decimals;
  const amount = (atomic) => formatAtomic(atomic, decimals, coin);

  const refresh = async (message) => {
    try {
      const fresh = await get(`/admin/api/orders/${encodeURIComponent(order.id)}`);
      if (!isCurrent()) return;
      const request = await openRequestFor(order.id);
      if (!isCurrent()) return;
      show(main, fresh, isCurrent, request);
    } catch (error) {
      if (isUnauthorized(error)) return;
      announce(`The order could not be reloaded. ${adminSentence(error)}`, 'error');
      return;
    }
    if (message) announce(message);
    main.querySelector('.actions button, .actions p')?.focus?.();
  };

  const run = (type, fields = {}) => post(`/admin/api/orders/${encodeURIComponent(order.id)}/commands`, { type, ...fields });

  const dialogs = {
    verify_payment: () => verifyDialog(order, run),
    start_processing: () =>
      formDialog({
        title: `Start processing ${order.number}`,
        intro: h('p', {}, 'The order is being prepared for shipping. The customer sees this on their order page.'),
        submit: 'Start processing',
        action: () => run('start_processing'),
      }),
    ship: () =>
      formDialog({
        title: `Ship ${order.number}`,
        intro: h('p', {}, 'The customer gets the shipping email with the tracking number.'),
        fields: [
          { name: 'carrier', label: 'Carrier', required: true, hint: 'UPS, USPS, FedEx and DHL get a tracking link.' },
          { name: 'tracking_number', label: 'Tracking number', required: true, spellcheck: false },
          { name: 'estimated_delivery', label: 'Estimated delivery', type: 'date', required: true, min: today() },
        ],
        submit: 'Ship',
        action: (v) =>
          run('ship', { carrier: v.carrier, tracking_number: v.tracking_number, estimated_delivery: v.estimated_delivery }),
      }),
    mark_delivered: () =>
      formDialog({
        title: `Mark ${order.number} delivered`,
        intro: h('p', {}, 'Do this once the carrier reports delivery. The customer is asked for a review later.'),
        submit: 'Mark delivered',
        action: () => run('mark_delivered'),
      }),
    cancel: () =>
      formDialog({
        title: `Cancel ${order.number}`,
        intro: h(
          'p',
          {},
          order.status === 'pending'
            ? 'The order is cancelled and the customer told why.'
            : 'The order is cancelled and the customer told why. It is paid: the customer is asked for a refund address, then you send the refund from the wallet and record it here.',
        ),
        fields: [{ name: 'reason', label: 'Reason', required: true, multiline: true, hint: 'The customer reads this.' }],
        submit: 'Cancel order',
        danger: true,
        action: (v) => run('cancel', { reason: v.reason }),
      }),
    contact_customer: () =>
      formDialog({
        title: `Contact ${order.customer?.name || 'the customer'}`,
        intro: h('p', {}, `The message is emailed to ${order.customer?.email || 'the customer'} and kept in the history.`),
        fields: [{ name: 'message', label: 'Message', required: true, multiline: true }],
        submit: 'Contact customer',
        action: (v) => run('contact_customer', { message: v.message }),
      }),
    add_note: () =>
      formDialog({
        title: `Add a note to ${order.number}`,
        intro: h('p', {}, 'Notes are for the shop only; the customer does not see them.'),
        fields: [{ name: 'text', label: 'Note', required: true, multiline: true }],
        submit: 'Add note',
        action: (v) => run('add_note', { text: v.text }),
      }),
  };

  const doneMessages = {
    verify_payment: (o) =>
      o.status === 'paid' ? 'Payment verified: the order is Paid.' : `Payment recorded: the order is still ${statusLabel(o.status)}.`,
    start_processing: () => 'Processing started.',
    ship: () => 'Shipped: the customer gets the tracking email.',
    mark_delivered: () => 'Marked delivered.',
    cancel: () => 'The order is cancelled.',
    contact_customer: () => 'Message sent to the customer.',
    add_note: () => 'Note added.',
  };

  const erase = async () => {
    if (await askToEraseCustomer(order)) await refresh('Personal data erased. The order stays.');
  };

  const actionButtons = allowedActions(order.status).map((type) =>
    h(
      'button',
      {
        type: 'button',
        class: type === 'cancel' ? 'danger' : ALWAYS.includes(type) ? 'secondary' : 'primary',
        onClick: async () => {
          const result = await dialogs[type]();
          if (result && result !== true) await refresh(doneMessages[type](result));
        },
      },
      ACTION_LABELS[type],
    ),
  );

  fill(
    main,
    backLink(),
    h('h1', { tabindex: '-1' }, `Order ${order.number}`),
    detailsList(
      [
        ['Status', statusBadge(order.status)],
        order.cancel_reason ? ['Cancel reason', `${order.cancel_reason}${order.cancelled_by ? ` (by ${order.cancelled_by})` : ''}`] : null,
        ['Total', formatCents(order.total_cents)],
        ['Payment method', coin || '—'],
        ['Placed', timeElement(order.created_at)],
        ['Updated', timeElement(order.updated_at)],
        ['Order id', h('code', {}, order.id)],
      ],
      { class: 'facts summary', 'aria-label': 'Summary' },
    ),
    h('section', { class: 'actions', 'aria-labelledby': 'actions-heading' }, h('h2', { id: 'actions-heading' }, 'Actions'), h('div', { class: 'toolbar' }, actionButtons)),
    h('div', { class: 'columns' }, itemsSection(order), customerSection(order, { erasureRequest, erase })),
    paymentSection(order, amount),
    refundSection(order, amount, run, async (dialog, message) => {
      const result = await dialog();
      if (result && result !== true) await refresh(message);
    }),
    order.shipment ? shipmentSection(order.shipment) : null,
    order.review ? reviewSection(order.review) : null,
    notesSection(order.notes),
    timelineSection(order.timeline),
    eventsSection(order.events, amount),
  );
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The amount written as the customer's payment page shows it ("0.252420", trailing
 * zeros kept) when it is the quoted amount; otherwise its shortest exact form.
 */
function asCustomerSees(atomic, payment) {
  const shown = splitDisplayAmount(payment.amount_display).number;
  if (shown && decimalToAtomic(shown, payment.decimals).atomic === atomic) return shown;
  return atomicToDecimal(atomic, payment.decimals);
}

/** Verify asks for the amount in the coin's unit and sends it as exact atomic units. */
function verifyDialog(order, run) {
  const payment = order.payment || {};
  const decimals = payment.decimals;
  const coin = payment.method || '';
  // An underpaid order waits for the rest, so that is what a second payment is expected to be.
  const expected = payment.state === 'underpaid' && payment.still_due_atomic ? payment.still_due_atomic : payment.amount_atomic;
  const prefill = expected && Number.isInteger(decimals) ? asCustomerSees(expected, payment) : '';
  const hints = [`The quoted amount is ${payment.amount_display || formatAtomic(payment.amount_atomic, decimals, coin)}.`];
  if (payment.state === 'underpaid' && payment.still_due_atomic)
    hints.push(`Received so far ${formatAtomic(payment.received_atomic, decimals, coin)}; still due ${formatAtomic(payment.still_due_atomic, decimals, coin)}.`);
  hints.push(`In ${coin || 'the coin'}, as the wallet shows it.`);
  const claims = order.payment_claims || [];
  return formDialog({
    title: `Verify payment for ${order.number}`,
    intro: [
      h('p', {}, 'Check the wallet first: the payment is recorded exactly as entered here.'),
      claims.length ? h('p', {}, `The customer named ${claims.length === 1 ? 'this transaction' : 'these transactions'}: `, claims.map((c, i) => [i ? ', ' : '', h('code', {}, c)])) : null,
    ],
    fields: [
      { name: 'tx_id', label: 'Transaction ID', required: true, spellcheck: false },
      {
        name: 'amount',
        apiField: 'amount_atomic',
        label: 'Amount',
        value: prefill,
        required: true,
        inputmode: 'decimal',
        hint: hints.join(' '),
        suffix: coin,
      },
    ],
    submit: 'Verify payment',
    validate: (values) => {
      if (!Number.isInteger(decimals)) return { field: 'amount', message: 'The coin’s decimals are unknown; reload the order.' };
      const converted = decimalToAtomic(values.amount, decimals);
      return converted.error ? { field: 'amount', message: converted.error } : null;
    },
    action: (values) =>
      run('verify_payment', { tx_id: values.tx_id, amount_atomic: decimalToAtomic(values.amount, decimals).atomic }),
  });
}

function itemsSection(order) {
  return section(
    'Items',
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Product'),
          h('th', { scope: 'col' }, 'SKU'),
          h('th', { scope: 'col', class: 'number' }, 'Quantity'),
          h('th', { scope: 'col', class: 'number' }, 'Unit price'),
          h('th', { scope: 'col', class: 'number' }, 'Line total'),
        ),
      ),
      h(
        'tbody',
        {},
        (order.items || []).map((item) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, item.name),
            h('td', {}, h('code', {}, item.sku)),
            h('td', { class: 'number' }, item.quantity),
            h('td', { class: 'number' }, formatCents(item.unit_price_cents)),
            h('td', { class: 'number' }, formatCents(item.line_total_cents)),
          ),
        ),
      ),
      h(
        'tfoot',
        {},
        [
          ['Subtotal', order.subtotal_cents],
          ['Shipping', order.shipping_cents],
          ['Total', order.total_cents],
        ].map(([label, cents]) =>
          h('tr', {}, h('th', { scope: 'row', colspan: 4 }, label), h('td', { class: 'number' }, formatCents(cents))),
        ),
      ),
    ),
  );
}

function paymentSection(order, amount) {
  const p = order.payment || {};
  const facts = detailsList([
    ['State', PAYMENT_STATES[p.state] || humanize(p.state)],
    ['Quoted', p.amount_display || amount(p.amount_atomic)],
    ['Received', amount(p.received_atomic ?? '0')],
    p.still_due_atomic ? ['Still due', amount(p.still_due_atomic)] : null,
    p.refund_due_atomic && p.refund_due_atomic !== '0' ? ['Refund due', amount(p.refund_due_atomic)] : null,
    ['Confirmations', p.confirmations_required ? `${p.confirmations ?? 0} of ${p.confirmations_required}` : '—'],
    p.tx_id ? ['Transaction', h('code', {}, p.tx_id)] : null,
    p.paid_at ? ['Paid', timeElement(p.paid_at)] : null,
    ['Address', p.address ? h('code', { class: 'wrap' }, p.address) : '—'],
    p.memo ? ['Memo', h('code', {}, p.memo)] : null,
    ['Quote expires', timeElement(p.expires_at)],
  ]);
  const claims = order.payment_claims || [];
  const payments = order.payments || [];
  return section(
    'Payment',
    facts,
    h('h3', {}, 'Payments seen'),
    payments.length === 0
      ? h('p', { class: 'empty' }, 'No payment seen yet.')
      : h(
          'table',
          { class: 'data' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Received', 'Transaction', 'Amount', 'Confirmations', 'Counted', 'Source', 'Matched by'].map((label) =>
                h('th', { scope: 'col', class: label === 'Amount' || label === 'Confirmations' ? 'number' : null }, label),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            payments.map((pay) =>
              h(
                'tr',
                {},
                h('td', {}, timeElement(pay.received_at)),
                h('td', {}, h('code', { class: 'wrap' }, pay.txid)),
                h('td', { class: 'number' }, pay.coin === p.method ? amount(pay.amount_atomic) : `${pay.amount_atomic} atomic ${pay.coin}`),
                h('td', { class: 'number' }, pay.confirmations),
                h('td', {}, pay.counted ? 'Yes' : 'Not yet (waiting for confirmations)'),
                h('td', {}, humanize(pay.source)),
                h('td', {}, BASIS_LABELS[pay.basis] || humanize(pay.basis)),
              ),
            ),
          ),
        ),
    h('h3', {}, 'Customer’s payment claims'),
    claims.length === 0
      ? h('p', { class: 'empty' }, 'The customer has not said they paid.')
      : h('ul', {}, claims.map((c) => h('li', {}, h('code', { class: 'wrap' }, typeof c === 'string' ? c : c.tx_id)))),
  );
}

function shipmentSection(s) {
  return section(
    'Shipment',
    detailsList([
      ['Carrier', s.carrier],
      [
        'Tracking number',
        s.tracking_url
          ? h('a', { href: s.tracking_url, rel: 'noopener noreferrer', target: '_blank' }, s.tracking_number, hiddenText(' (carrier’s site, new tab)'))
          : s.tracking_number,
      ],
      ['Estimated delivery', dateElement(s.estimated_delivery)],
    ]),
  );
}

function reviewSection(review) {
  return section(
    'Review',
    detailsList([
      ['Rating', `${review.rating} of 5`],
      ['Text', review.text || '—'],
      ['Left', timeElement(review.at)],
    ]),
  );
}

function notesSection(notes = []) {
  return section(
    'Notes',
    notes.length === 0
      ? h('p', { class: 'empty' }, 'No notes.')
      : h('ul', { class: 'notes' }, notes.map((note) => h('li', {}, typeof note === 'string' ? note : note.text))),
  );
}

function timelineSection(timeline = []) {
  return section(
    'Timeline',
    h('p', { class: 'hint' }, 'What the customer sees on their order page.'),
    h(
      'ol',
      { class: 'timeline' },
      timeline.map((step) => h('li', {}, timeElement(step.at), ' ', statusBadge(step.status), ' ', step.note || '')),
    ),
  );
}

function eventsSection(events = [], amount) {
  return section(
    'Event history',
    h(
      'table',
      { class: 'data events' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col', class: 'number' }, '#'), h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Details')),
      ),
      h(
        'tbody',
        {},
        events.map((e) =>
          h(
            'tr',
            { dataset: { type: e.type } },
            h('td', { class: 'number' }, e.seq),
            h('th', { scope: 'row' }, EVENT_LABELS[e.type] || humanize(e.type)),
            h('td', {}, timeElement(e.at)),
            h('td', {}, describeEvent(e, amount)),
          ),
        ),
      ),
    ),
  );
}

/** The parts of an event's data an admin wants, in words (never the raw JSON). */
function describeEvent(event, amount) {
  const d = event.data || {};
  const parts = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== '') parts.push([label, value]);
  };
  switch (event.type) {
    case 'order_placed':
      add('Total', formatCents(d.total_cents));
      add('Items', (d.items || []).map((i) => `${i.quantity} × ${i.sku}`).join(', '));
      add('Quoted', d.quote?.amount_display);
      break;
    case 'payment_claimed':
      add('Transaction', d.tx_id);
      break;
    case 'payment_detected':
      add('Transaction', d.txid);
      add('Amount', amount(d.amount_atomic));
      add('Confirmations', d.confirmations);
      break;
    case 'payment_received':
      add('Transaction', d.txid);
      add('Amount', amount(d.amount_atomic));
      add('Received in total', amount(d.received_total_atomic));
      add('Source', humanize(d.source));
      add('Matched by', BASIS_LABELS[d.basis] || d.basis);
      break;
    case 'payment_requoted':
      add('New quote', d.quote?.amount_display);
      add('Expires', d.quote?.expires_at ? timeElement(d.quote.expires_at) : null);
      break;
    case 'underpayment_expired':
      add('Received', amount(d.received_atomic));
      add('Still due', amount(d.still_due_atomic));
      break;
    case 'payment_verified':
      add('Transaction', d.tx_id);
      add('Received', amount(d.received_atomic));
      if (d.refund_due_atomic && d.refund_due_atomic !== '0') add('Refund due', amount(d.refund_due_atomic));
      break;
    case 'order_shipped':
      add('Carrier', d.carrier);
      add('Tracking number', d.tracking_number);
      add('Estimated delivery', d.estimated_delivery ? dateElement(d.estimated_delivery) : null);
      break;
    case 'order_cancelled':
      add('Reason', d.reason);
      add('By', d.by);
      break;
    case 'note_added':
      add('Note', d.text);
      break;
    case 'refund_address_given':
      add('Address', d.address);
      break;
    case 'refund_recorded':
      add('Transaction', d.txid);
      add('Amount', amount(d.amount_atomic));
      add('Still due', d.still_due_atomic && d.still_due_atomic !== '0' ? amount(d.still_due_atomic) : null);
      break;
    case 'customer_contacted':
      add('Message', d.message);
      break;
    case 'review_left':
      add('Rating', d.rating !== undefined ? `${d.rating} of 5` : null);
      add('Text', d.text);
      break;
    default:
      // An event this page does not know yet: its plain fields, labelled.
      for (const [key, value] of Object.entries(d)) {
        if (key !== 'at' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
          add(humanize(key), String(value));
      }
  }
  if (d.by && event.type !== 'order_cancelled') add('By', d.by);
  if (parts.length === 0) return '—';
  return h('dl', { class: 'inline' }, parts.map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, value))));
}
