// Loading the configuration: the TOML file, then ORDER_ENGINE_* overrides, each
// key checked against the schema below (every section and key in one place; the
// checks themselves are in setting.cpp, the secret keys in secrets.cpp).

#include "config/config.hpp"

#include <toml++/toml.h>

#include "config/scalars.hpp"
#include "config/secrets.hpp"
#include "config/setting.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include <unistd.h>

namespace config {

namespace {

// Keeps what() on one line and short even when an env var holds garbage.
std::string printable(std::string_view text) {
  constexpr std::size_t max_shown = 120;
  std::string out;
  for (char c : text.substr(0, max_shown)) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (text.size() > max_shown) out += "...";
  return out;
}

}  // namespace

namespace {

/// The host name and the HTTP port: unique per node without any setting,
/// also for several nodes on one machine.
std::string default_node_name(int http_port) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  std::string name;
  for (const char* c = host; *c != '\0' && name.size() < 56; ++c)
    name.push_back(std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' || *c == '-' ? *c : '-');
  return name + ":" + std::to_string(http_port);
}

}  // namespace

config_error::config_error(std::string key, std::string value, const std::string& reason)
    : std::runtime_error("config: " + key + " = '" + printable(hidden(secrecy_of(key), value)) + "': " + reason),
      key_(std::move(key)),
      value_(hidden(secrecy_of(key_), std::move(value))) {}

namespace {

// ---------------------------------------------------------------- the schema

constexpr std::int64_t max_bytes = std::int64_t{1} << 30;

template <class Target>
struct field {
  std::string_view name;
  void (*apply)(Target&, const setting&);
};

struct section {
  std::string_view name;
  std::vector<field<engine_config>> fields;
};

// Adding a key: one line here, one line with its default in config/engine.toml.
const std::vector<section>& schema() {
  using c = engine_config;
  using s = const setting&;
  static const std::vector<section> sections{
      {"shop",
       {
           {"name", [](c& e, s v) { e.shop.name = non_empty_string(v); }},
           {"public_url", [](c& e, s v) { e.shop.public_url = url_of(v); }},
           {"support_email", [](c& e, s v) { e.shop.support_email = email_of(v); }},
       }},
      {"http",
       {
           {"host", [](c& e, s v) { e.http.host = non_empty_string(v); }},
           {"port", [](c& e, s v) { e.http.port = int(integer_in(v, 1, 65535, "a port number")); }},
           {"threads", [](c& e, s v) { e.http.threads = int(integer_in(v, 1, 256, "a thread count")); }},
           {"body_limit",
            [](c& e, s v) { e.http.body_limit = std::size_t(integer_in(v, 1, max_bytes, "a byte count")); }},
           {"header_limit",
            [](c& e, s v) { e.http.header_limit = std::size_t(integer_in(v, 1, max_bytes, "a byte count")); }},
           {"read_timeout", [](c& e, s v) { e.http.read_timeout = duration_of(v, false); }},
           {"idle_timeout", [](c& e, s v) { e.http.idle_timeout = duration_of(v, false); }},
           {"request_timeout", [](c& e, s v) { e.http.request_timeout = duration_of(v, false); }},
           {"max_connections",
            [](c& e, s v) { e.http.max_connections = int(integer_in(v, 1, 10'000'000, "a connection count")); }},
           {"max_connections_per_ip",
            [](c& e, s v) { e.http.max_connections_per_ip = int(integer_in(v, 0, 10'000'000, "a connection count")); }},
           {"max_in_flight",
            [](c& e, s v) { e.http.max_in_flight = int(integer_in(v, 0, 10'000'000, "a request count")); }},
           {"trusted_proxies", [](c& e, s v) { e.http.trusted_proxies = networks_of(v); }},
           {"rate_limit",
            [](c& e, s v) { e.http.rate_limit = int(integer_in(v, 0, 1'000'000, "requests per second")); }},
           {"rate_burst", [](c& e, s v) { e.http.rate_burst = int(integer_in(v, 0, 1'000'000, "a request count")); }},
           {"shutdown_grace", [](c& e, s v) { e.http.shutdown_grace = duration_of(v, true); }},
           {"tls_cert", [](c& e, s v) { e.http.tls_cert = any_string(v); }},
           {"tls_key", [](c& e, s v) { e.http.tls_key = any_string(v); }},
       }},
      {"limits",
       {
           {"checkout_per_minute",
            [](c& e, s v) { e.limits.checkout_per_minute = int(integer_in(v, 0, 1'000'000, "requests per minute")); }},
           {"checkout_burst",
            [](c& e, s v) { e.limits.checkout_burst = int(integer_in(v, 0, 1'000'000, "a request count")); }},
           {"order_actions_per_minute",
            [](c& e, s v) {
              e.limits.order_actions_per_minute = int(integer_in(v, 0, 1'000'000, "requests per minute"));
            }},
           {"order_actions_burst",
            [](c& e, s v) { e.limits.order_actions_burst = int(integer_in(v, 0, 1'000'000, "a request count")); }},
           {"analytics_per_minute",
            [](c& e, s v) { e.limits.analytics_per_minute = int(integer_in(v, 0, 1'000'000, "requests per minute")); }},
           {"analytics_burst",
            [](c& e, s v) { e.limits.analytics_burst = int(integer_in(v, 0, 1'000'000, "a request count")); }},
           {"sign_in_per_minute",
            [](c& e, s v) { e.limits.sign_in_per_minute = int(integer_in(v, 0, 1'000'000, "requests per minute")); }},
           {"sign_in_burst",
            [](c& e, s v) { e.limits.sign_in_burst = int(integer_in(v, 0, 1'000'000, "a request count")); }},
       }},
      {"database",
       {
           {"url", [](c& e, s v) { e.database.url = any_string(v); }},
           {"app_url", [](c& e, s v) { e.database.app_url = any_string(v); }},
           {"pool_size", [](c& e, s v) { e.database.pool_size = int(integer_in(v, 1, 1000, "a connection count")); }},
           {"journal_max_batch",
            [](c& e, s v) { e.database.journal_max_batch = int(integer_in(v, 1, 100'000, "a batch size")); }},
           {"journal_max_queue",
            [](c& e, s v) { e.database.journal_max_queue = int(integer_in(v, 1, 10'000'000, "a queue length")); }},
           {"journal_writers",
            [](c& e, s v) { e.database.journal_writers = int(integer_in(v, 1, 64, "a number of connections")); }},
       }},
      {"security",
       {
           {"master_key_file", [](c& e, s v) { e.security.master_key_file = any_string(v); }},
       }},
      {"privacy",
       {
           {"retain_customer_data_for", [](c& e, s v) { e.privacy.retain_customer_data_for = duration_of(v, false); }},
           {"retention_interval", [](c& e, s v) { e.privacy.retention_interval = duration_of(v, false); }},
           {"retain_analytics_for", [](c& e, s v) { e.privacy.retain_analytics_for = duration_of(v, false); }},
       }},
      {"cluster",
       {
           {"node_name", [](c& e, s v) { e.cluster.node_name = node_name_of(v); }},
           {"failover_after", [](c& e, s v) { e.cluster.failover_after = duration_of(v, false); }},
       }},
      {"admin",
       {
           {"allow_from", [](c& e, s v) { e.admin.allow_from = networks_of(v); }},
           {"token", [](c& e, s v) { e.admin.token = admin_token_of(v); }},
       }},
      {"actors",
       {
           {"passivate_after", [](c& e, s v) { e.actors.passivate_after = duration_of(v, false); }},
           {"max_live_orders",
            [](c& e, s v) { e.actors.max_live_orders = int(integer_in(v, 1, 10'000'000, "a number of orders")); }},
           {"ask_timeout", [](c& e, s v) { e.actors.ask_timeout = duration_of(v, false); }},
       }},
      {"timers",
       {
           {"payment_reminder_after", [](c& e, s v) { e.timers.payment_reminder_after = duration_of(v, false); }},
           {"cancel_unpaid_after", [](c& e, s v) { e.timers.cancel_unpaid_after = duration_of(v, true); }},
           {"review_request_after", [](c& e, s v) { e.timers.review_request_after = duration_of(v, false); }},
           {"poll_interval", [](c& e, s v) { e.timers.poll_interval = duration_of(v, false); }},
           {"batch", [](c& e, s v) { e.timers.batch = int(integer_in(v, 1, 100'000, "a batch size")); }},
           {"lease", [](c& e, s v) { e.timers.lease = duration_of(v, false); }},
       }},
      {"mail",
       {
           {"smtp_url", [](c& e, s v) { e.mail.smtp_url = smtp_url_of(v); }},
           {"username", [](c& e, s v) { e.mail.username = any_string(v); }},
           {"password", [](c& e, s v) { e.mail.password = any_string(v); }},
           {"starttls", [](c& e, s v) { e.mail.starttls = boolean(v); }},
           {"timeout", [](c& e, s v) { e.mail.timeout = duration_of(v, false); }},
           {"from", [](c& e, s v) { e.mail.from = non_empty_string(v); }},
           {"admin_address", [](c& e, s v) { e.mail.admin_address = email_of(v); }},
           {"drop_dir", [](c& e, s v) { e.mail.drop_dir = non_empty_string(v); }},
           {"templates_dir", [](c& e, s v) { e.mail.templates_dir = non_empty_string(v); }},
           {"max_attempts",
            [](c& e, s v) { e.mail.max_attempts = int(integer_in(v, 1, 1000, "a number of attempts")); }},
           {"retry_after", [](c& e, s v) { e.mail.retry_after = duration_of(v, false); }},
           {"retry_max", [](c& e, s v) { e.mail.retry_max = duration_of(v, false); }},
           {"poll_interval", [](c& e, s v) { e.mail.poll_interval = duration_of(v, false); }},
           {"batch", [](c& e, s v) { e.mail.batch = int(integer_in(v, 1, 10'000, "a batch size")); }},
           {"senders", [](c& e, s v) { e.mail.senders = int(integer_in(v, 1, 64, "a number of senders")); }},
           {"niceness", [](c& e, s v) { e.mail.niceness = int(integer_in(v, 0, 19, "a niceness")); }},
           {"rate_while_busy",
            [](c& e, s v) {
              e.mail.rate_while_busy = int(integer_in(v, 0, 1'000'000, "a number of messages a second"));
            }},
           {"lease", [](c& e, s v) { e.mail.lease = duration_of(v, false); }},
           {"max_per_recipient_per_hour",
            [](c& e, s v) {
              e.mail.max_per_recipient_per_hour = int(integer_in(v, 0, 1'000'000, "a number of emails"));
            }},
       }},
      {"webhooks",
       {
           {"allow_private_targets", [](c& e, s v) { e.webhooks.allow_private_targets = boolean(v); }},
           {"retry_after", [](c& e, s v) { e.webhooks.retry_after = duration_of(v, false); }},
           {"retry_max", [](c& e, s v) { e.webhooks.retry_max = duration_of(v, false); }},
           {"give_up_after", [](c& e, s v) { e.webhooks.give_up_after = duration_of(v, false); }},
           {"timeout", [](c& e, s v) { e.webhooks.timeout = duration_of(v, false); }},
           {"poll_interval", [](c& e, s v) { e.webhooks.poll_interval = duration_of(v, false); }},
           {"batch", [](c& e, s v) { e.webhooks.batch = int(integer_in(v, 1, 1'000, "a batch size")); }},
           {"senders", [](c& e, s v) { e.webhooks.senders = int(integer_in(v, 1, 64, "a number of senders")); }},
       }},
      {"fulfillment",
       {
           {"processing_time", [](c& e, s v) { e.fulfillment.processing_time = duration_of(v, true); }},
       }},
      {"catalog",
       {
           {"seed_file", [](c& e, s v) { e.catalog.seed_file = any_string(v); }},
       }},
      {"web",
       {
           {"root", [](c& e, s v) { e.web.root = non_empty_string(v); }},
       }},
      {"log",
       {
           {"level", [](c& e, s v) { e.log.level = log_level_of(v); }},
       }},
      {"payments",
       {
           {"quote_ttl", [](c& e, s v) { e.payments.quote_ttl = duration_of(v, false); }},
           {"tolerance_percent", [](c& e, s v) { e.payments.tolerance_bp = tolerance_bp_of(v); }},
           {"matcher_max_queue",
            [](c& e, s v) { e.payments.matcher_max_queue = int(integer_in(v, 1, 100'000, "a request count")); }},
           {"watch_addresses_for", [](c& e, s v) { e.payments.watch_addresses_for = duration_of(v, true); }},
       }},
  };
  return sections;
}

struct coin_field {
  field<coin_config> f;
  bool required;
};

const std::vector<coin_field>& coin_schema() {
  using c = coin_config;
  using s = const setting&;
  static const std::vector<coin_field> fields{
      {{"name", [](c& coin, s v) { coin.name = non_empty_string(v); }}, true},
      {{"decimals", [](c& coin, s v) { coin.decimals = int(integer_in(v, 0, 18, "a number of decimals")); }}, true},
      {{"quote_decimals",
        [](c& coin, s v) { coin.quote_decimals = int(integer_in(v, 0, 18, "a number of decimals")); }},
       false},
      {{"usd_rate", [](c& coin, s v) { coin.usd_rate_e8 = rate_of(v); }}, true},
      {{"address", [](c& coin, s v) { coin.address = address_of(v); }}, true},
      {{"uri_scheme", [](c& coin, s v) { coin.uri_scheme = uri_scheme_of(v); }}, true},
      {{"token_contract",
        [](c& coin, s v) {
          coin.token_contract = any_string(v);
          if (coin.token_contract.find_first_of(" \t\r\n") != std::string::npos)
            v.fail("expected a contract address without spaces");
        }},
       false},
      {{"memo", [](c& coin, s v) { coin.memo = boolean(v); }}, false},
      {{"confirmations",
        [](c& coin, s v) { coin.confirmations = int(integer_in(v, 0, 10'000, "a confirmation count")); }},
       false},
      {{"wallet_rpc_url",
        [](c& coin, s v) {
          coin.wallet_rpc_url = any_string(v).empty() ? std::string{} : url_of(v);
          if (!coin.wallet_rpc_url.empty() && coin.uri_scheme != "monero" && !coin.uri_scheme.empty())
            v.fail("a wallet watcher exists for Monero only (uri_scheme \"monero\")");
        }},
       false},
      {{"wallet_rpc_user", [](c& coin, s v) { coin.wallet_rpc_user = any_string(v); }}, false},
      {{"wallet_rpc_password", [](c& coin, s v) { coin.wallet_rpc_password = any_string(v); }}, false},
      {{"account_index",
        [](c& coin, s v) { coin.account_index = int(integer_in(v, 0, 1'000'000, "an account index")); }},
       false},
      {{"poll_interval", [](c& coin, s v) { coin.poll_interval = duration_of(v, false); }}, false},
      // Whether the key is a public one is for chains/ to say, at start-up.
      {{"xpub",
        [](c& coin, s v) {
          coin.xpub = any_string(v);
          coin.xpub.erase(0, coin.xpub.find_first_not_of(" \t\r\n"));
          coin.xpub.erase(coin.xpub.find_last_not_of(" \t\r\n") + 1);
        }},
       false},
      {{"network",
        [](c& coin, s v) {
          coin.network = any_string(v);
          if (coin.network != "mainnet" && coin.network != "testnet" && coin.network != "regtest")
            v.fail("expected \"mainnet\", \"testnet\" or \"regtest\"");
        }},
       false},
      {{"esplora_url",
        [](c& coin, s v) {
          coin.esplora_url = any_string(v).empty() ? std::string{} : url_of(v);
          if (!coin.esplora_url.empty() && coin.uri_scheme != "bitcoin" && !coin.uri_scheme.empty())
            v.fail("an Esplora API watches Bitcoin only (uri_scheme \"bitcoin\")");
        }},
       false},
      {{"rpc_url",
        [](c& coin, s v) {
          coin.rpc_url = any_string(v).empty() ? std::string{} : url_of(v);
          if (!coin.rpc_url.empty() && coin.uri_scheme != "ethereum" && !coin.uri_scheme.empty())
            v.fail("an Ethereum node's JSON-RPC watches Ether and its tokens only (uri_scheme \"ethereum\")");
        }},
       false},
  };
  return fields;
}

const section* find_section(std::string_view name) {
  for (const section& sec : schema()) {
    if (sec.name == name) return &sec;
  }
  return nullptr;
}

template <class Fields>
bool has_field(const Fields& fields, std::string_view name) {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
}

bool is_coin_code(std::string_view code) {
  return code.size() >= 2 && code.size() <= 10 &&
         std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// ---------------------------------------------------------------- loading

toml::table parse_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw config_error("file", path, "does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) throw config_error("file", path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) throw config_error("file", path, std::string("cannot be read: ") + std::strerror(errno));
  try {
    return toml::parse(content.str(), path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    // toml++ may quote what it could not read ("'98765...' is not representable"):
    // not on a secret's line.
    std::string description(e.description());
    const std::string key = key_on_line(content.str(), at.line);
    if (!key.empty() && (secrecy_of(key) || secrecy_of_unknown(key))) {
      description = description.substr(0, description.find('\'')) + "(the rest is not shown: " + key + " is secret)";
    }
    throw config_error(
        "file", path, "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " + description);
  }
}

// A misspelt secret key still holds the secret: its value is hidden like the real one's.
[[noreturn]] void unknown_key(const std::string& key, const toml::node& value, const std::string& reason) {
  throw config_error(key, hidden(secrecy_of_unknown(key), render(value)), reason);
}

// Typos must not be silently ignored: every key in the file has to be one we read.
void reject_unknown_keys(const toml::table& root) {
  for (const auto& [name, node] : root) {
    const std::string section_name(name.str());
    const section* sec = find_section(section_name);
    if (!sec) unknown_key(section_name, node, "unknown section");
    const toml::table* table = node.as_table();
    if (!table) throw config_error(section_name, render(node), "expected a [" + section_name + "] table");
    for (const auto& [key, value] : *table) {
      const std::string full = section_name + "." + std::string(key.str());
      if (has_field(sec->fields, key.str())) continue;
      if (section_name != "payments") unknown_key(full, value, "unknown key");
      const toml::table* coin = value.as_table();
      if (!coin) unknown_key(full, value, "unknown key (a coin is a [payments.CODE] table)");
      if (!is_coin_code(key.str())) {
        throw config_error(full, std::string(key.str()), "expected a coin code of 2..10 upper-case letters or digits");
      }
      for (const auto& [coin_key, coin_value] : *coin) {
        // A lambda may not capture a structured binding before C++20 (clang refuses).
        const std::string_view name = coin_key.str();
        const bool known = std::any_of(coin_schema().begin(), coin_schema().end(),
                                       [&](const coin_field& f) { return f.f.name == name; });
        if (!known) unknown_key(full + "." + std::string(coin_key.str()), coin_value, "unknown key");
      }
    }
  }
}

// The environment wins over the file, the file over the default.
template <class Target>
bool apply_field(Target& target, const field<Target>& f, const std::string& key, const toml::table* table,
                 const env_lookup& getenv) {
  const std::string env_name = env_name_for(key);
  if (auto env_value = getenv(env_name)) {
    f.apply(target, setting(key, nullptr, std::move(env_value), env_name));
    return true;
  }
  if (table) {
    if (const toml::node* node = table->get(f.name)) {
      f.apply(target, setting(key, node, std::nullopt, {}));
      return true;
    }
  }
  return false;
}

coin_config load_coin(const std::string& code, const toml::table& table, const env_lookup& getenv) {
  coin_config coin;
  coin.code = code;
  bool quote_decimals_set = false;
  std::optional<std::string> first_missing;
  // Present values are checked first so that a wrong value is not hidden behind a missing one.
  for (const coin_field& cf : coin_schema()) {
    const std::string key = "payments." + code + "." + std::string(cf.f.name);
    const bool set = apply_field(coin, cf.f, key, &table, getenv);
    if (!set && cf.required && !first_missing) first_missing = key;
    if (cf.f.name == "quote_decimals") quote_decimals_set = set;
  }
  if (first_missing) throw config_error(*first_missing, "", "is required");
  if (!quote_decimals_set) coin.quote_decimals = coin.decimals;
  if (coin.quote_decimals > coin.decimals) {
    throw config_error("payments." + code + ".quote_decimals", std::to_string(coin.quote_decimals),
                       "expected at most decimals (" + std::to_string(coin.decimals) + ")");
  }
  return coin;
}

std::vector<coin_config> load_coins(const toml::table& root, const env_lookup& getenv) {
  std::vector<coin_config> coins;
  const toml::table* payments = root["payments"].as_table();
  if (!payments) return coins;

  // toml::table is sorted by key; the operator's order is the order in the file.
  std::vector<std::pair<const toml::key*, const toml::table*>> found;
  for (const auto& [key, node] : *payments) {
    if (const toml::table* coin = node.as_table()) found.emplace_back(&key, coin);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return std::tie(x.line, x.column) < std::tie(y.line, y.column);
  });
  for (const auto& [key, table] : found) coins.push_back(load_coin(std::string(key->str()), *table, getenv));
  return coins;
}

// ---------------------------------------------------------------- rules across keys

// AUTH on a plain smtp:// connection would send the password readable by anyone on
// the path. The file drop (smtp_url "") sends nothing, so credentials there are harmless.
void refuse_clear_text_smtp_credentials(const mail_config& mail) {
  const bool credentials = !mail.username.empty() || !mail.password.empty() ||
                           mail.smtp_url.find('@') != std::string::npos;  // smtp://user:password@host
  const bool encrypted = mail.smtp_url.rfind("smtps://", 0) == 0 || mail.starttls;
  if (credentials && !mail.smtp_url.empty() && !encrypted) {
    throw config_error("mail.smtp_url", mail.smtp_url,
                       "SMTP credentials would travel in clear text: use smtps:// or set mail.starttls = true");
  }
}

// A claim held back to mail.rate_while_busy must be sent well within its
// lease: past it, another node may claim and send what this one still holds.
void refuse_a_pace_that_outlasts_the_lease(const mail_config& mail) {
  if (mail.rate_while_busy <= 0) return;
  const auto paced = std::chrono::milliseconds{1000LL * mail.batch / mail.rate_while_busy};
  if (paced * 2 > mail.lease) {
    throw config_error("mail.rate_while_busy", std::to_string(mail.rate_while_busy),
                       "too slow: a claim of mail.batch messages would take over half of mail.lease");
  }
}

void require_readable_file(const std::string& key, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw config_error(key, path, "does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) throw config_error(key, path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(key, path, std::string("cannot be read: ") + std::strerror(errno));
  if (in.peek() == std::ifstream::traits_type::eof()) throw config_error(key, path, "is empty");
}

// A certificate without its key (or the reverse) cannot serve, and serving plain
// HTTP instead would quietly drop what was asked for. Whether the two belong
// together is for the TLS library to say (http::check_tls_files).
void check_tls_files(const http_config& http) {
  if (http.tls_cert.empty() && http.tls_key.empty()) return;
  if (http.tls_key.empty())
    throw config_error("http.tls_key", "",
                       "is required when http.tls_cert is set (HTTPS needs both, plain HTTP neither)");
  if (http.tls_cert.empty())
    throw config_error("http.tls_cert", "",
                       "is required when http.tls_key is set (HTTPS needs both, plain HTTP neither)");
  require_readable_file("http.tls_cert", http.tls_cert);
  require_readable_file("http.tls_key", http.tls_key);
}

}  // namespace

engine_config load_config(const std::string& path, const env_lookup& getenv) {
  const toml::table root = parse_file(path);
  reject_unknown_keys(root);

  engine_config result;
  for (const section& sec : schema()) {
    const toml::table* table = root[sec.name].as_table();
    for (const auto& f : sec.fields) {
      apply_field(result, f, std::string(sec.name) + "." + std::string(f.name), table, getenv);
    }
  }
  result.payments.coins = load_coins(root, getenv);
  refuse_clear_text_smtp_credentials(result.mail);
  refuse_a_pace_that_outlasts_the_lease(result.mail);
  check_tls_files(result.http);
  if (result.cluster.node_name.empty()) result.cluster.node_name = default_node_name(result.http.port);
  return result;
}

engine_config load_config(const std::string& path) {
  return load_config(path, [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  });
}

}  // namespace config
