#pragma once

// The back office's people and what they did: admin accounts with their
// second factor and recovery codes, sessions, API keys, and the append-only
// audit log. Secrets are stored as digests, the TOTP secret sealed; the
// caller hashes and seals.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "persistence/connection.hpp"

namespace persistence {

struct admin_user_row {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;
  std::string totp_sealed;  // "" while it is still in the clear (see seal_plain_totp_secrets)
};

struct admin_session_row {
  std::string id;
  std::string email;
  std::string csrf_token;
  std::int64_t expires_at_ms = 0;  // the earlier of the idle and the absolute end
};

struct new_admin_session {
  std::string id;
  std::string token_hash;
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::string client;
  std::int64_t now_ms = 0;
  std::int64_t expires_at_ms = 0;  // absolute
};

struct api_key_row {
  std::string id;
  std::string name;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t revoked_at_ms = 0;  // 0 while it works
};

struct audit_row {
  std::int64_t id = 0;
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;
  std::string target;
  std::string client;
  int outcome = 0;
};

struct audit_filter {
  int limit = 100;
  std::int64_t before_id = 0;  // 0: from the newest
  std::string actor;           // "" any
  std::string action;          // "" any; else entries whose action contains it
};

/// The email names an admin already.
class duplicate_admin : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class admin_store {
 public:
  explicit admin_store(connection& db);

  std::optional<admin_user_row> user_by_email(const std::string& email);
  /// Throws duplicate_admin when the email is taken.
  std::int64_t add_user(const std::string& email, const std::string& password_hash, const std::string& totp_sealed,
                        const std::vector<std::string>& recovery_hashes);
  /// A new TOTP secret and recovery codes (the old ones stop working); false
  /// when there is no such admin.
  bool replace_second_factor(const std::string& email, const std::string& totp_sealed,
                             const std::vector<std::string>& recovery_hashes);
  /// Seals the TOTP secrets still stored in the clear (accounts enrolled
  /// before migration 009): `seal(email, secret)` gives the sealed form. A
  /// row changed meanwhile (another node sealing it, a reset) is left alone.
  /// Returns how many it sealed.
  std::size_t seal_plain_totp_secrets(
      const std::function<std::string(const std::string& email, const std::string& secret)>& seal);
  /// Takes the code of time step `step` unless a code of this step or a later
  /// one was taken already: each code works once.
  bool take_totp_step(std::int64_t user_id, std::int64_t step);
  /// Uses up one recovery code; false when it is not one of the admin's unused codes.
  bool take_recovery_code(std::int64_t user_id, const std::string& code_hash);

  void open_session(const new_admin_session& session);
  /// The live session with this token (not revoked, not past its absolute end,
  /// seen within `idle_ms`), marked as seen now; nullopt otherwise.
  std::optional<admin_session_row> touch_session(const std::string& token_hash, std::int64_t now_ms,
                                                 std::int64_t idle_ms);
  bool revoke_session(const std::string& id);

  void add_api_key(const std::string& id, const std::string& name, const std::string& key_hash,
                   const std::string& created_by);
  /// The name of the unrevoked key `id` when `key_hash` is its hash.
  std::optional<std::string> api_key_name(const std::string& id, const std::string& key_hash);
  std::vector<api_key_row> api_keys();
  bool revoke_api_key(const std::string& id);

  void append_audit(const std::vector<audit_row>& entries);
  /// Newest first.
  std::vector<audit_row> audit_page(const audit_filter& filter);

 private:
  connection& db_;
};

}  // namespace persistence
