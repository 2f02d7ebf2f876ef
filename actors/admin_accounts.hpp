#pragma once

// The rules of the back office's door, as plain blocking calls on one
// repository: who may sign in (password, then a TOTP code that works once or
// an unused recovery code), how long a session lives, what an API key is, and
// what the audit log holds. The admin_access actor runs them off the
// cooperative threads; `order_engine admin …` runs the enrolment ones. The
// TOTP secret is stored sealed by the shop's vault, so both need it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/admin_access.hpp"
#include "persistence/admin_store.hpp"
#include "sealing/vault.hpp"

namespace actors {

struct admin_policy {
  std::chrono::milliseconds session_idle{std::chrono::minutes{30}};
  std::chrono::milliseconds session_lifetime{std::chrono::hours{12}};
  std::string issuer = "Cleveland Cartridge Co";  // the name the authenticator app shows
};

/// What an admin needs once, at enrolment or after a reset of the second factor.
struct enrolment {
  std::string totp_secret;  // base32, in the clear: shown once, stored sealed
  std::string otpauth_uri;
  std::vector<std::string> recovery_codes;
};

/// An email as an account name: trimmed, lower case; "" when it is not one.
std::string admin_email(std::string_view typed);

class admin_accounts {
 public:
  admin_accounts(persistence::admin_store& store, std::shared_ptr<const sealing::vault> vault, admin_policy policy);

  /// A new admin. Throws std::invalid_argument (a bad email, a weak password)
  /// or persistence::duplicate_admin.
  enrolment enrol(const std::string& email, const std::string& password);
  /// A new TOTP secret and recovery codes; nullopt when there is no such admin.
  std::optional<enrolment> reset_second_factor(const std::string& email);

  domain::result<app::admin_session> sign_in(const app::sign_in_attempt& attempt, domain::timestamp now);
  std::optional<app::admin_identity> authenticate(const app::admin_credential& credential, domain::timestamp now);
  bool sign_out(const std::string& session_id);

  app::issued_api_key issue_api_key(const std::string& name, const std::string& issued_by, domain::timestamp now);
  std::vector<app::api_key> api_keys();
  bool revoke_api_key(const std::string& id);

  void record(const std::vector<app::audit_entry>& entries);
  std::vector<app::audit_entry> audit_log(const app::audit_query& query);

 private:
  enrolment second_factor_for(const std::string& email, std::vector<std::string>& recovery_hashes) const;
  bool second_factor_accepts(const persistence::admin_user_row& user, const std::string& code, domain::timestamp now);

  persistence::admin_store& store_;
  std::shared_ptr<const sealing::vault> vault_;
  admin_policy policy_;
};

}  // namespace actors
