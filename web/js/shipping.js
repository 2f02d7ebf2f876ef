// The shipping policy, from the engine (GET /api/shipping-policy), never a copy
// of it: shipping costs flat_cents unless the subtotal is at least
// free_from_cents, then nothing. The checkout shows an estimate from it; the
// order page shows the engine's own figures for the order.

import { apiRequest } from '../shared/api.js';

let policy = null;

const isCents = (value) => Number.isSafeInteger(value) && value >= 0;

/**
 * {flat_cents, free_from_cents}, fetched once per page load and shared by
 * every view; null when the engine did not give it (then no estimate is
 * shown, and the next view asks again).
 * @returns {Promise<{flat_cents: number, free_from_cents: number} | null>}
 */
export function loadShippingPolicy() {
  if (!policy) {
    policy = apiRequest('/api/shipping-policy').then((answer) => {
      if (!answer || !isCents(answer.flat_cents) || !isCents(answer.free_from_cents)) throw new Error('no shipping policy');
      return { flat_cents: answer.flat_cents, free_from_cents: answer.free_from_cents };
    }).catch(() => {
      policy = null;
      return null;
    });
  }
  return policy;
}

/** Shipping for a subtotal under `shippingPolicy`; null without a policy. */
export function shippingCents(subtotalCents, shippingPolicy) {
  if (!shippingPolicy) return null;
  return subtotalCents >= shippingPolicy.free_from_cents ? 0 : shippingPolicy.flat_cents;
}
