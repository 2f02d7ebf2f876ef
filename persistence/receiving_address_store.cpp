#include "persistence/receiving_address_store.hpp"

#include <stdexcept>

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement address_of_order{"address_of_order", R"sql(
select derivation_index, address from receiving_address_indexes
where coin = $1 and account = $2 and order_id = $3::uuid
)sql"};

// The counter's row lock orders concurrent reservations of one account: each
// waits for the one before it to commit, and none sees an index twice.
const named_statement take_next_index{"take_next_index", R"sql(
insert into receiving_address_counters as c (coin, account, next_index) values ($1, $2, 1)
on conflict (coin, account) do update set next_index = c.next_index + 1
returning next_index - 1
)sql"};

const named_statement insert_address{"insert_address", R"sql(
insert into receiving_address_indexes (coin, account, derivation_index, address, order_id)
values ($1, $2, $3, $4, $5::uuid)
on conflict do nothing
)sql"};

// Two index scans (orders_by_status, orders_newest_first) rather than one
// filter over every order the coin ever had.
const named_statement addresses_to_watch{"addresses_to_watch", R"sql(
select payment_address from (
  (select payment_address, created_at from orders
   where status = 'pending' and payment_method = $1 and payment_address is not null and payment_address <> ''
   order by created_at desc limit $2)
  union
  (select payment_address, created_at from orders
   where created_at >= timestamptz 'epoch' + $3::bigint * interval '1 millisecond'
     and payment_method = $1 and payment_address is not null and payment_address <> ''
   order by created_at desc limit $2)
) watched
order by created_at desc
limit $2
)sql"};

}  // namespace sql

// Indexes at and above 2^31 are hardened: a public key cannot derive them.
constexpr std::int64_t index_limit = std::int64_t{1} << 31;

std::optional<reserved_address> existing(pqxx::work& txn, const std::string& coin, const std::string& account,
                                         const std::string& order_id) {
  const auto rows = txn.exec_prepared(sql::address_of_order.name, coin, account, order_id);
  if (rows.empty()) return std::nullopt;
  return reserved_address{static_cast<std::uint32_t>(rows[0][0].as<std::int64_t>()), rows[0][1].as<std::string>()};
}

}  // namespace

receiving_address_store::receiving_address_store(connection& db) : db_(db) {
  db_.native().declare(
      {&sql::address_of_order, &sql::take_next_index, &sql::insert_address, &sql::addresses_to_watch});
}

reserved_address receiving_address_store::reserve_next(
    const std::string& coin, const std::string& account, const std::string& order_id,
    const std::function<std::optional<std::string>(std::uint32_t)>& address_at) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    if (auto held = existing(txn, coin, account, order_id)) return *held;
    for (;;) {
      const auto next = txn.exec_prepared(sql::take_next_index.name, coin, account)[0][0].as<std::int64_t>();
      if (next >= index_limit) throw std::runtime_error("the account " + coin + " has no unhardened index left");
      const auto index = static_cast<std::uint32_t>(next);
      const auto address = address_at(index);
      if (!address) continue;
      // An index below the counter was claimed by hand or by an older node: the
      // primary key refuses it and the next one is tried.
      if (txn.exec_prepared(sql::insert_address.name, coin, account, next, *address, order_id).affected_rows() == 0) {
        if (auto held = existing(txn, coin, account, order_id)) return *held;
        continue;
      }
      txn.commit();
      return reserved_address{index, *address};
    }
  });
}

claimed_address receiving_address_store::claim(const std::string& coin, const std::string& account,
                                               std::uint32_t index, const std::string& address,
                                               const std::string& order_id) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    claimed_address out;
    if (auto held = existing(txn, coin, account, order_id)) {
      out.outcome = held->index == index ? claimed_address::claimed : claimed_address::order_has_one;
      out.address = *held;
      return out;
    }
    const bool inserted =
        txn.exec_prepared(sql::insert_address.name, coin, account, static_cast<std::int64_t>(index), address, order_id)
            .affected_rows() == 1;
    txn.commit();
    out.outcome = inserted ? claimed_address::claimed : claimed_address::taken;
    out.address = reserved_address{index, address};
    return out;
  });
}

std::vector<std::string> receiving_address_store::addresses_to_watch(const std::string& payment_method, int limit,
                                                                     std::int64_t placed_since_ms) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<std::string> out;
    for (const auto& row : txn.exec_prepared(sql::addresses_to_watch.name, payment_method, limit, placed_since_ms))
      out.push_back(row[0].as<std::string>());
    return out;
  });
}

}  // namespace persistence
