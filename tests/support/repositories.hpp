#pragma once

// Every persistence repository on one connection, for tests that write
// through one and check through another:
//
//   test_support::repositories db{database.url()};
//   db.journal.append_batch({item});
//   EXPECT_TRUE(db.orders.find_order(id));

#include <string>

#include "persistence/analytics_store.hpp"
#include "persistence/catalog_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/journal_store.hpp"
#include "persistence/order_reads.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/payment_store.hpp"
#include "persistence/shared_state.hpp"
#include "persistence/privacy_store.hpp"
#include "persistence/timer_store.hpp"
#include "support/master_key.hpp"

namespace test_support {

/// The vault of the engines that run on this database with this master key
/// file: what they sealed, it opens.
inline std::shared_ptr<const sealing::vault> shop_vault(const std::string& url, const std::string& master_key_file) {
  auto master = std::make_shared<const sealing::keyring>(master_key_file);
  persistence::connection db{url};
  return std::make_shared<const sealing::vault>(master, persistence::shared_state{db}.root_key(*master));
}

struct repositories {
  /// `keys`: the vault personal data is sealed with; two repositories that
  /// must read each other's customers share one.
  explicit repositories(const std::string& url, std::shared_ptr<const sealing::vault> keys = new_vault())
      : vault(std::move(keys)),
        db(url),
        journal(db, vault),
        orders(db, vault, persistence::customer_reader::admin),
        outbox(db, vault) {}
  repositories(const repositories&) = delete;
  repositories& operator=(const repositories&) = delete;

  bool ping() { return db.ping(); }

  std::shared_ptr<const sealing::vault> vault;
  persistence::connection db;
  persistence::journal_store journal;
  persistence::order_reads orders;
  persistence::outbox_store outbox;
  persistence::catalog_store catalog{db};
  persistence::shared_state shared{db};
  persistence::timer_store timers{db};
  persistence::privacy_store privacy{db};
  persistence::payment_store payments{db};
  persistence::analytics_store analytics{db};
};

}  // namespace test_support
