// Money as the engine sends it: US dollars in integer cents, crypto as decimal
// strings of atomic units (the coin's smallest unit). Nothing here uses a
// float: cents and atomic amounts go through BigInt and string arithmetic, so
// what is shown or typed is exactly what the engine has.

/** The one minus sign of amounts shown to people (U+2212, read as "minus"). */
export const MINUS = '\u2212';

function toBigInt(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return BigInt(value.trim());
  return null;
}

/**
 * Cents as dollars: 3499 → "$34.99", 123456 → "$1,234.56", -599 → "−$5.99".
 * Takes a number, a BigInt or a string of digits; "—" when there is no amount.
 */
export function formatCents(cents) {
  const value = toBigInt(cents);
  if (value === null) return '—';
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / 100n).toLocaleString('en-US');
  const rest = String(abs % 100n).padStart(2, '0');
  return `${negative ? MINUS : ''}$${whole}.${rest}`;
}

/**
 * Atomic units as a decimal coin amount: ("431046000000", 12) → "0.431046".
 * Trailing zeros are dropped down to `minDecimals`, which keeps the precision
 * an amount was quoted in: ("431040000000", 12, { minDecimals: 6 }) → "0.431040".
 * Takes a string of digits (a leading "-" allowed) or a BigInt; throws a
 * TypeError for anything else.
 */
export function atomicToDecimal(atomic, decimals, { minDecimals = 0 } = {}) {
  const text = typeof atomic === 'bigint' ? atomic.toString() : String(atomic);
  const match = /^(-?)(\d+)$/.exec(text);
  if (!match || !Number.isInteger(decimals) || decimals < 0) {
    throw new TypeError(`not an atomic amount with ${decimals} decimals: ${text}`);
  }
  const digits = match[2].replace(/^0+(?=\d)/, '');
  const sign = match[1] && /[1-9]/.test(digits) ? '-' : '';
  if (decimals === 0) return sign + digits;
  const padded = digits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, -decimals);
  let fraction = padded.slice(-decimals);
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return sign + (fraction ? `${whole}.${fraction}` : whole);
}

/**
 * What someone typed in the coin's unit ("0.431046") → atomic units
 * ("431046000000"), exactly. Answers {atomic} or {error} with a sentence for
 * the person who typed it.
 */
export function decimalToAtomic(input, decimals) {
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

/**
 * A crypto amount for reading: ("431046000000", 12, "XMR") → "0.431046 XMR";
 * "—" when there is none, the atomic string when the decimals are unknown.
 */
export function formatAtomic(atomic, decimals, coin) {
  if (atomic === null || atomic === undefined) return '—';
  if (!Number.isInteger(decimals)) return `${atomic} atomic units${coin ? ` of ${coin}` : ''}`;
  return `${atomicToDecimal(atomic, decimals)}${coin ? ` ${coin}` : ''}`;
}

/** A quote's display amount, "0.041230 XMR" → { number: "0.041230", code: "XMR", decimals: 6 }. */
export function splitDisplayAmount(display) {
  const [number = '', code = ''] = String(display ?? '').trim().split(/\s+/);
  const dot = number.indexOf('.');
  return { number, code, decimals: dot < 0 ? 0 : number.length - dot - 1 };
}
