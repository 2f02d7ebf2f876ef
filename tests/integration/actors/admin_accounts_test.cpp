// The back office's door on a real PostgreSQL: who may sign in, how long a
// session lives, what an API key is worth once revoked, and an audit log
// nobody can edit.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>

#include "actors/admin_accounts.hpp"
#include "assembly/startup.hpp"
#include "identity/password.hpp"
#include "identity/totp.hpp"
#include "persistence/connection.hpp"
#include "support/master_key.hpp"
#include "support/test_database.hpp"

namespace {

using namespace std::chrono_literals;
using app::admin_credential;

const std::string password = "a long and varied passphrase";

/// A shop's vault: `root` as its root key under a master key of its own.
std::shared_ptr<const sealing::vault> vault_of(const sealing::secret_key& root) {
  return std::make_shared<const sealing::vault>(
      std::make_shared<const sealing::keyring>(std::vector<sealing::secret_key>{sealing::secret_key::random()}), root);
}

class admin_accounts_test : public ::testing::Test {
 protected:
  test_support::test_database db_{"admin"};
  persistence::connection conn_{db_.url()};
  persistence::admin_store store_{conn_};
  const sealing::secret_key root_ = sealing::secret_key::random();
  actors::admin_accounts accounts_{store_, vault_of(root_), actors::admin_policy{}};
  domain::timestamp now_ = domain::timestamp{std::chrono::milliseconds{1'800'000'000'000}};

  std::string code(const actors::enrolment& e, domain::timestamp at) const {
    return identity::totp_code(e.totp_secret, std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  }
  domain::result<app::admin_session> sign_in(const std::string& email, const std::string& pw, const std::string& c) {
    return accounts_.sign_in({email, pw, c, "192.0.2.7"}, now_);
  }
  static bool refused_as_invalid_credentials(const domain::result<app::admin_session>& r) {
    return !r && r.error().code == domain::error_code::invalid_credentials;
  }
};

TEST_F(admin_accounts_test, password_and_current_code_open_a_session_its_cookie_then_authenticates) {
  const auto enrolled = accounts_.enrol("Ada@Example.com ", password);
  EXPECT_EQ(enrolled.recovery_codes.size(), 10u);
  const auto typed = code(enrolled, now_);
  auto session = sign_in("ada@example.com", password, typed.substr(0, 3) + " " + typed.substr(3));  // as apps show it
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_EQ(session->who.name, "ada@example.com");
  EXPECT_EQ(session->who.expires_at, now_ + 30min);
  EXPECT_FALSE(session->who.csrf_token.empty());
  auto who = accounts_.authenticate({admin_credential::kind::session, session->token}, now_ + 1min);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "ada@example.com");
  EXPECT_EQ(who->session_id, session->who.session_id);
  EXPECT_EQ(who->csrf_token, session->who.csrf_token);
  EXPECT_FALSE(accounts_.authenticate({admin_credential::kind::session, session->token + "x"}, now_ + 1min));
}

TEST_F(admin_accounts_test, a_wrong_password_a_wrong_code_and_an_unknown_email_fail_alike) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  const auto right = code(enrolled, now_);
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password + "!", right)));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, right == "000000" ? "111111" : "000000")));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("bob@example.com", password, right)));
  // None of those spent the code.
  EXPECT_TRUE(sign_in("ada@example.com", password, right));
}

TEST_F(admin_accounts_test, a_code_works_once_and_an_older_one_never_after_it) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  ASSERT_TRUE(sign_in("ada@example.com", password, code(enrolled, now_)));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, code(enrolled, now_))));
  // The previous step's code is still within the drift window, but older.
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, code(enrolled, now_ - 30s))));
  now_ += 30s;
  EXPECT_TRUE(sign_in("ada@example.com", password, code(enrolled, now_)));
}

TEST_F(admin_accounts_test, a_recovery_code_stands_in_for_the_app_once) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  const auto recovery = enrolled.recovery_codes[3];
  EXPECT_TRUE(sign_in("ada@example.com", password, recovery));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, recovery)));
  EXPECT_TRUE(sign_in("ada@example.com", password, enrolled.recovery_codes[4]));
}

TEST_F(admin_accounts_test, a_session_ends_after_30_idle_minutes) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  auto session = sign_in("ada@example.com", password, code(enrolled, now_));
  ASSERT_TRUE(session);
  const admin_credential cookie{admin_credential::kind::session, session->token};
  EXPECT_TRUE(accounts_.authenticate(cookie, now_ + 29min));   // seen: the idle clock restarts
  EXPECT_TRUE(accounts_.authenticate(cookie, now_ + 58min));
  EXPECT_FALSE(accounts_.authenticate(cookie, now_ + 89min));  // 31 idle minutes
}

TEST_F(admin_accounts_test, a_session_ends_after_12_hours_however_busy) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  auto session = sign_in("ada@example.com", password, code(enrolled, now_));
  ASSERT_TRUE(session);
  const admin_credential cookie{admin_credential::kind::session, session->token};
  auto at = now_;
  for (int i = 0; i < 47; ++i) {  // every 15 minutes for 11 h 45
    at += 15min;
    ASSERT_TRUE(accounts_.authenticate(cookie, at)) << i;
  }
  auto late = accounts_.authenticate(cookie, now_ + 11h + 50min);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->expires_at, now_ + 12h);  // the absolute end is nearer than the idle one
  EXPECT_FALSE(accounts_.authenticate(cookie, now_ + 12h + 1min));
}

TEST_F(admin_accounts_test, signing_out_ends_the_session_at_once) {
  const auto enrolled = accounts_.enrol("ada@example.com", password);
  auto session = sign_in("ada@example.com", password, code(enrolled, now_));
  ASSERT_TRUE(session);
  EXPECT_TRUE(accounts_.sign_out(session->who.session_id));
  EXPECT_FALSE(accounts_.sign_out(session->who.session_id));
  EXPECT_FALSE(accounts_.authenticate({admin_credential::kind::session, session->token}, now_ + 1s));
}

TEST_F(admin_accounts_test, an_api_key_authenticates_until_revoked_and_is_stored_only_hashed) {
  const auto issued = accounts_.issue_api_key("nightly export", "ada@example.com", now_);
  EXPECT_EQ(issued.secret.rfind("ccck." + issued.key.id + ".", 0), 0u) << issued.secret;
  auto who = accounts_.authenticate({admin_credential::kind::api_key, issued.secret}, now_);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "nightly export");
  EXPECT_EQ(who->credential, "api_key");
  EXPECT_FALSE(accounts_.authenticate({admin_credential::kind::api_key, issued.secret + "x"}, now_));
  pqxx::connection side{db_.url()};
  pqxx::read_transaction txn{side};
  const auto stored = txn.exec_params("select key_hash from admin_api_keys where id = $1", issued.key.id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(issued.secret.find(stored[0][0].as<std::string>()), std::string::npos);
  txn.commit();

  const auto keys = accounts_.api_keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_FALSE(keys[0].revoked_at);
  EXPECT_TRUE(accounts_.revoke_api_key(issued.key.id));
  EXPECT_FALSE(accounts_.revoke_api_key(issued.key.id));
  EXPECT_FALSE(accounts_.authenticate({admin_credential::kind::api_key, issued.secret}, now_));
  EXPECT_TRUE(accounts_.api_keys()[0].revoked_at);
}

TEST_F(admin_accounts_test, resetting_the_second_factor_retires_the_old_codes) {
  const auto old = accounts_.enrol("ada@example.com", password);
  auto fresh = accounts_.reset_second_factor("ada@example.com");
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->totp_secret, old.totp_secret);
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, code(old, now_))));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("ada@example.com", password, old.recovery_codes[0])));
  EXPECT_TRUE(sign_in("ada@example.com", password, code(*fresh, now_)));
  EXPECT_FALSE(accounts_.reset_second_factor("nobody@example.com"));
}

TEST_F(admin_accounts_test, the_totp_secret_is_stored_sealed_so_a_copy_of_the_database_computes_no_code) {
  const auto ada = accounts_.enrol("ada@example.com", password);
  const auto bob = accounts_.enrol("bob@example.com", password);
  pqxx::connection side{db_.url()};
  {
    pqxx::read_transaction txn{side};
    const auto rows = txn.exec("select email, totp_secret, totp_sealed from admin_users order by email");
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
      EXPECT_TRUE(row[1].is_null()) << row[0].c_str();
      const auto sealed = row[2].as<std::string>();
      EXPECT_EQ(sealed.find(ada.totp_secret), std::string::npos);
      EXPECT_EQ(sealed.find(bob.totp_secret), std::string::npos);
    }
  }
  // Another shop's keys (a thief with the database and no master key) open nothing.
  actors::admin_accounts thief{store_, vault_of(sealing::secret_key::random()), actors::admin_policy{}};
  EXPECT_TRUE(
      refused_as_invalid_credentials(thief.sign_in({"ada@example.com", password, code(ada, now_), "192.0.2.9"}, now_)));
  // Ada's sealed secret copied onto Bob's account does not open there.
  {
    pqxx::work txn{side};
    txn.exec(
        "update admin_users set totp_sealed = (select totp_sealed from admin_users where email = "
        "'ada@example.com') where email = 'bob@example.com'");
    txn.commit();
  }
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("bob@example.com", password, code(ada, now_))));
  EXPECT_TRUE(refused_as_invalid_credentials(sign_in("bob@example.com", password, code(bob, now_))));
  EXPECT_TRUE(sign_in("ada@example.com", password, code(ada, now_)));
}

TEST_F(admin_accounts_test, the_totp_secret_opens_after_a_master_key_rotation_which_keeps_the_root_key) {
  const auto ada = accounts_.enrol("ada@example.com", password);
  actors::admin_accounts rotated{store_, vault_of(root_), actors::admin_policy{}};
  EXPECT_TRUE(rotated.sign_in({"ada@example.com", password, code(ada, now_), "192.0.2.7"}, now_));
}

TEST_F(admin_accounts_test, a_totp_secret_stored_in_the_clear_before_sealing_is_sealed_when_a_node_opens_the_vault) {
  const std::string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  pqxx::connection side{db_.url()};
  {
    // What an account enrolled before migration 009 looks like.
    pqxx::work txn{side};
    txn.exec_params("insert into admin_users (email, password_hash, totp_secret) values ($1, $2, $3)",
                    "ada@example.com", identity::hash_password(password), secret);
    txn.commit();
  }
  test_support::master_key_file key_file;
  const auto vault = assembly::open_vault(assembly::read_master_keys(key_file.path()), conn_);
  {
    pqxx::read_transaction txn{side};
    const auto row = txn.exec1("select totp_secret, totp_sealed from admin_users");
    EXPECT_TRUE(row[0].is_null());
    ASSERT_FALSE(row[1].is_null());
    EXPECT_EQ(row[1].as<std::string>().find(secret), std::string::npos);
  }
  actors::admin_accounts accounts{store_, vault, actors::admin_policy{}};
  const auto right =
      identity::totp_code(secret, std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count());
  EXPECT_TRUE(accounts.sign_in({"ada@example.com", password, right, "192.0.2.7"}, now_));
  // Another node opening it later finds nothing left to seal, and the secret still opens.
  const auto again = assembly::open_vault(assembly::read_master_keys(key_file.path()), conn_);
  actors::admin_accounts other_node{store_, again, actors::admin_policy{}};
  const auto next = identity::totp_code(
      secret, std::chrono::duration_cast<std::chrono::seconds>((now_ + 30s).time_since_epoch()).count());
  EXPECT_TRUE(other_node.sign_in({"ada@example.com", password, next, "192.0.2.7"}, now_ + 30s));
}

TEST_F(admin_accounts_test, enrolment_refuses_weak_passwords_bad_emails_and_a_second_account_per_email) {
  EXPECT_THROW(accounts_.enrol("ada@example.com", "short"), std::invalid_argument);
  EXPECT_THROW(accounts_.enrol("not an email", password), std::invalid_argument);
  EXPECT_THROW(accounts_.enrol("ops@localhost", password), std::invalid_argument);  // the shop's own email rule
  accounts_.enrol("ada@example.com", password);
  EXPECT_THROW(accounts_.enrol("ADA@example.com", password), persistence::duplicate_admin);
}

TEST_F(admin_accounts_test, the_audit_log_reads_newest_first_by_filter_and_refuses_edits) {
  accounts_.record({{0, now_, "ada@example.com", "GET /admin/api/orders", "", "192.0.2.7", 200},
                    {0, now_ + 1s, "nightly export", "GET /admin/api/kpis", "", "192.0.2.8", 200},
                    {0, now_ + 2s, "ada@example.com", "POST /admin/api/orders/{id}/commands", "o-1", "192.0.2.7", 409}});
  const auto all = accounts_.audit_log({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].outcome, 409);
  EXPECT_EQ(all[0].target, "o-1");
  EXPECT_EQ(all[0].at, now_ + 2s);
  const auto ada = accounts_.audit_log({100, 0, "ada@example.com", ""});
  ASSERT_EQ(ada.size(), 2u);
  EXPECT_EQ(accounts_.audit_log({100, 0, "", "commands"}).size(), 1u);
  const auto older = accounts_.audit_log({1, all[0].id, "", ""});
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].id, all[1].id);

  pqxx::connection side{db_.url()};
  for (const char* edit : {"update audit_log set outcome = 200", "delete from audit_log", "truncate audit_log"}) {
    pqxx::work txn{side};
    EXPECT_THROW(txn.exec(edit), pqxx::sql_error) << edit;
  }
  EXPECT_EQ(accounts_.audit_log({}).size(), 3u);
}

}  // namespace
