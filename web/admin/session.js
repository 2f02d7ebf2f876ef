// The dashboard's side of the shared API client (../shared/api.js): the admin
// token kept for this tab, and a 401 that sends the admin back to sign-in.

import { ApiError, apiRequest } from '../shared/api.js';

const TOKEN_KEY = 'ccc-admin-token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The token was missing, wrong or revoked: sign-in is showing (or about to). */
export function isUnauthorized(error) {
  return error instanceof ApiError && error.status === 401;
}

// The shell's way back to sign-in; set once by admin.js.
let unauthorizedHook = () => {};
export function onUnauthorized(hook) {
  unauthorizedHook = hook;
}

/**
 * One admin call with the session's token. `body` is JSON unless `contentType`
 * says otherwise (the CSV import sends a File). Resolves to the parsed JSON
 * answer; rejects with ApiError. A 401 also sends the admin back to sign-in,
 * except while signing in.
 */
export async function adminRequest(method, path, { body, contentType, token = session.token(), signingIn = false } = {}) {
  try {
    return await apiRequest(path, { method, body, contentType, token });
  } catch (error) {
    if (isUnauthorized(error) && !signingIn) unauthorizedHook(error);
    throw error;
  }
}

export const get = (path, options) => adminRequest('GET', path, options);
export const post = (path, body, options = {}) => adminRequest('POST', path, { ...options, body });
