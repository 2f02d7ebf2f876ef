// From a failed API call (an ApiError, see api.js) to a sentence a person can
// read, never the raw problem+json. One table, one row per problem type: what
// the storefront tells a customer and what the dashboard tells the shop.
//
//   customer: the whole sentence shown to a customer.
//   admin:    the heading shown to the admin; the engine's own detail follows
//             it ("The order's status does not allow this: …").
// A type without a word for an audience falls back to the engine's words.

import { ApiError } from './api.js';

const PROBLEMS = {
  network: {
    customer: 'We could not reach the shop. Check your connection and try again.',
    admin: 'The engine could not be reached. Check that it is running and try again.',
  },
  bad_response: {
    customer: 'Something went wrong on our side. Please try again in a moment.',
    admin: 'The engine sent an answer the dashboard cannot read.',
  },
  unauthorized: {
    admin: 'The admin token was not accepted.',
  },
  not_found: {
    customer: 'We could not find what you asked for.',
    admin: 'Not found',
  },
  rate_limited: {
    customer: 'Too many requests just now. Please wait a moment and try again.',
    admin: 'Too many requests; wait a moment and try again',
  },
  unavailable: {
    customer: 'The shop is busy and could not answer in time. Please try again in a moment.',
    admin: 'The engine is busy or the database did not answer; try again',
  },
  conflict: {
    customer: 'Your order changed at the same moment. Please try again.',
    admin: 'The order changed at the same time; try again',
  },
  payload_too_large: {
    customer: 'That is more text than we can take. Please shorten it.',
    admin: 'The file is too large',
  },
  idempotency_conflict: {
    customer: 'This order was already sent with other details. Please reload the page and try again.',
  },
  internal: {
    customer: 'Something went wrong on our side. Please try again in a moment.',
  },
  invalid_transition: {
    admin: "The order's status does not allow this",
  },
  duplicate_payment: {
    admin: 'This transaction is already counted',
  },
  unsupported_media_type: {
    admin: 'The file must be sent as CSV',
  },
};

// Types whose admin words are the whole message: nothing the engine adds helps.
const ADMIN_WHOLE = new Set(['network', 'bad_response', 'unauthorized']);

/** "carrier is too long" → "Carrier is too long."; "" stays "". */
function asSentence(text) {
  const trimmed = String(text ?? '').trim();
  if (!trimmed) return '';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * A sentence for a customer. `notFound` words the 404 for the page at hand
 * (an order, a product). Validation, out-of-stock and transition problems
 * carry a sentence meant for people and are shown in the engine's words.
 */
export function customerSentence(error, { notFound } = {}) {
  if (!(error instanceof ApiError)) return 'Something went wrong on this page. Please reload and try again.';
  if (error.type === 'not_found' && notFound) return notFound;
  const words = PROBLEMS[error.type]?.customer;
  if (words) return words;
  if (error.status >= 500) return PROBLEMS.internal.customer;
  return error.detail || error.title || `The shop refused this request (error ${error.status}).`;
}

/** The engine's detail as a sentence, unless it only repeats the title; "" when there is none. */
function adminDetail(error) {
  return error.detail && error.detail !== error.title ? asSentence(error.detail) : '';
}

/**
 * A message for the admin: the table's heading (or the problem's title) and
 * the engine's detail, e.g. "The order's status does not allow this: Cannot
 * verify a cancelled order." Any other error gives its own message.
 */
export function adminSentence(error) {
  if (!(error instanceof ApiError)) return error?.message || String(error);
  if (error.status === 401) return PROBLEMS.unauthorized.admin;
  const words = PROBLEMS[error.type]?.admin;
  if (words && ADMIN_WHOLE.has(error.type)) return words;
  if (!error.title && !error.detail) {
    return `The engine answered ${error.status}${error.statusText ? ` ${error.statusText}` : ''}.`;
  }
  const title = words || error.title || `The engine answered ${error.status}`;
  const detail = adminDetail(error);
  return detail ? `${title}: ${detail}` : asSentence(title);
}

/**
 * For a message shown at the input it is about: the engine's detail alone
 * when it has one ("Carrier is longer than 100 characters."), else the whole
 * adminSentence().
 */
export function adminFieldSentence(error) {
  return (error instanceof ApiError && adminDetail(error)) || adminSentence(error);
}
