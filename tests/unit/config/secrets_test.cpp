// Secrets in the configuration: an error never shows one, SMTP credentials only
// travel encrypted, and the admin token must be long and random enough.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

namespace {

using config::config_error;
using config::engine_config;

using env_map = std::map<std::string, std::string>;

engine_config load_text(const std::string& toml, const env_map& env = {}) {
  static std::atomic<int> counter{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("ccc-secrets-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".toml");
  std::ofstream(path) << toml;
  struct remove_on_exit {
    std::filesystem::path path;
    ~remove_on_exit() { std::filesystem::remove(path); }
  } cleanup{path};
  return config::load_config(path.string(), [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

config_error error_of(const std::string& toml, const env_map& env = {}) {
  try {
    load_text(toml, env);
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a config_error for:\n" << toml;
  return config_error("", "", "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message still says which key and why, and nowhere shows the secret.
void expect_hidden(const config_error& e, const std::string& key, const std::string& secret,
                   const std::string& reason) {
  const std::string what = e.what();
  EXPECT_EQ(e.key(), key) << what;
  EXPECT_TRUE(contains(what, "config: " + key + " = '")) << what;
  EXPECT_TRUE(contains(what, reason)) << what;
  EXPECT_FALSE(contains(what, secret)) << what;
  EXPECT_FALSE(contains(e.value(), secret)) << e.value();
}

const std::string xmr_coin = R"(
[payments.XMR]
name = "Monero"
decimals = 12
usd_rate = "162.35"
address = "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge"
uri_scheme = "monero"
)";

// ---------------------------------------------------------------- 1. errors never show a secret

TEST(config_secrets, a_wrong_typed_admin_token_in_the_file_is_redacted) {
  const config_error e = error_of("[admin]\ntoken = 9876543210987654\n");
  expect_hidden(e, "admin.token", "9876543210987654", "expected a string");
  EXPECT_EQ(e.value(), "<redacted>");
  EXPECT_TRUE(contains(e.what(), "'<redacted>'")) << e.what();
}

TEST(config_secrets, a_weak_admin_token_from_the_environment_is_redacted) {
  const config_error e = error_of("", {{"ORDER_ENGINE_ADMIN_TOKEN", "hunter2hunter2hunter2"}});
  expect_hidden(e, "admin.token", "hunter2", "too weak");
  EXPECT_TRUE(contains(e.what(), "(from ORDER_ENGINE_ADMIN_TOKEN)")) << e.what();
}

TEST(config_secrets, a_wrong_typed_mail_password_is_redacted) {
  expect_hidden(error_of("[mail]\npassword = 31415926535\n"), "mail.password", "31415926535", "expected a string");
}

TEST(config_secrets, a_wrong_typed_wallet_rpc_password_is_redacted) {
  expect_hidden(error_of(xmr_coin + "wallet_rpc_password = 271828182845\n"), "payments.XMR.wallet_rpc_password",
                "271828182845", "expected a string");
}

// toml++ quotes what it cannot read; on a secret's line that is the secret.
TEST(config_secrets, a_parse_error_on_a_secret_line_does_not_quote_it) {
  const std::pair<std::string, std::string> cases[] = {
      {"[admin]\ntoken = 98765432109876543210\n", "98765432109876543210"},
      {"# comment\n[mail] # the relay\nusername = \"shop\"\n  password = 31415926535897932384626\n",
       "31415926535897932384626"},
      {"[payments.XMR]\nwallet_rpc_password = 27182818284590452353602\n", "27182818284590452353602"},
      {"[admin]\ntoken = \"ab\\qcdefghijklmnop\"\n", "ab\\q"},
  };
  for (const auto& [toml, secret] : cases) {
    const config_error e = error_of(toml);
    EXPECT_EQ(e.key(), "file") << toml;
    EXPECT_TRUE(contains(e.what(), "line ")) << e.what();
    EXPECT_FALSE(contains(e.what(), secret)) << e.what();
    EXPECT_TRUE(contains(e.what(), "is secret")) << e.what();
  }
  // Elsewhere toml++ keeps saying what it could not read.
  EXPECT_TRUE(contains(error_of("[http]\nport = 98765432109876543210\n").what(), "98765432109876543210"));
  // A broken table header is just a parse error.
  EXPECT_EQ(error_of("[ ]\n").key(), "file");
  EXPECT_EQ(error_of("[admin\ntoken = 1\n").key(), "file");
}

TEST(config_secrets, the_mail_username_is_not_a_secret) {
  const config_error e = error_of("[mail]\nusername = 4242\n");
  EXPECT_EQ(e.value(), "4242");
  EXPECT_TRUE(contains(e.what(), "mail.username = '4242'")) << e.what();
}

TEST(config_secrets, an_smtp_url_shows_its_password_as_stars) {
  const config_error from_env = error_of("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "http://shop:hunter2@mail.example:587"}});
  expect_hidden(from_env, "mail.smtp_url", "hunter2", "expected smtp://host:port");
  EXPECT_TRUE(contains(from_env.what(), "'http://shop:***@mail.example:587'")) << from_env.what();
  EXPECT_TRUE(contains(from_env.what(), "(from ORDER_ENGINE_MAIL_SMTP_URL)")) << from_env.what();

  const config_error from_file = error_of("[mail]\nsmtp_url = \"imap://shop:hunter2@mail.example\"\n");
  expect_hidden(from_file, "mail.smtp_url", "hunter2", "expected smtp://host:port");
  EXPECT_TRUE(contains(from_file.what(), "imap://shop:***@mail.example")) << from_file.what();
}

TEST(config_secrets, a_wallet_rpc_url_shows_its_password_as_stars) {
  const config_error e =
      error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_URL", "ftp://shop:hunter2@127.0.0.1:18083"}});
  expect_hidden(e, "payments.XMR.wallet_rpc_url", "hunter2", "expected an http:// or https:// URL");
  EXPECT_TRUE(contains(e.what(), "ftp://shop:***@127.0.0.1:18083")) << e.what();
}

TEST(config_secrets, a_database_url_shows_its_password_as_stars_in_every_libpq_form) {
  const std::pair<const char*, const char*> cases[] = {
      {"postgresql://app:hunter2@db.internal:5432/ccc", "postgresql://app:***@db.internal:5432/ccc"},
      {"postgresql://app:hun/ter@2@db.internal/ccc", "postgresql://app:***@db.internal/ccc"},
      {"postgresql://db.internal/ccc?user=app&password=hunter2&sslmode=require",
       "postgresql://db.internal/ccc?user=app&password=***&sslmode=require"},
      {"host=db.internal user=app password=hunter2 dbname=ccc", "host=db.internal user=app password=*** dbname=ccc"},
      {"host=db user=app password = 'hunter 2\\'s' dbname=ccc", "host=db user=app password = *** dbname=ccc"},
      {"host=db sslpassword=hunter2", "host=db sslpassword=***"},
  };
  for (const auto& [url, shown] : cases) {
    const config_error e("database.url", url, "cannot connect");
    EXPECT_EQ(e.value(), shown);
    EXPECT_EQ(std::string(e.what()), "config: database.url = '" + std::string(shown) + "': cannot connect");
  }
  // Nothing to hide: shown as it is.
  EXPECT_EQ(config_error("database.url", "postgresql://app@db/ccc", "x").value(), "postgresql://app@db/ccc");
}

TEST(config_secrets, the_runtime_database_url_shows_its_password_as_stars_too) {
  EXPECT_EQ(config_error("database.app_url", "postgresql://ccc_app:hunter2@db/ccc?sslmode=verify-full", "x").value(),
            "postgresql://ccc_app:***@db/ccc?sslmode=verify-full");
  EXPECT_EQ(config_error("database.app_url", "host=db user=ccc_app password=hunter2", "x").value(),
            "host=db user=ccc_app password=***");
}

TEST(config_secrets, a_misspelt_secret_key_is_hidden_like_the_real_one) {
  expect_hidden(error_of("[mail]\npasword = \"hunter2\"\n"), "mail.pasword", "hunter2", "unknown key");
  expect_hidden(error_of("[admin]\ntokne = \"hunter2-hunter2-x\"\n"), "admin.tokne", "hunter2", "unknown key");
  expect_hidden(error_of(xmr_coin + "wallet_rpc_passwd = \"hunter2\"\n"), "payments.XMR.wallet_rpc_passwd", "hunter2",
                "unknown key");
  expect_hidden(error_of("[shop]\napi_secret = \"hunter2\"\n"), "shop.api_secret", "hunter2", "unknown key");
  const config_error url = error_of("[database]\nulr = \"postgresql://app:hunter2@db/ccc\"\n");
  expect_hidden(url, "database.ulr", "hunter2", "unknown key");
  EXPECT_TRUE(contains(url.what(), "postgresql://app:***@db/ccc")) << url.what();
  // A key that is no secret's near miss still shows its value.
  EXPECT_EQ(error_of("[http]\nprot = 8080\n").value(), "8080");
}

TEST(config_secrets, an_empty_secret_is_shown_as_empty) {
  EXPECT_EQ(config_error("admin.token", "", "must be set").value(), "");
  EXPECT_TRUE(contains(config_error("admin.token", "", "must be set").what(), "admin.token = '': must be set"));
}

// ---------------------------------------------------------------- 2. SMTP credentials only encrypted

const std::string clear_text_refusal =
    "SMTP credentials would travel in clear text: use smtps:// or set mail.starttls = true";

TEST(smtp_credentials, are_refused_over_plain_smtp) {
  const config_error both = error_of("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtp://mail.example:587"},
                                          {"ORDER_ENGINE_MAIL_USERNAME", "shop"},
                                          {"ORDER_ENGINE_MAIL_PASSWORD", "hunter2"}});
  expect_hidden(both, "mail.smtp_url", "hunter2", clear_text_refusal);
  EXPECT_EQ(both.value(), "smtp://mail.example:587");

  expect_hidden(error_of("[mail]\nsmtp_url = \"smtp://mail.example:25\"\nusername = \"shop\"\n"), "mail.smtp_url",
                "hunter2", clear_text_refusal);
  expect_hidden(error_of("[mail]\nsmtp_url = \"smtp://mail.example:25\"\npassword = \"hunter2\"\nstarttls = false\n"),
                "mail.smtp_url", "hunter2", clear_text_refusal);
}

TEST(smtp_credentials, in_the_url_are_refused_over_plain_smtp_and_not_shown) {
  const config_error e = error_of("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtp://shop:hunter2@mail.example:25"}});
  expect_hidden(e, "mail.smtp_url", "hunter2", clear_text_refusal);
  EXPECT_TRUE(contains(e.what(), "smtp://shop:***@mail.example:25")) << e.what();
}

TEST(smtp_credentials, are_accepted_over_smtps) {
  const engine_config c = load_text("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtps://mail.example:465"},
                                         {"ORDER_ENGINE_MAIL_USERNAME", "shop"},
                                         {"ORDER_ENGINE_MAIL_PASSWORD", "hunter2"}});
  EXPECT_EQ(c.mail.username, "shop");
  EXPECT_EQ(c.mail.password, "hunter2");
}

TEST(smtp_credentials, are_accepted_with_starttls) {
  const engine_config c = load_text(
      "[mail]\nsmtp_url = \"smtp://mail.example:587\"\nusername = \"shop\"\npassword = \"hunter2\"\nstarttls = true\n");
  EXPECT_TRUE(c.mail.starttls);
  EXPECT_EQ(c.mail.password, "hunter2");
  EXPECT_NO_THROW(load_text("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtp://shop:hunter2@mail.example:587"},
                                 {"ORDER_ENGINE_MAIL_STARTTLS", "true"}}));
}

TEST(smtp_credentials, are_harmless_with_the_file_drop_and_not_needed_for_plain_smtp) {
  // smtp_url "": messages are written to files, no credential goes anywhere.
  EXPECT_NO_THROW(load_text("[mail]\nusername = \"shop\"\npassword = \"hunter2\"\n"));
  // No AUTH: nothing secret travels, a local relay on plain smtp:// is fine.
  EXPECT_NO_THROW(load_text("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtp://127.0.0.1:2525"}}));
}

// ---------------------------------------------------------------- 3. a good admin token

TEST(admin_token, an_empty_one_loads_and_turns_the_bootstrap_key_off) {
  EXPECT_EQ(load_text("").admin.token, "");
  EXPECT_EQ(load_text("[admin]\ntoken = \"\"\n").admin.token, "");
}

TEST(admin_token, a_good_one_is_kept) {
  const std::string token = "9f86d081884c7d659a2feaa0c55ad015";
  const engine_config from_env = load_text("", {{"ORDER_ENGINE_ADMIN_TOKEN", token}});
  EXPECT_EQ(from_env.admin.token, token);
  EXPECT_EQ(load_text("[admin]\ntoken = \"" + token + "\"\n").admin.token, token);
}

// Each weak token is refused from the file and from the environment, with advice.
void expect_refused(const std::string& token, const std::string& why) {
  SCOPED_TRACE(token);
  EXPECT_TRUE(config::admin_token_weakness(token).has_value());
  for (const config_error& e : {error_of("[admin]\ntoken = \"" + token + "\"\n"),
                                error_of("", {{"ORDER_ENGINE_ADMIN_TOKEN", token}})}) {
    expect_hidden(e, "admin.token", token, why);
    EXPECT_TRUE(contains(e.what(), "openssl rand -hex 32")) << e.what();
  }
}

TEST(admin_token, a_short_one_is_refused) {
  expect_refused("s3cr3t-t0k3n-7x", "fewer than 16");  // 15 characters
  expect_refused("Zq9", "fewer than 16");
}

TEST(admin_token, one_with_fewer_than_8_different_characters_is_refused) {
  expect_refused("aaaaaaaaaaaaaaaa", "different characters");
  expect_refused("abababababababab", "different characters");
  expect_refused("passwordpasswordpassword", "different characters");
}

TEST(admin_token, one_short_piece_repeated_is_refused) {
  expect_refused("abcdefghabcdefgh", "repeated");
  expect_refused("Passw0rd!Passw0rd!Pa", "repeated");
  expect_refused("01234567890123456789", "repeated");
}

TEST(admin_token, a_run_of_repeated_or_consecutive_characters_is_refused) {
  expect_refused("0123456789012345", "consecutive");
  expect_refused("abcdefghijklmnop", "consecutive");
  expect_refused("zyxwvutsrqponmlk", "consecutive");
  expect_refused("0123456789abcdef", "consecutive");
  expect_refused("aaaaaaaaaaaaaaaaaaaaaaaaabcdefgh", "consecutive");
}

// Every token the repository starts an engine with (tests, benches) must keep working.
TEST(admin_token, the_tokens_the_repository_uses_pass) {
  for (const std::string token : {
           "e2e-admin-token-0123456789abcdef",          // tests/e2e/engine_process.hpp
           "integration-admin-token-0123456789",        // tests/integration/actors/engine_test.cpp
           "browser-admin-token-0123456789abcdef",      // tests/browser/support/engine.mjs
           "bench-admin-token-0123456789abcdef",        // bench/run_*_bench
           "file-token-5f2c9a81d7e3b604",               // load_config_test.cpp
           "env-token-8b1e6d2f03c9a47e",                // load_config_test.cpp
       }) {
    EXPECT_EQ(config::admin_token_weakness(token), std::nullopt) << token;
    EXPECT_EQ(load_text("", {{"ORDER_ENGINE_ADMIN_TOKEN", token}}).admin.token, token);
  }
}

// scripts/run makes `openssl rand -hex 32`; operators may use shorter hex or base64.
TEST(admin_token, random_hex_and_base64_tokens_pass) {
  std::mt19937_64 random(20240611);
  const std::string hex = "0123456789abcdef";
  const std::string base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::pair<const std::string*, std::size_t> kinds[] = {
      {&hex, 32}, {&hex, 64}, {&base64, 24}, {&base64, 44}, {&base64url, 43}};
  for (const auto& [alphabet, length] : kinds) {
    std::uniform_int_distribution<std::size_t> pick(0, alphabet->size() - 1);
    for (int i = 0; i < 20'000; ++i) {
      std::string token;
      for (std::size_t j = 0; j < length; ++j) token += (*alphabet)[pick(random)];
      const auto weakness = config::admin_token_weakness(token);
      ASSERT_EQ(weakness, std::nullopt) << token << ": " << *weakness;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- account keys

// An xpub is public, but what an owner pastes there by mistake may be a private
// key: any message about the key hides its value, from the file or the environment.
TEST(config_secrets, a_wrong_typed_xpub_is_redacted) {
  expect_hidden(error_of(xmr_coin + "xpub = 4242424242424242\n"), "payments.XMR.xpub", "4242424242424242",
                "expected a string");
}

TEST(config_secrets, an_ethereum_rpc_url_is_hidden_whole_for_the_api_key_in_its_path) {
  const std::string eth = R"(
[payments.ETH]
name = "Ether"
decimals = 18
usd_rate = "3412.50"
address = "0xcf25ec84d8dbc74254770f58904dba41ecccc3fc"
uri_scheme = "ethereum"
)";
  const auto e = error_of(eth, {{"ORDER_ENGINE_PAYMENTS_ETH_RPC_URL", "wss://mainnet.example/v3/0123456789abcdef0123"}});
  EXPECT_EQ(e.key(), "payments.ETH.rpc_url");
  EXPECT_FALSE(contains(e.what(), "0123456789abcdef0123")) << e.what();
  EXPECT_FALSE(contains(e.what(), "mainnet.example")) << e.what();
}

TEST(config_secrets, an_esplora_url_shows_its_password_as_stars) {
  const std::string btc = R"(
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250.00"
address = "bc1qy8624fl6zy54klay937yrnujckpak28lrdjg0e"
uri_scheme = "bitcoin"
)";
  const auto e = error_of(btc, {{"ORDER_ENGINE_PAYMENTS_BTC_ESPLORA_URL", "ftp://shop:hunter2hunter2@esplora.lan"}});
  EXPECT_EQ(e.key(), "payments.BTC.esplora_url");
  EXPECT_FALSE(contains(e.what(), "hunter2hunter2")) << e.what();
  EXPECT_TRUE(contains(e.what(), "expected an http:// or https:// URL")) << e.what();
}
