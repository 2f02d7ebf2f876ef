// Webhook deliveries: written with the decision that journaled their event,
// only for the endpoints subscribed to it; claimed with a lease, in order per
// order; retried, given up, listed and redelivered.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include "persistence/webhook_store.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "persistence_fixtures.hpp"

using namespace persistence_fixtures;
using namespace std::chrono_literals;
using persistence::append_outcome;

namespace {

const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class webhook_deliveries : public ::testing::Test {
 protected:
  test_support::test_database db_{"webhooks"};
  test_support::repositories store_{db_.app_url()};
  persistence::webhook_store hooks_{store_.db, store_.vault};

  std::string endpoint(std::vector<std::string> events, const std::string& url = "https://hooks.example.com/in") {
    persistence::webhook_endpoint_row e;
    e.id = new_uuid();
    e.url = url;
    e.events = std::move(events);
    e.created_at_ms = t0_ms;
    e.created_by = "owner@example.com";
    hooks_.add_endpoint(e, secret);
    return e.id;
  }

  /// Events first_seq.. of an order, each told to webhooks as its type.
  persistence::append_item item(const std::string& order_id, std::int64_t first_seq,
                                const std::vector<std::string>& types) {
    auto it = item_for(order_id, first_seq, static_cast<int>(types.size()), "CCC-400001", new_uuid());
    for (std::size_t k = 0; k < types.size(); ++k) {
      it.events[k].type = types[k];
      it.webhook_events.push_back(
          {first_seq + static_cast<std::int64_t>(k), types[k], R"({"type":")" + types[k] + R"("})", t0_ms});
    }
    return it;
  }

  std::int64_t count(const std::string& where) {
    probe side{db_.url()};
    return side.query("select count(*) from webhook_deliveries where " + where)[0][0].as<std::int64_t>();
  }
};

TEST_F(webhook_deliveries, a_decision_writes_one_delivery_per_subscribed_endpoint_and_none_for_others) {
  const auto all = endpoint({"*"});
  const auto shipped_only = endpoint({"order_shipped"});
  const auto order = new_uuid();

  ASSERT_EQ(store_.journal.append_batch({item(order, 1, {"order_placed"})})[0], append_outcome::committed);
  ASSERT_EQ(store_.journal.append_batch({item(order, 2, {"order_shipped"})})[0], append_outcome::committed);

  EXPECT_EQ(count("endpoint_id = '" + all + "'"), 2);
  EXPECT_EQ(count("endpoint_id = '" + shipped_only + "'"), 1);
  EXPECT_EQ(count("endpoint_id = '" + shipped_only + "' and event_type = 'order_shipped'"), 1);
}

TEST_F(webhook_deliveries, a_conflicting_decision_writes_no_delivery) {
  endpoint({"*"});
  const auto order = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item(order, 1, {"order_placed"})})[0], append_outcome::committed);

  EXPECT_EQ(store_.journal.append_batch({item(order, 1, {"order_placed"})})[0], append_outcome::conflict);
  EXPECT_EQ(count("true"), 1);
}

TEST_F(webhook_deliveries, the_cache_skips_the_statement_only_for_types_nobody_subscribes_to) {
  endpoint({"order_shipped"});
  auto subscriptions = std::make_shared<persistence::webhook_subscriptions>();
  subscriptions->replace(hooks_.subscribed_types());
  persistence::journal_store journal{store_.db, store_.vault, subscriptions};
  const auto order = new_uuid();

  ASSERT_EQ(journal.append_batch({item(order, 1, {"order_placed", "order_shipped"})})[0], append_outcome::committed);

  EXPECT_EQ(count("true"), 1);
  EXPECT_EQ(count("event_type = 'order_shipped'"), 1);
}

TEST_F(webhook_deliveries, a_claim_leases_each_orders_earliest_event_first_with_the_opened_secret) {
  const auto hook = endpoint({"*"});
  const auto order = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item(order, 1, {"order_placed", "payment_received", "payment_verified"})})[0],
            append_outcome::committed);

  auto first = hooks_.claim_deliveries(10, 1min);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].event_seq, 1);
  EXPECT_EQ(first[0].secret, secret);
  EXPECT_EQ(first[0].endpoint_id, hook);
  EXPECT_EQ(first[0].id.rfind("msg_", 0), 0u);
  EXPECT_TRUE(hooks_.claim_deliveries(10, 1min).empty()) << "the next event waits for the first";

  hooks_.mark_delivered({first[0].id}, 204);
  auto second = hooks_.claim_deliveries(10, 1min);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event_seq, 2);
}

TEST_F(webhook_deliveries, a_failure_retries_under_the_same_id_and_past_give_up_after_it_is_failed) {
  endpoint({"*"});
  ASSERT_EQ(store_.journal.append_batch({item(new_uuid(), 1, {"order_placed"})})[0], append_outcome::committed);
  const auto claimed = hooks_.claim_deliveries(10, 1min);
  ASSERT_EQ(claimed.size(), 1u);

  EXPECT_FALSE(hooks_.mark_failed(claimed[0].id, 503, "HTTP 503", 0ms, 24h));
  const auto again = hooks_.claim_deliveries(10, 1min);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, claimed[0].id);
  EXPECT_EQ(again[0].attempts, 1);

  EXPECT_TRUE(hooks_.mark_failed(again[0].id, 0, "connection refused", 10s, 5s));
  const auto failed = hooks_.deliveries("failed", 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, claimed[0].id);
  EXPECT_EQ(failed[0].attempts, 2);
  EXPECT_EQ(failed[0].last_error, "connection refused");
  EXPECT_TRUE(failed[0].secret.empty());
  EXPECT_TRUE(hooks_.claim_deliveries(10, 1min).empty());

  EXPECT_TRUE(hooks_.redeliver(claimed[0].id));
  EXPECT_FALSE(hooks_.redeliver(claimed[0].id)) << "no longer failed";
  const auto redelivered = hooks_.claim_deliveries(10, 1min);
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(redelivered[0].id, claimed[0].id);
  EXPECT_EQ(redelivered[0].attempts, 0);
}

TEST_F(webhook_deliveries, deleting_an_endpoint_deletes_its_deliveries_and_its_subscription) {
  const auto hook = endpoint({"order_shipped", "order_placed"});
  ASSERT_EQ(store_.journal.append_batch({item(new_uuid(), 1, {"order_placed"})})[0], append_outcome::committed);
  const auto types = hooks_.subscribed_types();
  EXPECT_EQ(std::set<std::string>(types.begin(), types.end()),
            (std::set<std::string>{"order_placed", "order_shipped"}));

  EXPECT_TRUE(hooks_.delete_endpoint(hook));
  EXPECT_FALSE(hooks_.delete_endpoint(hook));
  EXPECT_FALSE(hooks_.delete_endpoint("not-a-uuid"));
  EXPECT_EQ(count("true"), 0);
  EXPECT_TRUE(hooks_.subscribed_types().empty());
  EXPECT_TRUE(hooks_.endpoints().empty());
}

TEST_F(webhook_deliveries, the_secret_is_sealed_in_the_database) {
  endpoint({"*"});
  probe side{db_.url()};
  const auto sealed = side.query("select secret_sealed from webhook_endpoints")[0][0].as<std::string>();
  EXPECT_EQ(sealed.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), std::string::npos);
  EXPECT_NE(sealed, secret);
}

}  // namespace
