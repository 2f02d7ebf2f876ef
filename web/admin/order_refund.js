// The refund an order owes (overpaid, or paid and cancelled): its state, the
// address it goes to, the refunds recorded, and the two steps the admin takes.
// The shop has no hot wallet: the admin sends the refund from the wallet by
// hand, then records its transaction here, which emails the customer.

import { h } from '../shared/dom.js';
import { atomicToDecimal, decimalToAtomic } from '../shared/money.js';
import { detailsList, formDialog, humanize, section, timeElement } from './ui.js';

export const REFUND_STATES = {
  due: 'Due: waiting for a refund address',
  requested: 'Requested: send it from the wallet',
  refunded: 'Refunded',
};

/** The Refund section, or nothing when no refund was ever due. `act(dialog)` runs a dialog and refreshes. */
export function refundSection(order, amount, run, act) {
  const r = order.refund;
  if (!r) return null;
  const coin = order.payment?.method || '';
  const decimals = order.payment?.decimals;
  const owed = r.outstanding_atomic && r.outstanding_atomic !== '0';
  const addressDialog = () =>
    formDialog({
      title: `Refund address for ${order.number}`,
      intro: h('p', {}, `The ${coin} address the customer gave you some other way. It is checked for ${coin}, and the customer is emailed that it was set.`),
      fields: [{ name: 'address', label: 'Refund address', required: true, spellcheck: false, value: r.address && r.address !== '[erased]' ? r.address : '' }],
      submit: 'Set refund address',
      action: (v) => run('set_refund_address', { address: v.address }),
    });
  const recordDialog = () =>
    formDialog({
      title: `Record the refund for ${order.number}`,
      intro: [
        h('p', {}, 'Send the refund from the shop’s wallet first, to this address:'),
        h('p', {}, h('code', { class: 'wrap' }, r.address || '—')),
        h('p', {}, 'Then record its transaction: the customer is emailed the amount and the transaction id.'),
      ],
      fields: [
        { name: 'txid', label: 'Transaction ID', required: true, spellcheck: false },
        {
          name: 'amount',
          apiField: 'amount_atomic',
          label: 'Amount sent',
          value: Number.isInteger(decimals) ? atomicToDecimal(r.outstanding_atomic, decimals) : '',
          required: true,
          inputmode: 'decimal',
          hint: `Still due: ${amount(r.outstanding_atomic)}. Less leaves the rest due; more than is due is refused.`,
          suffix: coin,
        },
      ],
      submit: 'Record refund',
      validate: (values) => {
        if (!Number.isInteger(decimals)) return { field: 'amount', message: 'The coin’s decimals are unknown; reload the order.' };
        const converted = decimalToAtomic(values.amount, decimals);
        return converted.error ? { field: 'amount', message: converted.error } : null;
      },
      action: (v) => run('record_refund', { txid: v.txid, amount_atomic: decimalToAtomic(v.amount, decimals).atomic }),
    });
  const buttons = owed
    ? [
        h('button', { type: 'button', class: 'secondary', onClick: () => act(addressDialog, 'Refund address set: the customer is emailed.') }, r.address ? 'Change refund address' : 'Set refund address'),
        r.address
          ? h('button', { type: 'button', class: 'primary', onClick: () => act(recordDialog, 'Refund recorded: the customer is emailed the transaction.') }, 'Record refund')
          : null,
      ]
    : [];
  return section(
    'Refund',
    detailsList(
      [
        ['State', REFUND_STATES[r.state] || humanize(r.state)],
        ['Due', amount(r.due_atomic)],
        ['Refunded', amount(r.refunded_atomic)],
        owed ? ['Still due', amount(r.outstanding_atomic)] : null,
        ['Address', r.address ? h('code', { class: 'wrap' }, r.address) : 'None yet: the customer gives one on their order page'],
        r.address_by ? ['Address given by', r.address_by === 'admin' ? 'the shop' : 'the customer'] : null,
      ],
      { class: 'facts', 'aria-label': 'Refund' },
    ),
    (r.refunds || []).length
      ? h(
          'ul',
          { class: 'refunds' },
          r.refunds.map((x) => h('li', {}, timeElement(x.at), ' ', amount(x.amount_atomic), ' in ', h('code', { class: 'wrap' }, x.txid))),
        )
      : null,
    buttons.length ? h('div', { class: 'toolbar refund-actions' }, buttons) : null,
  );
}
