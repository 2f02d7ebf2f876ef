// The one client of the engine's HTTP API (docs/API.md), for the
// storefront and the admin dashboard: JSON in, JSON out, and every failure an
// ApiError. Errors arrive as application/problem+json; problems.js turns an
// ApiError into a sentence, so no page ever shows raw JSON.
//
//   await apiRequest('/api/products')
//   await apiRequest(`/api/orders/${id}/cancel`, { method: 'POST', body: {}, token: accessToken })
//   await apiRequest('/admin/api/orders', { token: adminToken })
//
// `token` is sent as "Authorization: Bearer …": the storefront passes an
// order's access token, the dashboard the admin token.

/**
 * A failed call. `status` is the HTTP status (0 when nothing answered), `type`
 * the problem's type ("validation", "not_found", …; "network" when the engine
 * could not be reached, "bad_response" for an answer that is not JSON,
 * "http_<status>" for an error without a problem body), `title` and `detail`
 * the problem's own words, `field` the input it is about (or null).
 */
export class ApiError extends Error {
  constructor({ status = 0, type = 'unknown', title = '', detail = '', field = null, statusText = '' } = {}) {
    super(detail || title || type);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.field = field;
    this.statusText = statusText;
  }
}

// The engine's clock minus ours, from the Date header: a quote's countdown
// must follow the engine's clock even when the visitor's is off by minutes.
let clockOffsetMs = 0;

function noteServerDate(response) {
  const header = response.headers.get('Date');
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
 * One API call. Resolves with the parsed JSON (null for an empty answer);
 * rejects with ApiError.
 * @param {string} path
 * @param {{
 *   method?: string,
 *   body?: unknown,            sent as JSON, or as it is when contentType is given
 *   contentType?: string,      e.g. 'text/csv' for a File body
 *   token?: string | null,     sent as a bearer token when set
 *   headers?: Record<string, string>,
 * }} [options]
 */
export async function apiRequest(path, { method = 'GET', body, contentType, token, headers = {} } = {}) {
  const requestHeaders = { Accept: 'application/json', ...headers };
  let payload;
  if (body !== undefined) {
    requestHeaders['Content-Type'] = contentType || 'application/json';
    payload = contentType ? body : JSON.stringify(body);
  }
  if (token) requestHeaders.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: requestHeaders,
      body: payload,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ type: 'network' });
  }
  noteServerDate(response);
  const text = await response.text().catch(() => '');
  let data = null;
  let readable = true;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      readable = false;
    }
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : {};
    throw new ApiError({
      status: response.status,
      type: typeof problem.type === 'string' && problem.type ? problem.type : `http_${response.status}`,
      title: typeof problem.title === 'string' ? problem.title : '',
      detail: typeof problem.detail === 'string' ? problem.detail : '',
      field: typeof problem.field === 'string' ? problem.field : null,
      statusText: response.statusText,
    });
  }
  if (!readable) throw new ApiError({ status: response.status, type: 'bad_response' });
  return data;
}

/** A query string of the non-empty values: {q: 'x', status: ''} → "?q=x"; "" when none. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** 16 random bytes as hex (an Idempotency-Key); works outside secure contexts too, unlike randomUUID. */
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
