// Refunds as decisions of the order: when one is due and how much, the
// address (checked by the engine's per-coin check, passed in), the refunds
// the admin records, the emails each step owes, and what erasure needs.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/follow_ups.hpp"
#include "domain/order_json.hpp"
#include "order_fixtures.hpp"

using namespace domain;
using namespace domain_test;

namespace {

// The engine hands set_refund_address the chains/ check for the order's coin
// (tested against real addresses in chains_tests and the e2e test). Here a
// check with the same contract: the coin it was asked about must be the
// order's, one address is valid and comes back canonical (upper case), and
// anything else is a validation error naming `address`.
const std::string valid_address = "refund-to-ada";
refund_address_check check_for(std::string expected_coin) {
  return [expected_coin](const std::string& coin, const std::string& text) -> result<std::string> {
    if (coin != expected_coin) return make_error(error_code::validation, "asked about " + coin, "address");
    if (text != valid_address && text != "refund-to-bob")
      return make_error(error_code::validation, "Refund address is not a valid address (checksum)", "address");
    std::string canonical = text;
    for (auto& ch : canonical) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return canonical;
  };
}

set_refund_address address_from(actor_role by, std::string text = valid_address, int minute = 100) {
  return set_refund_address{std::move(text), by, check_for("XMR"), minutes_after_t0(minute)};
}

record_refund refund_of(std::uint64_t amount, std::string txid = "refund-tx-1", int minute = 200) {
  return record_refund{std::move(txid), atomic_amount{amount}, false, minutes_after_t0(minute)};
}

constexpr std::uint64_t excess = 5'000'000;

order overpaid_order() {
  auto o = run(order{}, sample_place());
  return run(o, verify_payment{"tx-over", atomic_amount{sample_quote_amount().value() + excess}, minutes_after_t0(3)});
}

std::vector<email_kind> emails_of(const std::vector<order_event>& events) {
  std::vector<email_kind> kinds;
  for (const auto& e : follow_ups_of(events, timer_policy{}).emails) kinds.push_back(e.kind);
  return kinds;
}

TEST(refund_due, an_order_paid_exactly_owes_nothing_and_shows_no_refund) {
  const auto paid = order_in(order_status::paid);
  EXPECT_EQ(paid.refund_due(), atomic_amount{0});
  EXPECT_FALSE(paid.refund_progress());
  EXPECT_TRUE(customer_view(paid)["refund"].is_null());
  const auto refused = decide(paid, address_from(actor_role::customer));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, error_code::invalid_transition);
}

TEST(refund_due, an_overpayment_owes_the_excess_and_its_decision_mails_the_customer_for_an_address) {
  auto o = run(order{}, sample_place());
  auto decided =
      decide(o, verify_payment{"tx-over", atomic_amount{sample_quote_amount().value() + excess}, minutes_after_t0(3)});
  ASSERT_TRUE(decided);
  EXPECT_EQ(emails_of(*decided), (std::vector<email_kind>{email_kind::payment_received, email_kind::refund_due}));
  const auto refund_mail = follow_ups_of(*decided, timer_policy{}).emails.back().refund;
  ASSERT_TRUE(refund_mail);
  EXPECT_EQ(refund_mail->amount, atomic_amount{excess});

  const auto paid = overpaid_order();
  EXPECT_EQ(paid.refund_due(), atomic_amount{excess});
  EXPECT_EQ(paid.refund_progress(), refund_state::due);
  const auto view = customer_view(paid)["refund"];
  EXPECT_EQ(view["state"], "due");
  EXPECT_TRUE(view["address"].is_null());
  EXPECT_EQ(view["due_atomic"], std::to_string(excess));
  EXPECT_EQ(view["refunded_atomic"], "0");
  EXPECT_TRUE(view["txid"].is_null());
  EXPECT_TRUE(owes_money(paid));
}

TEST(refund_due, a_paid_order_cancelled_by_the_admin_owes_everything_received) {
  auto o = run(order_in(order_status::processing), cancel_order{"out of stock", actor_role::admin, minutes_after_t0(90)});
  ASSERT_EQ(o.status, order_status::cancelled);
  EXPECT_EQ(o.refund_due(), sample_quote_amount());
  EXPECT_EQ(o.refund_progress(), refund_state::due);
  EXPECT_TRUE(owes_money(o));
  EXPECT_EQ(decide(o, erase_personal_data{actor_role::admin, minutes_after_t0(100)}).error().code,
            error_code::money_owed);
}

TEST(refund_due, the_cancellation_of_a_paid_order_mails_the_customer_for_an_address_but_an_unpaid_one_does_not) {
  auto paid = decide(order_in(order_status::paid), cancel_order{"sold out", actor_role::admin, minutes_after_t0(90)});
  ASSERT_TRUE(paid);
  EXPECT_EQ(emails_of(*paid), (std::vector<email_kind>{email_kind::order_cancelled, email_kind::refund_due}));
  auto unpaid = decide(order_in(order_status::pending), cancel_order{"", actor_role::customer, minutes_after_t0(9)});
  ASSERT_TRUE(unpaid);
  EXPECT_EQ(emails_of(*unpaid), (std::vector<email_kind>{email_kind::order_cancelled}));
  EXPECT_FALSE(run(order_in(order_status::pending), cancel_order{"", actor_role::customer, minutes_after_t0(9)})
                   .refund_progress());
}

TEST(refund_due, a_part_payment_that_never_completed_is_owed_back_once_the_admin_cancels) {
  auto o = run(order_in(order_status::pending), verify_payment{"tx-part", atomic_amount{1000}, minutes_after_t0(3)});
  ASSERT_EQ(o.status, order_status::pending);
  EXPECT_EQ(o.refund_due(), atomic_amount{0});  // the rest may still come
  o = run(o, cancel_order{"the rest never came", actor_role::admin, minutes_after_t0(500)});
  EXPECT_EQ(o.refund_due(), atomic_amount{1000});
  EXPECT_EQ(o.refund_progress(), refund_state::due);
}

TEST(refund_address, the_customers_address_is_stored_canonical_and_the_refund_becomes_requested) {
  const auto decided = decide(overpaid_order(), address_from(actor_role::customer));
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->size(), 1u);
  const auto& given = std::get<refund_address_given>(decided->front());
  EXPECT_EQ(given.address, "REFUND-TO-ADA");
  EXPECT_EQ(given.by, actor_role::customer);
  EXPECT_EQ(emails_of(*decided), std::vector<email_kind>{email_kind::refund_address_received});
  EXPECT_EQ(follow_ups_of(*decided, timer_policy{}).emails.front().refund->address, "REFUND-TO-ADA");

  const auto o = run(overpaid_order(), address_from(actor_role::customer));
  EXPECT_EQ(o.refund_progress(), refund_state::requested);
  const auto view = customer_view(o)["refund"];
  EXPECT_EQ(view["state"], "requested");
  EXPECT_EQ(view["address"], "REFUND-TO-ADA");
  EXPECT_EQ(view["address_by"], "customer");
  EXPECT_TRUE(owes_money(o));
}

TEST(refund_address, an_invalid_address_is_refused_naming_the_field_and_changes_nothing) {
  const auto o = overpaid_order();
  for (const std::string bad : {"refund-to-ad4", "", "   "}) {
    SCOPED_TRACE(bad);
    const auto refused = decide(o, address_from(actor_role::customer, bad));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, error_code::validation);
    EXPECT_EQ(refused.error().field, "address");
  }
  EXPECT_EQ(decide(o, address_from(actor_role::customer, std::string(201, 'a'))).error().field, "address");
  // No check for the coin (the engine has none): refused, never stored unchecked.
  auto unchecked = address_from(actor_role::admin);
  unchecked.check = nullptr;
  EXPECT_EQ(decide(o, unchecked).error().field, "address");
}

TEST(refund_address, the_same_address_again_is_a_retry_and_another_one_replaces_it) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  const auto again = decide(o, address_from(actor_role::customer, valid_address, 110));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  o = run(o, address_from(actor_role::admin, "refund-to-bob", 120));
  EXPECT_EQ(o.refund_address, "REFUND-TO-BOB");
  EXPECT_EQ(o.refund_address_by, actor_role::admin);
}

TEST(record_refund, a_refund_in_full_settles_the_order_mails_the_txid_and_allows_erasure) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  const auto decided = decide(o, refund_of(excess, "  Refund-TX-1 "));
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->size(), 1u);
  const auto& recorded = std::get<refund_recorded>(decided->front());
  EXPECT_EQ(recorded.txid, "refund-tx-1");
  EXPECT_EQ(recorded.amount, atomic_amount{excess});
  EXPECT_EQ(recorded.refunded_total, atomic_amount{excess});
  EXPECT_EQ(recorded.still_due, atomic_amount{0});
  const auto mails = follow_ups_of(*decided, timer_policy{}).emails;
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].kind, email_kind::refund_sent);
  EXPECT_EQ(mails[0].refund->txid, "refund-tx-1");
  EXPECT_EQ(mails[0].refund->amount, atomic_amount{excess});

  for (const auto& e : *decided) o = apply(std::move(o), e);
  EXPECT_EQ(o.refund_progress(), refund_state::refunded);
  EXPECT_EQ(o.refund_outstanding(), atomic_amount{0});
  EXPECT_FALSE(owes_money(o));
  const auto view = customer_view(o)["refund"];
  EXPECT_EQ(view["state"], "refunded");
  EXPECT_EQ(view["refunded_atomic"], std::to_string(excess));
  EXPECT_EQ(view["outstanding_atomic"], "0");
  EXPECT_EQ(view["txid"], "refund-tx-1");
  EXPECT_FALSE(customer_view(o)["payment"].contains("refund_due_atomic"));
  EXPECT_EQ(customer_view(o)["payment"]["state"], "overpaid");  // what the payment was stays
  EXPECT_TRUE(decide(o, erase_personal_data{actor_role::admin, minutes_after_t0(300)}));
  // Settled: no more address changes, no more refunds; the same txid is a retry.
  EXPECT_EQ(decide(o, address_from(actor_role::customer, "refund-to-bob")).error().code,
            error_code::invalid_transition);
  EXPECT_EQ(decide(o, refund_of(1, "refund-tx-2")).error().code, error_code::invalid_transition);
  EXPECT_TRUE(decide(o, refund_of(excess, "refund-tx-1"))->empty());
}

TEST(record_refund, a_part_refund_leaves_the_rest_due_and_the_order_still_owing) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  o = run(o, refund_of(2'000'000, "refund-tx-1"));
  EXPECT_EQ(o.refund_progress(), refund_state::requested);
  EXPECT_EQ(o.refund_outstanding(), atomic_amount{3'000'000});
  EXPECT_EQ(customer_view(o)["payment"]["refund_due_atomic"], "3000000");
  EXPECT_TRUE(owes_money(o));
  const auto second = decide(o, refund_of(3'000'000, "refund-tx-2", 300));
  ASSERT_TRUE(second);
  EXPECT_EQ(std::get<refund_recorded>(second->front()).still_due, atomic_amount{0});
  EXPECT_EQ(std::get<refund_recorded>(second->front()).refunded_total, atomic_amount{excess});
  for (const auto& e : *second) o = apply(std::move(o), e);
  EXPECT_EQ(o.refund_progress(), refund_state::refunded);
  EXPECT_EQ(customer_view(o)["refund"]["refunds"].size(), 2u);
}

TEST(record_refund, more_than_is_due_is_refused_unless_the_admin_allows_it) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  const auto refused = decide(o, refund_of(excess + 1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, error_code::validation);
  EXPECT_EQ(refused.error().field, "amount_atomic");
  auto allowed = refund_of(excess + 1);
  allowed.allow_excess = true;
  o = run(o, allowed);
  EXPECT_EQ(o.refund_progress(), refund_state::refunded);
  EXPECT_EQ(o.refunded, atomic_amount{excess + 1});
  EXPECT_FALSE(owes_money(o));
}

TEST(record_refund, is_refused_without_an_address_without_a_refund_due_and_for_bad_input) {
  const auto no_address = decide(overpaid_order(), refund_of(excess));
  ASSERT_FALSE(no_address);
  EXPECT_EQ(no_address.error().code, error_code::invalid_transition);
  EXPECT_EQ(decide(order_in(order_status::paid), refund_of(1)).error().code, error_code::invalid_transition);
  const auto o = run(overpaid_order(), address_from(actor_role::customer));
  EXPECT_EQ(decide(o, refund_of(0)).error().field, "amount_atomic");
  EXPECT_EQ(decide(o, refund_of(1, "")).error().field, "txid");
  EXPECT_EQ(decide(o, refund_of(1, "two words")).error().field, "txid");
  EXPECT_EQ(decide(o, refund_of(1, std::string(201, 'f'))).error().field, "txid");
}

TEST(refund_journal, refund_events_round_trip_and_the_address_is_personal) {
  const std::vector<order_event> events{
      refund_address_given{"REFUND-TO-ADA", actor_role::admin, minutes_after_t0(1)},
      refund_recorded{"refund-tx-1", atomic_amount{7}, atomic_amount{9}, atomic_amount{2}, minutes_after_t0(2)},
      order_cancelled{"sold out", actor_role::admin, minutes_after_t0(3), atomic_amount{12}},
  };
  for (const auto& e : events) {
    SCOPED_TRACE(event_type(e));
    const auto back = decode_event(event_type(e), encode_event(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(encode_event(*back), encode_event(e));
  }
  EXPECT_EQ(personal_paths("refund_address_given"), std::vector<std::string>{"/address"});
  EXPECT_TRUE(personal_paths("refund_recorded").empty());
  // A cancellation journaled before refunds were tracked reads as owing nothing by itself.
  auto old = encode_event(order_cancelled{"r", actor_role::admin, t0()});
  EXPECT_FALSE(old.contains("refund_due_atomic"));
  EXPECT_EQ(std::get<order_cancelled>(*decode_event("order_cancelled", old)).refund_due, atomic_amount{0});
}

TEST(refund_journal, the_view_marks_the_address_personal_and_erasure_reads_it_as_erased) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  const auto paths = view_personal_paths(o);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/refund/address"), paths.end());
  EXPECT_EQ(customer_view(o).at(nlohmann::json::json_pointer{"/refund/address"}), "REFUND-TO-ADA");
  o = run(o, refund_of(excess));
  o = run(o, erase_personal_data{actor_role::admin, minutes_after_t0(400)});
  EXPECT_EQ(o.refund_address, std::string{erased_text});
  EXPECT_EQ(customer_view(o)["refund"]["address"], erased_text);
  EXPECT_EQ(customer_view(o)["refund"]["txid"], "refund-tx-1");  // payment data, not personal
}

TEST(refund_journal, replaying_the_events_gives_the_same_refund) {
  auto o = run(overpaid_order(), address_from(actor_role::customer));
  o = run(o, refund_of(1'000'000));
  std::vector<order_event> all;
  // Rebuild from the decisions the actor would have journaled.
  order replayed;
  for (const order_command& c : std::vector<order_command>{
           sample_place(),
           verify_payment{"tx-over", atomic_amount{sample_quote_amount().value() + excess}, minutes_after_t0(3)},
           address_from(actor_role::customer), refund_of(1'000'000)}) {
    auto decided = decide(replayed, c);
    ASSERT_TRUE(decided);
    for (const auto& e : *decided) {
      all.push_back(decode_event(event_type(e), encode_event(e)).value());
      replayed = apply(std::move(replayed), e);
    }
  }
  const auto again = replay(all);
  EXPECT_EQ(customer_view(again)["refund"], customer_view(o)["refund"]);
  EXPECT_EQ(again.refund_outstanding(), atomic_amount{4'000'000});
}

}  // namespace
