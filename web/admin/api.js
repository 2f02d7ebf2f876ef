// The admin API client: the token from the session, problem+json turned into
// sentences, and a 401 raised as its own kind so the shell can return to sign-in.

const token_key = 'ccc-admin-token';

export const session = {
  token: () => sessionStorage.getItem(token_key),
  save: (token) => sessionStorage.setItem(token_key, token),
  clear: () => sessionStorage.removeItem(token_key),
};

/** An error the admin can read; `field` names the input a validation error is about. */
export class api_error extends Error {
  constructor(message, { status = 0, type = '', field = null, detail = '' } = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.field = field;
    this.detail = detail; // the sentence alone, for showing next to its field
  }
}

/** The token was missing, wrong or revoked. */
export class unauthorized_error extends api_error {}

// The shell's way back to sign-in; set once by admin.js.
let unauthorized_hook = () => {};
export function on_unauthorized(hook) {
  unauthorized_hook = hook;
}

// Shown instead of the engine's `title` where a plainer sentence helps.
const titles = {
  invalid_transition: "The order's status does not allow this",
  duplicate_payment: 'This transaction is already counted',
  not_found: 'Not found',
  unavailable: 'The engine is busy or the database did not answer; try again',
  conflict: 'The order changed at the same time; try again',
  payload_too_large: 'The file is too large',
  unsupported_media_type: 'The file must be sent as CSV',
  rate_limited: 'Too many requests; wait a moment and try again',
};

function sentence(text) {
  const trimmed = String(text).trim();
  if (!trimmed) return '';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** problem+json (or anything else) → a readable message; never the raw body. */
async function error_from(response) {
  let problem = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
  }
  if (problem && typeof problem === 'object' && (problem.title || problem.detail)) {
    const title = titles[problem.type] || problem.title || `The engine answered ${response.status}`;
    const detail = problem.detail && problem.detail !== problem.title ? sentence(problem.detail) : '';
    const message = detail ? `${title}: ${detail}` : sentence(title);
    return new api_error(message, { status: response.status, type: problem.type || '', field: problem.field ?? null, detail });
  }
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return new api_error(`The engine answered ${response.status}${reason}.`, { status: response.status });
}

/**
 * One admin call. `body` is JSON unless `content_type` says otherwise (the CSV import
 * sends a File). Resolves to the parsed JSON answer; rejects with api_error. A 401
 * also sends the admin back to sign-in, except while signing in.
 */
export async function call(method, path, { body, content_type, token = session.token(), signing_in = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = content_type || 'application/json';
    payload = content_type ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch {
    throw new api_error('The engine could not be reached. Check that it is running and try again.');
  }
  if (response.status === 401) {
    const error = new unauthorized_error('The admin token was not accepted.', { status: 401, type: 'unauthorized' });
    if (!signing_in) unauthorized_hook(error);
    throw error;
  }
  if (!response.ok) throw await error_from(response);
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch {
    throw new api_error('The engine sent an answer the dashboard cannot read.', { status: response.status });
  }
}

export const get = (path, options) => call('GET', path, options);
export const post = (path, body, options = {}) => call('POST', path, { ...options, body });

/** Builds a query string from the non-empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
