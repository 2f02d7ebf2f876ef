#pragma once

// What the engine does once, before any actor runs: check the email templates,
// bring the schema up to date, load the catalog (seeding it first when
// configured), open the shop's keys with the master key (a wrong or
// missing key stops here), give orders owing a refund from before refunds
// were tracked their refund data, all as the owner (database.url), and make sure
// the runtime's role (database.app_url) can log in. Blocking, on the main
// thread.

#include <memory>
#include <string>

#include "config/config.hpp"
#include "domain/access.hpp"
#include "domain/catalog.hpp"
#include "persistence/connection.hpp"
#include "sealing/keyring.hpp"
#include "sealing/vault.hpp"

namespace assembly {

struct prepared_shop {
  domain::catalog catalog;
  domain::access_keys keys{""};
  std::shared_ptr<const sealing::vault> vault;
  std::string runtime_url;  // what every actor connects with (database.app_url, or database.url as ccc_app)
};

/// Throws std::runtime_error with a message fit for an operator;
/// sealing::key_file_error when the master key is missing, unreadable or
/// not the one this database's keys were wrapped with.
prepared_shop prepare_shop(const config::engine_config& config);

/// The master keys of security.master_key_file (`path`), re-read when the
/// file changes. Throws sealing::key_file_error naming the setting when it is
/// unset, missing, readable by others or malformed.
std::shared_ptr<const sealing::keyring> read_master_keys(const std::string& path);

/// The shop's vault on a migrated database: its root key unwrapped by
/// `master` (made first when no node has made one), and every admin's TOTP
/// secret still stored in the clear sealed on the way. Throws
/// sealing::key_file_error when `master` does not open the root key.
std::shared_ptr<const sealing::vault> open_vault(std::shared_ptr<const sealing::keyring> master,
                                                 persistence::connection& db);

}  // namespace assembly
