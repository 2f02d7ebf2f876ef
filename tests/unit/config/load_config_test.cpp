#include "config/config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

using namespace std::chrono_literals;
using config::config_error;
using config::engine_config;
using config::load_config;

// A config file that exists for the duration of one test.
class temp_file {
 public:
  explicit temp_file(const std::string& content) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("ccc-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".toml"))
                .string();
    std::ofstream(path_) << content;
  }
  ~temp_file() { std::filesystem::remove(path_); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using env_map = std::map<std::string, std::string>;

config::env_lookup env_of(env_map vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

engine_config load_text(const std::string& toml, env_map env = {}) {
  temp_file file(toml);
  return load_config(file.path(), env_of(std::move(env)));
}

// A complete, valid coin; tests append or replace fields after it.
const std::string xmr_coin = R"(
[payments.XMR]
name = "Monero"
decimals = 12
quote_decimals = 6
usd_rate = "162.35"
address = "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge"
uri_scheme = "monero"
memo = true
confirmations = 10
)";

// Loads and returns the error; fails the test when loading succeeds.
config_error error_of(const std::string& toml, env_map env = {}) {
  try {
    load_text(toml, std::move(env));
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a config_error for:\n" << toml;
  return config_error("", "", "");
}

// An operator reading the message must see which key and which value are wrong.
void expect_names(const config_error& e, const std::string& key, const std::string& value) {
  EXPECT_EQ(e.key(), key);
  EXPECT_EQ(e.value(), value);
  const std::string what = e.what();
  EXPECT_NE(what.find(key), std::string::npos) << what;
  EXPECT_NE(what.find("'" + value + "'"), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
}

// ---------------------------------------------------------------- defaults and file values

TEST(load_config, empty_file_gives_the_documented_defaults) {
  const engine_config c = load_text("");
  EXPECT_EQ(c.shop.name, "Cleveland Cartridge Co");
  EXPECT_EQ(c.shop.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.shop.support_email, "support@cleveland-cartridge.example");
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.http.threads, 2);
  EXPECT_EQ(c.http.body_limit, 65536u);
  EXPECT_EQ(c.http.header_limit, 8192u);
  EXPECT_EQ(c.http.read_timeout, 10s);
  EXPECT_EQ(c.http.idle_timeout, 60s);
  EXPECT_EQ(c.http.request_timeout, 10s);
  EXPECT_EQ(c.http.max_connections, 10000);
  EXPECT_EQ(c.http.max_connections_per_ip, 64);
  EXPECT_EQ(c.http.max_in_flight, 2048);
  EXPECT_EQ(c.http.rate_limit, 0);
  EXPECT_EQ(c.http.rate_burst, 0);
  EXPECT_EQ(c.http.shutdown_grace, 10s);
  EXPECT_EQ(c.database.url, "");
  EXPECT_EQ(c.database.app_url, "") << "empty: derived from database.url";
  EXPECT_EQ(c.database.pool_size, 8);
  EXPECT_EQ(c.database.journal_max_batch, 256);
  EXPECT_EQ(c.database.journal_writers, 2);
  EXPECT_EQ(c.admin.token, "");
  EXPECT_EQ(c.actors.passivate_after, 2min);
  EXPECT_EQ(c.actors.max_live_orders, 10000);
  EXPECT_EQ(c.timers.payment_reminder_after, 24h);
  EXPECT_EQ(c.timers.cancel_unpaid_after, 7 * 24h);
  EXPECT_EQ(c.timers.review_request_after, 7 * 24h);
  EXPECT_EQ(c.actors.ask_timeout, 5s);
  EXPECT_EQ(c.catalog.seed_file, "");
  EXPECT_EQ(c.web.root, "web");
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.payments.quote_ttl, 30min);
  EXPECT_TRUE(c.payments.coins.empty());
}

TEST(load_config, trusted_proxies_are_a_list_of_networks_and_none_by_default) {
  EXPECT_TRUE(load_text("").http.trusted_proxies.empty());
  const auto c =
      load_text("[http]\ntrusted_proxies = \"10.0.0.5, 10.1.0.0/16\"\n", {{"ORDER_ENGINE_HTTP_PORT", "9090"}});
  ASSERT_EQ(c.http.trusted_proxies.size(), 2u);
  EXPECT_TRUE(domain::in_any(c.http.trusted_proxies, "10.1.200.3"));
  EXPECT_FALSE(domain::in_any(c.http.trusted_proxies, "10.0.0.6"));
  const auto from_env = load_text("", {{"ORDER_ENGINE_HTTP_TRUSTED_PROXIES", "::1"}});
  EXPECT_TRUE(domain::in_any(from_env.http.trusted_proxies, "::1"));
  try {
    load_text("", {{"ORDER_ENGINE_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"}});
    ADD_FAILURE() << "a list with a host name in it loaded";
  } catch (const config::config_error& e) {
    EXPECT_NE(std::string{e.what()}.find("http.trusted_proxies"), std::string::npos) << e.what();
  }
}

TEST(load_config, admin_allow_from_is_a_toml_array_or_a_comma_separated_environment_value) {
  EXPECT_TRUE(load_text("").admin.allow_from.empty());
  const auto c = load_text("[admin]\nallow_from = [\"127.0.0.1\", \"10.0.0.0/8\"]\n");
  ASSERT_EQ(c.admin.allow_from.size(), 2u);
  EXPECT_TRUE(domain::in_any(c.admin.allow_from, "10.20.30.40"));
  EXPECT_FALSE(domain::in_any(c.admin.allow_from, "192.168.1.1"));
  const auto from_env = load_text("", {{"ORDER_ENGINE_ADMIN_ALLOW_FROM", "127.0.0.0/8, ::1"}});
  ASSERT_EQ(from_env.admin.allow_from.size(), 2u);
  EXPECT_TRUE(domain::in_any(from_env.admin.allow_from, "::1"));
  EXPECT_THROW(load_text("[admin]\nallow_from = [\"10.0.0.0/8\", 42]\n"), config::config_error);
  EXPECT_THROW(load_text("[admin]\nallow_from = [\"intranet\"]\n"), config::config_error);
}

TEST(load_config, the_limits_against_abuse_are_on_by_default_and_zero_turns_one_off) {
  const engine_config c = load_text("");
  EXPECT_EQ(c.limits.checkout_per_minute, 30);
  EXPECT_EQ(c.limits.checkout_burst, 10);
  EXPECT_EQ(c.limits.order_actions_per_minute, 10);
  EXPECT_EQ(c.limits.analytics_per_minute, 60);
  EXPECT_EQ(c.mail.max_per_recipient_per_hour, 5);
  const engine_config off = load_text("[limits]\ncheckout_per_minute = 0\n[mail]\nmax_per_recipient_per_hour = 0\n",
                                      {{"ORDER_ENGINE_LIMITS_ANALYTICS_PER_MINUTE", "0"}});
  EXPECT_EQ(off.limits.checkout_per_minute, 0);
  EXPECT_EQ(off.limits.analytics_per_minute, 0);
  EXPECT_EQ(off.mail.max_per_recipient_per_hour, 0);
  EXPECT_THROW(load_text("[limits]\ncheckout_per_minute = -1\n"), config::config_error);
}

TEST(load_config, reads_every_kind_of_value_from_the_file) {
  const engine_config c = load_text(R"(
[shop]
name = "Test Shop"
public_url = "https://shop.example/"
support_email = "help@shop.example"
[http]
host = "0.0.0.0"
port = 9000
threads = 4
body_limit = 1024
header_limit = 2048
read_timeout = "500ms"
idle_timeout = "2m"
request_timeout = "3s"
rate_limit = 20
rate_burst = 50
shutdown_grace = "0"
[database]
url = "postgresql://app@db/ccc"
app_url = "postgresql://runtime@db/ccc?sslmode=verify-full"
pool_size = 6
journal_max_batch = 64
journal_writers = 3
[admin]
token = "file-token-5f2c9a81d7e3b604"
[actors]
passivate_after = "1h"
max_live_orders = 500
ask_timeout = "250ms"
[catalog]
seed_file = "catalog.json"
[web]
root = "/srv/web"
[log]
level = "debug"
[payments]
quote_ttl = "7d"
tolerance_percent = "0.5"
)" + xmr_coin);
  EXPECT_EQ(c.shop.name, "Test Shop");
  EXPECT_EQ(c.shop.public_url, "https://shop.example") << "a trailing slash would double in links";
  EXPECT_EQ(c.shop.support_email, "help@shop.example");
  EXPECT_EQ(c.http.host, "0.0.0.0");
  EXPECT_EQ(c.http.port, 9000);
  EXPECT_EQ(c.http.threads, 4);
  EXPECT_EQ(c.http.body_limit, 1024u);
  EXPECT_EQ(c.http.header_limit, 2048u);
  EXPECT_EQ(c.http.read_timeout, 500ms);
  EXPECT_EQ(c.http.idle_timeout, 2min);
  EXPECT_EQ(c.http.request_timeout, 3s);
  EXPECT_EQ(c.http.rate_limit, 20);
  EXPECT_EQ(c.http.rate_burst, 50);
  EXPECT_EQ(c.http.shutdown_grace, 0s);
  EXPECT_EQ(c.database.url, "postgresql://app@db/ccc");
  EXPECT_EQ(c.database.app_url, "postgresql://runtime@db/ccc?sslmode=verify-full");
  EXPECT_EQ(c.database.pool_size, 6);
  EXPECT_EQ(c.database.journal_max_batch, 64);
  EXPECT_EQ(c.database.journal_writers, 3);
  EXPECT_EQ(c.admin.token, "file-token-5f2c9a81d7e3b604");
  EXPECT_EQ(c.actors.passivate_after, 1h);
  EXPECT_EQ(c.actors.max_live_orders, 500);
  EXPECT_EQ(c.actors.ask_timeout, 250ms);
  EXPECT_EQ(c.catalog.seed_file, "catalog.json");
  EXPECT_EQ(c.web.root, "/srv/web");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.payments.quote_ttl, 7 * 24h);
  EXPECT_EQ(c.payments.tolerance_bp, 50);
  ASSERT_EQ(c.payments.coins.size(), 1u);
  const config::coin_config& xmr = c.payments.coins[0];
  EXPECT_EQ(xmr.code, "XMR");
  EXPECT_EQ(xmr.name, "Monero");
  EXPECT_EQ(xmr.decimals, 12);
  EXPECT_EQ(xmr.quote_decimals, 6);
  EXPECT_EQ(xmr.usd_rate_e8, 16'235'000'000);
  EXPECT_EQ(xmr.address.substr(0, 6), "4AdUnd");
  EXPECT_EQ(xmr.uri_scheme, "monero");
  EXPECT_TRUE(xmr.memo);
  EXPECT_EQ(xmr.confirmations, 10);
}

TEST(load_config, coins_keep_the_order_of_the_file_not_the_alphabet) {
  const engine_config c = load_text(R"(
[payments.XMR]
name = "Monero"
decimals = 12
usd_rate = "162.35"
address = "4xyz"
uri_scheme = "monero"
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250"
address = "bc1qxyz"
uri_scheme = "bitcoin"
[payments.USDC]
name = "USD Coin"
decimals = 6
usd_rate = "1"
address = "0xabc"
uri_scheme = "ethereum"
[payments.ETH]
name = "Ether"
decimals = 18
usd_rate = "3412.5"
address = "0xabc"
uri_scheme = "ethereum"
)");
  ASSERT_EQ(c.payments.coins.size(), 4u);
  EXPECT_EQ(c.payments.coins[0].code, "XMR");
  EXPECT_EQ(c.payments.coins[1].code, "BTC");
  EXPECT_EQ(c.payments.coins[2].code, "USDC");
  EXPECT_EQ(c.payments.coins[3].code, "ETH");
}

TEST(load_config, optional_coin_fields_have_defaults) {
  const engine_config c = load_text(R"(
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250.00"
address = "bc1qxyz"
uri_scheme = "bitcoin"
)");
  ASSERT_EQ(c.payments.coins.size(), 1u);
  EXPECT_EQ(c.payments.coins[0].quote_decimals, 8) << "quote_decimals defaults to decimals";
  EXPECT_FALSE(c.payments.coins[0].memo);
  EXPECT_EQ(c.payments.coins[0].confirmations, 1);
  EXPECT_EQ(c.payments.coins[0].usd_rate_e8, 9'725'000'000'000);
}

// ---------------------------------------------------------------- environment overrides

TEST(load_config, env_overrides_an_int_from_the_file) {
  const engine_config c = load_text("[http]\nport = 8081\n", {{"ORDER_ENGINE_HTTP_PORT", "9090"}});
  EXPECT_EQ(c.http.port, 9090);
}

TEST(load_config, tolerance_percent_is_exact_basis_points) {
  EXPECT_EQ(load_text("").payments.tolerance_bp, 0) << "default: exact or more";
  EXPECT_EQ(load_text("[payments]\ntolerance_percent = 1\n").payments.tolerance_bp, 100);
  EXPECT_EQ(load_text("[payments]\ntolerance_percent = \"0.25\"\n").payments.tolerance_bp, 25);
  EXPECT_EQ(load_text("", {{"ORDER_ENGINE_PAYMENTS_TOLERANCE_PERCENT", "2"}}).payments.tolerance_bp, 200);
  for (const char* bad : {"\"0.125\"", "\"101\"", "-1", "\"abc\"", "0.5"})
    EXPECT_THROW(load_text(std::string{"[payments]\ntolerance_percent = "} + bad + "\n"), config::config_error) << bad;
}

TEST(load_config, a_monero_wallet_watcher_is_configured_per_coin) {
  const engine_config off = load_text(xmr_coin);
  EXPECT_TRUE(off.payments.coins[0].wallet_rpc_url.empty()) << "default: the admin verifies";
  EXPECT_EQ(off.payments.coins[0].account_index, 0);
  EXPECT_EQ(off.payments.coins[0].poll_interval, 2s);
  const engine_config on = load_text(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_URL", "http://127.0.0.1:18083/"},
                                                {"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_USER", "shop"},
                                                {"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_PASSWORD", "s3cret"},
                                                {"ORDER_ENGINE_PAYMENTS_XMR_ACCOUNT_INDEX", "2"},
                                                {"ORDER_ENGINE_PAYMENTS_XMR_POLL_INTERVAL", "500ms"}});
  const auto& xmr = on.payments.coins[0];
  EXPECT_EQ(xmr.wallet_rpc_url, "http://127.0.0.1:18083");
  EXPECT_EQ(xmr.wallet_rpc_user, "shop");
  EXPECT_EQ(xmr.wallet_rpc_password, "s3cret");
  EXPECT_EQ(xmr.account_index, 2);
  EXPECT_EQ(xmr.poll_interval, 500ms);
  EXPECT_THROW(load_text(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_URL", "127.0.0.1:18083"}}),
               config::config_error);
  EXPECT_THROW(load_text(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_POLL_INTERVAL", "0s"}}), config::config_error);
}

TEST(load_config, env_overrides_durations) {
  const engine_config c =
      load_text("[payments]\nquote_ttl = \"30m\"\n",
                {{"ORDER_ENGINE_PAYMENTS_QUOTE_TTL", "2s"}, {"ORDER_ENGINE_ACTORS_PASSIVATE_AFTER", "500ms"}});
  EXPECT_EQ(c.payments.quote_ttl, 2s);
  EXPECT_EQ(c.actors.passivate_after, 500ms);
}

TEST(load_config, env_overrides_strings_even_with_an_empty_value) {
  const engine_config c = load_text("[database]\nurl = \"postgresql://file@db/ccc\"\n",
                                    {{"ORDER_ENGINE_DATABASE_URL", ""},
                                     {"ORDER_ENGINE_ADMIN_TOKEN", "env-token-8b1e6d2f03c9a47e"},
                                     {"ORDER_ENGINE_SHOP_PUBLIC_URL", "https://ccc.example"}});
  EXPECT_EQ(c.database.url, "");
  EXPECT_EQ(c.admin.token, "env-token-8b1e6d2f03c9a47e");
  EXPECT_EQ(c.shop.public_url, "https://ccc.example");
}

TEST(load_config, env_overrides_coin_fields) {
  const engine_config c = load_text(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_USD_RATE", "170.5"},
                                               {"ORDER_ENGINE_PAYMENTS_XMR_ADDRESS", "4envaddress"},
                                               {"ORDER_ENGINE_PAYMENTS_XMR_MEMO", "false"},
                                               {"ORDER_ENGINE_PAYMENTS_XMR_CONFIRMATIONS", "3"}});
  ASSERT_EQ(c.payments.coins.size(), 1u);
  EXPECT_EQ(c.payments.coins[0].usd_rate_e8, 17'050'000'000);
  EXPECT_EQ(c.payments.coins[0].address, "4envaddress");
  EXPECT_FALSE(c.payments.coins[0].memo);
  EXPECT_EQ(c.payments.coins[0].confirmations, 3);
}

TEST(load_config, env_supplies_a_coin_field_the_file_leaves_out) {
  // Keeps the receiving address out of the checked-in file.
  const engine_config c = load_text(R"(
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250.00"
uri_scheme = "bitcoin"
)",
                                    {{"ORDER_ENGINE_PAYMENTS_BTC_ADDRESS", "bc1qfromenv"}});
  ASSERT_EQ(c.payments.coins.size(), 1u);
  EXPECT_EQ(c.payments.coins[0].address, "bc1qfromenv");
}

TEST(load_config, env_wins_for_a_section_the_file_does_not_have) {
  const engine_config c = load_text("", {{"ORDER_ENGINE_LOG_LEVEL", "warn"}, {"ORDER_ENGINE_HTTP_THREADS", "3"}});
  EXPECT_EQ(c.log.level, "warn");
  EXPECT_EQ(c.http.threads, 3);
}

// ---------------------------------------------------------------- bad values name key and value

TEST(load_config_errors, non_numeric_port_from_env) {
  const config_error e = error_of("", {{"ORDER_ENGINE_HTTP_PORT", "abc"}});
  expect_names(e, "http.port", "abc");
  const std::string what = e.what();
  EXPECT_EQ(what.rfind("config: http.port = 'abc': expected a port number 1..65535", 0), 0u) << what;
  EXPECT_NE(what.find("ORDER_ENGINE_HTTP_PORT"), std::string::npos) << what;
}

TEST(load_config_errors, port_out_of_range) {
  expect_names(error_of("[http]\nport = 70000\n"), "http.port", "70000");
  expect_names(error_of("[http]\nport = 0\n"), "http.port", "0");
}

TEST(load_config_errors, wrong_type_in_the_file) {
  expect_names(error_of("[http]\nport = \"8080\"\n"), "http.port", "8080");
  expect_names(error_of("[http]\nhost = 127\n"), "http.host", "127");
  expect_names(error_of("[http]\nread_timeout = 10\n"), "http.read_timeout", "10");
  expect_names(error_of(xmr_coin + "[payments.BTC]\nmemo = \"yes\"\n"), "payments.BTC.memo", "yes");
}

TEST(load_config_errors, negative_numbers) {
  expect_names(error_of("[http]\nthreads = -1\n"), "http.threads", "-1");
  expect_names(error_of("[http]\nbody_limit = -1\n"), "http.body_limit", "-1");
  expect_names(error_of("", {{"ORDER_ENGINE_DATABASE_POOL_SIZE", "-3"}}), "database.pool_size", "-3");
  expect_names(error_of("[http]\nrate_limit = -5\n"), "http.rate_limit", "-5");
}

TEST(load_config_errors, bad_durations) {
  expect_names(error_of("[http]\nread_timeout = \"10 seconds\"\n"), "http.read_timeout", "10 seconds");
  expect_names(error_of("", {{"ORDER_ENGINE_ACTORS_ASK_TIMEOUT", "-5s"}}), "actors.ask_timeout", "-5s");
  expect_names(error_of("[payments]\nquote_ttl = \"1.5h\"\n"), "payments.quote_ttl", "1.5h");
}

TEST(load_config_errors, zero_is_refused_for_timeouts_but_allowed_for_the_shutdown_grace) {
  expect_names(error_of("[http]\nrequest_timeout = \"0\"\n"), "http.request_timeout", "0");
  EXPECT_EQ(load_text("[http]\nshutdown_grace = \"0\"\n").http.shutdown_grace, 0s);
}

TEST(load_config_errors, bad_rates) {
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_USD_RATE", "1e3"}}), "payments.XMR.usd_rate", "1e3");
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_USD_RATE", "0"}}), "payments.XMR.usd_rate", "0");
  // A float in the file is refused: 162.35 is not exactly representable.
  const config_error unquoted = error_of("[payments.XMR]\nusd_rate = 162.35\n");
  expect_names(unquoted, "payments.XMR.usd_rate", "162.35");
  EXPECT_NE(std::string(unquoted.what()).find("quoted"), std::string::npos) << unquoted.what();
}

TEST(load_config_errors, unknown_log_level) {
  expect_names(error_of("[log]\nlevel = \"verbose\"\n"), "log.level", "verbose");
}

TEST(load_config_errors, decimals_outside_0_to_18) {
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_DECIMALS", "19"}}), "payments.XMR.decimals", "19");
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_DECIMALS", "-1"}}), "payments.XMR.decimals", "-1");
}

TEST(load_config_errors, quote_decimals_above_decimals) {
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_QUOTE_DECIMALS", "13"}}), "payments.XMR.quote_decimals",
               "13");
}

TEST(load_config_errors, empty_or_missing_coin_address) {
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_ADDRESS", ""}}), "payments.XMR.address", "");
  const config_error missing = error_of(R"(
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250.00"
uri_scheme = "bitcoin"
)");
  expect_names(missing, "payments.BTC.address", "");
  EXPECT_NE(std::string(missing.what()).find("required"), std::string::npos) << missing.what();
}

TEST(load_config_errors, public_url_must_be_http_or_https) {
  expect_names(error_of("[shop]\npublic_url = \"ftp://shop.example\"\n"), "shop.public_url", "ftp://shop.example");
  expect_names(error_of("[shop]\npublic_url = \"127.0.0.1:8080\"\n"), "shop.public_url", "127.0.0.1:8080");
  expect_names(error_of("[shop]\npublic_url = \"http://\"\n"), "shop.public_url", "http://");
}

TEST(load_config_errors, support_email_must_look_like_an_address) {
  expect_names(error_of("[shop]\nsupport_email = \"support\"\n"), "shop.support_email", "support");
}

TEST(load_config_errors, booleans_from_env_are_true_or_false) {
  expect_names(error_of(xmr_coin, {{"ORDER_ENGINE_PAYMENTS_XMR_MEMO", "yes"}}), "payments.XMR.memo", "yes");
}

TEST(load_config_errors, a_multi_line_value_still_gives_a_one_line_message) {
  const config_error e = error_of("", {{"ORDER_ENGINE_HTTP_PORT", "80\n80"}});
  EXPECT_EQ(e.key(), "http.port");
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
}

// ---------------------------------------------------------------- typo safety

TEST(load_config_errors, unknown_key_is_named) {
  expect_names(error_of("[http]\nprot = 8080\n"), "http.prot", "8080");
}

TEST(load_config_errors, unknown_section_is_named) {
  const config_error e = error_of("[htp]\nport = 8080\n");
  EXPECT_EQ(e.key(), "htp");
  EXPECT_NE(std::string(e.what()).find("unknown section"), std::string::npos) << e.what();
}

TEST(load_config_errors, unknown_coin_key_is_named) {
  expect_names(error_of(xmr_coin + "adress = \"4abc\"\n"), "payments.XMR.adress", "4abc");
}

TEST(load_config_errors, a_scalar_in_payments_is_not_taken_for_a_coin) {
  expect_names(error_of("[payments]\nquote_tll = \"30m\"\n"), "payments.quote_tll", "30m");
}

TEST(load_config_errors, coin_codes_are_upper_case) {
  const config_error e = error_of("[payments.xmr]\nname = \"Monero\"\n");
  EXPECT_EQ(e.key(), "payments.xmr");
  EXPECT_NE(std::string(e.what()).find("upper-case"), std::string::npos) << e.what();
}

TEST(load_config_errors, missing_file_is_named) {
  const std::string path = "/nonexistent/ccc/engine.toml";
  try {
    load_config(path, env_of({}));
    FAIL() << "a missing file must not load";
  } catch (const config_error& e) {
    EXPECT_EQ(e.value(), path);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(load_config_errors, malformed_toml_names_file_and_line) {
  const config_error e = error_of("[http]\nport = = 8080\n");
  EXPECT_EQ(e.key(), "file");
  EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
}

}  // namespace

TEST(load_config, timers_take_second_long_durations_and_zero_turns_the_expiry_off) {
  const engine_config c = load_text("", {{"ORDER_ENGINE_TIMERS_PAYMENT_REMINDER_AFTER", "2s"},
                                         {"ORDER_ENGINE_TIMERS_CANCEL_UNPAID_AFTER", "0"},
                                         {"ORDER_ENGINE_TIMERS_REVIEW_REQUEST_AFTER", "3s"},
                                         {"ORDER_ENGINE_TIMERS_POLL_INTERVAL", "100ms"}});
  EXPECT_EQ(c.timers.payment_reminder_after, 2s);
  EXPECT_EQ(c.timers.cancel_unpaid_after, 0s);
  EXPECT_EQ(c.timers.review_request_after, 3s);
  EXPECT_EQ(c.timers.poll_interval, 100ms);
  EXPECT_THROW(load_text("", {{"ORDER_ENGINE_TIMERS_PAYMENT_REMINDER_AFTER", "0"}}), config_error);
}

TEST(load_config, mail_goes_to_a_file_drop_unless_an_smtp_url_is_set) {
  const engine_config defaults = load_text("");
  EXPECT_EQ(defaults.mail.smtp_url, "");
  EXPECT_EQ(defaults.mail.drop_dir, "var/mail");
  EXPECT_EQ(defaults.mail.max_attempts, 8);
  const engine_config smtp = load_text("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "smtp://127.0.0.1:2525"},
                                            {"ORDER_ENGINE_MAIL_STARTTLS", "true"},
                                            {"ORDER_ENGINE_MAIL_RETRY_AFTER", "200ms"}});
  EXPECT_EQ(smtp.mail.smtp_url, "smtp://127.0.0.1:2525");
  EXPECT_TRUE(smtp.mail.starttls);
  EXPECT_EQ(smtp.mail.retry_after, 200ms);
  EXPECT_THROW(load_text("", {{"ORDER_ENGINE_MAIL_SMTP_URL", "http://mail"}}), config_error);
  EXPECT_THROW(load_text("", {{"ORDER_ENGINE_MAIL_ADMIN_ADDRESS", "nobody"}}), config_error);
}

TEST(load_config, mail_is_sent_at_niceness_19_unless_told_and_only_from_0_to_19) {
  EXPECT_EQ(load_text("").mail.niceness, 19);
  EXPECT_EQ(load_text("[mail]\nniceness = 0\n").mail.niceness, 0);
  EXPECT_EQ(load_text("", {{"ORDER_ENGINE_MAIL_NICENESS", "10"}}).mail.niceness, 10);
  expect_names(error_of("[mail]\nniceness = 20\n"), "mail.niceness", "20");
  expect_names(error_of("[mail]\nniceness = -1\n"), "mail.niceness", "-1");
}

TEST(load_config, mail_is_held_to_200_a_second_while_busy_unless_told_and_never_past_half_its_lease) {
  EXPECT_EQ(load_text("").mail.rate_while_busy, 50);
  EXPECT_EQ(load_text("[mail]\nrate_while_busy = 0\n").mail.rate_while_busy, 0);
  EXPECT_EQ(load_text("", {{"ORDER_ENGINE_MAIL_RATE_WHILE_BUSY", "120"}}).mail.rate_while_busy, 120);
  expect_names(error_of("[mail]\nrate_while_busy = -1\n"), "mail.rate_while_busy", "-1");
  // 64 messages at 1 a second take 64 s: within half of a 5 minute lease, not of a 1 minute one.
  EXPECT_EQ(load_text("[mail]\nrate_while_busy = 1\nlease = \"5m\"\n").mail.rate_while_busy, 1);
  expect_names(error_of("[mail]\nrate_while_busy = 1\nlease = \"1m\"\n"), "mail.rate_while_busy", "1");
}

TEST(load_config, a_node_is_named_by_its_host_and_port_unless_named_and_fails_over_after_ten_seconds) {
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const auto defaults = load_text("[http]\nport = 9091\n");
  EXPECT_EQ(defaults.cluster.node_name.rfind(":9091"), defaults.cluster.node_name.size() - 5);
  EXPECT_NE(defaults.cluster.node_name.find(std::string{host}.substr(0, 8)), std::string::npos);
  EXPECT_EQ(defaults.cluster.failover_after, 10s);

  const auto named = load_text("[cluster]\nnode_name = \"shop-1\"\nfailover_after = \"3s\"\n",
                               {{"ORDER_ENGINE_CLUSTER_NODE_NAME", "shop-2"}});
  EXPECT_EQ(named.cluster.node_name, "shop-2");
  EXPECT_EQ(named.cluster.failover_after, 3s);
}

TEST(load_config_errors, a_node_name_is_one_plain_word) {
  for (const char* bad : {"shop 1", "shop\"1", "a/b", "node{1}"})
    EXPECT_THROW(load_text("", {{"ORDER_ENGINE_CLUSTER_NODE_NAME", bad}}), config_error) << bad;
  EXPECT_THROW(load_text("", {{"ORDER_ENGINE_CLUSTER_NODE_NAME", std::string(64, 'n')}}), config_error);
  EXPECT_THROW(load_text("", {{"ORDER_ENGINE_CLUSTER_FAILOVER_AFTER", "0"}}), config_error);
}

namespace {

const std::string btc_coin = R"(
[payments.BTC]
name = "Bitcoin"
decimals = 8
usd_rate = "97250.00"
address = "bc1qy8624fl6zy54klay937yrnujckpak28lrdjg0e"
uri_scheme = "bitcoin"
confirmations = 2
)";

const char* test_vpub =
    "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

}  // namespace

TEST(load_config, an_account_key_is_optional_and_bitcoin_is_watched_through_esplora_when_given_a_url) {
  const auto off = load_text(btc_coin).payments.coins[0];
  EXPECT_EQ(off.xpub, "") << "default: the static address and the order's amount offset";
  EXPECT_EQ(off.network, "mainnet");
  EXPECT_EQ(off.esplora_url, "") << "default: the admin verifies";
  EXPECT_EQ(off.poll_interval, 2s);
  EXPECT_EQ(off.confirmations, 2);

  const auto on = load_text(btc_coin, {{"ORDER_ENGINE_PAYMENTS_BTC_XPUB", std::string(" ") + test_vpub + "\n"},
                                       {"ORDER_ENGINE_PAYMENTS_BTC_NETWORK", "regtest"},
                                       {"ORDER_ENGINE_PAYMENTS_BTC_ESPLORA_URL", "http://127.0.0.1:3002/api/"},
                                       {"ORDER_ENGINE_PAYMENTS_BTC_POLL_INTERVAL", "250ms"},
                                       {"ORDER_ENGINE_PAYMENTS_BTC_CONFIRMATIONS", "3"}})
                      .payments.coins[0];
  EXPECT_EQ(on.xpub, test_vpub) << "a pasted key loses the blanks around it";
  EXPECT_EQ(on.network, "regtest");
  EXPECT_EQ(on.esplora_url, "http://127.0.0.1:3002/api");
  EXPECT_EQ(on.poll_interval, 250ms);
  EXPECT_EQ(on.confirmations, 3);
}

TEST(load_config_errors, a_bitcoin_network_is_mainnet_testnet_or_regtest) {
  const auto e = error_of(btc_coin + "network = \"signet\"\n");
  EXPECT_EQ(e.key(), "payments.BTC.network");
  EXPECT_NE(std::string(e.what()).find("expected \"mainnet\", \"testnet\" or \"regtest\""), std::string::npos)
      << e.what();
}

TEST(load_config, an_ethereum_coin_is_watched_through_a_node_when_given_an_rpc_url) {
  const std::string eth_coin = R"(
[payments.ETH]
name = "Ether"
decimals = 18
usd_rate = "3412.50"
address = "0xcf25ec84d8dbc74254770f58904dba41ecccc3fc"
uri_scheme = "ethereum"
)";
  EXPECT_EQ(load_text(eth_coin).payments.coins[0].rpc_url, "") << "default: the admin verifies";
  const auto on =
      load_text(eth_coin, {{"ORDER_ENGINE_PAYMENTS_ETH_RPC_URL", "https://mainnet.example/v3/KEY/"}}).payments.coins[0];
  EXPECT_EQ(on.rpc_url, "https://mainnet.example/v3/KEY");
}

TEST(load_config_errors, an_rpc_url_is_for_ethereum_coins_only) {
  const auto e = error_of(btc_coin + "rpc_url = \"http://127.0.0.1:8545\"\n");
  EXPECT_EQ(e.key(), "payments.BTC.rpc_url");
  EXPECT_NE(std::string(e.what()).find("Ether and its tokens only"), std::string::npos) << e.what();
}

TEST(load_config_errors, an_esplora_url_is_for_bitcoin_only) {
  const auto e = error_of(xmr_coin + "esplora_url = \"http://127.0.0.1:3002\"\n");
  EXPECT_EQ(e.key(), "payments.XMR.esplora_url");
  EXPECT_NE(std::string(e.what()).find("Bitcoin only"), std::string::npos) << e.what();
}
