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
#include "persistence/timer_store.hpp"

namespace test_support {

struct repositories {
  explicit repositories(const std::string& url) : db(url) {}
  repositories(const repositories&) = delete;
  repositories& operator=(const repositories&) = delete;

  bool ping() { return db.ping(); }

  persistence::connection db;
  persistence::journal_store journal{db};
  persistence::order_reads orders{db};
  persistence::catalog_store catalog{db};
  persistence::shared_state shared{db};
  persistence::timer_store timers{db};
  persistence::outbox_store outbox{db};
  persistence::payment_store payments{db};
  persistence::analytics_store analytics{db};
};

}  // namespace test_support
