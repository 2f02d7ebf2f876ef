#include "actors/admin_accounts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "domain/checkout.hpp"
#include "identity/password.hpp"
#include "identity/tokens.hpp"
#include "identity/totp.hpp"

namespace actors {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::string_view api_key_prefix = "ccck.";

std::int64_t ms(domain::timestamp t) { return t.time_since_epoch().count(); }
domain::timestamp at_ms(std::int64_t value) { return domain::timestamp{milliseconds{value}}; }

domain::domain_error refused() {
  return domain::make_error(domain::error_code::invalid_credentials, "the email, password or code is not right");
}

/// A hash to check passwords of unknown emails against, so that a wrong
/// email takes as long as a wrong password and tells nothing.
const std::string& decoy_hash() {
  static const std::string hash = identity::hash_password(identity::random_token(16));
  return hash;
}

}  // namespace

std::string admin_email(std::string_view typed) {
  while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t')) typed.remove_prefix(1);
  while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.remove_suffix(1);
  std::string email;
  for (char c : typed) email += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  // The shop's own rule for an address it writes to, the customers' too.
  return domain::is_plausible_email(email) ? email : "";
}

admin_accounts::admin_accounts(persistence::admin_store& store, std::shared_ptr<const sealing::vault> vault,
                               admin_policy policy)
    : store_(store), vault_(std::move(vault)), policy_(std::move(policy)) {}

enrolment admin_accounts::second_factor_for(const std::string& email, std::vector<std::string>& recovery_hashes) const {
  enrolment e;
  e.totp_secret = identity::new_totp_secret();
  e.otpauth_uri = identity::otpauth_uri(policy_.issuer, email, e.totp_secret);
  e.recovery_codes = identity::new_recovery_codes(10);
  for (const auto& code : e.recovery_codes) recovery_hashes.push_back(identity::digest(code));
  return e;
}

enrolment admin_accounts::enrol(const std::string& typed_email, const std::string& password) {
  const std::string email = admin_email(typed_email);
  if (email.empty()) throw std::invalid_argument("\"" + typed_email + "\" is not an email address");
  if (auto weakness = identity::password_weakness(password); !weakness.empty())
    throw std::invalid_argument("the password is too weak: " + weakness);
  std::vector<std::string> recovery_hashes;
  auto e = second_factor_for(email, recovery_hashes);
  store_.add_user(email, identity::hash_password(password), vault_->seal_totp_secret(e.totp_secret, email),
                  recovery_hashes);
  return e;
}

std::optional<enrolment> admin_accounts::reset_second_factor(const std::string& typed_email) {
  const std::string email = admin_email(typed_email);
  if (email.empty()) return std::nullopt;
  std::vector<std::string> recovery_hashes;
  auto e = second_factor_for(email, recovery_hashes);
  if (!store_.replace_second_factor(email, vault_->seal_totp_secret(e.totp_secret, email), recovery_hashes))
    return std::nullopt;
  return e;
}

bool admin_accounts::second_factor_accepts(const persistence::admin_user_row& user, const std::string& code,
                                           domain::timestamp now) {
  const auto now_unix = duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // Apps show "123 456": the space is not part of the code.
  std::string digits = code;
  digits.erase(std::remove(digits.begin(), digits.end(), ' '), digits.end());
  // A secret that does not open was sealed for another account (a row
  // copied over) or by another shop: no code is right for it.
  const auto secret = vault_->open_totp_secret(user.totp_sealed, user.email);
  if (!secret)
    spdlog::warn("admin {}: the stored TOTP secret does not open; only a recovery code signs in", user.email);
  else if (auto step = identity::totp_step_of(*secret, digits, now_unix))
    return store_.take_totp_step(user.id, *step);
  const std::string recovery = identity::normalise_recovery_code(code);
  return recovery.size() == 11 && store_.take_recovery_code(user.id, identity::digest(recovery));
}

domain::result<app::admin_session> admin_accounts::sign_in(const app::sign_in_attempt& attempt, domain::timestamp now) {
  const std::string email = admin_email(attempt.email);
  auto user = email.empty() ? std::nullopt : store_.user_by_email(email);
  if (!user) {
    identity::password_matches(decoy_hash(), attempt.password);
    return refused();
  }
  if (!identity::password_matches(user->password_hash, attempt.password)) return refused();
  if (!second_factor_accepts(*user, attempt.code, now)) return refused();

  persistence::new_admin_session row;
  row.id = identity::random_token(12);
  const std::string token = identity::random_token(32);
  row.token_hash = identity::digest(token);
  row.user_id = user->id;
  row.csrf_token = identity::random_token(24);
  row.client = attempt.client;
  row.now_ms = ms(now);
  row.expires_at_ms = ms(now + policy_.session_lifetime);
  store_.open_session(row);

  app::admin_session session;
  session.token = token;
  session.who = {user->email, "session", row.id, row.csrf_token,
                 std::min(now + policy_.session_idle, at_ms(row.expires_at_ms))};
  return session;
}

std::optional<app::admin_identity> admin_accounts::authenticate(const app::admin_credential& credential,
                                                                domain::timestamp now) {
  if (credential.type == app::admin_credential::kind::session) {
    auto row = store_.touch_session(identity::digest(credential.secret), ms(now), policy_.session_idle.count());
    if (!row) return std::nullopt;
    return app::admin_identity{row->email, "session", row->id, row->csrf_token, at_ms(row->expires_at_ms)};
  }
  // ccck.<id>.<secret>: the id finds the key, the secret proves it.
  const std::string& key = credential.secret;
  if (key.rfind(api_key_prefix, 0) != 0) return std::nullopt;
  const auto dot = key.find('.', api_key_prefix.size());
  if (dot == std::string::npos) return std::nullopt;
  const std::string id = key.substr(api_key_prefix.size(), dot - api_key_prefix.size());
  auto name = store_.api_key_name(id, identity::digest(key.substr(dot + 1)));
  if (!name) return std::nullopt;
  return app::admin_identity{*name, "api_key", "", "", {}};
}

bool admin_accounts::sign_out(const std::string& session_id) { return store_.revoke_session(session_id); }

app::issued_api_key admin_accounts::issue_api_key(const std::string& name, const std::string& issued_by,
                                                  domain::timestamp now) {
  app::issued_api_key issued;
  issued.key = {identity::random_token(9), name, issued_by, now, std::nullopt};
  const std::string secret = identity::random_token(32);
  store_.add_api_key(issued.key.id, name, identity::digest(secret), issued_by);
  issued.secret = std::string(api_key_prefix) + issued.key.id + "." + secret;
  return issued;
}

std::vector<app::api_key> admin_accounts::api_keys() {
  std::vector<app::api_key> keys;
  for (const auto& row : store_.api_keys()) {
    app::api_key key{row.id, row.name, row.created_by, at_ms(row.created_at_ms), std::nullopt};
    if (row.revoked_at_ms != 0) key.revoked_at = at_ms(row.revoked_at_ms);
    keys.push_back(std::move(key));
  }
  return keys;
}

bool admin_accounts::revoke_api_key(const std::string& id) { return store_.revoke_api_key(id); }

void admin_accounts::record(const std::vector<app::audit_entry>& entries) {
  std::vector<persistence::audit_row> rows;
  for (const auto& e : entries) rows.push_back({0, ms(e.at), e.actor, e.action, e.target, e.client, e.outcome});
  store_.append_audit(rows);
}

std::vector<app::audit_entry> admin_accounts::audit_log(const app::audit_query& query) {
  std::vector<app::audit_entry> entries;
  for (const auto& row : store_.audit_page({query.limit, query.before, query.actor, query.action}))
    entries.push_back({row.id, at_ms(row.at_ms), row.actor, row.action, row.target, row.client, row.outcome});
  return entries;
}

}  // namespace actors
