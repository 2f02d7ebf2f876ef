// The payment matcher: one incoming payment -> duplicate, awaiting
// confirmations, matched to an order (exact, underpaid, overpaid, completes an
// underpayment) or an exception for the admin. And the per-order quote offset that
// keeps amounts unique for coins paid to a static address.
//
// Most tests read a verdict as one line, e.g. "matched B exact by memo", so that a
// failure says what the admin would have seen.

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "domain/matcher.hpp"
#include "domain/money.hpp"
#include "domain/overloaded.hpp"

namespace domain_test {
namespace {

using namespace domain;
using rep = atomic_amount::rep;
using std::chrono::milliseconds;
using std::chrono::minutes;

std::string text(rep amount) {
  return atomic_amount{amount}.to_string();
}

constexpr rep pow10_rep(int n) {
  rep r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// Checkout at minute 0; quotes live 30 minutes.
timestamp minute(int m) {
  return from_unix_ms(1'795'691'806'000) + minutes{m};
}

const std::string shop_address =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3";

/// A pending XMR order called by a letter ("A" -> id "A", number "CCC-0000A"),
/// quoted at minute 0, paid to the shop's static address.
candidate_order pending(const std::string& letter, rep quoted) {
  candidate_order o;
  o.id = order_id{letter};
  o.number = order_number{"CCC-0000" + letter};
  o.status = order_status::pending;
  o.receiving_address = shop_address;
  o.quoted = atomic_amount{quoted};
  o.quoted_at = minute(0);
  o.expires_at = minute(30);
  return o;
}

candidate_order with_status(candidate_order o, order_status s) {
  o.status = s;
  return o;
}

candidate_order with_subaddress(candidate_order o, std::string address) {
  o.receiving_address = std::move(address);
  o.address_is_per_order = true;
  return o;
}

incoming_payment payment(rep amount, timestamp received_at = minute(10)) {
  incoming_payment p;
  p.coin = "XMR";
  p.txid = "9f2c0b5e1d7a4c3b8e6f0a1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3";
  p.amount = atomic_amount{amount};
  p.received_at = received_at;
  p.confirmations = 2;
  p.to_address = shop_address;
  p.source = payment_source::watcher;
  return p;
}

incoming_payment with_memo(incoming_payment p, std::string memo) {
  p.memo = std::move(memo);
  return p;
}

matching_policy policy(int tolerance_bp = 0) {
  matching_policy p;
  p.confirmations_required = 2;
  p.tolerance_bp = tolerance_bp;
  p.amount_match_window = minutes{30};
  return p;
}

match_result run(const incoming_payment& p, const std::vector<candidate_order>& candidates,
                 const matching_policy& pol = policy(), bool already_counted = false, timestamp now = minute(40)) {
  return match_payment(p, already_counted, candidates, pol, now);
}

/// The verdict in one line: what the admin's list or the order would show.
std::string describe(const match_result& r) {
  std::ostringstream out;
  std::visit(overloaded{
                 [&](const duplicate_payment&) { out << "duplicate"; },
                 [&](const awaiting_confirmations& a) {
                   out << "awaiting " << a.confirmations << "/" << a.required;
                   if (a.order) out << " for " << a.order->value();
                 },
                 [&](const payment_matched& m) {
                   out << "matched " << m.order.value() << " " << to_string(m.outcome) << " by " << to_string(m.basis);
                 },
                 [&](const payment_exception& e) {
                   out << "exception " << to_string(e.reason);
                   if (e.order) out << " for " << e.order->value();
                 },
             },
             r);
  return out.str();
}

const payment_matched& matched(const match_result& r) {
  static const payment_matched none{};
  if (const auto* m = std::get_if<payment_matched>(&r)) return *m;
  ADD_FAILURE() << "expected a match, got: " << describe(r);
  return none;
}

constexpr rep quote_a = 431'045'000'000ULL;  // 0.431045 XMR
constexpr rep quote_b = 215'523'000'000ULL;  // 0.215523 XMR

// ---- step 5 of the process: a transaction is counted once ----------------------

TEST(match_payment, a_transaction_counted_before_is_a_duplicate_whatever_else_is_true) {
  const candidate_order a = pending("A", quote_a);
  struct example {
    const char* what;
    incoming_payment p;
    std::vector<candidate_order> candidates;
  };
  incoming_payment unconfirmed = payment(quote_a);
  unconfirmed.confirmations = 0;
  incoming_payment assigned = payment(quote_a);
  assigned.assigned_order = order_id{"A"};
  const std::vector<example> examples{
      {"an exact match", payment(quote_a), {a}},
      {"unconfirmed", unconfirmed, {a}},
      {"a cancelled order", with_memo(payment(quote_a), "CCC-0000A"), {with_status(a, order_status::cancelled)}},
      {"no candidate at all", payment(quote_a), {}},
      {"a zero amount", payment(0), {a}},
      {"after expiry", payment(quote_a, minute(31)), {a}},
      {"assigned by the admin", assigned, {a}},
  };
  for (const auto& e : examples)
    EXPECT_EQ(describe(run(e.p, e.candidates, policy(), /*already_counted=*/true)), "duplicate") << e.what;
}

// ---- step 1: confirmations ---------------------------------------------------------

TEST(match_payment, waits_for_the_required_confirmations_before_matching) {
  const std::vector<candidate_order> candidates{pending("A", quote_a)};
  const std::pair<int, std::string> expected[] = {
      {0, "awaiting 0/2 for A"},
      {1, "awaiting 1/2 for A"},
      {2, "matched A exact by amount"},
      {7, "matched A exact by amount"},
  };
  for (const auto& [confirmations, verdict] : expected) {
    incoming_payment p = payment(quote_a);
    p.confirmations = confirmations;
    EXPECT_EQ(describe(run(p, candidates)), verdict) << confirmations << " confirmations";
  }
}

TEST(match_payment, an_unconfirmed_payment_names_no_order_when_it_would_be_an_exception) {
  // Exceptions are recorded only once confirmed: the transaction may still vanish.
  incoming_payment p = with_memo(payment(quote_a), "CCC-0000A");
  p.confirmations = 1;
  EXPECT_EQ(describe(run(p, {with_status(pending("A", quote_a), order_status::cancelled)})), "awaiting 1/2");
  EXPECT_EQ(describe(run(payment(quote_a, minute(10)), {})), "exception no_reference_and_no_amount_match");
  p.memo.reset();
  EXPECT_EQ(describe(run(p, {})), "awaiting 1/2");
}

TEST(match_payment, an_unconfirmed_short_payment_is_shown_as_detected_for_its_order) {
  incoming_payment p = with_memo(payment(quote_a / 2), "CCC-0000A");
  p.confirmations = 0;
  EXPECT_EQ(describe(run(p, {pending("A", quote_a)})), "awaiting 0/2 for A");
}

TEST(match_payment, a_coin_that_needs_no_confirmation_matches_at_once) {
  matching_policy pol = policy();
  pol.confirmations_required = 0;
  incoming_payment p = payment(quote_a);
  p.confirmations = 0;
  EXPECT_EQ(describe(run(p, {pending("A", quote_a)}, pol)), "matched A exact by amount");
}

// ---- step 2: references beat amounts -------------------------------------------

TEST(match_payment, a_per_order_subaddress_identifies_the_order_even_when_the_amount_fits_another) {
  const candidate_order a = pending("A", quote_a);
  const candidate_order b = with_subaddress(pending("B", quote_b), "8BsubaddressOfOrderB");
  incoming_payment p = with_memo(payment(quote_a), "CCC-0000A");  // amount and memo say A
  p.to_address = "8BsubaddressOfOrderB";                          // the money went to B's subaddress
  const auto r = run(p, {a, b});
  EXPECT_EQ(describe(r), "matched B overpaid by address");
  EXPECT_EQ(matched(r).refund_due, atomic_amount{quote_a - quote_b});
}

TEST(match_payment, the_shared_static_address_identifies_nobody) {
  // Both orders carry the shop's static address; the amount decides.
  const auto r = run(payment(quote_b), {pending("A", quote_a), pending("B", quote_b)});
  EXPECT_EQ(describe(r), "matched B exact by amount");
}

TEST(match_payment, a_subaddress_given_to_two_orders_is_for_the_admin) {
  const candidate_order a = with_subaddress(pending("A", quote_a), "8Bsame");
  const candidate_order b = with_subaddress(pending("B", quote_a), "8Bsame");
  incoming_payment p = payment(quote_a);
  p.to_address = "8Bsame";
  EXPECT_EQ(describe(run(p, {a, b})), "exception several_candidates");
}

TEST(match_payment, a_memo_equal_to_the_order_number_is_a_reference_in_any_case_and_spacing) {
  const std::vector<candidate_order> candidates{pending("A", quote_a), pending("B", quote_b)};
  const std::pair<std::string, std::string> examples[] = {
      {"CCC-0000B", "matched B underpaid by memo"},
      {"ccc-0000b", "matched B underpaid by memo"},
      {"  CcC-0000B \t\r\n", "matched B underpaid by memo"},
      // Not equal to a number: no reference, and the amount (one unit short of
      // B's quote) fits nobody.
      {"order CCC-0000B", "exception no_reference_and_no_amount_match"},
      {"CCC-0000C", "exception no_reference_and_no_amount_match"},
      {"", "exception no_reference_and_no_amount_match"},
      {"   ", "exception no_reference_and_no_amount_match"},
  };
  for (const auto& [memo, verdict] : examples)
    EXPECT_EQ(describe(run(with_memo(payment(quote_b - 1), memo), candidates)), verdict) << "memo '" << memo << "'";
}

TEST(match_payment, a_memo_beats_an_amount_that_fits_another_order) {
  // The payer named B but sent exactly A's amount: B is paid (over), A is not touched.
  const auto r = run(with_memo(payment(quote_a), "CCC-0000B"), {pending("A", quote_a), pending("B", quote_b)});
  EXPECT_EQ(describe(r), "matched B overpaid by memo");
  EXPECT_EQ(matched(r).refund_due, atomic_amount{quote_a - quote_b});
}

TEST(match_payment, a_tx_id_the_customer_claimed_is_a_reference_in_any_case) {
  candidate_order b = pending("B", quote_b);
  b.claimed_tx_ids = {"  9F2C0B5E1D7A4C3B8E6F0A1D2C3B4A5968778695A4B3C2D1E0F9A8B7C6D5E4F3 "};
  const auto r = run(payment(quote_b / 2), {pending("A", quote_a), b});
  EXPECT_EQ(describe(r), "matched B underpaid by claimed_tx");
  EXPECT_EQ(matched(r).still_due, atomic_amount{quote_b - quote_b / 2});
}

TEST(match_payment, a_claim_that_agrees_with_the_amount_is_matched_by_the_claim) {
  candidate_order a = pending("A", quote_a);
  a.claimed_tx_ids = {payment(0).txid};
  EXPECT_EQ(describe(run(payment(quote_a), {a, pending("B", quote_b)})), "matched A exact by claimed_tx");
}

TEST(match_payment, a_claim_against_an_amount_that_fits_another_order_is_for_the_admin) {
  // Anyone can read a payment off a public chain and claim it; the amount says it is A's.
  candidate_order b = pending("B", quote_b);
  b.claimed_tx_ids = {payment(0).txid};
  EXPECT_EQ(describe(run(payment(quote_a), {pending("A", quote_a), b})), "exception conflicting_references for B");
}

TEST(match_payment, a_tx_id_claimed_by_two_orders_is_for_the_admin) {
  candidate_order a = pending("A", quote_a);
  candidate_order b = pending("B", quote_b);
  a.claimed_tx_ids = b.claimed_tx_ids = {payment(0).txid};
  EXPECT_EQ(describe(run(payment(quote_a), {a, b})), "exception several_candidates");
}

// A claim is only the customer's word, and anyone can read a payment off a public
// chain. So a claim identifies its order only when the payment's amount fits that
// order (what it still owes: in full within the tolerance, or a part of it) and fits
// no other order the payment could be for; anything else is for the admin.

/// `o` with the test payment's tx id claimed by its customer.
candidate_order claiming(candidate_order o) {
  o.claimed_tx_ids = {payment(0).txid};
  return o;
}

TEST(match_payment, a_claim_does_not_take_a_payment_whose_amount_two_pending_orders_ask) {
  // BTC has 11 offset slots: two pending orders can ask the same amount. The amount
  // alone cannot tell them apart, and a claim from one of them (who may have read
  // the other's payment off the chain) must not decide it either.
  const candidate_order a = pending("A", quote_a);
  const candidate_order c = claiming(pending("C", quote_a));
  EXPECT_EQ(describe(run(payment(quote_a), {a, pending("C", quote_a)})), "exception several_candidates")
      << "without the claim";
  EXPECT_EQ(describe(run(payment(quote_a), {a, c})), "exception conflicting_references for C");
  EXPECT_EQ(describe(run(payment(quote_a), {c, a})), "exception conflicting_references for C") << "in either order";
}

TEST(match_payment, a_claim_does_not_take_a_payment_that_fits_other_orders_as_well_as_a_part_of_the_claimers) {
  // C asks twice A's amount: A's payment would be a part payment for C. It fits
  // A and D exactly, so it is not C's by the claim alone.
  const candidate_order c = claiming(pending("C", 2 * quote_a));
  EXPECT_EQ(describe(run(payment(quote_a), {pending("A", quote_a), c})), "exception conflicting_references for C");
  EXPECT_EQ(describe(run(payment(quote_a), {pending("A", quote_a), pending("D", quote_a), c})),
            "exception conflicting_references for C");
}

TEST(match_payment, a_claim_does_not_take_a_late_payment_that_fits_an_expired_order) {
  // A's customer paid exactly A's amount after A's quote expired; without a claim
  // it is A's quote_expired exception. C (asking more, quoted later) claims it as a
  // part payment: the amount says it is A's, so the admin decides.
  const candidate_order a = pending("A", quote_a);
  candidate_order c = claiming(pending("C", 2 * quote_a));
  c.quoted_at = minute(20);
  c.expires_at = minute(50);
  const incoming_payment late = payment(quote_a, minute(35));
  EXPECT_EQ(describe(run(late, {a, pending("C", 2 * quote_a)}, policy(), false, minute(40))),
            "exception quote_expired for A")
      << "without the claim";
  EXPECT_EQ(describe(run(late, {a, c}, policy(), false, minute(40))), "exception conflicting_references for C");
}

TEST(match_payment, a_claimed_payment_larger_than_what_the_claimer_owes_is_claim_amount_mismatch) {
  candidate_order part_paid = claiming(pending("B", 1'000'000));
  part_paid.received = atomic_amount{400'000};  // owes 600,000 more
  struct example {
    const char* what;
    incoming_payment p;
    candidate_order claimer;
  };
  const example examples[] = {
      {"twice the claimer's amount", payment(2 * quote_b), claiming(pending("B", quote_b))},
      {"one unit over the claimer's amount", payment(quote_b + 1), claiming(pending("B", quote_b))},
      {"another order's whole amount, far above the claimer's", payment(quote_a), claiming(pending("B", quote_b))},
      {"one unit over what a part-paid claimer still owes", payment(600'001), part_paid},
      {"the whole quote again after a part payment", payment(1'000'000), part_paid},
  };
  for (const auto& e : examples) {
    // A is not paid by any of these amounts: nothing else fits.
    const auto r = run(e.p, {pending("A", quote_a + 7), e.claimer});
    EXPECT_EQ(describe(r), "exception claim_amount_mismatch for B") << e.what;
  }
  // Within the tolerance an overpayment is still over: the tolerance only forgives a shortfall.
  EXPECT_EQ(describe(run(payment(1'000'001), {claiming(pending("B", 1'000'000))}, policy(50))),
            "exception claim_amount_mismatch for B");
  // The same amounts with the order number as memo are the payer's own reference: matched, excess due back.
  EXPECT_EQ(describe(run(with_memo(payment(2 * quote_b), "CCC-0000B"), {claiming(pending("B", quote_b))})),
            "matched B overpaid by memo");
  // Unconfirmed, it waits naming no order: it would be an exception.
  incoming_payment unconfirmed = payment(2 * quote_b);
  unconfirmed.confirmations = 1;
  EXPECT_EQ(describe(run(unconfirmed, {claiming(pending("B", quote_b))})), "awaiting 1/2");
}

TEST(match_payment, a_claim_with_the_claimers_exact_amount_and_no_other_fit_is_matched_by_the_claim) {
  const candidate_order b = claiming(pending("B", quote_b));
  const auto r = run(payment(quote_b), {pending("A", quote_a), b});
  EXPECT_EQ(describe(r), "matched B exact by claimed_tx");
  EXPECT_EQ(matched(r).refund_due, atomic_amount{0});
  // Short by no more than the tolerance is the exact amount too.
  EXPECT_EQ(describe(run(payment(995'000), {claiming(pending("B", 1'000'000))}, policy(50))),
            "matched B exact by claimed_tx");
  // Outside the amount-match window the amount alone no longer finds B; its claim does.
  matching_policy narrow = policy();
  narrow.amount_match_window = minutes{20};
  EXPECT_EQ(describe(run(payment(quote_b, minute(25)), {pending("B", quote_b)}, narrow)),
            "exception no_reference_and_no_amount_match")
      << "without the claim";
  EXPECT_EQ(describe(run(payment(quote_b, minute(25)), {b}, narrow)), "matched B exact by claimed_tx");
}

TEST(match_payment, a_claimed_part_payment_the_claimer_still_needs_is_matched) {
  const std::vector<candidate_order> candidates{pending("A", quote_a), claiming(pending("B", 1'000'000))};
  const auto first = run(payment(400'000), candidates);
  EXPECT_EQ(describe(first), "matched B underpaid by claimed_tx");
  EXPECT_EQ(matched(first).still_due, atomic_amount{600'000});

  // The rest, claimed with a second tx id: exactly what is still owed.
  candidate_order b = claiming(pending("B", 1'000'000));
  b.received = atomic_amount{400'000};
  incoming_payment rest = payment(600'000);
  rest.txid = "second";
  b.claimed_tx_ids.push_back("second");
  const auto second = run(rest, {pending("A", quote_a), b});
  EXPECT_EQ(describe(second), "matched B completes_underpaid by claimed_tx");
  EXPECT_EQ(matched(second).refund_due, atomic_amount{0});

  // Decision: the matcher knows no smallest part payment, so even one atomic unit
  // is a part the order still needs (the order shows it received; nothing is lost
  // for anyone but the payer).
  EXPECT_EQ(describe(run(payment(1), candidates)), "matched B underpaid by claimed_tx");
}

TEST(match_payment, a_claim_by_an_order_that_cannot_take_the_payment_names_it) {
  // A customer who paid twice and claims the second payment: the order's own exception.
  candidate_order paid = claiming(with_status(pending("B", quote_b), order_status::paid));
  paid.received = atomic_amount{quote_b};
  EXPECT_EQ(describe(run(payment(quote_b), {paid})), "exception order_not_pending for B");
  EXPECT_EQ(describe(run(payment(quote_b), {claiming(with_status(pending("B", quote_b), order_status::cancelled))})),
            "exception order_cancelled for B");
  EXPECT_EQ(describe(run(payment(quote_b, minute(31)), {claiming(pending("B", quote_b))})),
            "exception quote_expired for B");
  // ...unless the amount does not fit it either.
  EXPECT_EQ(describe(run(payment(2 * quote_b), {paid})), "exception claim_amount_mismatch for B");
  EXPECT_EQ(describe(run(payment(0), {claiming(pending("B", quote_b))})), "exception zero_amount for B");
}

TEST(match_payment, an_address_beats_a_memo_and_a_memo_beats_a_claim) {
  candidate_order a = with_subaddress(pending("A", quote_a), "8BsubA");
  candidate_order b = pending("B", quote_b);
  candidate_order c = pending("C", quote_b);
  c.claimed_tx_ids = {payment(0).txid};
  incoming_payment p = with_memo(payment(quote_b), "CCC-0000B");
  EXPECT_EQ(describe(run(p, {a, b, c})), "matched B exact by memo");
  p.to_address = "8BsubA";
  EXPECT_EQ(describe(run(p, {a, b, c})), "matched A underpaid by address");
}

// ---- the admin's assignment ----------------------------------------------------------

TEST(match_payment, the_admin_assignment_beats_every_other_reference_and_waives_expiry) {
  incoming_payment p = with_memo(payment(quote_b, minute(45)), "CCC-0000B");
  p.source = payment_source::admin;
  p.assigned_order = order_id{"A"};
  EXPECT_EQ(describe(run(p, {pending("A", quote_a), pending("B", quote_b)}, policy(), false, minute(50))),
            "matched A underpaid by assigned");
}

TEST(match_payment, the_admin_assignment_does_not_waive_the_order_status) {
  incoming_payment p = payment(quote_a);
  p.assigned_order = order_id{"A"};
  EXPECT_EQ(describe(run(p, {with_status(pending("A", quote_a), order_status::cancelled)})),
            "exception order_cancelled for A");
  EXPECT_EQ(describe(run(p, {with_status(pending("A", quote_a), order_status::shipped)})),
            "exception order_not_pending for A");
}

TEST(match_payment, an_assignment_to_an_order_not_loaded_is_unknown_order) {
  incoming_payment p = payment(quote_a);
  p.assigned_order = order_id{"Z"};
  EXPECT_EQ(describe(run(p, {pending("A", quote_a)})), "exception unknown_order for Z");
}

// ---- step 3: no reference, match on amount and time window -------------------------

TEST(match_payment, exactly_one_pending_order_with_the_amount_is_matched) {
  const auto r = run(payment(quote_a), {pending("A", quote_a), pending("B", quote_b)});
  EXPECT_EQ(describe(r), "matched A exact by amount");
  EXPECT_EQ(matched(r).received_total, atomic_amount{quote_a});
  EXPECT_EQ(matched(r).still_due, atomic_amount{0});
  EXPECT_EQ(matched(r).refund_due, atomic_amount{0});
}

TEST(match_payment, two_pending_orders_with_the_amount_are_ambiguous) {
  const auto r = run(payment(quote_a), {pending("A", quote_a), pending("B", quote_b), pending("C", quote_a)});
  EXPECT_EQ(describe(r), "exception several_candidates");
}

TEST(match_payment, an_amount_that_fits_no_order_is_an_exception) {
  EXPECT_EQ(describe(run(payment(quote_a + 1), {pending("A", quote_a)})), "exception no_reference_and_no_amount_match")
      << "an overpayment without a reference could be for any order";
  EXPECT_EQ(describe(run(payment(quote_a - 1), {pending("A", quote_a)})), "exception no_reference_and_no_amount_match")
      << "a partial payment without a reference could be for any order";
  EXPECT_EQ(describe(run(payment(quote_a), {})), "exception no_reference_and_no_amount_match");
}

TEST(match_payment, only_pending_orders_inside_their_quote_and_window_are_matched_by_amount) {
  matching_policy narrow = policy();
  narrow.amount_match_window = minutes{20};
  struct example {
    const char* what;
    candidate_order other;  // an order with the same amount as A
    timestamp received_at;
    matching_policy pol;
  };
  candidate_order requoted_later = pending("B", quote_a);
  requoted_later.quoted_at = minute(15);
  requoted_later.expires_at = minute(45);
  const example examples[] = {
      {"paid", with_status(pending("B", quote_a), order_status::paid), minute(10), policy()},
      {"processing", with_status(pending("B", quote_a), order_status::processing), minute(10), policy()},
      {"cancelled", with_status(pending("B", quote_a), order_status::cancelled), minute(10), policy()},
      {"quoted after the payment", requoted_later, minute(10), policy()},
  };
  for (const auto& e : examples)
    EXPECT_EQ(describe(run(payment(quote_a, e.received_at), {pending("A", quote_a), e.other}, e.pol)),
              "matched A exact by amount")
        << "B is " << e.what;

  // A's window is 20 minutes from its quote: a payment at minute 25 is outside it
  // (though before expiry), while B, requoted at minute 15, is inside.
  EXPECT_EQ(describe(run(payment(quote_a, minute(25)), {pending("A", quote_a), requoted_later}, narrow)),
            "matched B exact by amount");
  EXPECT_EQ(describe(run(payment(quote_a, minute(21)), {pending("A", quote_a)}, narrow)),
            "exception no_reference_and_no_amount_match");
  EXPECT_EQ(describe(run(payment(quote_a, minute(20)), {pending("A", quote_a)}, narrow)), "matched A exact by amount")
      << "the window's end is inclusive";
}

TEST(match_payment, a_payment_received_before_the_quote_existed_is_not_for_it) {
  candidate_order a = pending("A", quote_a);
  a.quoted_at = minute(5);
  // Up to the clock skew (2 minutes) earlier is a wallet clock or an export
  // rounded to seconds; more is a payment made before the order existed.
  EXPECT_EQ(describe(run(payment(quote_a, minute(2)), {a})), "exception no_reference_and_no_amount_match");
  EXPECT_EQ(describe(run(payment(quote_a, minute(3)), {a})), "matched A exact by amount");
  EXPECT_EQ(describe(run(payment(quote_a, minute(5)), {a})), "matched A exact by amount");
}

TEST(match_payment, without_a_live_fit_an_amount_that_fits_one_closed_order_names_it) {
  const candidate_order a = pending("A", quote_a);
  // Late, exact, no memo: not dropped, and the admin sees whose it most likely is.
  EXPECT_EQ(describe(run(payment(quote_a, minute(31)), {a})), "exception quote_expired for A");
  EXPECT_EQ(describe(run(payment(quote_a), {with_status(a, order_status::cancelled)})),
            "exception order_cancelled for A");
  // A customer who paid twice: the order is paid, its whole quote arrives again.
  candidate_order paid = with_status(a, order_status::paid);
  paid.received = atomic_amount{quote_a};
  EXPECT_EQ(describe(run(payment(quote_a), {paid})), "exception order_not_pending for A");
  // Two closed orders fit: no hint.
  EXPECT_EQ(describe(run(payment(quote_a), {with_status(a, order_status::cancelled),
                                            with_status(pending("B", quote_a), order_status::cancelled)})),
            "exception no_reference_and_no_amount_match");
  // A live fit wins over a closed one.
  EXPECT_EQ(describe(run(payment(quote_a), {with_status(a, order_status::cancelled), pending("B", quote_a)})),
            "matched B exact by amount");
}

TEST(match_payment, a_zero_amount_is_an_exception) {
  EXPECT_EQ(describe(run(payment(0), {pending("A", quote_a)})), "exception zero_amount");
  EXPECT_EQ(describe(run(with_memo(payment(0), "CCC-0000A"), {pending("A", quote_a)})), "exception zero_amount for A");
}

// ---- step 4: cancelled, no longer pending, expired ---------------------------------

TEST(match_payment, a_referenced_order_that_cannot_take_the_payment_is_an_exception_naming_it) {
  const std::pair<order_status, std::string> expected[] = {
      {order_status::pending, "matched A exact by memo"},
      {order_status::paid, "exception order_not_pending for A"},
      {order_status::processing, "exception order_not_pending for A"},
      {order_status::shipped, "exception order_not_pending for A"},
      {order_status::delivered, "exception order_not_pending for A"},
      {order_status::cancelled, "exception order_cancelled for A"},
  };
  for (const auto& [status, verdict] : expected)
    EXPECT_EQ(describe(run(with_memo(payment(quote_a), "CCC-0000A"), {with_status(pending("A", quote_a), status)})),
              verdict)
        << to_string(status);
}

// Decision: the quote holds until expires_at inclusive; one millisecond later it
// has expired. Both reference and amount matches follow the same boundary.
TEST(match_payment, a_payment_received_exactly_at_expiry_is_in_time) {
  const candidate_order a = pending("A", quote_a);
  const timestamp expiry = a.expires_at;
  const std::pair<timestamp, std::string> by_memo[] = {
      {expiry - milliseconds{1}, "matched A exact by memo"},
      {expiry, "matched A exact by memo"},
      {expiry + milliseconds{1}, "exception quote_expired for A"},
  };
  for (const auto& [at, verdict] : by_memo)
    EXPECT_EQ(describe(run(with_memo(payment(quote_a, at), "CCC-0000A"), {a}, policy(), false, minute(60))), verdict);
  EXPECT_EQ(describe(run(payment(quote_a, expiry), {a}, policy(), false, minute(60))), "matched A exact by amount");
  EXPECT_EQ(describe(run(payment(quote_a, expiry + milliseconds{1}), {a}, policy(), false, minute(60))),
            "exception quote_expired for A");
}

TEST(match_payment, a_payment_received_in_time_but_confirmed_after_expiry_is_in_time) {
  // Received (first seen) at minute 29, confirmed at minute 45: the customer paid in time.
  EXPECT_EQ(describe(run(payment(quote_a, minute(29)), {pending("A", quote_a)}, policy(), false, minute(45))),
            "matched A exact by amount");
}

TEST(match_payment, a_received_at_in_the_future_counts_as_now) {
  // A clock running ahead must not make a payment late (or early): it counts at `now`.
  const candidate_order a = pending("A", quote_a);
  EXPECT_EQ(describe(run(with_memo(payment(quote_a, minute(90)), "CCC-0000A"), {a}, policy(), false, minute(20))),
            "matched A exact by memo");
  EXPECT_EQ(describe(run(with_memo(payment(quote_a, minute(90)), "CCC-0000A"), {a}, policy(), false, minute(31))),
            "exception quote_expired for A");
}

// ---- step 5: amounts ----------------------------------------------------------------

TEST(match_payment, tolerance_in_basis_points_decides_between_paid_and_short) {
  struct example {
    int tolerance_bp;
    rep quoted, paid;
    std::string outcome;
    rep still_due;
  };
  const example examples[] = {
      {0, 1'000'000, 1'000'000, "exact", 0},
      {0, 1'000'000, 999'999, "underpaid", 1},  // exact or more: one atomic unit short is short
      {50, 1'000'000, 995'000, "exact", 0},     // 0.5 % short is within 50 bp
      {50, 1'000'000, 994'999, "underpaid", 5'001},
      {1, 999, 998, "underpaid", 1},  // 0.01 % of 999 is 0.0999: rounds to no tolerance at all
      {1, 10'000, 9'999, "exact", 0},
      {10'000, 1'000'000, 1, "exact", 0},        // 100 %: anything counts
      {20'000, 1'000'000, 1, "exact", 0},        // more than 100 % is clamped to 100 %
      {-5, 1'000'000, 999'999, "underpaid", 1},  // below 0 is clamped to 0
      {50, 1'000'000, 1'000'001, "overpaid", 0},
  };
  for (const auto& e : examples) {
    const auto r = run(with_memo(payment(e.paid), "CCC-0000A"), {pending("A", e.quoted)}, policy(e.tolerance_bp));
    const auto& m = matched(r);
    EXPECT_EQ(to_string(m.outcome), e.outcome) << e.tolerance_bp << " bp, " << text(e.paid) << " of " << text(e.quoted);
    EXPECT_EQ(m.still_due, atomic_amount{e.still_due})
        << e.tolerance_bp << " bp, " << text(e.paid) << " of " << text(e.quoted);
    EXPECT_EQ(m.received_total, atomic_amount{e.paid});
  }
}

TEST(match_payment, a_payment_short_within_the_tolerance_is_matched_by_amount) {
  EXPECT_EQ(describe(run(payment(995'000), {pending("A", 1'000'000)}, policy(50))), "matched A exact by amount");
  EXPECT_EQ(describe(run(payment(994'999), {pending("A", 1'000'000)}, policy(50))),
            "exception no_reference_and_no_amount_match");
}

TEST(match_payment, tolerance_is_exact_for_quotes_whose_product_with_the_basis_points_overflows) {
  // 3 x 10^38 x 123 does not fit 128 bits; the tolerance is still exactly
  // 3 x 10^38 x 123 / 10^4 = 369 x 10^34.
  const rep quoted = 3 * pow10_rep(38);
  const rep tolerance = 369 * pow10_rep(34);
  EXPECT_EQ(describe(run(with_memo(payment(quoted - tolerance), "CCC-0000A"), {pending("A", quoted)}, policy(123))),
            "matched A exact by memo");
  EXPECT_EQ(describe(run(with_memo(payment(quoted - tolerance - 1), "CCC-0000A"), {pending("A", quoted)}, policy(123))),
            "matched A underpaid by memo");
}

TEST(match_payment, an_overpayment_is_matched_with_the_exact_excess_due_back) {
  // 0.5 XMR for a quote of 0.431045 XMR: 0.068955 XMR back.
  const auto r = run(with_memo(payment(500'000'000'000ULL), "CCC-0000A"), {pending("A", quote_a)});
  EXPECT_EQ(describe(r), "matched A overpaid by memo");
  EXPECT_EQ(matched(r).refund_due, atomic_amount{68'955'000'000ULL});
  EXPECT_EQ(matched(r).received_total, atomic_amount{500'000'000'000ULL});
  EXPECT_EQ(matched(r).still_due, atomic_amount{0});
}

TEST(match_payment, a_short_payment_then_the_rest_completes_the_order) {
  candidate_order a = pending("A", 1'000'000);
  const auto first = run(with_memo(payment(400'000, minute(5)), "CCC-0000A"), {a});
  EXPECT_EQ(describe(first), "matched A underpaid by memo");
  EXPECT_EQ(matched(first).received_total, atomic_amount{400'000});
  EXPECT_EQ(matched(first).still_due, atomic_amount{600'000});

  a.received = matched(first).received_total;  // what the order now shows
  struct example {
    rep paid;
    std::string verdict;
    rep total, still_due, refund_due;
  };
  const example second_payments[] = {
      {100'000, "matched A underpaid by memo", 500'000, 500'000, 0},  // still short
      {600'000, "matched A completes_underpaid by memo", 1'000'000, 0, 0},
      {700'000, "matched A completes_underpaid by memo", 1'100'000, 0, 100'000},  // and over
  };
  for (const auto& e : second_payments) {
    incoming_payment second = with_memo(payment(e.paid, minute(20)), "CCC-0000A");
    second.txid = "second";
    const auto r = run(second, {a});
    EXPECT_EQ(describe(r), e.verdict) << text(e.paid);
    EXPECT_EQ(matched(r).received_total, atomic_amount{e.total}) << text(e.paid);
    EXPECT_EQ(matched(r).still_due, atomic_amount{e.still_due}) << text(e.paid);
    EXPECT_EQ(matched(r).refund_due, atomic_amount{e.refund_due}) << text(e.paid);
  }
}

TEST(match_payment, the_rest_of_a_short_payment_is_found_by_its_amount) {
  candidate_order a = pending("A", quote_a);
  a.received = atomic_amount{quote_a - quote_b};  // what is still due equals B's quote...
  // ...so the rest of A and a full payment of B are the same amount: ambiguous.
  EXPECT_EQ(describe(run(payment(quote_b), {a, pending("B", quote_b)})), "exception several_candidates");
  EXPECT_EQ(describe(run(payment(quote_b), {a})), "matched A completes_underpaid by amount");
}

TEST(match_payment, the_rest_of_a_short_payment_after_expiry_is_an_exception) {
  candidate_order a = pending("A", 1'000'000);
  a.received = atomic_amount{400'000};
  EXPECT_EQ(describe(run(with_memo(payment(600'000, minute(31)), "CCC-0000A"), {a})), "exception quote_expired for A");
}

TEST(match_payment, wei_amounts_beyond_64_bits_are_exact_to_the_unit) {
  // 2892.865612 ETH in wei, above 2^64.
  const rep quoted = 2'892'865'612 * pow10_rep(12);
  ASSERT_GT(quoted, static_cast<rep>(UINT64_MAX));
  const std::vector<candidate_order> one{pending("A", quoted)};
  EXPECT_EQ(describe(run(payment(quoted), one)), "matched A exact by amount");
  EXPECT_EQ(describe(run(payment(quoted + 1), one)), "exception no_reference_and_no_amount_match");

  const auto over = run(with_memo(payment(quoted + 1), "CCC-0000A"), one);
  EXPECT_EQ(matched(over).refund_due, atomic_amount{1});
  const auto under = run(with_memo(payment(quoted - 1), "CCC-0000A"), one);
  EXPECT_EQ(describe(under), "matched A underpaid by memo");
  EXPECT_EQ(matched(under).still_due, atomic_amount{1});

  // Two orders one wei apart are told apart.
  EXPECT_EQ(describe(run(payment(quoted + 1), {pending("A", quoted), pending("B", quoted + 1)})),
            "matched B exact by amount");
}

TEST(match_payment, a_total_beyond_128_bits_does_not_wrap_around) {
  candidate_order a = pending("A", 1'000);
  a.received = atomic_amount{~rep{0} - 10};  // absurd, but must not wrap to a small total
  const auto r = run(with_memo(payment(1'000), "CCC-0000A"), {a});
  EXPECT_EQ(describe(r), "matched A completes_underpaid by memo");
  EXPECT_EQ(matched(r).received_total, atomic_amount{~rep{0}});
}

// ---- stable codes ----------------------------------------------------------------------

TEST(matcher_codes, are_spelled_as_the_admin_api_and_database_store_them) {
  const std::pair<exception_reason, const char*> reasons[] = {
      {exception_reason::no_reference_and_no_amount_match, "no_reference_and_no_amount_match"},
      {exception_reason::several_candidates, "several_candidates"},
      {exception_reason::conflicting_references, "conflicting_references"},
      {exception_reason::claim_amount_mismatch, "claim_amount_mismatch"},
      {exception_reason::order_cancelled, "order_cancelled"},
      {exception_reason::order_not_pending, "order_not_pending"},
      {exception_reason::quote_expired, "quote_expired"},
      {exception_reason::zero_amount, "zero_amount"},
      {exception_reason::unknown_order, "unknown_order"},
      {exception_reason::underpaid_expired, "underpaid_expired"},
  };
  for (const auto& [reason, code] : reasons) {
    EXPECT_STREQ(to_string(reason), code);
    EXPECT_EQ(parse_exception_reason(code), reason) << code;
  }
  EXPECT_EQ(parse_exception_reason("Quote_Expired"), std::nullopt);

  for (auto source : {payment_source::watcher, payment_source::import, payment_source::admin})
    EXPECT_EQ(parse_payment_source(to_string(source)), source);
  EXPECT_STREQ(to_string(payment_source::import), "import");
  EXPECT_EQ(parse_payment_source("csv"), std::nullopt);
}

// ---- quote offsets ----------------------------------------------------------------------

payment_method coin(const char* code, int decimals, int quote_decimals, std::int64_t usd_rate_e8) {
  payment_method m;
  m.code = code;
  m.decimals = decimals;
  m.quote_decimals = quote_decimals;
  m.usd_rate_e8 = usd_rate_e8;
  return m;
}

// The shop's demo configuration.
std::vector<payment_method> demo_coins() {
  return {coin("XMR", 12, 6, 16'235'000'000), coin("BTC", 8, 8, 9'725'000'000'000), coin("ETH", 18, 6, 341'250'000'000),
          coin("USDC", 6, 2, 100'000'000)};
}

// An amount's worth in cents, x 10^(decimals + 6), so that "under one cent" is an
// exact integer comparison: worth_scaled < one_cent_scaled.
rep worth_scaled(const payment_method& m, rep atomic) {
  return atomic * static_cast<rep>(m.usd_rate_e8);
}
rep one_cent_scaled(const payment_method& m) {
  return pow10_rep(m.decimals + 6);
}

TEST(quote_offset, demo_coins_get_as_many_slots_as_fit_under_a_cent) {
  // XMR: a step of 0.000001 XMR is $0.00016235; 61 steps $0.0099, 62 steps $0.01007.
  // BTC: a satoshi is $0.0009725; 10 are $0.009725.  ETH: a step of 0.000001 ETH is
  // $0.0034125; 2 are $0.006825.  USDC: a step of 0.01 USDC is a whole cent.
  const std::pair<std::string, std::uint64_t> expected[] = {{"XMR", 62}, {"BTC", 11}, {"ETH", 3}, {"USDC", 1}};
  const auto coins = demo_coins();
  for (std::size_t i = 0; i < coins.size(); ++i) {
    EXPECT_EQ(coins[i].code, expected[i].first);
    EXPECT_EQ(quote_offset_slots(coins[i]), expected[i].second) << coins[i].code;
  }
}

TEST(quote_offset, stays_under_one_cent_in_whole_display_steps_and_uses_the_room_there_is) {
  for (const auto& m : demo_coins()) {
    const rep step = pow10_rep(m.decimals - m.quote_decimals);
    rep largest = 0;
    for (std::uint64_t sequence = 0; sequence < 5'000; ++sequence) {
      const rep offset = quote_offset(m, sequence).value();
      EXPECT_EQ(offset % step, 0u) << m.code << " #" << sequence << ": the customer must see the offset";
      EXPECT_LT(worth_scaled(m, offset), one_cent_scaled(m)) << m.code << " #" << sequence;
      largest = std::max(largest, offset);
    }
    // Tight: one step more than the largest offset would be worth a cent or more.
    EXPECT_GE(worth_scaled(m, largest + step), one_cent_scaled(m)) << m.code;
  }
}

TEST(quote_offset, gives_consecutive_orders_distinct_amounts_for_as_many_slots_as_there_are) {
  for (const auto& m : demo_coins()) {
    const std::uint64_t slots = quote_offset_slots(m);
    std::set<rep> offsets;
    for (std::uint64_t sequence = 1000; sequence < 1000 + slots; ++sequence)
      offsets.insert(quote_offset(m, sequence).value());
    EXPECT_EQ(offsets.size(), slots) << m.code;
    EXPECT_EQ(quote_offset(m, 1000), quote_offset(m, 1000 + slots)) << m.code << ": the cycle repeats";
  }
}

TEST(quote_offset, is_zero_when_a_display_step_is_a_cent_or_more_or_the_rate_is_unusable) {
  const auto usdc_in_cents = coin("USDC", 6, 2, 100'000'000);
  for (std::uint64_t sequence : {0u, 1u, 123u, 999'999u}) EXPECT_EQ(quote_offset(usdc_in_cents, sequence).value(), 0u);
  EXPECT_EQ(quote_offset_slots(coin("BTC", 8, 2, 9'725'000'000'000)), 1u);  // 0.01 BTC steps
  EXPECT_EQ(quote_offset_slots(coin("XMR", 12, 6, 0)), 1u);
  EXPECT_EQ(quote_offset_slots(coin("XMR", 12, 6, -1)), 1u);
  EXPECT_EQ(quote_offset_slots(coin("BAD", 2, 6, 100'000'000)), 1u);  // more quote decimals than the coin has
}

TEST(quote_offset, finer_quote_precision_gives_more_slots) {
  // USDC quoted to the micro-dollar: 9,999 steps of $0.000001 fit under a cent.
  EXPECT_EQ(quote_offset_slots(coin("USDC", 6, 6, 100'000'000)), 10'000u);
  EXPECT_EQ(quote_offset(coin("USDC", 6, 6, 100'000'000), 123), atomic_amount{123});
  // ETH at 8 decimals: $0.000034125 a step, 293 steps under a cent, 294 slots.
  EXPECT_EQ(quote_offset_slots(coin("ETH", 18, 8, 341'250'000'000)), 294u);
  // A coin worth a millionth of a cent per step is capped at a million slots.
  EXPECT_EQ(quote_offset_slots(coin("DUST", 18, 18, 1)), 1'000'000u);
}

TEST(quote_offset, two_orders_with_the_same_total_ask_for_different_amounts_and_are_matched_apart) {
  const payment_method xmr = demo_coins()[0];
  const rep base = quote_amount(xmr, cents{3499}).value();
  const rep for_123 = base + quote_offset(xmr, 123).value();  // CCC-000123
  const rep for_124 = base + quote_offset(xmr, 124).value();  // CCC-000124
  ASSERT_NE(for_123, for_124);
  // The customer is shown exactly what is asked: the display round-trips.
  EXPECT_EQ(parse_coin(format_coin(atomic_amount{for_124}, 12, 6), 12), atomic_amount{for_124});

  const std::vector<candidate_order> both{pending("A", for_123), pending("B", for_124)};
  EXPECT_EQ(describe(run(payment(for_123), both)), "matched A exact by amount");
  EXPECT_EQ(describe(run(payment(for_124), both)), "matched B exact by amount");
}

}  // namespace
}  // namespace domain_test
