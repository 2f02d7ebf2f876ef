// The dashboard's side of the shared API client (../shared/api.js): the
// signed-in session. The session itself is an HttpOnly cookie the page never
// sees; what the page keeps (in memory only) is who is signed in and the
// session's CSRF token, sent with every change. A 401 sends the admin back to
// sign-in.

import { ApiError, apiRequest } from '../shared/api.js';

let current = null; // { name, csrfToken, expiresAt } while signed in

export const session = {
  current: () => current,
  signedIn: () => current !== null,
  clear: () => {
    current = null;
  },
};

function remember(body) {
  current = { name: body.name, csrfToken: body.csrf_token || '', expiresAt: body.expires_at || '' };
  return current;
}

/** The session or key was missing, wrong or ended: sign-in is showing (or about to). */
export function isUnauthorized(error) {
  return error instanceof ApiError && error.status === 401;
}

// The shell's way back to sign-in; set once by admin.js.
let unauthorizedHook = () => {};
export function onUnauthorized(hook) {
  unauthorizedHook = hook;
}

/**
 * One admin call in the session. `body` is JSON unless `contentType` says
 * otherwise (the CSV import sends a File). Resolves to the parsed JSON answer
 * (null for 204); rejects with ApiError. A 401 also sends the admin back to
 * sign-in, except while signing in.
 */
export async function adminRequest(method, path, { body, contentType, signingIn = false } = {}) {
  const headers = {};
  if (method !== 'GET' && method !== 'HEAD' && current) headers['X-CSRF-Token'] = current.csrfToken;
  try {
    return await apiRequest(path, { method, body, contentType, headers });
  } catch (error) {
    if (isUnauthorized(error) && !signingIn) {
      current = null;
      unauthorizedHook(error);
    }
    throw error;
  }
}

export const get = (path, options) => adminRequest('GET', path, options);
export const post = (path, body, options = {}) => adminRequest('POST', path, { ...options, body });
export const del = (path, options) => adminRequest('DELETE', path, options);

/** Signs in; rejects with ApiError (401 invalid_credentials, 429, 422). */
export async function signIn(email, password, code) {
  const body = await apiRequest('/admin/api/session', { method: 'POST', body: { email, password, code } });
  return remember(body);
}

/** The session the browser's cookie names, if it is still live; null otherwise. */
export async function resume() {
  try {
    return remember(await apiRequest('/admin/api/session'));
  } catch (error) {
    if (isUnauthorized(error)) return null;
    throw error;
  }
}

export async function signOut() {
  try {
    await adminRequest('DELETE', '/admin/api/session', { signingIn: true });
  } finally {
    current = null;
  }
}
