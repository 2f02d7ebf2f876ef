// The real engine in PostgreSQL: migrations and start-up run as the owner
// (database.url), and every connection the running engine keeps is the
// least-privileged ccc_app (database.app_url, or database.url as ccc_app).

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <map>

#include "e2e/engine_process.hpp"
#include "persistence/database_admin.hpp"

using namespace e2e;

namespace {

// Who holds the client connections to `db`, and how many each, leaving out
// the connection that asks.
std::map<std::string, int> connections_by_role(const test_support::test_database& db,
                                               const std::string& application_name = "") {
  pqxx::connection side{db.url()};
  pqxx::nontransaction txn{side};
  std::map<std::string, int> roles;
  for (const auto& row :
       txn.exec_params("select usename::text, count(*) from pg_stat_activity "
                       "where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid() "
                       "  and ($2 = '' or application_name = $2) "
                       "group by usename",
                       db.name(), application_name))
    roles[row[0].as<std::string>()] = row[1].as<int>();
  return roles;
}

std::int64_t pending_mail(const test_support::test_database& db) {
  pqxx::connection side{db.url()};
  pqxx::nontransaction txn{side};
  return txn.exec("select count(*) from outbox where status = 'pending'")[0][0].as<std::int64_t>();
}

// Every kind of connection at work: checkout (journal, number blocks), the
// admin's list, search and order view (readers, customers on the admin path),
// KPIs (as ccc_reporting), a payment (matcher), the mail (mailer path).
void exercise(const engine_process& engine) {
  const auto placed = engine.post("/api/orders", checkout_body());
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = placed.data()["id"];
  ASSERT_EQ(engine.admin_get("/admin/api/orders?q=ada@example.com").status, 200);
  const auto view = engine.admin_get("/admin/api/orders/" + id);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.data()["customer"]["email"], "ada@example.com") << view.body;
  ASSERT_EQ(engine.admin_get("/admin/api/kpis").status, 200);
  ASSERT_EQ(engine
                .admin_command(id, {{"type", "verify_payment"},
                                    {"tx_id", "roles-" + id},
                                    {"amount_atomic", placed.data()["payment"]["amount_atomic"]}})
                .status,
            200);
  EXPECT_TRUE(eventually([&] { return pending_mail(engine.database()) == 0; })) << "the mailer sent everything";
}

TEST(database_roles, every_connection_the_running_engine_keeps_is_ccc_app) {
  engine_process engine;
  exercise(engine);
  const auto roles = connections_by_role(engine.database());
  ASSERT_EQ(roles.size(), 1u) << "only one role connected";
  EXPECT_EQ(roles.begin()->first, "ccc_app");
  EXPECT_GE(roles.begin()->second, 3) << "readers, journal writers, mailer, matcher, admin access";
}

TEST(database_roles, database_app_url_is_the_url_the_runtime_connects_with) {
  engine_process engine;
  ASSERT_EQ(engine.stop(), 0);
  // Recognisable by its application_name: only connections made with this
  // URL carry it.
  engine.set("ORDER_ENGINE_DATABASE_APP_URL", engine.database().app_url() + "&application_name=ccc-runtime-e2e");
  engine.start();
  exercise(engine);
  const auto all = connections_by_role(engine.database());
  const auto with_app_url = connections_by_role(engine.database(), "ccc-runtime-e2e");
  EXPECT_EQ(with_app_url, all) << "every connection the engine keeps was made with database.app_url";
  ASSERT_EQ(with_app_url.size(), 1u);
  EXPECT_EQ(with_app_url.begin()->first, "ccc_app");
}

TEST(database_roles, a_runtime_role_that_cannot_log_in_stops_start_up_with_exit_3) {
  test_support::test_database db{"e2e_app_url"};
  static const test_support::master_key_file key;
  auto run =
      run_to_exit({{"ORDER_ENGINE_DATABASE_URL", db.url()},
                   {"ORDER_ENGINE_DATABASE_APP_URL", persistence::url_with_user(db.url(), "no_such_role")},
                   {"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", key.path()},
                   {"ORDER_ENGINE_ADMIN_TOKEN", admin_token},
                   {"ORDER_ENGINE_HTTP_PORT", std::to_string(free_port())},
                   {"ORDER_ENGINE_MAIL_TEMPLATES_DIR", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/templates"}});
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("database.app_url"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("no_such_role"), std::string::npos) << "the database's own reason: " << run.output;
}

}  // namespace
