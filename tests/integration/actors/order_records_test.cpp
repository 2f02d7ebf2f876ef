// The rows a decision commits: webhook payloads only for the event types some
// endpoint subscribes to (a shop without webhooks builds none), every type
// while the subscriptions are not known yet.

#include <gtest/gtest.h>

#include "actors/order_records.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "unit/domain/order_fixtures.hpp"

namespace {

using namespace domain_test;

persistence::append_item placed_with(const persistence::webhook_subscriptions* webhooks) {
  const domain::order before{};
  const auto decided = domain::decide(before, sample_place());
  EXPECT_TRUE(decided);
  const auto after = apply_all(before, decided);
  return actors::make_append_item(before, decided.value(), after, t0(), domain::timer_policy{}, webhooks);
}

TEST(order_records, a_decision_builds_a_webhook_payload_only_for_a_type_some_endpoint_wants) {
  persistence::webhook_subscriptions subscriptions;
  subscriptions.replace({"payment_received"});
  const auto unwanted = placed_with(&subscriptions);
  ASSERT_EQ(unwanted.events.size(), 1u);
  EXPECT_EQ(unwanted.events[0].type, "order_placed");
  EXPECT_TRUE(unwanted.webhook_events.empty());

  subscriptions.replace({"order_placed"});
  const auto wanted = placed_with(&subscriptions);
  ASSERT_EQ(wanted.webhook_events.size(), 1u);
  EXPECT_EQ(wanted.webhook_events[0].type, "order_placed");
  EXPECT_NE(wanted.webhook_events[0].payload_json.find("\"order_placed\""), std::string::npos);
}

TEST(order_records, every_type_gets_its_payload_before_the_subscriptions_are_known) {
  const persistence::webhook_subscriptions not_yet_read;
  EXPECT_EQ(placed_with(&not_yet_read).webhook_events.size(), 1u);
  EXPECT_EQ(placed_with(nullptr).webhook_events.size(), 1u);
}

}  // namespace
