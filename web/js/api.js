// The engine's HTTP API (docs/API-NOTES.md). Errors arrive as
// application/problem+json and leave here as ApiError; describeError turns
// them into a sentence, so no page ever shows raw JSON.

export class ApiError extends Error {
  constructor({ status = 0, type = 'unknown', title = '', detail = '', field = null } = {}) {
    super(detail || title || type);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.field = field;
  }
}

// The engine's clock minus ours, from the Date header: a quote's countdown
// must follow the engine's clock even when the visitor's is off by minutes.
let clockOffsetMs = 0;

function noteServerDate(res) {
  const header = res.headers.get('Date');
  const server = header ? Date.parse(header) : NaN;
  if (Number.isNaN(server)) return;
  const offset = server - Date.now();
  // The header has whole seconds: offsets this small are rounding, not skew.
  clockOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
}

/** Now, by the engine's clock (milliseconds since the epoch). */
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

/**
 * One API call. Resolves with the parsed JSON (null for an empty answer),
 * rejects with ApiError.
 * @param {string} path
 * @param {{method?: string, body?: unknown, token?: string, headers?: Record<string,string>}} [options]
 */
export async function api(path, { method = 'GET', body, token, headers = {} } = {}) {
  const requestHeaders = { Accept: 'application/json', ...headers };
  if (body !== undefined) requestHeaders['Content-Type'] = 'application/json';
  if (token) requestHeaders.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: requestHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ type: 'network' });
  }
  noteServerDate(res);
  const text = await res.text().catch(() => '');
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? data : {};
    throw new ApiError({
      status: res.status,
      type: typeof problem.type === 'string' ? problem.type : `http_${res.status}`,
      title: typeof problem.title === 'string' ? problem.title : '',
      detail: typeof problem.detail === 'string' ? problem.detail : '',
      field: typeof problem.field === 'string' ? problem.field : null,
    });
  }
  return data;
}

/**
 * A sentence for the visitor. `notFound` words the 404 for the page at hand
 * (an order, a product).
 */
export function describeError(error, { notFound } = {}) {
  if (!(error instanceof ApiError)) return 'Something went wrong on this page. Please reload and try again.';
  switch (error.type) {
    case 'network':
      return 'We could not reach the shop. Check your connection and try again.';
    case 'not_found':
      return notFound ?? 'We could not find what you asked for.';
    case 'rate_limited':
      return 'Too many requests just now. Please wait a moment and try again.';
    case 'unavailable':
      return 'The shop is busy and could not answer in time. Please try again in a moment.';
    case 'conflict':
      return 'Your order changed at the same moment. Please try again.';
    case 'payload_too_large':
      return 'That is more text than we can take. Please shorten it.';
    case 'idempotency_conflict':
      return 'This order was already sent with other details. Please reload the page and try again.';
    case 'internal':
      return 'Something went wrong on our side. Please try again in a moment.';
    default:
      if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
      // Validation, out-of-stock and transition errors carry a sentence meant for people.
      return error.detail || error.title || `The shop refused this request (error ${error.status}).`;
  }
}

/** 16 random bytes as hex; works outside secure contexts too, unlike randomUUID. */
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
