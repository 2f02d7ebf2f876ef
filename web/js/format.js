// Times and order statuses as people read them. Money and coin amounts are
// formatted by ../shared/money.js.

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
