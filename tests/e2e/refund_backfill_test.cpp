// Upgrading a database whose orders came to owe a refund before refunds were
// tracked (migration 013): paid and then cancelled, or paid with more than
// quoted. Their read model had no refund data until their next event, so the
// dashboard's refunds list missed them. The database is put back as it was
// before 013 and 017 (the refund columns and the view's refund section
// empty, cancellations without the refund amount they record today), and the
// engine restarted: the start-up step fills them in from the events.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <ctime>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

std::string today() {
  const std::time_t now = std::time(nullptr);
  char day[11];
  std::strftime(day, sizeof day, "%Y-%m-%d", std::gmtime(&now));
  return day;
}

std::string atomic_plus(const json& amount, std::uint64_t more) {
  return std::to_string(std::stoull(amount.get<std::string>()) + more);
}

/// Each refund listed by GET /admin/api/refunds?state=owed, by order number.
std::map<std::string, json> owed(const engine_process& engine) {
  const auto r = engine.admin_get("/admin/api/refunds?state=owed");
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> out;
  const auto page = r.data();  // kept: a range-for over r.data()["refunds"] would outlive it
  for (const auto& row : page["refunds"]) out[row["order_number"].get<std::string>()] = row;
  return out;
}

struct read_model {
  std::string refund_state, due, refunded, outstanding, view;
  std::int64_t version = 0;
};

read_model stored(const engine_process& engine, const std::string& id) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  const auto row = tx.exec_params1(
      "select coalesce(refund_state, ''), refund_due_atomic::text, refunded_atomic::text, "
      "refund_outstanding_atomic::text, view::text, version from orders where id = $1",
      id);
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::int64_t>()};
}

// What a database upgraded to 012 looked like for these orders: no refund
// columns filled, no refund section in the view, cancellations that do not
// record a refund amount, and neither 013's data nor 017's queue applied.
void back_to_before_refunds(const engine_process& engine) {
  pqxx::connection conn{engine.database().url()};
  pqxx::work tx{conn};
  tx.exec("set local session_replication_role = replica");  // past the append-only trigger of events
  // The documents are json (migration 026): edited as jsonb, stored back as json.
  tx.exec("update events set payload = (payload::jsonb - 'refund_due_atomic')::json where type = 'order_cancelled'");
  tx.exec(
      "update orders set refund_state = null, refund_due_atomic = 0, refunded_atomic = 0, "
      "refund_outstanding_atomic = 0, view = ((view::jsonb - 'refund') #- '{payment,refund_due_atomic}')::json");
  tx.exec("drop table refund_backfill");
  tx.exec("delete from schema_migrations where version = 17");
  tx.commit();
}

std::int64_t queued(const engine_process& engine) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  return tx.exec1("select count(*) from refund_backfill")[0].as<std::int64_t>();
}

TEST(refunds_backfill,
     orders_owing_a_refund_from_before_refunds_were_tracked_are_listed_with_their_amounts_after_upgrade) {
  engine_process engine;
  constexpr std::uint64_t excess = 4321;
  auto place = [&](const std::string& method) {
    auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 1, method));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  };
  auto pay = [&](const json& order, std::uint64_t more) {
    const std::string id = order["id"];
    const auto r = engine.admin_command(id, {{"type", "verify_payment"},
                                             {"tx_id", "paid-" + id},
                                             {"amount_atomic", atomic_plus(order["payment"]["amount_atomic"], more)}});
    EXPECT_EQ(r.status, 200) << r.body;
  };
  const auto overpaid = place("BTC");
  pay(overpaid, excess);
  const auto cancelled = place("ETH");
  pay(cancelled, 0);
  ASSERT_EQ(
      engine.admin_command(cancelled["id"].get<std::string>(), {{"type", "cancel"}, {"reason", "out of stock"}}).status,
      200);
  const auto paid = place("XMR");  // paid exactly: no refund, before or after
  pay(paid, 0);
  const auto unpaid_cancelled = place("BTC");  // nothing received: nothing to give back
  ASSERT_EQ(engine
                .post("/api/orders/" + unpaid_cancelled["id"].get<std::string>() + "/cancel", json::object(),
                      bearer(unpaid_cancelled["access_token"]))
                .status,
            200);
  const auto kpis_path = "/admin/api/kpis?from=" + today() + "&to=" + today();
  const auto kpis_before = engine.admin_get(kpis_path).data();

  back_to_before_refunds(engine);
  EXPECT_TRUE(owed(engine).empty());  // what the dashboard showed after 013
  const auto paid_before = stored(engine, paid["id"].get<std::string>());
  const auto unpaid_cancelled_before = stored(engine, unpaid_cancelled["id"].get<std::string>());
  ASSERT_EQ(engine.stop(), 0);

  engine.start();  // the upgrade: migration 017, then the start-up step

  const auto listed = owed(engine);
  ASSERT_EQ(listed.size(), 2u);
  const auto& overpaid_row = listed.at(overpaid["number"].get<std::string>());
  EXPECT_EQ(overpaid_row["state"], "due");
  EXPECT_EQ(overpaid_row["due_atomic"], std::to_string(excess));
  EXPECT_EQ(overpaid_row["outstanding_atomic"], std::to_string(excess));
  EXPECT_EQ(overpaid_row["refunded_atomic"], "0");
  const auto& cancelled_row = listed.at(cancelled["number"].get<std::string>());
  EXPECT_EQ(cancelled_row["state"], "due");
  EXPECT_EQ(cancelled_row["due_atomic"], cancelled["payment"]["amount_atomic"]);  // everything received
  EXPECT_EQ(cancelled_row["outstanding_atomic"], cancelled["payment"]["amount_atomic"]);

  // The stored view (the mailer's and the list's source) carries the refund
  // as the order's own view does.
  const auto overpaid_view = json::parse(stored(engine, overpaid["id"].get<std::string>()).view);
  EXPECT_EQ(overpaid_view["refund"]["due_atomic"], std::to_string(excess));
  EXPECT_EQ(overpaid_view["payment"]["refund_due_atomic"], std::to_string(excess));
  const auto cancelled_view = json::parse(stored(engine, cancelled["id"].get<std::string>()).view);
  EXPECT_EQ(cancelled_view["refund"]["state"], "due");
  EXPECT_EQ(cancelled_view["refund"]["due_atomic"], cancelled["payment"]["amount_atomic"]);
  const auto customer_view =
      engine.get("/api/orders/" + cancelled["id"].get<std::string>(), bearer(cancelled["access_token"])).data();
  EXPECT_EQ(customer_view["refund"], cancelled_view["refund"]);
  EXPECT_EQ(customer_view["cancel_reason"], "out of stock");  // a sealed text, sealed again and opening

  // Orders that owe nothing are untouched.
  const auto paid_after = stored(engine, paid["id"].get<std::string>());
  EXPECT_EQ(paid_after.refund_state, "");
  EXPECT_EQ(paid_after.view, paid_before.view);
  EXPECT_EQ(paid_after.version, paid_before.version);
  EXPECT_EQ(stored(engine, unpaid_cancelled["id"].get<std::string>()).view, unpaid_cancelled_before.view);
  EXPECT_EQ(stored(engine, unpaid_cancelled["id"].get<std::string>()).refund_state, "");
  EXPECT_EQ(queued(engine), 0);

  // A refund owed is not revenue lost until it is sent (docs/KPIS.md): the
  // KPIs read as before; once the admin records it, it counts.
  EXPECT_EQ(engine.admin_get(kpis_path).data(), kpis_before);
  const std::string cancelled_id = cancelled["id"];
  ASSERT_EQ(engine
                .admin_command(cancelled_id, {{"type", "set_refund_address"},
                                              {"address", "0x52908400098527886E0F7030069857D2E4169EE7"}})
                .status,
            200);
  const auto refunded = engine.admin_command(cancelled_id, {{"type", "record_refund"},
                                                            {"txid", "refund-" + cancelled_id},
                                                            {"amount_atomic", cancelled["payment"]["amount_atomic"]}});
  ASSERT_EQ(refunded.status, 200) << refunded.body;
  EXPECT_EQ(owed(engine).size(), 1u);
  const auto kpis_after = engine.admin_get(kpis_path).data();
  EXPECT_EQ(kpis_after["refunded_cents"], cancelled["total_cents"]);
}

TEST(refunds_backfill, a_second_start_finds_nothing_left_to_fill_in) {
  engine_process engine;
  auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 1, "BTC"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto order = r.data();
  const std::string id = order["id"];
  ASSERT_EQ(engine
                .admin_command(id, {{"type", "verify_payment"},
                                    {"tx_id", "paid-" + id},
                                    {"amount_atomic", atomic_plus(order["payment"]["amount_atomic"], 7)}})
                .status,
            200);
  back_to_before_refunds(engine);
  ASSERT_EQ(engine.stop(), 0);
  engine.start();
  const auto filled = stored(engine, id);
  EXPECT_EQ(filled.refund_state, "due");
  EXPECT_EQ(filled.due, "7");
  ASSERT_EQ(engine.stop(), 0);
  engine.start();
  EXPECT_EQ(stored(engine, id).view, filled.view);
  EXPECT_EQ(queued(engine), 0);
}

}  // namespace
