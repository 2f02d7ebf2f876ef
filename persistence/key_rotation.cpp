#include "persistence/key_rotation.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "persistence/pq_connection.hpp"
#include "persistence/shared_state.hpp"

namespace persistence {
namespace {
namespace sql {

// Session-level: held until the command's connection closes, whatever it
// does meanwhile, and released by PostgreSQL if the process dies.
const named_statement lock_rotation{"rotation_lock",
                                    "select pg_try_advisory_lock(hashtext('order_engine.key_rotation'))"};

const named_statement root_key{"rotation_root_key", "select value from engine_secrets where name = $1"};

const named_statement replace_root_key{"rotation_replace_root_key",
                                       "update engine_secrets set value = $3 where name = $1 and value = $2"};

// The next rows after ref $2 that key $1 wraps, in primary key order: a
// rotation walks the table once per pass (an index on the key id would cost
// every new customer's insert for a command run once a year, and was
// dropped by migration 029). $3: refs to skip (they do not open).
const named_statement keys_wrapped_by{"rotation_keys_wrapped_by", R"sql(
select ref::text, wrapped_key
from customer_keys
where ref > $2::uuid
  and split_part(wrapped_key, ':', 1) = $1
  and ref not in (select value::uuid from json_array_elements_text($3::json))
order by ref
limit $4
)sql"};

// A row is replaced only if it still holds the value that was rewrapped: one
// erased meanwhile (deleted) or given another value by another writer is
// left as it is. SKIP LOCKED: a row another transaction holds (a journal
// batch erasing that customer) is left for a later batch rather than waited
// for, so the rotation never waits for one lock while holding others and
// can take no part in a deadlock with the engines' writers.
const named_statement rewrap_keys{"rotation_rewrap_keys", R"sql(
with input as (
    select * from json_to_recordset($1::json) as r(ref uuid, old_key text, new_key text)
), free as (
    select k.ref
    from customer_keys k join input i on i.ref = k.ref and k.wrapped_key = i.old_key
    for update of k skip locked
)
update customer_keys k
set wrapped_key = i.new_key
from input i, free f
where k.ref = i.ref and f.ref = i.ref and k.wrapped_key = i.old_key
returning k.ref::text
)sql"};

const named_statement keys_by_master_key{"rotation_keys_by_master_key", R"sql(
select split_part(wrapped_key, ':', 1), count(*) from customer_keys group by 1
)sql"};

}  // namespace sql

// A batch that changed nothing while rows still name the key: they are
// locked by other writers (a journal transaction holds its rows for
// milliseconds). Try again shortly, and give up after a while rather than
// spin behind a transaction that does not end.
constexpr auto locked_retry_pause = std::chrono::milliseconds{50};
constexpr int locked_retries = 200;

}  // namespace

key_rotation::key_rotation(connection& db) : db_(db) {
  db_.native().declare({&sql::lock_rotation, &sql::root_key, &sql::replace_root_key, &sql::keys_wrapped_by,
                        &sql::rewrap_keys, &sql::keys_by_master_key});
}

bool key_rotation::try_lock() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::lock_rotation.name)[0][0].as<bool>();
  });
}

std::optional<std::string> key_rotation::root_key() {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::read_transaction txn{conn};
    const auto rows = txn.exec_prepared(sql::root_key.name, root_key_name);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

bool key_rotation::replace_root_key(const std::string& old_value, const std::string& new_value) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto replaced =
        txn.exec_prepared(sql::replace_root_key.name, root_key_name, old_value, new_value).affected_rows() == 1;
    txn.commit();
    return replaced;
  });
}

rewrap_totals key_rotation::rewrap_customer_keys(const std::string& key_id, std::size_t batch,
                                                 const rewrap_fn& rewrap) {
  rewrap_totals totals;
  std::set<std::string> missed;  // read but not written (yet): erased, changed, or locked
  int fruitless = 0;
  // Passes over the table in primary key order, each from the start, until
  // one finds no row the key still wraps: a row locked by another writer is
  // met again in the next pass. A pass starts after the nil UUID, which no
  // customer ref is (they are random, version 4).
  const std::string start = "00000000-0000-0000-0000-000000000000";
  std::string after = start;
  while (true) {
    const auto unopenable_before = totals.unopenable.size();
    const auto written = db_.native().run([&](pqxx::connection& conn) -> std::optional<std::int64_t> {
      pqxx::work txn{conn};
      const auto rows = txn.exec_prepared(sql::keys_wrapped_by.name, key_id, after,
                                          nlohmann::json(totals.unopenable).dump(), static_cast<std::int64_t>(batch));
      if (rows.empty()) return std::nullopt;
      after = rows[rows.size() - 1][0].as<std::string>();
      auto input = nlohmann::json::array();
      for (const auto& row : rows) {
        const auto ref = row[0].as<std::string>();
        const auto wrapped = row[1].as<std::string>();
        if (auto rewrapped = rewrap(ref, wrapped))
          input.push_back({{"ref", ref}, {"old_key", wrapped}, {"new_key", *rewrapped}});
        else
          totals.unopenable.insert(ref);
      }
      std::int64_t count = 0;
      if (!input.empty()) {
        std::set<std::string> updated;
        for (const auto& row : txn.exec_prepared(sql::rewrap_keys.name, input.dump()))
          updated.insert(row[0].as<std::string>());
        for (const auto& item : input) {
          const auto ref = item["ref"].get<std::string>();
          if (updated.count(ref)) {
            missed.erase(ref);
          } else {
            missed.insert(ref);
          }
        }
        count = static_cast<std::int64_t>(updated.size());
      }
      txn.commit();
      return count;
    });
    if (!written) {
      if (after == start) break;  // a whole pass found nothing left
      after = start;
      continue;
    }
    ++totals.batches;
    totals.rewrapped += *written;
    if (*written > 0 || totals.unopenable.size() > unopenable_before) {
      fruitless = 0;
      continue;
    }
    if (++fruitless > locked_retries) {
      totals.stalled = true;
      break;
    }
    std::this_thread::sleep_for(locked_retry_pause);
  }
  totals.left_alone = static_cast<std::int64_t>(missed.size());
  return totals;
}

std::map<std::string, std::int64_t> key_rotation::customer_keys_by_master_key() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::map<std::string, std::int64_t> counts;
    for (const auto& row : txn.exec_prepared(sql::keys_by_master_key.name))
      counts[row[0].as<std::string>()] = row[1].as<std::int64_t>();
    return counts;
  });
}

}  // namespace persistence
