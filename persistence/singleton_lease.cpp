#include "persistence/singleton_lease.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

// One key per singleton name; the prefix keeps it apart from the migrations'
// and the key rotation's locks.
const named_statement try_lock{"singleton_try_lock",
                               "select pg_try_advisory_lock(hashtext('order_engine.singleton.' || $1))"};

// The lease's session holds no other advisory lock, so any granted one is ours.
const named_statement holds_lock{"singleton_holds_lock", R"sql(
select exists (select 1 from pg_locks
               where locktype = 'advisory' and pid = pg_backend_pid() and granted)
)sql"};

// Unlocked before the session closes: a server ends a closed session's
// backend (and frees its locks) only a moment later, and the next holder
// should not have to wait for that.
const named_statement unlock_all{"singleton_unlock_all", "select pg_advisory_unlock_all()"};

const named_statement record_holder{"singleton_record_holder", R"sql(
insert into cluster_singletons (name, node_name, acquired_at) values ($1, $2, now())
on conflict (name) do update set node_name = excluded.node_name, acquired_at = excluded.acquired_at
)sql"};

}  // namespace sql
}  // namespace

singleton_lease::singleton_lease(std::string url, std::string singleton, std::string node_name)
    : url_(std::move(url)), singleton_(std::move(singleton)), node_name_(std::move(node_name)) {}

bool singleton_lease::try_acquire() {
  try {
    if (!db_) {
      db_ = std::make_unique<connection>(url_);
      db_->native().declare({&sql::try_lock, &sql::holds_lock, &sql::unlock_all, &sql::record_holder});
    }
    const bool won = db_->native().run([&](pqxx::connection& conn) {
      pqxx::nontransaction txn{conn};
      // Asked again while held, the lock would stack: ask only a session without it.
      if (txn.exec_prepared(sql::holds_lock.name)[0][0].as<bool>()) return true;
      if (!txn.exec_prepared(sql::try_lock.name, singleton_)[0][0].as<bool>()) return false;
      txn.exec_prepared(sql::record_holder.name, singleton_, node_name_);
      return true;
    });
    last_error_.clear();
    return won;
  } catch (const std::exception& e) {
    drop(e);
    return false;
  }
}

bool singleton_lease::still_held() {
  if (!db_) return false;
  try {
    const bool held = db_->native().run([&](pqxx::connection& conn) {
      pqxx::nontransaction txn{conn};
      return txn.exec_prepared(sql::holds_lock.name)[0][0].as<bool>();
    });
    last_error_.clear();
    return held;
  } catch (const std::exception& e) {
    drop(e);
    return false;
  }
}

void singleton_lease::release() {
  if (!db_) return;
  try {
    db_->native().run([&](pqxx::connection& conn) {
      pqxx::nontransaction txn{conn};
      txn.exec_prepared(sql::unlock_all.name);
    });
  } catch (const std::exception&) {
    // The session is gone or going: closing it frees the lock all the same.
  }
  db_.reset();
}

void singleton_lease::drop(const std::exception& why) {
  last_error_ = why.what();
  // A session in doubt may still hold the lock: closing it frees the lock for
  // another node instead of keeping it while this node runs nothing.
  db_.reset();
}

}  // namespace persistence
