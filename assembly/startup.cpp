#include "assembly/startup.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fstream>

#include "assembly/refund_backfill.hpp"
#include "mail/renderer.hpp"
#include "persistence/admin_store.hpp"
#include "persistence/migrate.hpp"
#include "persistence/catalog_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/database_admin.hpp"
#include "persistence/migrate.hpp"
#include "persistence/shared_state.hpp"
#include "sealing/key_file.hpp"
#include "sealing/keyring.hpp"

namespace assembly {
namespace {

std::vector<persistence::product_row> read_seed_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw std::runtime_error("catalog.seed_file: cannot read " + path);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    throw std::runtime_error("catalog.seed_file: " + path + " is not a JSON array of products");
  std::vector<persistence::product_row> rows;
  int position = 0;
  for (const auto& p : doc) {
    try {
      rows.push_back(persistence::product_row{p.at("sku").get<std::string>(), p.at("name").get<std::string>(),
                                              p.value("description", ""), p.at("price_cents").get<std::int64_t>(),
                                              p.value("image_url", ""), p.value("stock", 0), position++});
    } catch (const std::exception& e) {
      throw std::runtime_error("catalog.seed_file: product " + std::to_string(position) + " in " + path + ": " +
                               e.what());
    }
    if (rows.back().price_cents <= 0)
      throw std::runtime_error("catalog.seed_file: " + rows.back().sku + " has no positive price_cents");
  }
  return rows;
}

}  // namespace

std::shared_ptr<const sealing::keyring> read_master_keys(const std::string& master_key_file) {
  if (master_key_file.empty())
    throw sealing::key_file_error(
        "security.master_key_file is not set: the engine seals personal data with a master key kept outside the "
        "database (make one with `openssl rand -base64 32 > FILE; chmod 600 FILE`; scripts/run makes "
        "var/keys/master.key)");
  return std::make_shared<const sealing::keyring>(master_key_file);
}

std::shared_ptr<const sealing::vault> open_vault(std::shared_ptr<const sealing::keyring> master,
                                                 persistence::connection& db) {
  // The shop's root key, which only the master key unwraps: a wrong key stops here.
  auto root = persistence::shared_state{db}.root_key(*master);
  auto vault = std::make_shared<const sealing::vault>(std::move(master), root);
  // Secrets of admins enrolled before they were sealed (migration 009) leave
  // the clear as soon as a node holds the key to seal them.
  const auto sealed = persistence::admin_store{db}.seal_plain_totp_secrets(
      [&](const std::string& email, const std::string& secret) { return vault->seal_totp_secret(secret, email); });
  if (sealed > 0) spdlog::info("admin: {} TOTP secret(s) stored in the clear are sealed now", sealed);
  return vault;
}

prepared_shop prepare_shop(const config::engine_config& config) {
  // A broken or missing email template stops start-up here, with its file
  // named, rather than the first customer's email.
  mail::renderer{config.mail.templates_dir};
  // A missing master key stops start-up before the database is touched.
  auto master = read_master_keys(config.security.master_key_file);
  const auto& url = config.database.url;
  const auto applied = persistence::migrate(url);
  if (!applied.empty()) spdlog::info("database: applied {} migration(s)", applied.size());
  persistence::connection db{url};
  persistence::catalog_store catalog{db};
  if (!config.catalog.seed_file.empty()) {
    auto rows = read_seed_file(config.catalog.seed_file);
    catalog.upsert_products(rows);
    spdlog::info("catalog: {} product(s) loaded from {}", rows.size(), config.catalog.seed_file);
  }
  std::vector<domain::product> products;
  for (auto& row : catalog.load_products())
    products.push_back(domain::product{domain::sku{row.sku}, row.name, row.description, domain::cents{row.price_cents},
                                       row.image_url, row.stock});
  if (products.empty()) spdlog::warn("catalog: no products; set catalog.seed_file to load some");
  prepared_shop out;
  out.catalog = domain::catalog{std::move(products)};
  out.vault = open_vault(master, db);
  // Refunds owed from before the read model tracked them, listed from the start.
  backfill_refunds(db, out.vault,
                   domain::timer_policy{config.timers.payment_reminder_after, config.timers.cancel_unpaid_after,
                                        config.timers.review_request_after});
  out.keys = domain::access_keys{out.vault->token_secret()};

  // The runtime's role: a login that fails stops start-up here rather than
  // answering every request with 503.
  out.runtime_url = persistence::runtime_url(url, config.database.app_url);
  persistence::login_role runtime;
  try {
    runtime = persistence::role_of(out.runtime_url);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string{"the engine's runtime cannot log in with "} +
                             (config.database.app_url.empty() ? "database.url as role ccc_app" : "database.app_url") +
                             " (give ccc_app a password in ~/.pgpass or set database.app_url): " + e.what());
  }
  if (runtime.bypasses_row_security)
    spdlog::warn(
        "database: the runtime connects as {}, a superuser or BYPASSRLS role: row-level security does not "
        "hold it to its paths (set database.app_url to a ccc_app URL)",
        runtime.name);
  else
    spdlog::info("database: the runtime connects as {}", runtime.name);
  return out;
}

}  // namespace assembly
