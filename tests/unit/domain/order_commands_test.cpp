// The rules inside each command: amounts, idempotent retries, dates, ratings, reasons.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/order_json.hpp"
#include "domain/time.hpp"
#include "order_fixtures.hpp"

namespace domain_test {
namespace {

using events = std::vector<order_event>;

template <class Event>
const Event& only_event(const result<events>& decided) {
  static const Event none{};
  if (!decided) {
    ADD_FAILURE() << "refused: " << to_string(decided.error().code) << " " << decided.error().field << ": "
                  << decided.error().detail;
    return none;
  }
  if (decided.value().size() != 1 || !std::holds_alternative<Event>(decided.value().front())) {
    ADD_FAILURE() << "expected exactly one event of the asked type, got " << decided.value().size();
    return none;
  }
  return std::get<Event>(decided.value().front());
}

void expect_refused(const result<events>& decided, error_code code, const std::string& field) {
  ASSERT_FALSE(decided) << "expected a refusal, got " << decided.value().size() << " event(s)";
  EXPECT_EQ(decided.error().code, code) << to_string(decided.error().code) << ": " << decided.error().detail;
  EXPECT_EQ(decided.error().field, field);
  EXPECT_FALSE(decided.error().detail.empty());
}

// ---- place_order -----------------------------------------------------------------

TEST(place_order, records_what_checkout_priced) {
  const place_order c = sample_place();
  const order o = run(order{}, c);
  EXPECT_TRUE(o.exists());
  EXPECT_EQ(o.version, 1);
  EXPECT_EQ(o.id, c.id);
  EXPECT_EQ(o.number.value(), "CCC-000123");
  EXPECT_EQ(o.status, order_status::pending);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].item.value(), "HP-64XL-BLK");
  EXPECT_EQ(o.lines[0].count, quantity{2});
  EXPECT_EQ(o.total, cents{6998});
  EXPECT_EQ(o.quote.amount, sample_quote_amount());
  EXPECT_EQ(o.created_at, t0());
  ASSERT_EQ(o.timeline.size(), 1u);
  EXPECT_EQ(o.timeline[0].status, order_status::pending);
}

TEST(place_order, retried_with_the_same_request_changes_nothing_in_any_status) {
  for (auto s : all_statuses()) {
    const order o = order_in(s);
    auto decided = decide(o, sample_place());
    ASSERT_TRUE(decided) << to_string(s) << ": " << decided.error().detail;
    EXPECT_TRUE(decided.value().empty()) << to_string(s);
  }
}

TEST(place_order, same_key_with_a_different_request_is_an_idempotency_conflict) {
  for (auto s : all_statuses()) {
    const order o = order_in(s);
    auto decided = decide(o, sample_place(sample_id(), "fp-of-another-basket"));
    ASSERT_FALSE(decided) << to_string(s);
    EXPECT_EQ(decided.error().code, error_code::idempotency_conflict) << to_string(s);
  }
}

// ---- verify_payment (the admin) and record_payment (the matcher) --------------------

TEST(verify_payment, exact_amount_pays_the_order_with_nothing_to_refund) {
  const order o = order_in(order_status::pending);
  auto decided = decide(o, verify_payment{"TX-1", sample_quote_amount(), minutes_after_t0(15)});
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided.value().size(), 2u);
  const auto& received = std::get<payment_received>(decided.value()[0]);
  EXPECT_EQ(received.txid, "tx-1") << "tx ids are stored in one case";
  EXPECT_EQ(received.source, payment_source::admin);
  EXPECT_EQ(received.basis, match_basis::assigned);
  const auto& e = std::get<payment_verified>(decided.value()[1]);
  EXPECT_EQ(e.received, sample_quote_amount());
  EXPECT_EQ(e.refund_due, atomic_amount{0});

  const order paid = apply_all(o, decided);
  EXPECT_EQ(paid.status, order_status::paid);
  ASSERT_TRUE(paid.payment);
  EXPECT_EQ(paid.payment->tx_id, "tx-1");
  EXPECT_EQ(paid.payment->received, sample_quote_amount());
  EXPECT_EQ(paid.payment->at, minutes_after_t0(15));
  EXPECT_EQ(customer_view(paid)["payment"]["state"], "paid");
  EXPECT_EQ(customer_view(paid)["payment"]["received_atomic"], sample_quote_amount().to_string());
}

TEST(verify_payment, overpayment_pays_the_order_and_flags_the_excess_for_refund) {
  const order o = order_in(order_status::pending);
  const atomic_amount received{sample_quote_amount().value() + 5'000'000'000ULL};  // 0.005 XMR too much
  const order paid = apply_all(o, decide(o, verify_payment{"tx-over", received, minutes_after_t0(15)}));
  EXPECT_EQ(paid.status, order_status::paid);
  ASSERT_TRUE(paid.payment);
  EXPECT_EQ(paid.payment->refund_due, atomic_amount{5'000'000'000ULL});
  const auto view = customer_view(paid);
  EXPECT_EQ(view["payment"]["state"], "overpaid");
  EXPECT_EQ(view["payment"]["refund_due_atomic"], "5000000000");
}

TEST(verify_payment, short_payment_is_counted_and_the_order_waits_for_the_rest) {
  const order o = order_in(order_status::pending);
  const atomic_amount part{200'000'000'000ULL};
  const order underpaid = apply_all(o, decide(o, verify_payment{"tx-part", part, minutes_after_t0(15)}));
  EXPECT_EQ(underpaid.status, order_status::pending);
  EXPECT_EQ(underpaid.received, part);
  auto view = customer_view(underpaid);
  EXPECT_EQ(view["payment"]["state"], "underpaid");
  EXPECT_EQ(view["payment"]["received_atomic"], "200000000000");
  EXPECT_EQ(view["payment"]["still_due_atomic"], (sample_quote_amount() - part).to_string());

  // The rest, in a second transaction, pays the order.
  const atomic_amount rest = sample_quote_amount() - part;
  const order paid = apply_all(underpaid, decide(underpaid, verify_payment{"tx-rest", rest, minutes_after_t0(20)}));
  EXPECT_EQ(paid.status, order_status::paid);
  EXPECT_EQ(paid.received, sample_quote_amount());
  EXPECT_EQ(customer_view(paid)["payment"]["state"], "paid");
  EXPECT_EQ(paid.payments.size(), 2u);
}

TEST(verify_payment, a_transaction_counts_once_however_often_it_is_entered) {
  const order o = order_in(order_status::pending);
  const atomic_amount part{100'000'000'000ULL};
  const order once = apply_all(o, decide(o, verify_payment{"tx-part", part, minutes_after_t0(15)}));
  auto again = decide(once, verify_payment{" TX-PART ", part, minutes_after_t0(16)});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().empty());
}

TEST(verify_payment, needs_a_transaction_id_and_an_amount) {
  const order o = order_in(order_status::pending);
  expect_refused(decide(o, verify_payment{"", sample_quote_amount(), t0()}), error_code::validation, "tx_id");
  expect_refused(decide(o, verify_payment{"  \t", sample_quote_amount(), t0()}), error_code::validation, "tx_id");
  expect_refused(decide(o, verify_payment{std::string(201, 'a'), sample_quote_amount(), t0()}), error_code::validation,
                 "tx_id");
  expect_refused(decide(o, verify_payment{"tx", atomic_amount{0}, t0()}), error_code::validation, "amount_atomic");
}

TEST(verify_payment, a_paid_order_cannot_be_paid_twice) {
  const order paid = order_in(order_status::paid);
  expect_refused(decide(paid, verify_payment{"tx-2", sample_quote_amount(), minutes_after_t0(90)}),
                 error_code::invalid_transition, "");
}

TEST(verify_payment, the_admin_may_accept_a_payment_after_the_quote_expired) {
  const order o = order_in(order_status::pending);
  const order paid = apply_all(o, decide(o, verify_payment{"tx", sample_quote_amount(), minutes_after_t0(600)}));
  EXPECT_EQ(paid.status, order_status::paid);
}

TEST(verify_payment, tolerance_lets_a_hair_short_payment_count_as_paid) {
  const order o = order_in(order_status::pending);
  verify_payment c{"tx", atomic_amount{sample_quote_amount().value() - 1'000'000'000ULL}, minutes_after_t0(5)};
  c.tolerance_bp = 100;  // 1 %: 0.004311 XMR may be missing
  const order paid = apply_all(o, decide(o, c));
  EXPECT_EQ(paid.status, order_status::paid);
  EXPECT_EQ(customer_view(paid)["payment"]["state"], "paid");
  c.tolerance_bp = 0;
  EXPECT_EQ(apply_all(o, decide(o, c)).status, order_status::pending);
}

TEST(record_payment, unconfirmed_is_detected_and_counts_once_confirmed) {
  const order o = order_in(order_status::pending);  // XMR: 10 confirmations required
  const order seen = apply_all(o, decide(o, watched("ab12", sample_quote_amount(), 0, minutes_after_t0(3))));
  EXPECT_EQ(seen.status, order_status::pending);
  auto view = customer_view(seen);
  EXPECT_EQ(view["payment"]["state"], "detected");
  EXPECT_EQ(view["payment"]["confirmations"], 0);
  EXPECT_EQ(view["payment"]["confirmations_required"], 10);
  EXPECT_EQ(view["payment"]["received_atomic"], "0");

  // The same confirmations again: nothing new. More: recorded.
  auto same = decide(seen, watched("ab12", sample_quote_amount(), 0, minutes_after_t0(4)));
  ASSERT_TRUE(same);
  EXPECT_TRUE(same.value().empty());
  const order more = apply_all(seen, decide(seen, watched("ab12", sample_quote_amount(), 4, minutes_after_t0(8))));
  EXPECT_EQ(customer_view(more)["payment"]["confirmations"], 4);
  EXPECT_EQ(more.payments.size(), 1u);

  const order paid = apply_all(more, decide(more, watched("ab12", sample_quote_amount(), 10, minutes_after_t0(25))));
  EXPECT_EQ(paid.status, order_status::paid);
  view = customer_view(paid);
  EXPECT_EQ(view["payment"]["state"], "paid");
  EXPECT_EQ(view["payment"]["confirmations"], 10);
  ASSERT_EQ(paid.payments.size(), 1u);
  EXPECT_TRUE(paid.payments[0].counted);
  // Seen again by the watcher after it counted: a duplicate, nothing to do.
  auto dup = decide(paid, watched("ab12", sample_quote_amount(), 11, minutes_after_t0(30)));
  ASSERT_TRUE(dup);
  EXPECT_TRUE(dup.value().empty());
}

TEST(record_payment, after_the_quote_expired_is_refused_for_the_exception_list) {
  const order o = order_in(order_status::pending);  // quote valid for one hour
  expect_refused(decide(o, watched("late", sample_quote_amount(), 10, minutes_after_t0(61))), error_code::quote_expired,
                 "");
  // At the very instant of expiry it is still in time.
  auto in_time = decide(o, watched("edge", sample_quote_amount(), 10, minutes_after_t0(60)));
  ASSERT_TRUE(in_time);
  EXPECT_EQ(in_time.value().size(), 2u);
}

TEST(record_payment, a_cancelled_order_takes_no_payment) {
  expect_refused(
      decide(order_in(order_status::cancelled), watched("x", sample_quote_amount(), 10, minutes_after_t0(6))),
      error_code::invalid_transition, "");
}

TEST(record_payment, a_part_payment_not_completed_by_expiry_becomes_an_exception_and_a_message) {
  const order o = order_in(order_status::pending);
  const order part = apply_all(o, decide(o, watched("p1", atomic_amount{200'000'000'000ULL}, 10, minutes_after_t0(5))));
  // The expiry cannot cancel an order that holds the customer's money.
  auto expiry = decide(part, fire_timer{timer_kind::unpaid_expiry, minutes_after_t0(7 * 24 * 60)});
  ASSERT_TRUE(expiry);
  EXPECT_TRUE(expiry.value().empty());

  auto fired = decide(part, fire_timer{timer_kind::quote_expiry, minutes_after_t0(60)});
  ASSERT_TRUE(fired);
  ASSERT_EQ(fired.value().size(), 1u);
  const auto& e = std::get<underpayment_expired>(fired.value()[0]);
  EXPECT_EQ(e.received, atomic_amount{200'000'000'000ULL});
  EXPECT_EQ(e.still_due, sample_quote_amount() - atomic_amount{200'000'000'000ULL});
  EXPECT_EQ(e.txid, "p1");
  EXPECT_NE(e.message.find("We received 0.2 XMR of the 0.431106 XMR"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("0.231106 XMR is still missing"), std::string::npos) << e.message;

  const order expired = apply_all(part, fired);
  auto again = decide(expired, fire_timer{timer_kind::quote_expiry, minutes_after_t0(61)});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().empty()) << "raised once";
  // A paid order's quote expiry does nothing.
  auto paid = decide(order_in(order_status::paid), fire_timer{timer_kind::quote_expiry, minutes_after_t0(61)});
  ASSERT_TRUE(paid);
  EXPECT_TRUE(paid.value().empty());
}

// ---- requote ------------------------------------------------------------------------

TEST(requote_order, gives_a_fresh_quote_once_the_old_one_expired_unpaid) {
  const order o = order_in(order_status::pending);
  payment_method rate_now = xmr();
  rate_now.usd_rate_e8 = 20'000'000'000;  // $200.00
  expect_refused(decide(o, requote_order{{rate_now}, std::chrono::minutes{30}, minutes_after_t0(59)}),
                 error_code::invalid_transition, "");
  const order requoted =
      apply_all(o, decide(o, requote_order{{rate_now}, std::chrono::minutes{30}, minutes_after_t0(90)}));
  EXPECT_EQ(requoted.status, order_status::pending);
  EXPECT_EQ(requoted.number, o.number);
  // $69.98 / $200 = 0.3499 XMR, plus order 123's offset at this rate.
  EXPECT_EQ(requoted.quote.amount_display.substr(0, 6), "0.3499");
  EXPECT_EQ(requoted.quote.expires_at, minutes_after_t0(120));
  EXPECT_EQ(requoted.quoted_at, minutes_after_t0(90));
  EXPECT_EQ(customer_view(requoted)["payment"]["expires_at"], format_rfc3339(minutes_after_t0(120)));
}

TEST(requote_order, keeps_the_orders_own_subaddress) {
  place_order c = sample_place();
  c.quote = make_quote(xmr(), c.total, c.number, t0(), std::chrono::hours{1}, std::string{"8SubOf123"});
  const order o = run(order{}, c);
  const order requoted = apply_all(o, decide(o, requote_order{{xmr()}, std::chrono::minutes{30}, minutes_after_t0(90)}));
  EXPECT_EQ(requoted.quote.address, "8SubOf123");
  EXPECT_TRUE(requoted.quote.address_is_per_order);
}

// ---- withdraw_payment: a detected payment replaced (RBF) or dropped ----------------

TEST(withdraw_payment, takes_a_detected_payment_back_and_the_order_is_as_before_it) {
  const order o = order_in(order_status::pending);
  const order detected = apply_all(o, decide(o, watched("AB12", atomic_amount{1'000'000ULL}, 0, minutes_after_t0(5))));
  ASSERT_EQ(detected.payments.size(), 1u);
  const auto withdrawn = decide(detected, withdraw_payment{" ab12 ", minutes_after_t0(7)});
  ASSERT_TRUE(withdrawn);
  ASSERT_EQ(withdrawn->size(), 1u);
  EXPECT_EQ(event_type(withdrawn->at(0)), std::string("payment_withdrawn"));
  const order after = apply_all(detected, withdrawn);
  EXPECT_TRUE(after.payments.empty());
  EXPECT_EQ(after.status, order_status::pending);
  EXPECT_EQ(customer_view(after)["payment"], customer_view(o)["payment"]) << "the payment reads as before";
  EXPECT_TRUE(decide(after, withdraw_payment{"ab12", minutes_after_t0(8)})->empty()) << "taken back once";
}

TEST(withdraw_payment, never_takes_back_a_counted_payment) {
  const order o = order_in(order_status::pending);
  const order counted = apply_all(o, decide(o, watched("cd34", atomic_amount{1'000'000ULL}, 10, minutes_after_t0(5))));
  ASSERT_EQ(counted.payments.size(), 1u);
  ASSERT_TRUE(counted.payments[0].counted);
  expect_refused(decide(counted, withdraw_payment{"cd34", minutes_after_t0(7)}), error_code::invalid_transition, "");
  EXPECT_TRUE(decide(o, withdraw_payment{"never-seen", minutes_after_t0(7)})->empty());
}

TEST(requote_order, keeps_the_orders_own_address_and_its_index_in_the_account) {
  place_order c = sample_place();
  c.quote = make_quote(btc(), c.total, c.number, t0(), std::chrono::hours{1},
                       std::string{"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"}, 41u);
  const order o = run(order{}, c);
  const order requoted = apply_all(o, decide(o, requote_order{{btc()}, std::chrono::minutes{30}, minutes_after_t0(90)}));
  EXPECT_EQ(requoted.quote.address, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080");
  EXPECT_EQ(requoted.quote.address_index, 41u);
  EXPECT_EQ(customer_view(requoted)["payment"]["address_index"], 41);
}

TEST(requote_order, is_refused_once_money_arrived_or_for_another_status) {
  const order o = order_in(order_status::pending);
  const order part = apply_all(o, decide(o, watched("p1", atomic_amount{1'000'000ULL}, 0, minutes_after_t0(5))));
  expect_refused(decide(part, requote_order{{xmr()}, std::chrono::minutes{30}, minutes_after_t0(90)}),
                 error_code::invalid_transition, "");
  expect_refused(
      decide(order_in(order_status::cancelled), requote_order{{xmr()}, std::chrono::minutes{30}, minutes_after_t0(90)}),
      error_code::invalid_transition, "");
}

// ---- claim_payment -----------------------------------------------------------------

TEST(claim_payment, records_the_customers_transaction_and_stays_pending) {
  const order o = order_in(order_status::pending);
  const order claimed = run(o, claim_payment{"tx-9", minutes_after_t0(3)});
  EXPECT_EQ(claimed.status, order_status::pending);
  EXPECT_EQ(claimed.claimed_tx_ids, std::vector<std::string>{"tx-9"});
}

TEST(claim_payment, the_same_transaction_claimed_twice_produces_no_event) {
  const order claimed = run(order_in(order_status::pending), claim_payment{"tx-9", minutes_after_t0(3)});
  auto again = decide(claimed, claim_payment{" TX-9 ", minutes_after_t0(4)});  // pasted with spaces, in capitals
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().empty());
  // A second, different transaction (a top-up) is recorded.
  const order topped = run(claimed, claim_payment{"tx-10", minutes_after_t0(5)});
  EXPECT_EQ(topped.claimed_tx_ids, (std::vector<std::string>{"tx-9", "tx-10"}));
}

TEST(claim_payment, needs_a_transaction_id) {
  expect_refused(decide(order_in(order_status::pending), claim_payment{" ", t0()}), error_code::validation, "tx_id");
}

TEST(claim_payment, refuses_a_transaction_id_of_several_lines) {
  // Spaces and line breaks around a pasted id are trimmed; inside it they are not an id.
  for (const std::string txid : {"ab\r\ncd", "ab\ncd", "ab\tcd"})
    expect_refused(decide(order_in(order_status::pending), claim_payment{txid, t0()}), error_code::validation, "tx_id");
  const order claimed = run(order_in(order_status::pending), claim_payment{"tx-9\r\n", t0()});
  EXPECT_EQ(claimed.claimed_tx_ids, std::vector<std::string>{"tx-9"});
}

// ---- ship --------------------------------------------------------------------------

TEST(ship_order, records_carrier_tracking_and_estimated_delivery) {
  const order o = order_in(order_status::processing);
  auto decided = decide(o, ship_order{"FedEx", "449044304137821", "2026-12-03", minutes_after_t0(200)});
  const auto& e = only_event<order_shipped>(decided);
  EXPECT_EQ(e.carrier, "FedEx");
  EXPECT_EQ(e.tracking_number, "449044304137821");
  EXPECT_EQ(e.estimated_delivery, "2026-12-03");
  EXPECT_EQ(e.tracking_url, "https://www.fedex.com/fedextrack/?trknbr=449044304137821");

  const order shipped = domain::apply(o, decided.value().front());
  ASSERT_TRUE(shipped.shipped);
  EXPECT_EQ(shipped.shipped->tracking_number, "449044304137821");
  EXPECT_EQ(shipped.shipped->estimated_delivery, "2026-12-03");
  EXPECT_EQ(shipped.shipped->tracking_url, e.tracking_url);
}

TEST(ship_order, rejects_an_estimated_delivery_that_is_not_a_real_date) {
  const order o = order_in(order_status::processing);
  for (const char* bad :
       {"2026-02-30", "tomorrow", "", "2026-13-01", "2026-12-1", "12/01/2026", "2026-12-01T00:00:00Z", "2027-02-29"}) {
    SCOPED_TRACE(bad);
    expect_refused(decide(o, ship_order{"UPS", "1Z999", bad, t0()}), error_code::validation, "estimated_delivery");
  }
  EXPECT_TRUE(decide(o, ship_order{"UPS", "1Z999", "2028-02-29", t0()})) << "a leap day is a date";
}

TEST(ship_order, needs_a_carrier_and_a_tracking_number) {
  const order o = order_in(order_status::processing);
  expect_refused(decide(o, ship_order{"", "1Z999", "2026-12-01", t0()}), error_code::validation, "carrier");
  expect_refused(decide(o, ship_order{"UPS", " ", "2026-12-01", t0()}), error_code::validation, "tracking_number");
}

TEST(tracking_url, links_each_known_carrier_to_its_own_tracking_page) {
  EXPECT_EQ(tracking_url("UPS", "1Z999AA10123456784"), "https://www.ups.com/track?tracknum=1Z999AA10123456784");
  EXPECT_EQ(tracking_url("USPS", "9400111899223197428490"),
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490");
  EXPECT_EQ(tracking_url("FedEx", "449044304137821"), "https://www.fedex.com/fedextrack/?trknbr=449044304137821");
  EXPECT_EQ(tracking_url("DHL", "1234567890"), "https://www.dhl.com/us-en/home/tracking.html?tracking-id=1234567890");
}

TEST(tracking_url, ignores_the_case_the_admin_typed_the_carrier_in) {
  EXPECT_EQ(tracking_url("ups", "1Z9"), tracking_url("UPS", "1Z9"));
  EXPECT_EQ(tracking_url("Fedex", "44"), tracking_url("FedEx", "44"));
  EXPECT_EQ(tracking_url("dhl", "12"), tracking_url("DHL", "12"));
}

TEST(tracking_url, is_empty_for_a_carrier_it_does_not_know) {
  EXPECT_EQ(tracking_url("Pony Express", "123"), "");
  EXPECT_EQ(tracking_url("", "123"), "");
  const order shipped = run(order_in(order_status::processing), sample_ship("Local courier"));
  ASSERT_TRUE(shipped.shipped);
  EXPECT_EQ(shipped.shipped->tracking_url, "");
}

TEST(tracking_url, keeps_a_hostile_tracking_number_from_changing_the_link) {
  const std::string url = tracking_url("UPS", "1Z 999&x=<script>");
  EXPECT_EQ(url, "https://www.ups.com/track?tracknum=1Z999xscript");
}

// ---- mark_delivered, cancel ---------------------------------------------------------

TEST(mark_delivered, moves_a_shipped_order_to_delivered_and_keeps_the_shipment) {
  const order delivered = run(order_in(order_status::shipped), mark_delivered{minutes_after_t0(5000)});
  EXPECT_EQ(delivered.status, order_status::delivered);
  ASSERT_TRUE(delivered.shipped);
  EXPECT_EQ(delivered.shipped->carrier, "UPS");
}

TEST(cancel_order, customer_may_cancel_a_pending_order_without_giving_a_reason) {
  const order o = run(order_in(order_status::pending), cancel_order{"", actor_role::customer, minutes_after_t0(2)});
  EXPECT_EQ(o.status, order_status::cancelled);
  ASSERT_TRUE(o.cancel_reason);
  EXPECT_FALSE(o.cancel_reason->empty()) << "the timeline still says why";
}

TEST(cancel_order, customer_reason_is_kept) {
  const order o =
      run(order_in(order_status::pending), cancel_order{"ordered the wrong colour", actor_role::customer, t0()});
  EXPECT_EQ(o.cancel_reason, std::optional<std::string>{"ordered the wrong colour"});
}

TEST(cancel_order, customer_cannot_cancel_once_paid) {
  for (auto s : {order_status::paid, order_status::processing, order_status::shipped, order_status::delivered})
    expect_refused(decide(order_in(s), cancel_order{"too late", actor_role::customer, t0()}),
                   error_code::invalid_transition, "");
}

TEST(cancel_order, admin_must_give_a_reason) {
  for (auto s : {order_status::pending, order_status::paid, order_status::processing}) {
    SCOPED_TRACE(to_string(s));
    expect_refused(decide(order_in(s), cancel_order{"", actor_role::admin, t0()}), error_code::validation, "reason");
    expect_refused(decide(order_in(s), cancel_order{" \n ", actor_role::admin, t0()}), error_code::validation,
                   "reason");
  }
}

TEST(cancel_order, admin_reason_is_on_the_order_and_its_timeline) {
  const order o = run(order_in(order_status::paid), cancel_order{"address undeliverable", actor_role::admin, t0()});
  EXPECT_EQ(o.status, order_status::cancelled);
  EXPECT_EQ(o.cancel_reason, std::optional<std::string>{"address undeliverable"});
  EXPECT_NE(o.timeline.back().note.find("address undeliverable"), std::string::npos);
  EXPECT_EQ(customer_view(o)["cancel_reason"], "address undeliverable");
}

TEST(cancel_order, reason_has_a_length_limit) {
  expect_refused(decide(order_in(order_status::paid), cancel_order{std::string(2001, 'r'), actor_role::admin, t0()}),
                 error_code::validation, "reason");
  EXPECT_TRUE(decide(order_in(order_status::paid), cancel_order{std::string(2000, 'r'), actor_role::admin, t0()}));
}

TEST(cancel_order, the_expiry_timer_cannot_cancel_an_order_paid_meanwhile) {
  for (auto s : {order_status::paid, order_status::processing, order_status::shipped})
    expect_refused(decide(order_in(s), cancel_order{"payment window expired", actor_role::system, t0()}),
                   error_code::invalid_transition, "");
}

// ---- notes, messages -----------------------------------------------------------------

TEST(add_note, is_kept_in_order_without_touching_status_or_timeline) {
  order o = order_in(order_status::processing);
  const auto timeline = o.timeline.size();
  o = run(o, add_note{"printer model confirmed", minutes_after_t0(70)});
  o = run(o, add_note{"packed with extra padding", minutes_after_t0(71)});
  EXPECT_EQ(o.notes, (std::vector<std::string>{"printer model confirmed", "packed with extra padding"}));
  EXPECT_EQ(o.status, order_status::processing);
  EXPECT_EQ(o.timeline.size(), timeline);
}

TEST(add_note, must_have_text_within_the_limit) {
  const order o = order_in(order_status::shipped);
  expect_refused(decide(o, add_note{"", t0()}), error_code::validation, "text");
  expect_refused(decide(o, add_note{"   ", t0()}), error_code::validation, "text");
  expect_refused(decide(o, add_note{std::string(max_note_length + 1, 'n'), t0()}), error_code::validation, "text");
  EXPECT_TRUE(decide(o, add_note{std::string(max_note_length, 'n'), t0()}));
}

TEST(contact_customer, must_have_a_message) {
  expect_refused(decide(order_in(order_status::pending), contact_customer{"", t0()}), error_code::validation,
                 "message");
}

// ---- review --------------------------------------------------------------------------

TEST(leave_review, is_recorded_on_a_delivered_order) {
  const order o = run(order_in(order_status::delivered), leave_review{4, "Good value", minutes_after_t0(9000)});
  ASSERT_TRUE(o.customer_review);
  EXPECT_EQ(o.customer_review->rating, 4);
  EXPECT_EQ(o.customer_review->text, "Good value");
  EXPECT_EQ(o.status, order_status::delivered);
  EXPECT_EQ(customer_view(o)["review"]["rating"], 4);
}

TEST(leave_review, rating_must_be_one_to_five) {
  const order o = order_in(order_status::delivered);
  for (int bad : {0, 6, -1, 100}) {
    SCOPED_TRACE(bad);
    expect_refused(decide(o, leave_review{bad, "", t0()}), error_code::validation, "rating");
  }
  EXPECT_TRUE(decide(o, leave_review{1, "", t0()}));
  EXPECT_TRUE(decide(o, leave_review{5, "", t0()}));
}

TEST(leave_review, text_has_a_length_limit) {
  expect_refused(decide(order_in(order_status::delivered), leave_review{5, std::string(2001, 'x'), t0()}),
                 error_code::validation, "text");
}

TEST(leave_review, only_one_review_per_order) {
  const order reviewed = run(order_in(order_status::delivered), leave_review{5, "Great", minutes_after_t0(9000)});
  auto second = decide(reviewed, leave_review{1, "Changed my mind", minutes_after_t0(9001)});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, error_code::invalid_transition);
  EXPECT_EQ(reviewed.customer_review->rating, 5);
}

// ---- an order that does not exist -------------------------------------------------------

TEST(absent_order, every_command_but_place_is_not_found) {
  const order none{};
  EXPECT_FALSE(none.exists());
  for (const order_command& c : std::vector<order_command>{
           claim_payment{"tx", t0()}, verify_payment{"tx", atomic_amount{1}, t0()}, start_processing{t0()},
           sample_ship(), mark_delivered{t0()}, cancel_order{"r", actor_role::customer, t0()}, add_note{"n", t0()},
           contact_customer{"m", t0()}, leave_review{5, "", t0()}}) {
    auto decided = decide(none, c);
    ASSERT_FALSE(decided);
    EXPECT_EQ(decided.error().code, error_code::not_found);
  }
}

TEST(error_codes, have_the_stable_names_http_maps) {
  EXPECT_STREQ(to_string(error_code::validation), "validation");
  EXPECT_STREQ(to_string(error_code::out_of_stock), "out_of_stock");
  EXPECT_STREQ(to_string(error_code::not_found), "not_found");
  EXPECT_STREQ(to_string(error_code::invalid_transition), "invalid_transition");
  EXPECT_STREQ(to_string(error_code::quote_expired), "quote_expired");
  EXPECT_STREQ(to_string(error_code::idempotency_conflict), "idempotency_conflict");
  EXPECT_STREQ(to_string(error_code::conflict), "conflict");
  EXPECT_STREQ(to_string(error_code::unavailable), "unavailable");
  EXPECT_STREQ(to_string(error_code::internal), "internal");
}

}  // namespace
}  // namespace domain_test
