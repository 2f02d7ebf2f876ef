// Least privilege inside PostgreSQL (migration 008_roles.sql): what ccc_app,
// the role of the engine's runtime, and ccc_reporting, the role of the KPI
// read, may and may not do; the customers' row-level security paths; the
// append-only journal. Each test connects as the role it speaks about to a
// freshly migrated database, and checks refusals by their SQLSTATE, so that a
// statement that failed for another reason (a typo, a missing table) does not
// pass for a refusal.

#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "persistence/database_admin.hpp"
#include "persistence/migrate.hpp"
#include "persistence_fixtures.hpp"

using namespace persistence_fixtures;
using persistence::append_outcome;

namespace {

constexpr const char* insufficient_privilege = "42501";  // also a row a policy does not let in
constexpr const char* raised_by_trigger = "P0001";       // raise exception in plpgsql
constexpr const char* ok = "";

// A plain libpq session, as psql has: libpqxx 6.4 drops the SQLSTATE of the
// errors it maps to exception types of its own.
class session {
 public:
  explicit session(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_.get()));
  }

  // The SQLSTATE `sql` fails with, or "" when it runs and commits. `sql` runs
  // in a transaction of its own, so SET LOCAL and set_config(..., true) in
  // it last for it only.
  std::string sqlstate_of(const std::string& sql) {
    last_error_.clear();
    result r{PQexec(conn_.get(), ("begin; " + sql + "; commit").c_str()), &PQclear};
    if (PQresultStatus(r.get()) != PGRES_FATAL_ERROR) return ok;
    last_error_ = PQresultErrorMessage(r.get());
    const char* code = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    result{PQexec(conn_.get(), "rollback"), &PQclear};
    return code ? code : "(none)";
  }

  const std::string& last_error() const { return last_error_; }

 private:
  using result = std::unique_ptr<PGresult, decltype(&PQclear)>;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::string last_error_;
};

// Rows of `table` a transaction sees after naming `path` (and `customer`, the
// outbox ids `mail` or the webhook ids `deliveries`), as
// persistence/access_path.cpp names them.
std::int64_t rows_on_path(pqxx::connection& conn, const std::string& table, const std::string& path,
                          const std::string& customer = "", const std::string& mail = "",
                          const std::string& deliveries = "") {
  pqxx::work txn{conn};
  txn.exec_params(
      "select set_config('ccc.path', $1, true), set_config('ccc.customer', $2, true), set_config('ccc.mail', $3, true),"
      " set_config('ccc.deliveries', $4, true)",
      path, customer, mail, deliveries);
  const auto n = txn.exec("select count(*) from " + table)[0][0].as<std::int64_t>();
  txn.commit();
  return n;
}

std::int64_t rows_without_path(pqxx::connection& conn, const std::string& table) {
  pqxx::nontransaction txn{conn};
  return txn.exec("select count(*) from " + table)[0][0].as<std::int64_t>();
}

// `sql` on `s` fails with `expected` ("" = runs).
void expect_sqlstate(session& s, const std::string& sql, const std::string& expected) {
  EXPECT_EQ(s.sqlstate_of(sql), expected) << sql << "\n" << s.last_error();
}

class roles : public ::testing::Test {
 protected:
  test_support::test_database db_{"roles"};
  probe owner_{db_.url()};  // the harness's owner is a superuser
  pqxx::connection app_{db_.app_url()};
  session refusals_{db_.app_url()};  // ccc_app too, with SQLSTATEs

  // Two customers written the runtime's way: `with_mail` has an email still
  // to send, `without_mail` has none.
  struct seeded {
    std::string with_mail, without_mail;
  };
  seeded seed_customers() {
    test_support::repositories runtime{db_.app_url()};
    auto mailed = checkout_for(new_uuid(), "CCC-000701", "ada@example.com", "");
    mailed.outbox.push_back({"order_placed", "{}", t0_ms, {}});
    const auto quiet = checkout_for(new_uuid(), "CCC-000702", "grace@example.com", "");
    EXPECT_EQ(runtime.journal.append_batch({mailed, quiet}),
              (std::vector<append_outcome>{append_outcome::committed, append_outcome::committed}));
    return {mailed.customer->ref, quiet.customer->ref};
  }
};

TEST_F(roles, the_runtime_logs_in_as_ccc_app_which_no_policy_lets_through_by_role) {
  const auto who = persistence::role_of(db_.app_url());
  EXPECT_EQ(who.name, "ccc_app");
  EXPECT_FALSE(who.bypasses_row_security);
}

TEST_F(roles, ccc_app_appends_and_reads_events_but_cannot_change_or_remove_them) {
  const auto order = new_uuid();
  expect_sqlstate(refusals_,
                  "insert into events (order_id, seq, type, payload, recorded_at) values ('" + order +
                      "', 1, 'order_placed', '{}', now())",
                  ok);
  expect_sqlstate(refusals_, "select * from events", ok);
  EXPECT_EQ(rows_without_path(app_, "events"), 1);

  expect_sqlstate(refusals_, "update events set type = 'rewritten'", insufficient_privilege);
  expect_sqlstate(refusals_, "delete from events", insufficient_privilege);
  expect_sqlstate(refusals_, "truncate events", insufficient_privilege);
  EXPECT_EQ(owner_.events_of(order), 1) << "nothing of it changed";
  EXPECT_EQ(owner_.count("select count(*) from events where type = 'order_placed'"), 1);
}

TEST_F(roles, ccc_app_appends_to_the_audit_log_but_cannot_change_it) {
  expect_sqlstate(refusals_,
                  "insert into audit_log (actor, action, target, client, outcome) "
                  "values ('a@example.com', 'GET /admin/api/orders', '', '127.0.0.1', 200)",
                  ok);
  expect_sqlstate(refusals_, "update audit_log set outcome = 500", insufficient_privilege);
  expect_sqlstate(refusals_, "delete from audit_log", insufficient_privilege);
  expect_sqlstate(refusals_, "truncate audit_log", insufficient_privilege);
}

TEST_F(roles, ccc_app_runs_no_ddl) {
  expect_sqlstate(refusals_, "drop table orders", insufficient_privilege);
  expect_sqlstate(refusals_, "create table x ()", insufficient_privilege);
  expect_sqlstate(refusals_, "create temporary table y ()", insufficient_privilege);
  expect_sqlstate(refusals_, "alter table events disable trigger events_append_only", insufficient_privilege);
  expect_sqlstate(refusals_, "alter table customers disable row level security", insufficient_privilege);
  expect_sqlstate(refusals_, "create index orders_by_total on orders (total_cents)", insufficient_privilege);
  expect_sqlstate(refusals_, "create function f() returns int language sql as 'select 1'", insufficient_privilege);
  EXPECT_EQ(owner_.count("select count(*) from pg_class c join pg_roles r on r.oid = c.relowner "
                         "where r.rolname = 'ccc_app'"),
            0)
      << "ccc_app owns nothing";
}

TEST_F(roles, ccc_app_stays_off_what_the_runtime_never_touches) {
  // The catalog and the root key are read at start-up by the owner.
  expect_sqlstate(refusals_, "select * from engine_secrets", insufficient_privilege);
  expect_sqlstate(refusals_, "select * from products", insufficient_privilege);
  expect_sqlstate(refusals_, "select * from schema_migrations", insufficient_privilege);
  // Accounts are added by `order_engine admin` (the owner): the runtime
  // cannot make one, nor change a password.
  expect_sqlstate(refusals_, "insert into admin_users (email, password_hash, totp_secret) values ('x', 'y', 'z')",
                  insufficient_privilege);
  expect_sqlstate(refusals_, "update admin_users set password_hash = 'mine'", insufficient_privilege);
  // A batch that cannot keep its idempotency key rolls back: no DELETE there.
  expect_sqlstate(refusals_, "delete from idempotency_keys", insufficient_privilege);
  // Erasure empties the sealed columns; a customer's ref never changes.
  expect_sqlstate(refusals_, "update customers set ref = gen_random_uuid()", insufficient_privilege);
}

TEST_F(roles, ccc_reporting_reads_orders_and_analytics_and_nothing_personal) {
  seed_customers();
  const auto as_reporting = [&](const std::string& sql) {
    return refusals_.sqlstate_of("set local role ccc_reporting; " + sql);
  };
  EXPECT_EQ(as_reporting("select * from orders"), ok);
  EXPECT_EQ(as_reporting("select * from analytics_daily"), ok);
  EXPECT_EQ(as_reporting("select * from order_kpis"), ok);
  EXPECT_EQ(as_reporting("select * from customers"), insufficient_privilege);
  EXPECT_EQ(as_reporting("select * from customer_keys"), insufficient_privilege);
  EXPECT_EQ(as_reporting("select * from events"), insufficient_privilege);
  EXPECT_EQ(as_reporting("select * from outbox"), insufficient_privilege);
  EXPECT_EQ(as_reporting("select * from audit_log"), insufficient_privilege);
  // A path opens nothing to a role without the grant.
  EXPECT_EQ(as_reporting("select set_config('ccc.path', 'admin', true); select * from customers"),
            insufficient_privilege);
  EXPECT_EQ(as_reporting("update orders set status = 'paid'"), insufficient_privilege);
  EXPECT_EQ(as_reporting("insert into analytics_daily (day, type, count) values (current_date, 'x', 1)"),
            insufficient_privilege);
}

TEST_F(roles, ccc_reporting_cannot_log_in) {
  EXPECT_THROW(pqxx::connection{persistence::url_with_user(db_.url(), "ccc_reporting")}, pqxx::broken_connection);
}

TEST_F(roles, without_a_path_ccc_app_sees_no_customer_while_they_exist) {
  seed_customers();
  ASSERT_EQ(owner_.count("select count(*) from customers"), 2);
  ASSERT_EQ(owner_.count("select count(*) from customer_keys"), 2);
  EXPECT_EQ(rows_without_path(app_, "customers"), 0);
  EXPECT_EQ(rows_without_path(app_, "customer_keys"), 0);
  EXPECT_EQ(rows_on_path(app_, "customers", "no-such-path"), 0);
}

TEST_F(roles, a_path_lasts_for_its_transaction_only) {
  seed_customers();
  EXPECT_EQ(rows_on_path(app_, "customers", "admin"), 2);
  EXPECT_EQ(rows_without_path(app_, "customers"), 0) << "the next transaction on the same connection";
}

TEST_F(roles, the_admin_path_sees_every_customer_read_only) {
  seed_customers();
  EXPECT_EQ(rows_on_path(app_, "customers", "admin"), 2);
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "admin"), 2);
  expect_sqlstate(refusals_, "select set_config('ccc.path', 'admin', true); update customers set erased_at = now()",
                  ok);
  EXPECT_EQ(owner_.count("select count(*) from customers where erased_at is not null"), 0)
      << "the admin's path matches no row to update";
  expect_sqlstate(refusals_, "select set_config('ccc.path', 'admin', true); delete from customer_keys", ok);
  EXPECT_EQ(owner_.count("select count(*) from customer_keys"), 2) << "nor to delete";
  expect_sqlstate(refusals_,
                  "select set_config('ccc.path', 'admin', true); "
                  "insert into customers (ref) values (gen_random_uuid())",
                  insufficient_privilege);
}

TEST_F(roles, the_mailer_path_sees_only_the_customers_of_the_pending_mail_it_names) {
  const auto seeded = seed_customers();
  const auto mail = std::to_string(owner_.count("select id from outbox"));
  EXPECT_EQ(rows_on_path(app_, "customers", "mailer"), 0) << "no mail named, no customer seen";
  EXPECT_EQ(rows_on_path(app_, "customers", "mailer", "", mail), 1);
  EXPECT_EQ(rows_on_path(app_, "customers where ref = '" + seeded.with_mail + "'", "mailer", "", mail), 1);
  EXPECT_EQ(rows_on_path(app_, "customer_keys where ref = '" + seeded.with_mail + "'", "mailer", "", mail), 1);
  EXPECT_EQ(rows_on_path(app_, "customer_keys where ref = '" + seeded.without_mail + "'", "mailer", "", mail), 0);
  EXPECT_EQ(rows_on_path(app_, "customers", "mailer", "", "999999," + mail), 1)
      << "mail that does not exist adds no one";
  EXPECT_EQ(rows_on_path(app_, "customers", "journal", "", mail), 2) << "other paths ignore the mail named";

  // Once the mail went out, its customer is out of the mailer's reach.
  owner_.query("update outbox set status = 'sent'");
  EXPECT_EQ(rows_on_path(app_, "customers", "mailer", "", mail), 0);
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "mailer", "", mail), 0);
}

TEST_F(roles, the_webhook_path_sees_only_the_customers_of_pending_deliveries_to_endpoints_that_opted_in) {
  const auto seeded = seed_customers();
  // One endpoint opted in to personal data, one did not; a delivery of each
  // customer's order to each (written as the journal writes them).
  owner_.query(
      "insert into webhook_endpoints (id, url, events, include_personal_data, secret_sealed, created_at, created_by) "
      "values ('00000000-0000-4000-8000-000000000001', 'https://crm.example.com/', '{*}', true, 'x', now(), 'test'), "
      "       ('00000000-0000-4000-8000-000000000002', 'https://ops.example.com/', '{*}', false, 'x', now(), 'test')");
  auto deliver = [&](const std::string& id, const std::string& endpoint, const std::string& customer) {
    owner_.query(
        "insert into webhook_deliveries (id, endpoint_id, order_id, event_seq, event_type, payload, created_at, "
        "next_attempt_at, retry_since) select $1, $2::uuid, o.id, 1, 'order_placed', '{}', now(), now(), now() "
        "from orders o where o.customer_ref = $3::uuid",
        id, endpoint, customer);
  };
  deliver("msg_named", "00000000-0000-4000-8000-000000000001", seeded.with_mail);
  deliver("msg_plain", "00000000-0000-4000-8000-000000000002", seeded.without_mail);

  EXPECT_EQ(rows_on_path(app_, "customers", "webhook"), 0) << "no delivery named, no customer seen";
  EXPECT_EQ(rows_on_path(app_, "customers", "webhook", "", "", "msg_named"), 1);
  EXPECT_EQ(rows_on_path(app_, "customers where ref = '" + seeded.with_mail + "'", "webhook", "", "", "msg_named"), 1);
  EXPECT_EQ(rows_on_path(app_, "customer_keys where ref = '" + seeded.with_mail + "'", "webhook", "", "", "msg_named"),
            1);
  EXPECT_EQ(rows_on_path(app_, "customers", "webhook", "", "", "msg_plain"), 0)
      << "a delivery to an endpoint that did not opt in lets no customer through";
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "webhook", "", "", "msg_plain,msg_named,msg_unknown"), 1)
      << "only the opted-in delivery's customer, whatever else is named";
  EXPECT_EQ(rows_on_path(app_, "customers", "webhook", seeded.without_mail, "1", ""), 0)
      << "the other paths' names open nothing on this one";
  EXPECT_EQ(rows_on_path(app_, "customers", "mailer", "", "", "msg_named"), 0) << "nor does a delivery on another path";

  // Once delivered, its customer is out of the sender's reach.
  owner_.query("update webhook_deliveries set state = 'delivered' where id = 'msg_named'");
  EXPECT_EQ(rows_on_path(app_, "customers", "webhook", "", "", "msg_named"), 0);
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "webhook", "", "", "msg_named"), 0);
}

TEST_F(roles, an_orders_recovery_reads_its_own_customers_key_only) {
  const auto seeded = seed_customers();
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "order", seeded.with_mail), 1);
  EXPECT_EQ(rows_on_path(app_, "customer_keys where ref = '" + seeded.without_mail + "'", "order", seeded.with_mail),
            0);
  EXPECT_EQ(rows_on_path(app_, "customers", "order", seeded.with_mail), 0) << "a key, not the customer's row";
  EXPECT_EQ(rows_on_path(app_, "customer_keys", "order"), 0) << "no customer named, none seen";
}

TEST_F(roles, only_the_journal_path_writes_customers) {
  const auto insert = std::string{"insert into customers (ref, created_at) values (gen_random_uuid(), now())"};
  expect_sqlstate(refusals_, insert, insufficient_privilege);
  expect_sqlstate(refusals_, "select set_config('ccc.path', 'mailer', true); " + insert, insufficient_privilege);
  expect_sqlstate(refusals_, "select set_config('ccc.path', 'journal', true); " + insert, ok);
  EXPECT_EQ(owner_.count("select count(*) from customers"), 1);
}

TEST_F(roles, nobody_changes_the_journal_not_even_its_owner) {
  const auto order = new_uuid();
  owner_.query("insert into events (order_id, seq, type, payload, recorded_at) values ($1::uuid, 1, 'x', '{}', now())",
               order);
  session owner{db_.url()};
  for (const char* change : {"update events set type = 'rewritten'", "delete from events", "truncate events"}) {
    expect_sqlstate(owner, change, raised_by_trigger);
    EXPECT_NE(owner.last_error().find("events is append-only"), std::string::npos) << owner.last_error();
  }
  EXPECT_EQ(owner_.events_of(order), 1);
}

// What ccc_app may do, table by table: the migration's grants, checked from
// the catalog, so that a widened grant (an ALL, a DELETE on the journal)
// fails here even when no test happens to use it.
TEST_F(roles, ccc_app_holds_the_privileges_the_runtime_uses_and_no_others) {
  std::map<std::string, std::set<std::string>> held;
  for (const auto& row : owner_.query("select c.relname, p.privilege_type from pg_class c "
                                      "join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public', "
                                      "lateral aclexplode(c.relacl) p "
                                      "where p.grantee = 'ccc_app'::regrole::oid and c.relkind in ('r', 'S')"))
    held[row[0].as<std::string>()].insert(row[1].as<std::string>());
  const std::map<std::string, std::set<std::string>> expected{
      {"events", {"SELECT", "INSERT"}},
      {"orders", {"SELECT", "INSERT", "UPDATE"}},
      {"order_kpis", {"SELECT", "INSERT"}},
      {"customers", {"SELECT", "INSERT"}},
      {"customer_keys", {"SELECT", "INSERT", "DELETE"}},
      {"idempotency_keys", {"SELECT", "INSERT"}},
      {"timers", {"SELECT", "INSERT", "DELETE"}},
      {"outbox", {"SELECT", "INSERT"}},
      {"outbox_id_seq", {"USAGE"}},
      {"mail_recipient_hours", {"SELECT", "INSERT", "DELETE"}},
      // DELETE: a payment taken back by a reorganisation (payment_reversed) is no longer counted.
      {"payments", {"SELECT", "INSERT", "DELETE"}},
      {"payment_exceptions", {"SELECT", "INSERT"}},
      {"payment_exceptions_id_seq", {"USAGE"}},
      {"analytics_daily", {"SELECT", "INSERT", "DELETE"}},
      {"order_number_blocks", {"USAGE"}},
      {"admin_users", {"SELECT"}},
      {"admin_recovery_codes", {"SELECT"}},
      {"admin_sessions", {"SELECT", "INSERT"}},
      {"admin_api_keys", {"SELECT", "INSERT"}},
      {"audit_log", {"SELECT", "INSERT"}},
      {"audit_log_id_seq", {"USAGE"}},
      {"cluster_nodes", {"SELECT", "INSERT"}},
      {"cluster_singletons", {"SELECT", "INSERT"}},
      {"receiving_address_indexes", {"SELECT", "INSERT"}},
      {"receiving_address_counters", {"SELECT", "INSERT"}},
      {"chain_scan_cursors", {"SELECT", "INSERT"}},
      {"webhook_endpoints", {"SELECT", "INSERT", "DELETE"}},
      {"webhook_deliveries", {"SELECT", "INSERT", "DELETE"}},
  };
  EXPECT_EQ(held, expected);

  // UPDATE only of the columns the runtime sets.
  std::map<std::string, std::set<std::string>> updatable;
  for (const auto& row :
       owner_.query("select table_name::text, column_name::text from information_schema.column_privileges "
                    "where grantee = 'ccc_app' and privilege_type = 'UPDATE' and table_name <> 'orders'"))
    updatable[row[0].as<std::string>()].insert(row[1].as<std::string>());
  const std::map<std::string, std::set<std::string>> expected_columns{
      {"customers", {"name_sealed", "email_sealed", "shipping_sealed", "email_index", "erased_at"}},
      {"timers", {"due_at", "claimed_until"}},
      {"order_kpis", {"total_cents", "paid", "processing_ms", "delivered", "reviewed", "refunded_cents"}},
      {"outbox", {"status", "attempts", "next_attempt_at", "claimed_until", "last_error", "sent_at", "sending_since"}},
      {"mail_recipient_hours", {"sent"}},
      {"payments", {"order_id"}},
      {"payment_exceptions", {"status", "order_id", "resolution", "resolved_by", "resolved_at"}},
      {"analytics_daily", {"count"}},
      {"admin_users", {"totp_last_step"}},
      {"admin_recovery_codes", {"used_at"}},
      {"admin_sessions", {"last_seen", "revoked_at"}},
      {"admin_api_keys", {"revoked_at"}},
      {"cluster_nodes", {"started_at", "last_seen"}},
      {"cluster_singletons", {"node_name", "acquired_at"}},
      {"receiving_address_counters", {"next_index"}},
      {"chain_scan_cursors", {"next_block", "updated_at"}},
      {"webhook_deliveries",
       {"state", "attempts", "next_attempt_at", "retry_since", "claimed_until", "last_status", "last_error",
        "delivered_at"}},
  };
  EXPECT_EQ(updatable, expected_columns);
}

// Production: the owner is an ordinary role (the DBA made the three roles
// beforehand, so it needs no CREATEROLE). It migrates, and FORCE holds it to
// the customers' paths like ccc_app.
TEST(roles_with_an_ordinary_owner, it_migrates_and_is_held_to_the_paths_too) {
  // Roles made by the migration of an ordinary test database, as a DBA would.
  test_support::test_database made_roles{"roles_made"};
  static std::atomic<int> counter{0};
  const std::string owner_role = "t_owner_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  const std::string database = "t_owned_" + std::to_string(::getpid()) + "_" + std::to_string(counter);
  const auto admin_url = test_support::admin_database_url();
  probe admin{admin_url};
  admin.query("create role " + owner_role + " login");
  // Dropped in reverse, whatever the test did.
  struct cleanup {
    probe& admin;
    std::string database, role;
    ~cleanup() {
      try {
        persistence::drop_database(test_support::admin_database_url(), database);
        admin.query("drop role if exists " + role);
      } catch (...) {
      }
    }
  } dropped{admin, database, owner_role};
  admin.query("create database " + database + " owner " + owner_role);
  const auto owner_url = persistence::url_with_user(persistence::url_with_database(admin_url, database), owner_role);

  ASSERT_NO_THROW(persistence::migrate(owner_url));

  const auto app_url = persistence::runtime_url(owner_url, "");
  test_support::repositories runtime{app_url};
  ASSERT_EQ(runtime.journal.append_batch({checkout_for(new_uuid(), "CCC-000703", "ada@example.com", "")})[0],
            append_outcome::committed);
  pqxx::connection owner{owner_url};
  session owner_session{owner_url};
  EXPECT_EQ(rows_without_path(owner, "customers"), 0) << "FORCE: the owner named no path";
  EXPECT_EQ(rows_on_path(owner, "customers", "admin"), 1);
  expect_sqlstate(owner_session, "delete from events", raised_by_trigger);
}

}  // namespace
