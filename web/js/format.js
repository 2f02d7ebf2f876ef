// Money, amounts, times and order statuses as people read them. Money stays in
// integers (cents, atomic units as BigInt): no floating point near money.

/** 3499 -> "$34.99", 123456 -> "$1,234.56" */
export function dollars(cents) {
  const value = Math.trunc(Number(cents) || 0);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

// Mirrors domain::shipping_policy (free from $50.00, else $5.99) so the
// checkout can show an estimate; the order page shows the engine's own figures.
export const SHIPPING_FLAT_CENTS = 599;
export const SHIPPING_FREE_FROM_CENTS = 5000;

export function estimatedShipping(subtotalCents) {
  return subtotalCents >= SHIPPING_FREE_FROM_CENTS ? 0 : SHIPPING_FLAT_CENTS;
}

/**
 * An atomic amount as a decimal coin amount, e.g. ("331046000000", 12, 6) ->
 * "0.331046". `minDecimals` keeps the precision the quote was shown in.
 */
export function coinAmount(atomic, decimals, minDecimals = 0) {
  let digits;
  try {
    digits = BigInt(atomic).toString();
  } catch {
    return String(atomic);
  }
  const negative = digits.startsWith('-');
  if (negative) digits = digits.slice(1);
  if (decimals <= 0) return (negative ? '-' : '') + digits;
  digits = digits.padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  let fraction = digits.slice(-decimals);
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return (negative ? '-' : '') + (fraction ? `${whole}.${fraction}` : whole);
}

/** "0.041230 XMR" -> { number: "0.041230", code: "XMR", decimals: 6 } */
export function splitDisplayAmount(display) {
  const [number = '', code = ''] = String(display ?? '').trim().split(/\s+/);
  const dot = number.indexOf('.');
  return { number, code, decimals: dot < 0 ? 0 : number.length - dot - 1 };
}

/** Milliseconds left -> "mm:ss" (minutes may pass 59 for long quotes). */
export function countdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

export function dateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? '');
  return date.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A calendar date "2026-12-01" -> "Dec 1, 2026", the same in every time zone. */
export function calendarDate(day) {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(day ?? '');
  return date.toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
}

/**
 * The order's status in the words the customer sees. A pending order says
 * where its payment stands.
 */
export function statusWords(order) {
  switch (order?.status) {
    case 'pending':
      switch (order.payment?.state) {
        case 'detected':
          return 'Payment detected';
        case 'underpaid':
          return 'Partly paid';
        case 'paid':
        case 'overpaid':
          return 'Paid';
        default:
          return 'Awaiting payment';
      }
    case 'paid':
      return 'Paid';
    case 'processing':
      return 'Processing';
    case 'shipped':
      return 'Shipped';
    case 'delivered':
      return 'Delivered';
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'Unknown';
  }
}

/** Timeline entries name statuses too; the same words, without payment detail. */
export function timelineStatusWords(status) {
  return status === 'pending' ? 'Order placed' : statusWords({ status });
}
