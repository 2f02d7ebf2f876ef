// The order page's customer: their details, the erasure they asked for, and the
// admin's "Erase personal data" (docs/PRIVACY.md), which destroys the customer's
// key. The calls themselves are in erasure.js.

import { h } from '../shared/dom.js';
import { eraseCustomer, openErasureRequests } from './erasure.js';
import { detailsList, formDialog, section, timeElement } from './ui.js';

// When each customer was erased, as the erase call answered, for an order view
// that does not carry the date itself.
const erasedAtByRef = new Map();

/** The customer's open erasure request for this order, if any; the order page shows without it if the list fails. */
export async function openRequestFor(orderId) {
  try {
    return (await openErasureRequests()).find((r) => r.order_id === orderId) ?? null;
  } catch {
    return null;
  }
}

/** Asks, then erases the order's customer; true once erased. */
export async function askToEraseCustomer(order) {
  const ref = order.customer?.ref;
  const result = await formDialog({
    title: `Erase the personal data of ${order.number}’s customer`,
    intro: [
      h('p', {}, 'This destroys the customer’s key: name, email, address and their texts become unreadable for good. The order stays.'),
      h('p', {}, 'An order that still owes or is owed money (a part payment, a refund due) must be settled first.'),
    ],
    submit: 'Erase personal data',
    danger: true,
    action: () => eraseCustomer(ref),
  });
  if (!result || result === true) return false;
  if (result.erased_at) erasedAtByRef.set(ref, result.erased_at);
  return true;
}

export function customerSection(order, { erasureRequest, erase }) {
  const customer = order.customer;
  if (customer?.erased) {
    const at = customer.erased_at || erasedAtByRef.get(customer.ref);
    return section(
      'Customer',
      detailsList([['Personal data', at ? ['Erased on ', timeElement(at)] : 'Erased']]),
      h('p', { class: 'hint' }, 'Name, email, address and the customer’s texts can no longer be read. The order stays.'),
    );
  }
  if (!customer) return section('Customer', h('p', { class: 'empty' }, 'The customer’s details are gone.'));
  const s = order.shipping || {};
  const address = [s.line1, s.line2, [s.postal_code, s.city].filter(Boolean).join(' '), [s.region, s.country].filter(Boolean).join(', ')]
    .filter(Boolean)
    .map((line) => h('span', { class: 'line' }, line));
  return section(
    'Customer',
    erasureRequest ? h('p', { class: 'task' }, 'The customer asked for erasure on ', timeElement(erasureRequest.requested_at), '.') : null,
    detailsList([
      ['Name', customer.name || '—'],
      ['Email', customer.email ? h('a', { href: `mailto:${customer.email}` }, customer.email) : '—'],
      ['Ship to', address.length ? h('address', {}, address) : '—'],
    ]),
    customer.ref ? h('div', { class: 'toolbar erase' }, h('button', { type: 'button', class: 'danger', onClick: erase }, 'Erase personal data')) : null,
  );
}
