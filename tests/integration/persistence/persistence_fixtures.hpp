#pragma once

// Builders for the persistence suite: fresh ids, append items shaped like the
// ones order actors send, and a side connection that looks at the tables the
// way an operator with psql would.

#include <cstdint>
#include <iomanip>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "persistence/rows.hpp"
#include "support/repositories.hpp"
#include "support/test_database.hpp"

namespace persistence_fixtures {

inline std::string new_uuid() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::uint64_t hi = random();
  std::uint64_t lo = random();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  std::ostringstream out;
  out << std::hex << std::setfill('0') << std::setw(8) << (hi >> 32) << '-' << std::setw(4) << ((hi >> 16) & 0xffff)
      << '-' << std::setw(4) << (hi & 0xffff) << '-' << std::setw(4) << (lo >> 48) << '-' << std::setw(12)
      << (lo & 0xffffffffffffULL);
  return out.str();
}

inline constexpr std::int64_t t0_ms = 1'767'225'600'123;  // 2026-01-01T00:00:00.123Z

inline persistence::order_row order_row_for(const std::string& order_id, const std::string& number,
                                            const std::string& customer_ref, std::int64_t version,
                                            std::int64_t created_at_ms = t0_ms) {
  persistence::order_row row;
  row.id = order_id;
  row.number = number;
  row.status = "pending";
  row.customer_ref = customer_ref;
  row.payment_method = "btc";
  row.total_cents = 4599;
  row.created_at_ms = created_at_ms;
  row.updated_at_ms = created_at_ms + version;
  row.version = version;
  row.view_json = R"({"number":")" + number + R"(","version":)" + std::to_string(version) + "}";
  return row;
}

// Events first_seq .. first_seq+count-1 of one order; read model at the last.
inline persistence::append_item item_for(const std::string& order_id, std::int64_t first_seq, int count,
                                         const std::string& number, const std::string& customer_ref,
                                         std::int64_t created_at_ms = t0_ms) {
  persistence::append_item item;
  for (int k = 0; k < count; ++k) {
    const std::int64_t seq = first_seq + k;
    item.events.push_back({order_id, seq, seq == 1 ? "order_placed" : "order_updated",
                           R"({"seq":)" + std::to_string(seq) + R"(,"note":"from )" + number + R"("})",
                           created_at_ms + seq, {}});
  }
  item.read_model = order_row_for(order_id, number, customer_ref, first_seq + count - 1, created_at_ms);
  return item;
}

// A checkout: seq 1 with its customer and idempotency key.
inline persistence::append_item checkout_for(const std::string& order_id, const std::string& number,
                                             const std::string& email, const std::string& idempotency_key,
                                             std::int64_t created_at_ms = t0_ms) {
  const auto customer_ref = new_uuid();
  auto item = item_for(order_id, 1, 1, number, customer_ref, created_at_ms);
  item.customer = persistence::customer_row{customer_ref, "Ada Lovelace", email,
                                            R"({"line1":"1 Main St","city":"Cleveland"})", created_at_ms};
  if (!idempotency_key.empty())
    item.idempotency = persistence::idempotency_row{idempotency_key, "fp-" + number, order_id, created_at_ms};
  return item;
}

// Looks at the database from the side, as psql would.
class probe {
 public:
  explicit probe(const std::string& url) : conn_(url) {}

  template <class... Args>
  std::int64_t count(const std::string& sql, Args&&... args) {
    pqxx::nontransaction txn{conn_};
    return txn.exec_params(sql, std::forward<Args>(args)...)[0][0].template as<std::int64_t>();
  }

  template <class... Args>
  pqxx::result query(const std::string& sql, Args&&... args) {
    pqxx::nontransaction txn{conn_};
    return txn.exec_params(sql, std::forward<Args>(args)...);
  }

  std::int64_t events_of(const std::string& order_id) {
    return count("select count(*) from events where order_id = $1::uuid", order_id);
  }

 private:
  pqxx::connection conn_;
};

}  // namespace persistence_fixtures
