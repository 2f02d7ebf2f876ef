// Erasure of a customer's personal data (docs/PRIVACY.md): the customers'
// requests as tasks (GET /admin/api/erasure-requests) and the erase call
// itself, which destroys the customer's key. The list shows on the orders page;
// the action and the request's mark on the order page (order.js).

import { ApiError } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { get, post } from './session.js';
import { timeElement } from './ui.js';

/**
 * The requests still open, oldest first: [{order_id, order_number, customer_ref,
 * requested_at, status}]. An engine without the endpoint (404) has none.
 */
export async function openErasureRequests() {
  let answer;
  try {
    answer = await get('/admin/api/erasure-requests');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
  return (answer?.requests ?? [])
    .filter((r) => r.status === 'open')
    .sort((a, b) => Date.parse(a.requested_at) - Date.parse(b.requested_at));
}

/**
 * Erases the customer `ref`: resolves {ref, erased_at}. A customer who still
 * owes or is owed money (409 …money_owed) rejects with an Error whose message
 * is the engine's detail, shown as it is in the dialog.
 */
export async function eraseCustomer(ref) {
  try {
    return await post(`/admin/api/customers/${encodeURIComponent(ref)}/erase`);
  } catch (error) {
    if (error instanceof ApiError && /money_owed$/.test(error.type)) {
      const detail = (error.detail || 'settle the payment or refund first').trim();
      throw new Error(`Money is still owed on this customer’s order: ${detail}${/[.!?]$/.test(detail) ? '' : '.'}`);
    }
    throw error;
  }
}

/** The open requests as a task list, or nothing when there are none. */
export function erasureRequestsSection(requests) {
  if (requests.length === 0) return null;
  return h(
    'section',
    { class: 'tasks', 'aria-labelledby': 'erasure-requests-heading' },
    h('h2', { id: 'erasure-requests-heading' }, `Erasure requests (${requests.length})`),
    h(
      'p',
      { class: 'hint' },
      'Customers who asked to have their personal data erased. Open the order, settle any payment or refund it still has, then erase.',
    ),
    h(
      'ul',
      {},
      requests.map((r) =>
        h('li', {}, h('a', { href: `#/orders/${r.order_id}` }, r.order_number), ' asked on ', timeElement(r.requested_at)),
      ),
    ),
  );
}
