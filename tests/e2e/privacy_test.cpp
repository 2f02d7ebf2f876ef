// Customer data protected at rest, end to end: what a copy of the database
// gives away (nothing personal), what erasure leaves behind (the order, its
// journal and KPIs, nothing personal), and a master key that must be this
// shop's own.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "e2e/engine_process.hpp"
#include "integration/mail/mail_test_support.hpp"
#include "sealing/box.hpp"
#include "support/temp_dir.hpp"

using namespace e2e;

namespace {

// What one customer gave the shop and wrote to it, each findable in a dump.
const std::string name = "Zelda Quixotic-Marchbanks";
const std::string email = "zelda.marchbanks@example.org";
const std::string street = "742 Evergreen Terrace";
const std::string review = "Printer sings again - \"Zelda\" approves \u2713";
const std::string note = "Zelda called: leave it at the back door";
const std::string message = "Dear Zelda, your parcel is on the truck";
const std::string reason = "Zelda changed her mind about the magenta";

json zeldas_checkout() {
  auto body = checkout_body();
  body["customer"] = {{"name", name}, {"email", email}};
  body["shipping"]["line1"] = street;
  return body;
}

std::string pg_dump(const std::string& url) {
  std::string command = "/usr/lib/postgresql/15/bin/pg_dump --no-owner '" + url + "' 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run pg_dump");
  std::string out;
  char buffer[65536];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << out.substr(0, 2000);
  return out;
}

/// The text as a dump could hold it: plain, JSON-escaped (either way), base64.
std::vector<std::string> encodings_of(const std::string& text) {
  std::vector<std::string> forms{text, json(text).dump(), json(text).dump(-1, ' ', true), sealing::to_base64(text)};
  for (auto& f : forms)
    if (f.size() > 2 && f.front() == '"') f = f.substr(1, f.size() - 2);
  return forms;
}

json command(const engine_process& engine, const std::string& id, const json& cmd) {
  auto r = engine.admin_command(id, cmd);
  EXPECT_EQ(r.status, 200) << cmd.dump() << " -> " << r.body;
  return r.data();
}

/// A delivered order of Zelda's with her review, the admin's note and a message to her.
json delivered_and_reviewed(const engine_process& engine) {
  auto order = engine.post("/api/orders", zeldas_checkout()).data();
  const std::string id = order["id"], token = order["access_token"];
  command(engine, id,
          {{"type", "verify_payment"}, {"tx_id", "tx-" + id}, {"amount_atomic", order["payment"]["amount_atomic"]}});
  command(engine, id, {{"type", "start_processing"}});
  command(engine, id,
          {{"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", "1Z"}, {"estimated_delivery", "2026-12-24"}});
  command(engine, id, {{"type", "mark_delivered"}});
  EXPECT_EQ(engine.post("/api/orders/" + id + "/review", {{"rating", 5}, {"text", review}}, bearer(token)).status, 200);
  command(engine, id, {{"type", "add_note"}, {"text", note}});
  command(engine, id, {{"type", "contact_customer"}, {"message", message}});
  return order;
}

std::size_t mail_to(const mail_test::smtp_sink& sink, const std::string& address) {
  std::size_t n = 0;
  for (const auto& m : sink.messages())
    for (const auto& to : m.rcpt_tos) n += to == address;
  return n;
}

std::map<std::string, std::string> smtp_env(const mail_test::smtp_sink& sink) {
  return {{"ORDER_ENGINE_MAIL_SMTP_URL", sink.url()}, {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"}};
}

TEST(privacy, a_database_dump_holds_none_of_the_customers_personal_data_in_any_encoding) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink)};
  delivered_and_reviewed(engine);
  auto cancelled = engine.post("/api/orders", zeldas_checkout()).data();
  command(engine, cancelled["id"], {{"type", "cancel"}, {"reason", reason}});
  // Every email went out: the outbox rows are in the dump too.
  ASSERT_TRUE(eventually([&] { return mail_to(sink, email) >= 6; })) << mail_to(sink, email);

  const auto dump = pg_dump(engine.database().url());
  ASSERT_NE(dump.find("COPY public.customers"), std::string::npos) << "not a dump of the shop's database";
  for (const auto& secret : {name, email, street, review, note, message, reason, std::string{"Zelda"}})
    for (const auto& form : encodings_of(secret)) EXPECT_EQ(dump.find(form), std::string::npos) << form;
}

TEST(privacy, erasure_keeps_the_order_its_journal_and_kpis_and_leaves_nothing_personal_nor_any_mail_to_send) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink)};
  const auto order = delivered_and_reviewed(engine);
  const std::string id = order["id"], token = order["access_token"];
  ASSERT_TRUE(eventually([&] { return mail_to(sink, email) >= 4; }));
  const auto kpis_before = engine.admin_get("/admin/api/kpis").data();
  const auto before = engine.admin_get("/admin/api/orders/" + id).data();
  ASSERT_EQ(before["customer"]["email"], email);
  ASSERT_EQ(before["customer"]["erased"], false);
  const std::string ref = before["customer"]["ref"];

  auto erased = engine.post("/admin/api/customers/" + ref + "/erase", json(nullptr), bearer(admin_token));
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(erased.data()["ref"], ref);
  const std::string erased_at = erased.data()["erased_at"];
  // Erasing again is the same erasure.
  auto again = engine.post("/admin/api/customers/" + ref + "/erase", json(nullptr), bearer(admin_token));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.data()["erased_at"], erased_at);

  auto check_erased = [&] {
    auto admin = engine.admin_get("/admin/api/orders/" + id);
    ASSERT_EQ(admin.status, 200) << admin.body;
    const auto view = admin.data();
    EXPECT_EQ(view["customer"]["ref"], ref);
    EXPECT_EQ(view["customer"]["erased"], true);
    EXPECT_TRUE(view["customer"]["name"].is_null());
    EXPECT_TRUE(view["customer"]["email"].is_null());
    EXPECT_TRUE(view["shipping"].is_null());
    EXPECT_EQ(view["status"], "delivered");
    EXPECT_EQ(view["total_cents"], before["total_cents"]);
    EXPECT_EQ(view["review"]["text"], "[erased]");
    EXPECT_EQ(view["review"]["rating"], 5);
    EXPECT_EQ(view["notes"], json::array({"[erased]"}));
    EXPECT_EQ(view["events"].size(), before["events"].size() + 1);
    EXPECT_EQ(view["events"].back()["type"], "personal_data_erased");
    EXPECT_EQ(view.dump().find("Zelda"), std::string::npos) << view.dump();
    auto customer = engine.get("/api/orders/" + id, bearer(token));
    ASSERT_EQ(customer.status, 200) << customer.body;  // the customer's link still works
    EXPECT_EQ(customer.data()["customer_erased"], true);
    EXPECT_EQ(customer.data()["review"]["text"], "[erased]");
  };
  check_erased();
  // Replay: a restarted engine rebuilds the order from its journal.
  ASSERT_EQ(engine.stop(), 0);
  engine.start();
  check_erased();

  // No more mail to the erased address, whatever the admin does.
  const auto sent = mail_to(sink, email);
  command(engine, id, {{"type", "contact_customer"}, {"message", "one more thing"}});
  std::this_thread::sleep_for(std::chrono::milliseconds{800});
  EXPECT_EQ(mail_to(sink, email), sent);

  EXPECT_EQ(engine.admin_get("/admin/api/kpis").data(), kpis_before);
  const auto audit = engine.admin_get("/admin/api/audit?limit=200").data();
  bool audited = false;
  for (const auto& entry : audit["entries"])
    audited = audited || (entry["action"] == "POST /admin/api/customers/{id}/erase" && entry["target"] == ref &&
                          entry["outcome"] == 200);
  EXPECT_TRUE(audited) << audit.dump();
  EXPECT_EQ(pg_dump(engine.database().url()).find(name), std::string::npos);
}

TEST(privacy, an_order_that_still_owes_money_is_not_erased_until_it_is_settled) {
  engine_process engine;
  auto order = engine.post("/api/orders", checkout_body()).data();
  const std::string id = order["id"];
  const auto ref = engine.admin_get("/admin/api/orders/" + id).data()["customer"]["ref"].get<std::string>();
  command(engine, id, {{"type", "verify_payment"}, {"tx_id", "part-" + id}, {"amount_atomic", "1000"}});

  auto refused = engine.post("/admin/api/customers/" + ref + "/erase", json(nullptr), bearer(admin_token));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.data()["type"].get<std::string>().find("money_owed"), std::string::npos) << refused.body;
  EXPECT_EQ(engine.admin_get("/admin/api/orders/" + id).data()["customer"]["email"], "ada@example.com");

  EXPECT_EQ(
      engine.post("/admin/api/customers/00000000-0000-4000-8000-000000000000/erase", json(nullptr), bearer(admin_token))
          .status,
      404);
  EXPECT_EQ(engine.post("/admin/api/customers/not-a-ref/erase", json(nullptr), bearer(admin_token)).status, 404);
}

TEST(privacy, the_customers_erasure_request_is_a_task_for_the_admin_and_erases_nothing_by_itself) {
  engine_process engine;
  auto order = engine.post("/api/orders", checkout_body()).data();
  const std::string id = order["id"], token = order["access_token"];
  EXPECT_EQ(engine.post("/api/orders/" + id + "/erasure-request", json(nullptr)).status, 404);  // no token
  auto asked = engine.post("/api/orders/" + id + "/erasure-request", json(nullptr), bearer(token));
  ASSERT_EQ(asked.status, 202) << asked.body;
  const std::string requested_at = asked.data()["requested_at"];
  auto twice = engine.post("/api/orders/" + id + "/erasure-request", json::object(), bearer(token));
  EXPECT_EQ(twice.status, 202);
  EXPECT_EQ(twice.data()["requested_at"], requested_at);
  EXPECT_EQ(engine.post("/api/orders/" + id + "/erasure-request", {{"now", true}}, bearer(token)).status, 422);

  auto tasks = engine.admin_get("/admin/api/erasure-requests").data()["requests"];
  ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
  EXPECT_EQ(tasks[0]["order_id"], id);
  EXPECT_EQ(tasks[0]["order_number"], order["number"]);
  EXPECT_EQ(tasks[0]["status"], "open");
  EXPECT_EQ(tasks[0]["requested_at"], requested_at);
  const auto admin = engine.admin_get("/admin/api/orders/" + id).data();
  EXPECT_EQ(admin["customer"]["email"], "ada@example.com");  // nothing erased yet
  EXPECT_EQ(admin["erasure_requested_at"], requested_at);

  ASSERT_EQ(engine
                .post("/admin/api/customers/" + tasks[0]["customer_ref"].get<std::string>() + "/erase", json(nullptr),
                      bearer(admin_token))
                .status,
            200);
  EXPECT_EQ(engine.admin_get("/admin/api/erasure-requests").data()["requests"][0]["status"], "done");
}

TEST(privacy, retention_erases_customers_of_orders_closed_long_enough_ago_and_keeps_open_ones) {
  engine_process engine{
      {{"ORDER_ENGINE_PRIVACY_RETAIN_CUSTOMER_DATA_FOR", "1s"}, {"ORDER_ENGINE_PRIVACY_RETENTION_INTERVAL", "1s"}}};
  auto closed = engine.post("/api/orders", checkout_body()).data();
  command(engine, closed["id"], {{"type", "cancel"}, {"reason", "out of ink anyway"}});
  auto open = engine.post("/api/orders", checkout_body()).data();

  auto customer_of = [&](const json& order) {
    return engine.admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data()["customer"];
  };
  ASSERT_TRUE(eventually([&] { return customer_of(closed)["erased"] == true; }, std::chrono::seconds{10}));
  const auto view = engine.admin_get("/admin/api/orders/" + closed["id"].get<std::string>()).data();
  EXPECT_EQ(view["events"].back()["type"], "personal_data_erased");
  EXPECT_EQ(view["events"].back()["data"]["by"], "system");
  EXPECT_EQ(view["cancel_reason"], "[erased]");
  EXPECT_EQ(customer_of(open)["email"], "ada@example.com");  // still open: kept

  const auto system = engine.admin_get("/admin/api/system").data();
  ASSERT_TRUE(system.contains("retention")) << system.dump();
  EXPECT_EQ(system["retention"]["retain_customer_data_for_seconds"], 1);
  EXPECT_GE(system["retention"]["customers_erased"].get<int>(), 1);
  EXPECT_GE(system["retention"]["runs"].get<int>(), 1);
  EXPECT_FALSE(system["retention"]["next_run_at"].is_null());
}

TEST(privacy, a_missing_or_foreign_master_key_stops_start_up_with_exit_2_and_says_why) {
  engine_process engine;
  ASSERT_EQ(engine.post("/api/orders", checkout_body()).status, 201);
  ASSERT_EQ(engine.stop(), 0);
  auto env = engine.environment();

  test_support::master_key_file other;
  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = other.path();
  auto foreign = run_to_exit(env);
  EXPECT_EQ(foreign.exit_code, 2) << foreign.output;
  EXPECT_NE(foreign.output.find("does not open this database's keys"), std::string::npos) << foreign.output;

  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = "";
  auto unset = run_to_exit(env);
  EXPECT_EQ(unset.exit_code, 2) << unset.output;
  EXPECT_NE(unset.output.find("security.master_key_file is not set"), std::string::npos) << unset.output;

  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = "/nonexistent/master.key";
  auto missing = run_to_exit(env);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/master.key"), std::string::npos) << missing.output;

  test_support::master_key_file shared;
  ::chmod(shared.path().c_str(), 0644);
  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = shared.path();
  auto readable = run_to_exit(env);
  EXPECT_EQ(readable.exit_code, 2) << readable.output;
  EXPECT_NE(readable.output.find("chmod 600"), std::string::npos) << readable.output;

  // Its own key still opens the shop.
  engine.start();
  EXPECT_EQ(engine.get("/readyz").status, 200);
}

}  // namespace
