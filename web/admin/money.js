// Money as the engine sends it: USD in integer cents, crypto as decimal strings of
// atomic units. Crypto amounts go through string arithmetic only, never a float, so
// what the admin types is exactly what the engine receives (DESIGN rule 9).

/** "431046000000", 12 → "0.431046" (trailing zeros dropped). */
export function atomic_to_decimal(atomic, decimals) {
  const text = String(atomic);
  if (!/^\d+$/.test(text)) throw new Error(`not an atomic amount: ${text}`);
  const digits = text.replace(/^0+(?=\d)/, '');
  if (decimals === 0) return digits;
  const padded = digits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, -decimals);
  const fraction = padded.slice(-decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * What an admin typed in the coin's unit ("0.431046") → atomic units ("431046000000").
 * Answers {atomic} or {error} with a sentence for the admin.
 */
export function decimal_to_atomic(input, decimals) {
  const text = String(input).trim();
  if (text === '') return { error: 'Enter the amount received.' };
  if (/^\d*,\d*$/.test(text)) return { error: 'Write the amount with a dot as the decimal separator, e.g. 0.5.' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && !match[2])) return { error: 'The amount must be a number such as 0.431046.' };
  const whole = match[1];
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return {
      error: decimals === 0
        ? 'This coin has no fractional units: enter a whole number.'
        : `This coin has at most ${decimals} decimal places.`,
    };
  }
  const atomic = (whole + fraction.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '');
  if (/^0+$/.test(atomic)) return { error: 'The amount must be more than zero.' };
  return { atomic };
}

/** A crypto amount for reading: "0.431046 XMR"; the atomic string when decimals are unknown. */
export function format_atomic(atomic, decimals, coin) {
  if (atomic === null || atomic === undefined) return '—';
  if (!Number.isInteger(decimals)) return `${atomic} atomic units${coin ? ` of ${coin}` : ''}`;
  return `${atomic_to_decimal(atomic, decimals)}${coin ? ` ${coin}` : ''}`;
}

/** 6998 → "$69.98"; integer arithmetic, grouped thousands. */
export function format_cents(cents) {
  if (cents === null || cents === undefined) return '—';
  const negative = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  const rest = String(abs % 100).padStart(2, '0');
  return `${negative ? '−' : ''}$${dollars}.${rest}`;
}
