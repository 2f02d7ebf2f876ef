#pragma once

// Who an /admin/api/ request comes from, decided from its headers before any
// of its body is read: the operator's bootstrap key (admin.token), an API key,
// or a signed-in admin's session cookie — whose writes must also carry the
// session's X-CSRF-Token. Internal to http/.

#include "http/routes.hpp"

namespace http {

/// Calls `done` once: a refusal (401 `unauthorized`, 403 `csrf_token_required`)
/// or the caller. The sign-in itself (POST /admin/api/session) passes with no caller.
void screen_admin_request(const api_context& api, const request& head, screen_done done);

}  // namespace http
