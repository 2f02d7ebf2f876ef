// Every command in every status: the lifecycle table of the issue, and nothing else.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "order_fixtures.hpp"

namespace domain_test {
namespace {

enum class cmd {
  place_same_request,
  claim_payment,
  verify_payment,
  start_processing,
  ship,
  mark_delivered,
  cancel_by_customer,
  cancel_by_admin,
  cancel_by_system,
  add_note,
  contact_customer,
  leave_review,
};

const std::vector<cmd>& all_commands() {
  static const std::vector<cmd> c{
      cmd::place_same_request, cmd::claim_payment,      cmd::verify_payment,  cmd::start_processing, cmd::ship,
      cmd::mark_delivered,     cmd::cancel_by_customer, cmd::cancel_by_admin, cmd::cancel_by_system, cmd::add_note,
      cmd::contact_customer,   cmd::leave_review};
  return c;
}

const char* name_of(cmd c) {
  switch (c) {
    case cmd::place_same_request:
      return "place_order";
    case cmd::claim_payment:
      return "claim_payment";
    case cmd::verify_payment:
      return "verify_payment";
    case cmd::start_processing:
      return "start_processing";
    case cmd::ship:
      return "ship";
    case cmd::mark_delivered:
      return "mark_delivered";
    case cmd::cancel_by_customer:
      return "cancel_by_customer";
    case cmd::cancel_by_admin:
      return "cancel_by_admin";
    case cmd::cancel_by_system:
      return "cancel_by_system";
    case cmd::add_note:
      return "add_note";
    case cmd::contact_customer:
      return "contact_customer";
    case cmd::leave_review:
      return "leave_review";
  }
  return "?";
}

const timestamp later = minutes_after_t0(30 * 24 * 60);

order_command make_command(cmd c) {
  switch (c) {
    case cmd::place_same_request:
      return sample_place();
    case cmd::claim_payment:
      return claim_payment{"tx-claimed-by-customer", later};
    case cmd::verify_payment:
      return verify_payment{"tx-seen-in-wallet", sample_quote_amount(), later};
    case cmd::start_processing:
      return start_processing{later};
    case cmd::ship:
      return sample_ship("USPS", later);
    case cmd::mark_delivered:
      return mark_delivered{later};
    case cmd::cancel_by_customer:
      return cancel_order{"changed my mind", actor_role::customer, later};
    case cmd::cancel_by_admin:
      return cancel_order{"customer asked by phone", actor_role::admin, later};
    case cmd::cancel_by_system:
      return cancel_order{"payment window expired", actor_role::system, later};
    case cmd::add_note:
      return add_note{"customer asked for gift wrap", later};
    case cmd::contact_customer:
      return contact_customer{"your payment was short by 0.01 XMR", later};
    case cmd::leave_review:
      return leave_review{5, "Prints like new", later};
  }
  return add_note{};
}

struct outcome {
  enum kind_t { event, nothing, refused } kind;
  std::string event_type;  // when kind == event
  order_status next = order_status::pending;
  error_code code = error_code::internal;  // when kind == refused
};

outcome moves_to(const char* type, order_status next) {
  return {outcome::event, type, next, {}};
}
outcome refused(error_code code) {
  return {outcome::refused, "", {}, code};
}

// The lifecycle, written out: these and nothing else move an order.
const std::map<std::pair<order_status, cmd>, outcome>& transitions() {
  using s = order_status;
  static const std::map<std::pair<order_status, cmd>, outcome> t{
      {{s::pending, cmd::claim_payment}, moves_to("payment_claimed", s::pending)},
      {{s::pending, cmd::verify_payment}, moves_to("payment_verified", s::paid)},
      {{s::pending, cmd::cancel_by_customer}, moves_to("order_cancelled", s::cancelled)},
      {{s::pending, cmd::cancel_by_admin}, moves_to("order_cancelled", s::cancelled)},
      // The expiry timer cancels an unpaid order; it must never cancel one that got paid.
      {{s::pending, cmd::cancel_by_system}, moves_to("order_cancelled", s::cancelled)},
      {{s::paid, cmd::start_processing}, moves_to("processing_started", s::processing)},
      {{s::paid, cmd::cancel_by_admin}, moves_to("order_cancelled", s::cancelled)},
      {{s::processing, cmd::ship}, moves_to("order_shipped", s::shipped)},
      {{s::processing, cmd::cancel_by_admin}, moves_to("order_cancelled", s::cancelled)},
      {{s::shipped, cmd::mark_delivered}, moves_to("order_delivered", s::delivered)},
      {{s::delivered, cmd::leave_review}, moves_to("review_left", s::delivered)},
  };
  return t;
}

outcome expected(std::optional<order_status> status, cmd c) {
  if (!status) {
    if (c == cmd::place_same_request) return moves_to("order_placed", order_status::pending);
    return refused(error_code::not_found);
  }
  // Notes and messages to the customer never change the status, whatever it is.
  if (c == cmd::add_note) return moves_to("note_added", *status);
  if (c == cmd::contact_customer) return moves_to("customer_contacted", *status);
  // A checkout retried with the same Idempotency-Key and body is answered with the order as it is.
  if (c == cmd::place_same_request) return {outcome::nothing, "", *status, {}};
  auto it = transitions().find({*status, c});
  if (it != transitions().end()) return it->second;
  return refused(error_code::invalid_transition);
}

using case_t = std::tuple<std::optional<order_status>, cmd>;

class every_command_in_every_status : public ::testing::TestWithParam<case_t> {};

TEST_P(every_command_in_every_status, does_what_the_lifecycle_allows_and_nothing_else) {
  const auto [status, c] = GetParam();
  const order before = status ? order_in(*status) : order{};
  if (status) {
    ASSERT_EQ(before.status, *status) << "fixture did not reach the status";
  }
  const outcome want = expected(status, c);

  const auto decided = decide(before, make_command(c));

  switch (want.kind) {
    case outcome::refused:
      ASSERT_FALSE(decided) << "expected a refusal, got " << decided.value().size() << " event(s)";
      EXPECT_EQ(decided.error().code, want.code) << to_string(decided.error().code);
      EXPECT_FALSE(decided.error().detail.empty()) << "a refusal explains itself";
      break;
    case outcome::nothing:
      ASSERT_TRUE(decided) << decided.error().detail;
      EXPECT_TRUE(decided.value().empty());
      break;
    case outcome::event: {
      ASSERT_TRUE(decided) << to_string(decided.error().code) << ": " << decided.error().detail;
      // One event, or (a payment) the payment_received that pays the order and then the verdict.
      ASSERT_GE(decided.value().size(), 1u);
      ASSERT_LE(decided.value().size(), 2u);
      const order_event& e = decided.value().back();
      EXPECT_STREQ(event_type(e), want.event_type.c_str());
      order after = before;
      for (const auto& each : decided.value()) after = domain::apply(std::move(after), each);
      EXPECT_EQ(after.status, want.next);
      EXPECT_EQ(after.version, before.version + static_cast<std::int64_t>(decided.value().size()));
      EXPECT_EQ(after.updated_at, event_time(e));
      if (!status || want.next != *status) {
        ASSERT_EQ(after.timeline.size(), before.timeline.size() + 1) << "a status change is on the timeline";
        EXPECT_EQ(after.timeline.back().status, want.next);
        EXPECT_EQ(after.timeline.back().at, event_time(e));
      } else {
        EXPECT_EQ(after.timeline.size(), before.timeline.size()) << "no status change, no timeline entry";
      }
      break;
    }
  }
}

std::vector<std::optional<order_status>> statuses_and_absent() {
  std::vector<std::optional<order_status>> out{std::nullopt};
  for (auto s : all_statuses()) out.emplace_back(s);
  return out;
}

INSTANTIATE_TEST_SUITE_P(lifecycle, every_command_in_every_status,
                         ::testing::Combine(::testing::ValuesIn(statuses_and_absent()),
                                            ::testing::ValuesIn(all_commands())),
                         [](const ::testing::TestParamInfo<case_t>& info) {
                           const auto& status = std::get<0>(info.param);
                           return std::string{status ? to_string(*status) : "absent"} + "__" +
                                  name_of(std::get<1>(info.param));
                         });

// The table above is the whole lifecycle: walking it from pending reaches every status.
TEST(lifecycle_table, reaches_every_status_from_pending) {
  std::set<order_status> reached{order_status::pending};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& [key, out] : transitions())
      if (reached.count(key.first) && reached.insert(out.next).second) grew = true;
  }
  EXPECT_EQ(reached.size(), all_statuses().size());
}

TEST(lifecycle_table, delivered_and_cancelled_are_final) {
  for (auto final_status : {order_status::delivered, order_status::cancelled}) {
    const order o = order_in(final_status);
    for (cmd c : all_commands()) {
      auto decided = decide(o, make_command(c));
      if (!decided) continue;
      for (const auto& e : decided.value())
        EXPECT_EQ(domain::apply(o, e).status, final_status) << to_string(final_status) << " left by " << name_of(c);
    }
  }
}

TEST(order_status_names, round_trip_and_reject_unknown) {
  for (auto s : all_statuses()) EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_STREQ(to_string(order_status::processing), "processing");
  EXPECT_EQ(parse_status("PAID"), std::nullopt);
  EXPECT_EQ(parse_status("refunded"), std::nullopt);
  EXPECT_EQ(parse_status(""), std::nullopt);
}

}  // namespace
}  // namespace domain_test
