#pragma once

// The engine's whole configuration as one typed struct. Loaded from a TOML file
// (config/engine.toml documents every key) and overridden key by key from the
// environment: `section.key` <- ORDER_ENGINE_SECTION_KEY, a coin's field
// `payments.XMR.usd_rate` <- ORDER_ENGINE_PAYMENTS_XMR_USD_RATE.
// Every duration is a setting so that tests can run a whole order lifecycle in seconds.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ip_network.hpp"

namespace config {

using duration = std::chrono::milliseconds;

struct coin_config {
  std::string code;              // table name in the file: "XMR"
  std::string name;              // "Monero"
  int decimals = 0;              // atomic units per coin = 10^decimals (XMR 12, BTC 8, ETH 18)
  int quote_decimals = 0;        // digits a quoted amount is rounded to; <= decimals
  std::int64_t usd_rate_e8 = 0;  // USD per whole coin times 1e8, exact ("162.35" -> 16235000000)
  std::string address;           // receiving address shown to the customer
  std::string uri_scheme;        // payment URI scheme: "monero", "bitcoin", "ethereum"
  std::string token_contract;    // ERC-20 contract of a token (USDC); empty for a chain's native coin
  bool memo = false;             // the order reference travels with the payment (payment id / memo)
  int confirmations = 1;         // confirmations before a payment counts as received
  // A chain watcher verifies payments automatically (Monero: monero-wallet-rpc on a
  // view-only wallet, docs/MONERO.md). Empty URL: the admin verifies by hand.
  std::string wallet_rpc_url;  // base URL, e.g. http://127.0.0.1:18083 (the engine appends /json_rpc)
  std::string wallet_rpc_user;
  std::string wallet_rpc_password;  // digest auth, for monero-wallet-rpc --rpc-login
  int account_index = 0;
  duration poll_interval = std::chrono::seconds{2};  // how often a watcher looks at its chain source
  // A receiving address of its own per order, derived from the account's
  // extended PUBLIC key (BTC: the BIP84 account's zpub, or vpub off mainnet;
  // ETH and USDC: the xpub of m/44'/60'/0'). Empty: the static address plus
  // the order's amount offset. A private key or seed here stops start-up
  // (assembly/receiving_accounts.cpp); its value is never printed.
  std::string xpub;
  std::string network = "mainnet";  // Bitcoin's network: "mainnet", "testnet" or "regtest"
  // Bitcoin watched through an Esplora HTTP API (a self-hosted electrs/esplora,
  // mempool.space, blockstream.info), e.g. https://mempool.space/api. Empty: no watcher.
  std::string esplora_url;
  // Ether and ERC-20 tokens watched through an Ethereum node's JSON-RPC (your
  // own geth or Nethermind, or a provider's URL). A token's empty rpc_url
  // shares the Ether coin's. Empty on both: no watcher.
  std::string rpc_url;
};

struct shop_config {
  std::string name = "Cleveland Cartridge Co";
  std::string public_url = "http://127.0.0.1:8080";  // base of links in emails
  std::string support_email = "support@cleveland-cartridge.example";
};

struct http_config {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 2;
  std::size_t body_limit = 65536;   // bytes
  std::size_t header_limit = 8192;  // bytes
  duration read_timeout = std::chrono::seconds{10};
  duration idle_timeout = std::chrono::seconds{60};
  duration request_timeout = std::chrono::seconds{10};
  int max_connections = 10000;      // open at once; more are closed at once
  int max_connections_per_ip = 64;  // per client address (IPv6: per /64); 0 = no per-client cap
  int max_in_flight = 2048;         // requests handled at once; more get 503 + Retry-After; 0 = no bound
  std::vector<domain::ip_network> trusted_proxies;  // our reverse proxies: their X-Forwarded-For names the client
  int rate_limit = 0;                               // requests per second per client IP, 0 = off
  int rate_burst = 0;                               // 0 = 2 x rate_limit
  duration shutdown_grace = std::chrono::seconds{10};
  // HTTPS in the engine (TLS 1.3 only): PEM files, both or neither; "" = plain HTTP.
  std::string tls_cert;  // the certificate chain, leaf first
  std::string tls_key;   // its private key, not encrypted
};

/// Per-client limits on the storefront's writes that cost us or others
/// (orders, emails, chain lookups); 0 per minute turns a limit off.
struct limits_config {
  int checkout_per_minute = 30;
  int checkout_burst = 10;
  int order_actions_per_minute = 10;  // payment claims and requotes
  int order_actions_burst = 10;
  int analytics_per_minute = 60;
  int analytics_burst = 60;
  int sign_in_per_minute = 5;  // admin sign-ins, per client and per account
  int sign_in_burst = 5;
};

struct database_config {
  std::string url;  // libpq URL of the owner: migrations, catalog seed, root key; empty = none configured (scripts/run
                    // then starts a private one)
  std::string
      app_url;  // libpq URL every actor connects with (as ccc_app); empty = `url` with its user replaced by ccc_app
  int pool_size = 8;
  int journal_max_batch = 256;    // appends per group-commit transaction
  int journal_writers = 2;        // group-commit transactions in flight at most (a second only behind a full batch)
  int journal_max_queue = 20000;  // decisions waiting at most; more are refused (503) until the database catches up
};

struct admin_config {
  std::vector<domain::ip_network> allow_from;  // who may reach /admin and /metrics; empty = anywhere
  std::string token;                           // bearer token of the admin endpoint
};

struct actors_config {
  duration passivate_after = std::chrono::minutes{2};  // an idle order actor is stopped after this
  int max_live_orders = 10'000;                        // beyond this the least recently used are stopped too
  duration ask_timeout = std::chrono::seconds{5};
};

struct timers_config {
  duration payment_reminder_after = std::chrono::hours{24};    // still pending: reminder email, once
  duration cancel_unpaid_after = std::chrono::hours{24 * 7};   // still pending: cancelled; 0 = never
  duration review_request_after = std::chrono::hours{24 * 7};  // after delivery: review request, once
  duration poll_interval = std::chrono::seconds{1};            // how often the scheduler looks for due timers
  int batch = 2000;                                            // timers claimed per look
  duration lease = std::chrono::minutes{1};  // a claimed timer is re-delivered after this if unanswered
};

struct mail_config {
  std::string smtp_url;  // smtp://host:port or smtps://; "" = write .eml files to drop_dir instead
  std::string username;  // AUTH when set
  std::string password;
  bool starttls = false;  // require STARTTLS on smtp://
  duration timeout = std::chrono::seconds{10};
  std::string from = "Cleveland Cartridge Co <orders@cleveland-cartridge.example>";
  std::string admin_address = "owner@cleveland-cartridge.example";  // gets the new-order emails
  std::string drop_dir = "var/mail";
  std::string templates_dir = "config/templates";   // <kind>.subject/.txt/.html.mustache
  int max_attempts = 8;                             // then the message is dead (listed for the admin)
  duration retry_after = std::chrono::seconds{30};  // first retry; doubles per attempt
  duration retry_max = std::chrono::hours{1};
  duration poll_interval = std::chrono::seconds{1};
  int batch = 64;
  int senders = 4;                           // SMTP conversations at once, each kept open between messages
  int niceness = 19;  // the mail threads' scheduling niceness, 0..19: customers' requests go first
  // Messages a second at most while customers' decisions keep the database
  // writer busy half the time or more (mail/pacing.hpp); 0 = never held back.
  // An email costs the machine about what a checkout does (some 320 µs of
  // the engine's CPU to render and send it, and the database's and the SMTP
  // server's): at 200 a second a burst lost 7-9 % of its checkouts to mail,
  // at 50 next to none (docs/PERFORMANCE.md, "Mail held back harder").
  int rate_while_busy = 50;
  duration lease = std::chrono::minutes{5};  // a claimed message not settled by then is retried
  int max_per_recipient_per_hour = 5;        // emails to one customer address an hour; 0 = no cap
};

// Signed webhooks to the endpoints the owner registers (docs/API.md, Webhooks).
struct webhooks_config {
  bool allow_private_targets = false;                // may endpoints be on loopback or private networks
  duration retry_after = std::chrono::seconds{5};    // first retry; doubles per attempt
  duration retry_max = std::chrono::hours{1};        // the longest wait between two attempts
  duration give_up_after = std::chrono::hours{24};   // then the delivery is failed (the admin may redeliver)
  duration timeout = std::chrono::seconds{10};       // per delivery attempt, connecting included
  duration poll_interval = std::chrono::seconds{1};  // how often the sender looks for due deliveries
  int batch = 16;                                    // deliveries per claim
  int senders = 4;                                   // endpoints sent to at once, one delivery each at a time
};

struct fulfillment_config {
  duration processing_time = std::chrono::hours{48};  // paid -> shipped, for the estimated ship date
};

struct catalog_config {
  std::string seed_file;  // JSON products upserted at start-up; empty = none
};

struct web_config {
  std::string root = "web";  // static files, relative to the working directory
};

struct log_config {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
};

struct payments_config {
  duration quote_ttl = std::chrono::minutes{30};  // how long a quoted crypto amount is honoured
  // How far short of the quote a payment may be and still count as paid, in
  // basis points (payments.tolerance_percent "0.5" -> 50). 0: exact or more.
  int tolerance_bp = 0;
  // The admin's payment calls and wallet imports waiting for the matcher at
  // once; beyond it they are answered 503 at once (backpressure).
  int matcher_max_queue = 256;
  // A per-order address is watched while its order is pending and this long
  // after the order was placed, so that a payment after the order was paid or
  // cancelled reaches the admin as an exception instead of going unseen.
  duration watch_addresses_for = std::chrono::hours{24 * 7};
  std::vector<coin_config> coins;  // in the file's order
};

struct security_config {
  // The master key (base64 of 32 random bytes; a second line during a key
  // rotation): wraps every key the database holds. Never in the database.
  std::string master_key_file;
};

struct privacy_config {
  // A customer's personal data is erased this long after their order closed
  // (delivered plus the review window, or cancelled).
  duration retain_customer_data_for = std::chrono::hours{24 * 365};
  duration retention_interval = std::chrono::hours{24};  // how often retention runs (and once at start-up)
  // Storefront counts older than this are folded from days into months.
  duration retain_analytics_for = std::chrono::hours{24 * 90};
};

/// Several nodes on one database (docs/OPERATIONS.md, "A cluster").
struct cluster_config {
  // This node's name in logs, /metrics and /admin/api/system; unique per node.
  // Empty in the file = the host name and http.port ("shop-1:8080"), filled in by load_config.
  std::string node_name;
  // A node not heard from for this long is gone: its singletons go to another
  // node within it, and it drops off the list of live nodes.
  duration failover_after = std::chrono::seconds{10};
};

struct engine_config {
  shop_config shop;
  http_config http;
  limits_config limits;
  database_config database;
  admin_config admin;
  actors_config actors;
  timers_config timers;
  mail_config mail;
  webhooks_config webhooks;
  fulfillment_config fulfillment;
  catalog_config catalog;
  web_config web;
  log_config log;
  payments_config payments;
  security_config security;
  privacy_config privacy;
  cluster_config cluster;
};

/// A configuration that cannot be used. what() is one line naming the key and the
/// value, e.g. "config: http.port = 'abc': expected a port number 1..65535".
/// The value of a secret key (admin.token, mail.password, a coin's
/// wallet_rpc_password, and an unknown key that looks like a misspelt one) is
/// shown as '<redacted>'; a URL or conninfo that may carry a password
/// (database.url, mail.smtp_url, a coin's wallet_rpc_url) is shown with the
/// password as ***. An empty value is shown as ''.
class config_error : public std::runtime_error {
 public:
  config_error(std::string key, std::string value, const std::string& reason);

  const std::string& key() const noexcept { return key_; }
  /// The value as the message shows it: redacted for a secret key.
  const std::string& value() const noexcept { return value_; }

 private:
  std::string key_;
  std::string value_;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// Reads the file at `path`, applies environment overrides looked up through
/// `getenv`, validates everything. Throws config_error.
engine_config load_config(const std::string& path, const env_lookup& getenv);

/// Same, with the process environment.
engine_config load_config(const std::string& path);

/// Why `token` is too weak to be the admin token, or nullopt when it is good enough.
/// It is refused when it has fewer than 16 characters, fewer than 8 different
/// characters, is one shorter piece repeated ("abcdefghabcdefgh"), or has a stretch
/// of more than half its length where each character repeats the one before or is
/// one more or one less ("aaaa...", "0123456789012345", "abcdefghijklmnop"). A random
/// token of 32 or more hex or base64 characters passes (`openssl rand -hex 32`); only
/// about one 32-hex token in 30 million has fewer than 8 different digits.
std::optional<std::string> admin_token_weakness(std::string_view token);

/// "0", "500ms", "2s", "15m", "24h", "7d"; anything else (negative, fractional,
/// unknown unit, overflow) is nullopt.
std::optional<duration> parse_duration(std::string_view text);

/// Inverse of parse_duration in the largest unit that is exact: 90s -> "90s", 2h -> "2h".
std::string format_duration(duration d);

/// A positive decimal with at most 8 fractional digits, times 1e8, exactly:
/// "162.35" -> 16235000000, "0.00000001" -> 1. Exponents, signs, spaces: nullopt.
std::optional<std::int64_t> parse_rate_e8(std::string_view text);

}  // namespace config
