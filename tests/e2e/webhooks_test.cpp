// Signed webhooks end to end: the real binary and database, and a receiver on
// loopback (tests/support/webhook_receiver.py) that verifies every signature
// with Python's own hmac. The engines here set webhooks.allow_private_targets
// to reach it, except the one that checks that loopback is refused.

#include <gtest/gtest.h>
#include <netdb.h>
#include <unistd.h>

#include <map>
#include <set>
#include <thread>

#include "e2e/engine_process.hpp"
#include "support/webhook_receiver.hpp"

using namespace e2e;
using test_support::eventually;
using test_support::webhook_receiver;

namespace {

const std::map<std::string, std::string> admin = {{"Authorization", "Bearer " + admin_token}};

// Retries come fast so that a receiver that was down is caught up within seconds.
std::map<std::string, std::string> reachable_receiver_settings(const std::string& give_up_after) {
  return {{"ORDER_ENGINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"},
          {"ORDER_ENGINE_WEBHOOKS_RETRY_AFTER", "200ms"},
          {"ORDER_ENGINE_WEBHOOKS_RETRY_MAX", "500ms"},
          {"ORDER_ENGINE_WEBHOOKS_GIVE_UP_AFTER", give_up_after},
          {"ORDER_ENGINE_WEBHOOKS_POLL_INTERVAL", "100ms"},
          {"ORDER_ENGINE_WEBHOOKS_TIMEOUT", "2s"}};
}

json register_endpoint(const engine_process& engine, const std::string& url, const json& events) {
  auto r = engine.post("/admin/api/webhooks", {{"url", url}, {"events", events}}, admin);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.data();
}

std::string place(const engine_process& engine) {
  auto r = engine.post("/api/orders", checkout_body());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.data()["id"];
}

void run(const engine_process& engine, const std::string& order, const json& command) {
  auto r = engine.admin_command(order, command);
  ASSERT_EQ(r.status, 200) << command.dump() << " -> " << r.body;
}

void pay(const engine_process& engine, const std::string& order) {
  const auto details = engine.admin_get("/admin/api/orders/" + order).data();
  run(engine, order,
      {{"type", "verify_payment"}, {"tx_id", "tx-" + order}, {"amount_atomic", details["payment"]["amount_atomic"]}});
}

/// The journaled (seq, type) of an order, in order.
std::vector<std::pair<std::int64_t, std::string>> journal_of(const engine_process& engine, const std::string& order) {
  std::vector<std::pair<std::int64_t, std::string>> events;
  const auto details = engine.admin_get("/admin/api/orders/" + order).data();
  for (const auto& e : details["events"])
    events.emplace_back(e["seq"].get<std::int64_t>(), e["type"].get<std::string>());
  return events;
}

/// What `path` received of `order`, in arrival order, as (seq, type).
std::vector<std::pair<std::int64_t, std::string>> received_of(const json& received, const std::string& path,
                                                              const std::string& order) {
  std::vector<std::pair<std::int64_t, std::string>> events;
  for (const auto& d : received)
    if (d["path"] == path && d["body"]["data"]["order_id"] == order)
      events.emplace_back(d["body"]["data"]["event_seq"].get<std::int64_t>(), d["body"]["type"].get<std::string>());
  return events;
}

std::size_t count_at(const json& received, const std::string& path) {
  std::size_t n = 0;
  for (const auto& d : received) n += d["path"] == path ? 1 : 0;
  return n;
}

json deliveries(const engine_process& engine, const std::string& state) {
  auto r = engine.admin_get("/admin/api/webhooks/deliveries?state=" + state);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.data()["deliveries"];
}

class webhooks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new engine_process(reachable_receiver_settings("30s")); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static engine_process& engine() { return *engine_; }
  static engine_process* engine_;
};

engine_process* webhooks::engine_ = nullptr;

TEST_F(webhooks, a_full_journey_reaches_each_endpoint_once_per_event_signed_in_order_and_without_personal_data) {
  webhook_receiver receiver;
  const auto all = register_endpoint(engine(), receiver.url("/all"), {"*"});
  const auto some = register_endpoint(engine(), receiver.url("/some"), {"order_shipped", "order_cancelled"});
  receiver.expect("/all", all["secret"]);
  receiver.expect("/some", some["secret"]);

  const auto delivered = place(engine());
  pay(engine(), delivered);
  run(engine(), delivered, {{"type", "start_processing"}});
  run(engine(), delivered,
      {{"type", "ship"},
       {"carrier", "UPS"},
       {"tracking_number", "1Z999AA10123456784"},
       {"estimated_delivery", "2026-12-24"}});
  run(engine(), delivered, {{"type", "mark_delivered"}});
  const auto cancelled = place(engine());
  run(engine(), cancelled, {{"type", "cancel"}, {"reason", "changed my mind"}});

  const auto journey = journal_of(engine(), delivered);
  const auto cancel_journey = journal_of(engine(), cancelled);
  ASSERT_EQ(journey.size(), 6u);
  ASSERT_EQ(cancel_journey.size(), 2u);
  std::set<std::string> journey_types;
  for (const auto& [seq, type] : journey) journey_types.insert(type);
  EXPECT_EQ(journey_types, (std::set<std::string>{"order_placed", "payment_received", "payment_verified",
                                                  "processing_started", "order_shipped", "order_delivered"}));
  const std::size_t expected = journey.size() + cancel_journey.size();
  ASSERT_TRUE(eventually([&] {
    return count_at(receiver.received(), "/all") >= expected && count_at(receiver.received(), "/some") >= 2;
  })) << receiver.received().dump();
  // Nothing more comes: the sender polls every 100 ms, so a second copy would show within a second.
  std::this_thread::sleep_for(std::chrono::seconds{1});
  const auto received = receiver.received();

  EXPECT_EQ(received_of(received, "/all", delivered), journey) << "every event, once, in the journal's order";
  EXPECT_EQ(received_of(received, "/all", cancelled), cancel_journey);
  EXPECT_EQ(received_of(received, "/some", delivered),
            (std::vector<std::pair<std::int64_t, std::string>>{{journey[4].first, "order_shipped"}}));
  EXPECT_EQ(received_of(received, "/some", cancelled),
            (std::vector<std::pair<std::int64_t, std::string>>{{cancel_journey.back().first, "order_cancelled"}}));
  EXPECT_EQ(received.size(), expected + 2);
  std::set<std::string> ids;
  const auto number = engine().admin_get("/admin/api/orders/" + delivered).data()["number"];
  for (const auto& d : received) {
    EXPECT_TRUE(d["valid"].get<bool>()) << d.dump();
    EXPECT_EQ(d["content_type"], "application/json");
    EXPECT_EQ(d["answered"], 204);
    EXPECT_TRUE(ids.insert(d["id"].get<std::string>()).second) << "a webhook-id came twice: " << d.dump();
    const auto text = d["body"].dump();
    for (const char* personal : {"Ada", "ada@example.com", "Euclid", "Cleveland", "changed my mind"})
      EXPECT_EQ(text.find(personal), std::string::npos) << personal << " in " << text;
    EXPECT_EQ(d["body"]["data"].size(), 4u) << text;  // order_id, order_number, event_seq, status
    if (d["body"]["data"]["order_id"] == delivered) EXPECT_EQ(d["body"]["data"]["order_number"], number);
  }
  for (const auto& d : received)
    if (d["body"]["type"] == "order_shipped") EXPECT_EQ(d["body"]["data"]["status"], "shipped");
}

TEST_F(webhooks, a_receiver_that_was_down_gets_every_event_once_it_is_back) {
  webhook_receiver receiver;
  const auto endpoint = register_endpoint(engine(), receiver.url("/back"), {"*"});
  receiver.stop();

  const auto order = place(engine());
  pay(engine(), order);
  ASSERT_TRUE(eventually([&] {
    for (const auto& d : deliveries(engine(), "pending"))
      if (d["endpoint_id"] == endpoint["id"] && d["order_id"] == order && d["attempts"].get<int>() >= 2) return true;
    return false;
  })) << "the first delivery is tried again while the receiver is down";

  receiver.start();
  receiver.expect("/back", endpoint["secret"]);
  const auto journey = journal_of(engine(), order);
  ASSERT_TRUE(eventually([&] { return count_at(receiver.received(), "/back") >= journey.size(); }))
      << receiver.received().dump();
  const auto received = receiver.received();
  EXPECT_EQ(received_of(received, "/back", order), journey);
  for (const auto& d : received) EXPECT_TRUE(d["valid"].get<bool>()) << d.dump();
  for (const auto& d : deliveries(engine(), "pending")) EXPECT_NE(d["endpoint_id"], endpoint["id"]) << d.dump();
}

TEST_F(webhooks, endpoints_are_listed_without_secrets_and_deleted_once) {
  const auto endpoint = register_endpoint(engine(), "https://hooks.example.com/in", {"order_placed"});
  EXPECT_EQ(endpoint["secret"].get<std::string>().rfind("whsec_", 0), 0u);
  EXPECT_EQ(endpoint["events"], json::array({"order_placed"}));
  EXPECT_EQ(endpoint["include_personal_data"], false);

  const auto listed = engine().admin_get("/admin/api/webhooks").data()["webhooks"];
  bool found = false;
  for (const auto& e : listed) {
    EXPECT_FALSE(e.contains("secret")) << e.dump();
    found = found || e["id"] == endpoint["id"];
  }
  EXPECT_TRUE(found);
  const auto target = "/admin/api/webhooks/" + endpoint["id"].get<std::string>();
  EXPECT_EQ(engine().request("DELETE", target, "", admin).status, 204);
  EXPECT_EQ(engine().request("DELETE", target, "", admin).status, 404);
  const auto after = engine().admin_get("/admin/api/webhooks").data();
  for (const auto& e : after["webhooks"]) EXPECT_NE(e["id"], endpoint["id"]);
  EXPECT_EQ(engine().get("/admin/api/webhooks").status, 401) << "admins only";
}

TEST_F(webhooks, bad_registrations_are_422_naming_the_field_and_store_nothing) {
  const auto before = engine().admin_get("/admin/api/webhooks").data()["webhooks"].size();
  const std::vector<std::pair<json, std::string>> bad = {
      {{{"url", "ftp://hooks.example.com/"}, {"events", {"*"}}}, "url"},
      {{{"url", "https://user:pw@hooks.example.com/"}, {"events", {"*"}}}, "url"},
      {{{"events", {"*"}}}, "url"},
      {{{"url", "https://hooks.example.com/"}, {"events", {"order_teleported"}}}, "events"},
      {{{"url", "https://hooks.example.com/"}, {"events", json::array()}}, "events"},
      {{{"url", "https://hooks.example.com/"}, {"events", {"*", "order_placed"}}}, "events"},
      {{{"url", "https://hooks.example.com/"}, {"events", {"*"}}, {"include_personal_data", "yes"}},
       "include_personal_data"},
  };
  for (const auto& [body, field] : bad) {
    auto r = engine().post("/admin/api/webhooks", body, admin);
    EXPECT_EQ(r.status, 422) << body.dump() << " -> " << r.body;
    EXPECT_EQ(r.data()["field"], field) << body.dump();
  }
  EXPECT_EQ(engine().admin_get("/admin/api/webhooks").data()["webhooks"].size(), before);
}

// Gives up after one second, so a receiver that keeps failing is failed at once.
class webhooks_giving_up : public ::testing::Test {
 protected:
  engine_process engine_{reachable_receiver_settings("1s")};
};

TEST_F(webhooks_giving_up, a_delivery_that_keeps_failing_is_listed_failed_and_redeliver_sends_it_under_its_id) {
  webhook_receiver receiver;
  const auto endpoint = register_endpoint(engine_, receiver.url("/refusing"), {"order_placed"});
  receiver.expect("/refusing", endpoint["secret"], 500);
  const auto order = place(engine_);

  json failed;
  ASSERT_TRUE(eventually([&] {
    for (const auto& d : deliveries(engine_, "failed"))
      if (d["order_id"] == order) failed = d;
    return !failed.is_null();
  })) << deliveries(engine_, "pending").dump();
  EXPECT_EQ(failed["event_type"], "order_placed");
  EXPECT_EQ(failed["last_status"], 500);
  EXPECT_EQ(failed["endpoint_id"], endpoint["id"]);
  EXPECT_GE(failed["attempts"].get<int>(), 2);
  const auto attempts = receiver.received();
  EXPECT_EQ(attempts.size(), static_cast<std::size_t>(failed["attempts"].get<int>()));
  for (const auto& a : attempts) {
    EXPECT_EQ(a["id"], failed["id"]) << "every attempt of one delivery has its webhook-id";
    EXPECT_TRUE(a["valid"].get<bool>());
  }

  receiver.expect("/refusing", endpoint["secret"], 204);
  const auto redeliver = "/admin/api/webhooks/deliveries/" + failed["id"].get<std::string>() + "/redeliver";
  auto r = engine_.post(redeliver, json::object(), admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["state"], "pending");
  ASSERT_TRUE(eventually([&] {
    const auto all = receiver.received();
    return !all.empty() && all.back()["answered"] == 204;
  }));
  const auto last = receiver.received().back();
  EXPECT_EQ(last["id"], failed["id"]);
  EXPECT_TRUE(last["valid"].get<bool>());
  ASSERT_TRUE(eventually([&] { return deliveries(engine_, "delivered").size() == 1; }));
  EXPECT_TRUE(deliveries(engine_, "failed").empty());
  EXPECT_EQ(engine_.post(redeliver, json::object(), admin).status, 404) << "it is no longer failed";
}

// The defaults: the engine may not be aimed at its own network.
class webhooks_on_public_targets_only : public ::testing::Test {
 protected:
  engine_process engine_;
};

TEST_F(webhooks_on_public_targets_only, a_loopback_or_private_target_is_refused_with_403) {
  for (const char* url : {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]/hook",
                          "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook"}) {
    auto r = engine_.post("/admin/api/webhooks", {{"url", url}, {"events", {"*"}}}, admin);
    EXPECT_EQ(r.status, 403) << url << " -> " << r.body;
    EXPECT_EQ(r.data()["field"], "url") << url;
  }
  EXPECT_TRUE(engine_.admin_get("/admin/api/webhooks").data()["webhooks"].empty());
}

TEST_F(webhooks_on_public_targets_only, a_name_that_resolves_to_loopback_is_refused_when_it_is_sent_to) {
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  addrinfo* found = nullptr;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  if (getaddrinfo(host, nullptr, &hints, &found) != 0 || !found) GTEST_SKIP() << host << " does not resolve";
  char address[64] = {};
  getnameinfo(found->ai_addr, found->ai_addrlen, address, sizeof address, nullptr, 0, NI_NUMERICHOST);
  freeaddrinfo(found);
  if (std::string{address}.rfind("127.", 0) != 0) GTEST_SKIP() << host << " resolves to " << address;

  webhook_receiver receiver;
  const auto port = receiver.url("").substr(std::string{"http://127.0.0.1:"}.size());
  const auto endpoint = register_endpoint(engine_, "http://" + std::string{host} + ":" + port + "/sneaky", {"*"});
  receiver.expect("/sneaky", endpoint["secret"]);
  const auto order = place(engine_);

  json pending;
  ASSERT_TRUE(eventually([&] {
    for (const auto& d : deliveries(engine_, "pending"))
      if (d["order_id"] == order && d["attempts"].get<int>() >= 1) pending = d;
    return !pending.is_null();
  }));
  EXPECT_NE(pending["last_error"].get<std::string>().find("refused to connect to 127."), std::string::npos)
      << pending.dump();
  EXPECT_TRUE(receiver.received().empty()) << receiver.received().dump();
}

// ---- personal data, for the endpoints that opt in -------------------------

json register_with_personal_data(const engine_process& engine, const std::string& url) {
  auto r =
      engine.post("/admin/api/webhooks", {{"url", url}, {"events", {"*"}}, {"include_personal_data", true}}, admin);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.data()["include_personal_data"], true) << r.body;
  return r.data();
}

/// The body `path` received for `order`'s event `type` (null when none came).
json body_of(const json& received, const std::string& path, const std::string& order, const std::string& type) {
  for (const auto& d : received)
    if (d["path"] == path && d["body"]["data"]["order_id"] == order && d["body"]["type"] == type) return d["body"];
  return nullptr;
}

TEST_F(webhooks, an_opted_in_endpoint_gets_the_customers_name_email_and_address_and_after_erasure_none) {
  webhook_receiver receiver;
  const auto named = register_with_personal_data(engine(), receiver.url("/named"));
  const auto plain = register_endpoint(engine(), receiver.url("/plain"), {"*"});
  receiver.expect("/named", named["secret"]);
  receiver.expect("/plain", plain["secret"]);

  const auto order = place(engine());
  ASSERT_TRUE(eventually([&] {
    const auto received = receiver.received();
    return !body_of(received, "/named", order, "order_placed").is_null() &&
           !body_of(received, "/plain", order, "order_placed").is_null();
  })) << receiver.received().dump();
  auto received = receiver.received();
  const auto named_body = body_of(received, "/named", order, "order_placed");
  const auto& data = named_body["data"];
  EXPECT_EQ(data["customer"], (json{{"erased", false}, {"name", "Ada Lovelace"}, {"email", "ada@example.com"}}))
      << named_body.dump();
  EXPECT_EQ(data["shipping"], (json{{"line1", "1 Euclid Ave"},
                                    {"line2", ""},
                                    {"city", "Cleveland"},
                                    {"region", "OH"},
                                    {"postal_code", "44115"},
                                    {"country", "US"}}))
      << named_body.dump();
  EXPECT_EQ(data["order_id"], order);
  const auto plain_body = body_of(received, "/plain", order, "order_placed").dump();
  for (const char* personal : {"Ada", "ada@example.com", "Euclid", "Cleveland", "customer", "shipping"})
    EXPECT_EQ(plain_body.find(personal), std::string::npos) << personal << " in " << plain_body;
  for (const auto& d : received) EXPECT_TRUE(d["valid"].get<bool>()) << "signed over the body as sent: " << d.dump();

  // The delivery rows keep the payload without personal data: the admin's
  // list of them has nothing of it either.
  const auto listed = deliveries(engine(), "delivered").dump();
  EXPECT_EQ(listed.find("ada@example.com"), std::string::npos) << listed;

  const std::string ref = engine().admin_get("/admin/api/orders/" + order).data()["customer"]["ref"];
  ASSERT_EQ(engine().post("/admin/api/customers/" + ref + "/erase", json(nullptr), admin).status, 200);
  ASSERT_TRUE(eventually([&] {
    return !body_of(receiver.received(), "/named", order, "personal_data_erased").is_null();
  })) << receiver.received().dump();
  const auto after = body_of(receiver.received(), "/named", order, "personal_data_erased");
  EXPECT_EQ(after["data"]["customer"], (json{{"erased", true}, {"name", nullptr}, {"email", nullptr}})) << after.dump();
  EXPECT_TRUE(after["data"]["shipping"].is_null()) << after.dump();
  for (const char* personal : {"Ada", "ada@example.com", "Euclid", "Cleveland"})
    EXPECT_EQ(after.dump().find(personal), std::string::npos) << personal << " in " << after.dump();
}

TEST_F(webhooks, registering_an_endpoint_with_personal_data_is_in_the_audit_log_as_such) {
  const auto endpoint = register_with_personal_data(engine(), "https://crm.example.com/orders");
  json entries;
  ASSERT_TRUE(eventually([&] {
    entries = engine().admin_get("/admin/api/audit?limit=200").data()["entries"];
    for (const auto& e : entries)
      if (e["action"] == "POST /admin/api/webhooks" && e["target"] == "include_personal_data" && e["outcome"] == 201)
        return true;
    return false;
  })) << entries.dump(1);
  const auto listed = engine().admin_get("/admin/api/webhooks").data()["webhooks"];
  for (const auto& e : listed)
    if (e["id"] == endpoint["id"]) EXPECT_EQ(e["include_personal_data"], true) << e.dump();
}

// ---- a slow receiver, and the counters on /metrics ------------------------

// A receiver may hang for the whole timeout; the endpoints' other deliveries do not wait for it.
std::map<std::string, std::string> patient_settings() {
  auto settings = reachable_receiver_settings("30s");
  settings["ORDER_ENGINE_WEBHOOKS_TIMEOUT"] = "20s";
  return settings;
}

class webhooks_with_a_slow_receiver : public ::testing::Test {
 protected:
  engine_process engine_{patient_settings()};
};

TEST_F(webhooks_with_a_slow_receiver, a_receiver_that_hangs_for_8_seconds_does_not_delay_another_endpoints_deliveries) {
  webhook_receiver receiver;
  const auto slow = register_endpoint(engine_, receiver.url("/slow"), {"*"});
  const auto fast = register_endpoint(engine_, receiver.url("/fast"), {"*"});
  receiver.expect("/slow", slow["secret"], 204, std::chrono::seconds{8});
  receiver.expect("/fast", fast["secret"]);

  const auto order = place(engine_);
  // The slow receiver holds its first delivery from here on.
  ASSERT_TRUE(eventually([&] { return count_at(receiver.received(), "/slow") == 1; })) << receiver.received().dump();
  ASSERT_TRUE(eventually([&] { return count_at(receiver.received(), "/fast") == 1; })) << receiver.received().dump();

  const auto paid_at = std::chrono::steady_clock::now();
  pay(engine_, order);  // payment_received, payment_verified
  ASSERT_TRUE(eventually([&] { return count_at(receiver.received(), "/fast") == 3; })) << receiver.received().dump();
  const auto waited = std::chrono::steady_clock::now() - paid_at;
  const auto received = receiver.received();
  EXPECT_LT(waited, std::chrono::seconds{3})
      << "the fast endpoint got both payment events after " << std::chrono::duration<double>(waited).count() << " s";
  EXPECT_EQ(count_at(received, "/slow"), 1u) << "still answering the first one: " << received.dump();
  EXPECT_EQ(received_of(received, "/fast", order), journal_of(engine_, order));
  RecordProperty("fast_endpoint_seconds_behind_a_hanging_one",
                 std::to_string(std::chrono::duration<double>(waited).count()));

  // The slow one gets everything too, in order, once it answers.
  ASSERT_TRUE(eventually([&] { return count_at(receiver.received(), "/slow") == 3; }, std::chrono::seconds{60}))
      << receiver.received().dump();
  EXPECT_EQ(received_of(receiver.received(), "/slow", order), journal_of(engine_, order));
}

/// A sample of /metrics (0 when it is not there).
double metric(const engine_process& engine, const std::string& sample) {
  const auto text = engine.get("/metrics").body;
  const auto at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + sample.size() + 2));
}

const std::string delivered_total = "ccc_webhook_attempts_total{outcome=\"delivered\"}";
const std::string retried_total = "ccc_webhook_attempts_total{outcome=\"retried\"}";
const std::string given_up_total = "ccc_webhook_attempts_total{outcome=\"given_up\"}";

TEST_F(webhooks_giving_up, the_metrics_count_deliveries_retries_give_ups_and_what_is_due_now) {
  EXPECT_EQ(metric(engine_, delivered_total), 0);
  EXPECT_EQ(metric(engine_, retried_total), 0);
  EXPECT_EQ(metric(engine_, given_up_total), 0);
  EXPECT_NE(engine_.get("/metrics").body.find("\nccc_webhooks_due 0\n"), std::string::npos);

  webhook_receiver receiver;
  const auto endpoint = register_endpoint(engine_, receiver.url("/counted"), {"order_placed"});
  receiver.expect("/counted", endpoint["secret"], 500);
  place(engine_);
  json failed;
  ASSERT_TRUE(eventually([&] {
    const auto list = deliveries(engine_, "failed");
    if (!list.empty()) failed = list[0];
    return !list.empty();
  }));
  const int attempts = failed["attempts"].get<int>();
  ASSERT_TRUE(eventually([&] { return metric(engine_, given_up_total) == 1; })) << engine_.get("/metrics").body;
  EXPECT_EQ(metric(engine_, retried_total), attempts - 1) << "every failed attempt but the last, which gave up";
  EXPECT_EQ(metric(engine_, delivered_total), 0);

  // A receiver that hangs (within the 2 s timeout): its delivery is due, and
  // being sent, until it answers.
  receiver.expect("/counted", endpoint["secret"], 204, std::chrono::milliseconds{1500});
  place(engine_);
  ASSERT_TRUE(
      eventually([&] { return count_at(receiver.received(), "/counted") == static_cast<std::size_t>(attempts) + 1; }));
  EXPECT_EQ(metric(engine_, "ccc_webhooks_due"), 1) << engine_.get("/metrics").body;
  ASSERT_TRUE(eventually([&] { return metric(engine_, delivered_total) == 1; })) << engine_.get("/metrics").body;
  EXPECT_EQ(metric(engine_, "ccc_webhooks_due"), 0);

  receiver.expect("/counted", endpoint["secret"], 204);
  const auto redeliver = "/admin/api/webhooks/deliveries/" + failed["id"].get<std::string>() + "/redeliver";
  ASSERT_EQ(engine_.post(redeliver, json::object(), admin).status, 200);
  ASSERT_TRUE(eventually([&] { return metric(engine_, delivered_total) == 2; })) << engine_.get("/metrics").body;
  EXPECT_EQ(metric(engine_, given_up_total), 1) << "a counter never goes back";
  EXPECT_EQ(metric(engine_, retried_total), attempts - 1);
}

}  // namespace
