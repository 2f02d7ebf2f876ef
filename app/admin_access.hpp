#pragma once

// The back office's door, as the web layer sees it: signing admins in and
// out, recognising a session or an API key, issuing and revoking keys, and
// the audit log. actors/ implements it; every call returns at once and
// completes through its callback, exactly once, possibly on another thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/shop_service.hpp"
#include "domain/time.hpp"

namespace app {

/// Who an authenticated admin request comes from.
struct admin_identity {
  std::string name;        // the admin's email, or the API key's name
  std::string credential;  // "session" or "api_key"
  std::string session_id;  // "session" only
  std::string csrf_token;  // "session" only: writes must echo it in X-CSRF-Token
  domain::timestamp expires_at{};  // "session" only: when it ends unless used again
};

/// What an admin presents: a session cookie's value or an API key.
struct admin_credential {
  enum class kind { session, api_key } type = kind::session;
  std::string secret;
};

struct sign_in_attempt {
  std::string email;
  std::string password;
  std::string code;    // six TOTP digits, or one recovery code
  std::string client;  // the client's address, for the session and the log
};

/// A new session: `token` goes in the cookie and is never shown again.
struct admin_session {
  admin_identity who;
  std::string token;
};

struct api_key {
  std::string id;
  std::string name;
  std::string created_by;
  domain::timestamp created_at{};
  std::optional<domain::timestamp> revoked_at;
};

/// A key as it is issued: `secret` is the whole bearer token, shown once.
struct issued_api_key {
  api_key key;
  std::string secret;
};

struct audit_entry {
  std::int64_t id = 0;  // 0 until stored
  domain::timestamp at{};
  std::string actor;
  std::string action;
  std::string target;
  std::string client;
  int outcome = 0;
};

struct audit_query {
  int limit = 100;
  std::int64_t before = 0;  // entries older than this id; 0: the newest
  std::string actor;
  std::string action;
};

class admin_access {
 public:
  virtual ~admin_access() = default;

  /// A wrong email, password or code all fail alike: error_code::invalid_credentials.
  virtual void sign_in(sign_in_attempt attempt, callback<admin_session> done) = 0;
  /// The live session or key behind `credential`, nullopt when there is none.
  virtual void authenticate(admin_credential credential, callback<std::optional<admin_identity>> done) = 0;
  /// Ends a session at once; false when it had ended already.
  virtual void sign_out(std::string session_id, callback<bool> done) = 0;

  virtual void issue_api_key(std::string name, std::string issued_by, callback<issued_api_key> done) = 0;
  virtual void api_keys(callback<std::vector<api_key>> done) = 0;
  /// False when there is no such key or it was revoked already.
  virtual void revoke_api_key(std::string id, callback<bool> done) = 0;

  /// Appends to the audit log; never fails the request it describes.
  virtual void record(audit_entry entry) = 0;
  /// Newest first.
  virtual void audit_log(audit_query query, callback<std::vector<audit_entry>> done) = 0;
};

}  // namespace app
