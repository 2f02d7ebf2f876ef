// The back office's door on the real binary: an operator enrols an admin
// with `order_engine admin add`, the admin signs in with password and a code
// from an authenticator (Debian's oathtool computes it, not our code), works
// with a session cookie whose writes need the CSRF token, issues an API key
// for automation, and every call lands in the audit log.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

const std::string password = "a long and varied passphrase";

/// Runs `order_engine admin ARGS` on the engine's database with `input` on
/// stdin (and `env` over the engine's environment); returns its exit code and
/// what it printed.
finished_run admin_cli(const engine_process& engine, const std::string& args, const std::string& input,
                       const std::map<std::string, std::string>& env = {}) {
  char in_path[] = "/tmp/ccc-e2e-admin-in.XXXXXX";
  const int fd = mkstemp(in_path);
  ::close(fd);
  std::ofstream{in_path} << input;
  auto environment = engine.environment();
  for (const auto& [k, v] : env) environment[k] = v;
  std::string command = "env";
  for (const auto& [k, v] : environment) command += " '" + k + "=" + v + "'";
  command += std::string{" '"} + ORDER_ENGINE_BINARY + "' --config '" + ORDER_ENGINE_SOURCE_DIR +
             "/config/engine.toml' admin " + args + " < " + in_path + " 2>&1";
  finished_run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  run.exit_code = exit_code_of(::pclose(pipe));
  std::remove(in_path);
  return run;
}

std::string secret_in(const std::string& output) {
  std::smatch m;
  return std::regex_search(output, m, std::regex{"secret: ([A-Z2-7]+)"}) ? m[1].str() : "";
}

/// The current code, as an authenticator app computes it.
std::string oathtool_code(const std::string& secret) {
  FILE* pipe = ::popen(("oathtool --totp -b " + secret).c_str(), "r");
  char line[32] = {};
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  std::string code = read ? line : "";
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  return code;
}

std::string cookie_of(const reply& signed_in) {
  const auto set_cookie = signed_in.header("set-cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
}

struct signed_in_admin {
  std::string cookie;  // "__Host-ccc_session=…"
  std::string csrf;
};

class admin_access : public ::testing::Test {
 protected:
  engine_process engine_;
  std::string secret_;

  void SetUp() override {
    auto added = admin_cli(engine_, "add ada@example.com", password + "\n");
    ASSERT_EQ(added.exit_code, 0) << added.output;
    secret_ = secret_in(added.output);
    ASSERT_FALSE(secret_.empty()) << added.output;
  }

  reply sign_in(const std::string& code, const std::string& pw = password) {
    return engine_.post("/admin/api/session", {{"email", "ada@example.com"}, {"password", pw}, {"code", code}});
  }

  signed_in_admin signed_in() {
    auto res = sign_in(oathtool_code(secret_));
    EXPECT_EQ(res.status, 201) << res.body;
    return {cookie_of(res), res.data().value("csrf_token", "")};
  }

  std::string place_order() {
    auto res = engine_.post("/api/orders",
                            {{"items", {{{"sku", "HP-64XL-BLK"}, {"quantity", 1}}}},
                             {"customer", {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}}},
                             {"shipping",
                              {{"line1", "1 Euclid Ave"}, {"line2", ""}, {"city", "Cleveland"}, {"region", "OH"},
                               {"postal_code", "44115"}, {"country", "US"}}},
                             {"payment_method", "XMR"}});
    EXPECT_EQ(res.status, 201) << res.body;
    return res.data()["id"].get<std::string>();
  }
};

TEST_F(admin_access, the_cli_prints_a_secret_a_uri_a_qr_code_and_ten_recovery_codes) {
  auto again = admin_cli(engine_, "add bob@example.com", password + "\n");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("otpauth://totp/"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("\u2588"), std::string::npos);  // the QR code's blocks
  const std::regex recovery{"\n  [0-9a-z]{5}-[0-9a-z]{5}(?=\n)"};
  EXPECT_EQ(std::distance(std::sregex_iterator(again.output.begin(), again.output.end(), recovery), {}), 10);
  EXPECT_EQ(admin_cli(engine_, "add bob@example.com", password + "\n").exit_code, 1);  // taken
  EXPECT_EQ(admin_cli(engine_, "add carol@example.com", "short\n").exit_code, 1);     // weak
  EXPECT_EQ(admin_cli(engine_, "reset-2fa nobody@example.com", "").exit_code, 1);
  EXPECT_EQ(admin_cli(engine_, "frobnicate", "").exit_code, 2);
}

TEST_F(admin_access, the_cli_without_the_shops_master_key_exits_2_says_why_and_enrols_nobody) {
  auto missing = admin_cli(engine_, "add bob@example.com", password + "\n",
                           {{"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", "/nonexistent/master.key"}});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/master.key"), std::string::npos) << missing.output;
  test_support::master_key_file foreign;
  auto other =
      admin_cli(engine_, "reset-2fa ada@example.com", "", {{"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", foreign.path()}});
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("does not open this database's keys"), std::string::npos) << other.output;
  EXPECT_EQ(secret_in(other.output), "");
  // Nobody enrolled, nothing reset: Ada's app still signs her in, Bob has no account.
  EXPECT_EQ(sign_in(oathtool_code(secret_)).status, 201);
  EXPECT_EQ(admin_cli(engine_, "reset-2fa bob@example.com", "").exit_code, 1);
}

TEST_F(admin_access, signing_in_sets_a_host_only_strict_http_only_cookie_and_answers_the_csrf_token) {
  auto res = sign_in(oathtool_code(secret_));
  ASSERT_EQ(res.status, 201) << res.body;
  const auto set_cookie = res.header("set-cookie");
  EXPECT_EQ(set_cookie.rfind("__Host-ccc_session=", 0), 0u) << set_cookie;
  for (const char* attribute : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << attribute << " in " << set_cookie;
  EXPECT_EQ(res.data()["name"], "ada@example.com");
  EXPECT_FALSE(res.data()["csrf_token"].get<std::string>().empty());
  auto current = engine_.get("/admin/api/session", {{"Cookie", cookie_of(res)}});
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.data()["csrf_token"], res.data()["csrf_token"]);
  EXPECT_EQ(engine_.get("/admin/api/orders", {{"Cookie", cookie_of(res)}}).status, 200);
}

TEST_F(admin_access, a_wrong_password_or_code_is_401_invalid_credentials_without_saying_which) {
  const auto code = oathtool_code(secret_);
  auto wrong_password = sign_in(code, password + "!");
  auto wrong_code = sign_in(code == "000000" ? "111111" : "000000");
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(wrong_code.status, 401);
  EXPECT_EQ(wrong_password.data()["type"], "invalid_credentials");
  EXPECT_EQ(wrong_password.data()["detail"], wrong_code.data()["detail"]);
  EXPECT_TRUE(wrong_password.header("set-cookie").empty());
}

TEST_F(admin_access, a_cookie_write_without_the_csrf_token_is_403_and_changes_nothing) {
  const auto admin = signed_in();
  const auto order = place_order();
  const json cancel = {{"type", "cancel"}, {"reason", "customer asked"}};
  auto refused = engine_.post("/admin/api/orders/" + order + "/commands", cancel, {{"Cookie", admin.cookie}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.data()["type"], "csrf_token_required");
  auto wrong = engine_.post("/admin/api/orders/" + order + "/commands", cancel,
                            {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf + "x"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(engine_.admin_get("/admin/api/orders/" + order).data()["status"], "pending");
  auto done = engine_.post("/admin/api/orders/" + order + "/commands", cancel,
                           {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(engine_.admin_get("/admin/api/orders/" + order).data()["status"], "cancelled");
}

TEST_F(admin_access, signing_out_ends_the_session_on_the_server) {
  const auto admin = signed_in();
  auto out = send(engine_.port(), "DELETE", "/admin/api/session", "",
                  {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(engine_.get("/admin/api/orders", {{"Cookie", admin.cookie}}).status, 401);
}

TEST_F(admin_access, an_api_key_from_a_session_works_as_a_bearer_token_until_revoked) {
  const auto admin = signed_in();
  auto issued = engine_.post("/admin/api/keys", {{"name", "nightly export"}},
                             {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string key = issued.data()["key"];
  const std::string id = issued.data()["id"];
  const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + key}};
  EXPECT_EQ(engine_.get("/admin/api/orders", bearer).status, 200);
  // A key cannot make more keys.
  EXPECT_EQ(engine_.post("/admin/api/keys", {{"name", "another"}}, bearer).status, 403);
  auto listed = engine_.get("/admin/api/keys", bearer);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.data()["keys"][0]["name"], "nightly export");
  EXPECT_EQ(listed.body.find(key.substr(key.rfind('.') + 1)), std::string::npos);  // the secret is never listed
  auto revoked = send(engine_.port(), "DELETE", "/admin/api/keys/" + id, "",
                      {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  EXPECT_EQ(revoked.status, 204);
  EXPECT_EQ(engine_.get("/admin/api/orders", bearer).status, 401);
}

TEST_F(admin_access, every_admin_call_reads_included_is_in_the_audit_log_with_its_outcome) {
  const auto admin = signed_in();
  const auto order = place_order();
  EXPECT_EQ(engine_.get("/admin/api/orders/" + order, {{"Cookie", admin.cookie}}).status, 200);
  EXPECT_EQ(sign_in("000000", "not the password").status, 401);
  EXPECT_EQ(engine_.admin_get("/admin/api/kpis").status, 200);
  json entries;
  ASSERT_TRUE(test_support::eventually([&] {
    auto log = engine_.get("/admin/api/audit?limit=50", {{"Cookie", admin.cookie}});
    entries = log.data()["entries"];
    return entries.size() >= 4;
  }));
  auto has = [&](const std::string& actor, const std::string& action, const std::string& target, int outcome) {
    for (const auto& e : entries)
      if (e["actor"] == actor && e["action"] == action && e["target"] == target && e["outcome"] == outcome &&
          e["client"] == "127.0.0.1")
        return true;
    return false;
  };
  EXPECT_TRUE(has("ada@example.com", "sign_in", entries.back()["target"].get<std::string>(), 201)) << entries.dump(1);
  EXPECT_TRUE(has("ada@example.com", "GET /admin/api/orders/{id}", order, 200)) << entries.dump(1);
  EXPECT_TRUE(has("ada@example.com", "sign_in", "", 401)) << entries.dump(1);
  EXPECT_TRUE(has("operator", "GET /admin/api/kpis", "", 200)) << entries.dump(1);
  auto filtered = engine_.get("/admin/api/audit?actor=operator", {{"Cookie", admin.cookie}});
  for (const auto& e : filtered.data()["entries"]) EXPECT_EQ(e["actor"], "operator");
}

TEST(admin_access_settings, an_empty_admin_token_turns_the_bootstrap_key_off) {
  engine_process engine{{{"ORDER_ENGINE_ADMIN_TOKEN", ""}}};
  EXPECT_EQ(engine.admin_get("/admin/api/orders").status, 401);
  EXPECT_EQ(engine.get("/admin/api/orders", {{"Authorization", "Bearer "}}).status, 401);
}

TEST(admin_access_settings, sign_ins_are_limited_per_client) {
  engine_process engine{{{"ORDER_ENGINE_LIMITS_SIGN_IN_PER_MINUTE", "5"}, {"ORDER_ENGINE_LIMITS_SIGN_IN_BURST", "5"}}};
  const json attempt = {{"email", "mallory@example.com"}, {"password", "guess guess guess"}, {"code", "123456"}};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(engine.post("/admin/api/session", attempt).status, 401) << i;
  auto limited = engine.post("/admin/api/session", attempt);
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("retry-after").empty());
}

}  // namespace
