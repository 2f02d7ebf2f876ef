// The files shipped in config/ and web/images/ are what a new operator runs first;
// they must load and agree with the code.
#include "config/config.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

const std::filesystem::path source_dir = ORDER_ENGINE_SOURCE_DIR;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

config::engine_config load_sample() {
  return config::load_config((source_dir / "config/engine.toml").string(),
                             [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
}

TEST(engine_toml, loads_and_states_the_defaults_of_the_code) {
  const config::engine_config sample = load_sample();
  const config::engine_config defaults;
  EXPECT_EQ(sample.shop.name, defaults.shop.name);
  EXPECT_EQ(sample.shop.public_url, defaults.shop.public_url);
  EXPECT_EQ(sample.shop.support_email, defaults.shop.support_email);
  EXPECT_EQ(sample.http.host, defaults.http.host);
  EXPECT_EQ(sample.http.port, defaults.http.port);
  EXPECT_EQ(sample.http.threads, defaults.http.threads);
  EXPECT_EQ(sample.http.body_limit, defaults.http.body_limit);
  EXPECT_EQ(sample.http.header_limit, defaults.http.header_limit);
  EXPECT_EQ(sample.http.read_timeout, defaults.http.read_timeout);
  EXPECT_EQ(sample.http.idle_timeout, defaults.http.idle_timeout);
  EXPECT_EQ(sample.http.request_timeout, defaults.http.request_timeout);
  EXPECT_EQ(sample.http.max_connections, defaults.http.max_connections);
  EXPECT_EQ(sample.http.max_connections_per_ip, defaults.http.max_connections_per_ip);
  EXPECT_EQ(sample.http.max_in_flight, defaults.http.max_in_flight);
  EXPECT_EQ(sample.limits.checkout_per_minute, defaults.limits.checkout_per_minute);
  EXPECT_EQ(sample.limits.checkout_burst, defaults.limits.checkout_burst);
  EXPECT_EQ(sample.limits.order_actions_per_minute, defaults.limits.order_actions_per_minute);
  EXPECT_EQ(sample.limits.order_actions_burst, defaults.limits.order_actions_burst);
  EXPECT_EQ(sample.limits.analytics_per_minute, defaults.limits.analytics_per_minute);
  EXPECT_EQ(sample.limits.analytics_burst, defaults.limits.analytics_burst);
  EXPECT_EQ(sample.limits.sign_in_per_minute, defaults.limits.sign_in_per_minute);
  EXPECT_EQ(sample.limits.sign_in_burst, defaults.limits.sign_in_burst);
  EXPECT_EQ(sample.mail.max_per_recipient_per_hour, defaults.mail.max_per_recipient_per_hour);
  EXPECT_EQ(sample.http.rate_limit, defaults.http.rate_limit);
  EXPECT_EQ(sample.http.rate_burst, defaults.http.rate_burst);
  EXPECT_EQ(sample.http.shutdown_grace, defaults.http.shutdown_grace);
  EXPECT_EQ(sample.http.tls_cert, defaults.http.tls_cert);
  EXPECT_EQ(sample.http.tls_key, defaults.http.tls_key);
  EXPECT_EQ(sample.database.url, defaults.database.url);
  EXPECT_EQ(sample.database.app_url, defaults.database.app_url);
  EXPECT_EQ(sample.database.pool_size, defaults.database.pool_size);
  EXPECT_EQ(sample.database.journal_max_batch, defaults.database.journal_max_batch);
  EXPECT_EQ(sample.database.journal_writers, defaults.database.journal_writers);
  EXPECT_EQ(sample.database.journal_max_queue, defaults.database.journal_max_queue);
  EXPECT_EQ(sample.admin.token, defaults.admin.token);
  EXPECT_EQ(sample.actors.passivate_after, defaults.actors.passivate_after);
  EXPECT_EQ(sample.actors.max_live_orders, defaults.actors.max_live_orders);
  EXPECT_EQ(sample.actors.ask_timeout, defaults.actors.ask_timeout);
  EXPECT_EQ(sample.timers.payment_reminder_after, defaults.timers.payment_reminder_after);
  EXPECT_EQ(sample.timers.cancel_unpaid_after, defaults.timers.cancel_unpaid_after);
  EXPECT_EQ(sample.timers.review_request_after, defaults.timers.review_request_after);
  EXPECT_EQ(sample.timers.poll_interval, defaults.timers.poll_interval);
  EXPECT_EQ(sample.timers.batch, defaults.timers.batch);
  EXPECT_EQ(sample.timers.lease, defaults.timers.lease);
  EXPECT_EQ(sample.catalog.seed_file, defaults.catalog.seed_file);
  EXPECT_EQ(sample.web.root, defaults.web.root);
  EXPECT_EQ(sample.log.level, defaults.log.level);
  EXPECT_EQ(sample.payments.quote_ttl, defaults.payments.quote_ttl);
  EXPECT_EQ(sample.payments.matcher_max_queue, defaults.payments.matcher_max_queue);
  EXPECT_EQ(sample.payments.watch_addresses_for, defaults.payments.watch_addresses_for);
  EXPECT_EQ(sample.webhooks.batch, defaults.webhooks.batch);
  EXPECT_EQ(sample.webhooks.senders, defaults.webhooks.senders);
  EXPECT_EQ(sample.webhooks.timeout, defaults.webhooks.timeout);
}

// Loading cannot tell a documented default from a missing line, so look at the text.
TEST(engine_toml, lists_every_key) {
  const std::string text = read_text(source_dir / "config/engine.toml");
  const std::pair<const char*, std::vector<const char*>> sections[] = {
      {"shop", {"name", "public_url", "support_email"}},
      {"http",
       {"host", "port", "threads", "body_limit", "header_limit", "read_timeout", "idle_timeout", "request_timeout",
        "max_connections", "max_connections_per_ip", "max_in_flight", "trusted_proxies", "rate_limit", "rate_burst",
        "shutdown_grace", "tls_cert", "tls_key"}},
      {"limits",
       {"checkout_per_minute", "checkout_burst", "order_actions_per_minute", "order_actions_burst",
        "analytics_per_minute", "analytics_burst", "sign_in_per_minute", "sign_in_burst"}},
      {"database", {"url", "app_url", "pool_size", "journal_max_batch", "journal_writers", "journal_max_queue"}},
      {"admin", {"allow_from", "token"}},
      {"actors", {"passivate_after", "max_live_orders", "ask_timeout"}},
      {"timers",
       {"payment_reminder_after", "cancel_unpaid_after", "review_request_after", "poll_interval", "batch", "lease"}},
      {"mail",
       {"smtp_url", "username", "password", "starttls", "timeout", "from", "admin_address", "drop_dir", "templates_dir",
        "max_attempts", "retry_after", "retry_max", "poll_interval", "batch", "senders", "lease",
        "max_per_recipient_per_hour"}},
      {"fulfillment", {"processing_time"}},
      {"catalog", {"seed_file"}},
      {"web", {"root"}},
      {"log", {"level"}},
      {"payments", {"quote_ttl", "tolerance_percent", "matcher_max_queue", "watch_addresses_for"}},
      {"webhooks",
       {"allow_private_targets", "retry_after", "retry_max", "give_up_after", "timeout", "poll_interval", "batch",
        "senders"}},
  };
  for (const auto& [section, keys] : sections) {
    const std::size_t start = text.find(std::string("\n[") + section + "]\n");
    ASSERT_NE(start, std::string::npos) << "[" << section << "]";
    const std::size_t end = text.find("\n[", start + 1);
    const std::string body = text.substr(start, end - start);
    for (const char* key : keys) {
      EXPECT_NE(body.find(std::string("\n") + key + " = "), std::string::npos) << section << "." << key;
    }
  }
}

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

TEST(engine_toml, offers_the_four_demo_coins_in_order) {
  const auto coins = load_sample().payments.coins;
  ASSERT_EQ(coins.size(), 4u);

  EXPECT_EQ(coins[0].code, "XMR");
  EXPECT_EQ(coins[0].name, "Monero");
  EXPECT_EQ(coins[0].decimals, 12);
  EXPECT_EQ(coins[0].quote_decimals, 6);
  EXPECT_EQ(coins[0].usd_rate_e8, 16'235'000'000);
  EXPECT_EQ(coins[0].uri_scheme, "monero");
  EXPECT_TRUE(coins[0].memo);
  EXPECT_EQ(coins[0].confirmations, 10);
  EXPECT_EQ(coins[0].address.size(), 95u);
  EXPECT_EQ(coins[0].address.front(), '4');

  EXPECT_EQ(coins[1].code, "BTC");
  EXPECT_EQ(coins[1].name, "Bitcoin");
  EXPECT_EQ(coins[1].decimals, 8);
  EXPECT_EQ(coins[1].quote_decimals, 8);
  EXPECT_EQ(coins[1].usd_rate_e8, 9'725'000'000'000);
  EXPECT_EQ(coins[1].uri_scheme, "bitcoin");
  EXPECT_FALSE(coins[1].memo);
  EXPECT_EQ(coins[1].confirmations, 2);
  EXPECT_EQ(coins[1].address.rfind("bc1q", 0), 0u);

  EXPECT_EQ(coins[2].code, "ETH");
  EXPECT_EQ(coins[2].name, "Ether");
  EXPECT_EQ(coins[2].decimals, 18);
  EXPECT_EQ(coins[2].quote_decimals, 8);  // room for per-order offsets under a cent
  EXPECT_EQ(coins[2].usd_rate_e8, 341'250'000'000);
  EXPECT_EQ(coins[2].uri_scheme, "ethereum");
  EXPECT_FALSE(coins[2].memo);
  EXPECT_EQ(coins[2].confirmations, 12);

  EXPECT_EQ(coins[3].code, "USDC");
  EXPECT_EQ(coins[3].name, "USD Coin on Ethereum");
  EXPECT_EQ(coins[3].decimals, 6);
  EXPECT_EQ(coins[3].quote_decimals, 6);
  EXPECT_EQ(coins[3].usd_rate_e8, 100'000'000);
  EXPECT_EQ(coins[3].uri_scheme, "ethereum");
  EXPECT_FALSE(coins[3].memo);
  EXPECT_EQ(coins[3].confirmations, 12);
  // USDC is a token: its payment link goes through the contract; native ETH has none.
  EXPECT_EQ(coins[3].token_contract, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
  EXPECT_TRUE(coins[2].token_contract.empty());

  for (const auto& coin : {coins[2], coins[3]}) {
    EXPECT_EQ(coin.address.size(), 42u) << coin.code;
    EXPECT_EQ(coin.address.rfind("0x", 0), 0u) << coin.code;
    EXPECT_TRUE(is_hex(coin.address.substr(2))) << coin.code;
  }
}

TEST(demo_catalog, has_twelve_sellable_products_with_images) {
  const nlohmann::json catalog = nlohmann::json::parse(read_text(source_dir / "config/demo-catalog.json"));
  ASSERT_TRUE(catalog.is_array());
  EXPECT_EQ(catalog.size(), 12u);

  std::set<std::string> skus;
  std::set<std::string> brands;
  int out_of_stock = 0;
  for (const auto& product : catalog) {
    const std::string sku = product.at("sku").get<std::string>();
    EXPECT_TRUE(skus.insert(sku).second) << "duplicate sku " << sku;
    brands.insert(sku.substr(0, sku.find('-')));
    EXPECT_FALSE(product.at("name").get<std::string>().empty()) << sku;
    EXPECT_GE(product.at("description").get<std::string>().size(), 40u) << sku;
    EXPECT_GT(product.at("price_cents").get<long long>(), 0) << sku;
    const long long stock = product.at("stock").get<long long>();
    EXPECT_GE(stock, 0) << sku;
    if (stock == 0) ++out_of_stock;

    const std::string image_url = product.at("image_url").get<std::string>();
    ASSERT_EQ(image_url.rfind("/images/", 0), 0u) << sku;
    const std::filesystem::path image = source_dir / "web" / image_url.substr(1);
    ASSERT_TRUE(std::filesystem::is_regular_file(image)) << image;
    EXPECT_LT(std::filesystem::file_size(image), 3072u) << image;
    const std::string svg = read_text(image);
    EXPECT_NE(svg.find("<svg"), std::string::npos) << image;
    EXPECT_NE(svg.find("<title>"), std::string::npos) << image;
  }
  EXPECT_EQ(out_of_stock, 1) << "the storefront needs one sold-out product to show";
  EXPECT_EQ(brands, (std::set<std::string>{"BROTHER", "CANON", "EPSON", "HP"}));
}

}  // namespace
