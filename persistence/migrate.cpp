#include "persistence/migrate.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "persistence/connection.hpp"

namespace persistence {
namespace {

// `create table if not exists` and migration files may emit NOTICEs that
// libpqxx would print to stderr on every start.
const named_statement quiet_notices{"quiet_notices", "set client_min_messages = warning"};

// Session-level, so it spans the per-file transactions; released explicitly
// or when the connection closes (a crashed node cannot keep it).
const named_statement lock_migrations{"lock_migrations",
                                      "select pg_advisory_lock(hashtext('order_engine.migrations'))"};
const named_statement unlock_migrations{"unlock_migrations",
                                        "select pg_advisory_unlock(hashtext('order_engine.migrations'))"};

const named_statement create_schema_migrations{"create_schema_migrations", R"sql(
create table if not exists schema_migrations (
    version    integer     primary key,
    name       text        not null,
    applied_at timestamptz not null default now()
)
)sql"};

const named_statement applied_migrations{"applied_migrations",
                                         "select version from schema_migrations order by version"};

const named_statement record_migration{"record_migration",
                                       "insert into schema_migrations (version, name) values ($1, $2)"};

const std::vector<const named_statement*>& migration_statements() {
  static const std::vector<const named_statement*> all{
      &quiet_notices,      &lock_migrations,  &unlock_migrations, &create_schema_migrations,
      &applied_migrations, &record_migration,
  };
  return all;
}

}  // namespace


namespace {

struct migration_file {
  int version;
  std::string name;
  std::filesystem::path path;
};

std::vector<migration_file> find_migrations(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw std::runtime_error("migrations directory not found: " + dir.string());
  static const std::regex pattern{R"(^(\d+)_(.+)\.sql$)"};
  std::map<int, migration_file> by_version;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const auto file_name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(file_name, match, pattern)) continue;
    const int version = std::stoi(match[1].str());
    migration_file file{version, match[2].str(), entry.path()};
    // Two files claiming one version would make the order depend on the
    // file system; refuse rather than guess.
    if (auto [it, inserted] = by_version.emplace(version, file); !inserted)
      throw std::runtime_error("two migrations with version " + std::to_string(version) + ": " +
                               it->second.path.filename().string() + " and " + file_name);
  }
  std::vector<migration_file> files;
  for (auto& [version, file] : by_version) files.push_back(std::move(file));
  return files;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read migration " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<int> apply_pending(pqxx::connection& conn, const std::vector<migration_file>& files) {
  {
    pqxx::work txn{conn};
    txn.exec_prepared(create_schema_migrations.name);
    txn.commit();
  }
  std::set<int> applied;
  {
    pqxx::nontransaction txn{conn};
    for (const auto& row : txn.exec_prepared(applied_migrations.name)) applied.insert(row[0].as<int>());
  }
  for (int version : applied) {
    const bool known =
        std::any_of(files.begin(), files.end(), [&](const migration_file& f) { return f.version == version; });
    if (!known) spdlog::warn("database has migration {} that this build does not know (newer node?)", version);
  }

  std::vector<int> newly_applied;
  for (const auto& file : files) {
    if (applied.count(file.version) > 0) continue;
    const std::string text = read_file(file.path);
    // The file and its record commit together: a failed file leaves no trace
    // and is retried on the next start.
    pqxx::work txn{conn};
    try {
      txn.exec(text);
    } catch (const std::exception& e) {
      throw std::runtime_error("migration " + file.path.filename().string() + " failed: " + e.what());
    }
    txn.exec_prepared(record_migration.name, file.version, file.name);
    txn.commit();
    spdlog::info("applied migration {:03}_{}", file.version, file.name);
    newly_applied.push_back(file.version);
  }
  return newly_applied;
}

}  // namespace

std::vector<int> migrate(const std::string& url, const std::filesystem::path& dir) {
  const auto files = find_migrations(dir);
  pqxx::connection conn{url};
  // Prepared lazily (not prepare_now): schema_migrations may not exist yet.
  for (const auto* statement : migration_statements()) conn.prepare(statement->name, statement->text);
  {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(quiet_notices.name);
    // Blocks while another node migrates; it then finds everything applied.
    txn.exec_prepared(lock_migrations.name);
  }
  std::vector<int> applied;
  try {
    applied = apply_pending(conn, files);
  } catch (...) {
    // Closing the connection releases the lock too; unlock explicitly only
    // while the connection still works.
    try {
      pqxx::nontransaction txn{conn};
      txn.exec_prepared(unlock_migrations.name);
    } catch (...) {
    }
    throw;
  }
  pqxx::nontransaction txn{conn};
  txn.exec_prepared(unlock_migrations.name);
  return applied;
}

std::vector<int> migrate(const std::string& url) {
  return migrate(url, std::filesystem::path{ORDER_ENGINE_MIGRATIONS_DIR});
}

}  // namespace persistence
