#pragma once

// The payment matcher: which order one incoming payment pays, and how
// well. Every payment goes through it, whether a chain watcher saw it, a wallet
// CSV import brought it, or the admin entered or assigned it. Pure: the caller
// looks up what it needs (was the tx counted before, which orders are candidates)
// and passes the time; the matcher reads no clock and touches no database.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/order.hpp"
#include "domain/payment.hpp"
#include "domain/strong_types.hpp"

namespace domain {

struct incoming_payment {
  std::string coin;  // "XMR"
  std::string txid;
  atomic_amount amount;
  timestamp received_at;  // when the wallet first saw it, not when it confirmed
  int confirmations = 0;
  std::optional<std::string> to_address;  // the address or subaddress it was paid to, when the source knows
  std::optional<std::string> memo;        // memo, payment id or description, as the payer wrote it
  payment_source source = payment_source::watcher;
  // Set when the admin ties an open exception to an order: the strongest reference
  // there is, and the admin's word that a late payment is accepted (see match_payment).
  std::optional<order_id> assigned_order;
};

/// An order the payment might be for, as the caller loads it. The caller loads
/// every pending order of the payment's coin, plus every order of that coin, in
/// any status, that the payment names (by address, memo/order number, or a tx id
/// the customer claimed), so that a payment for a cancelled, paid or expired
/// order is recognised as such instead of looking unreferenced.
struct candidate_order {
  order_id id;
  order_number number;
  order_status status = order_status::pending;
  std::string receiving_address;
  // True for a subaddress made for this order alone; false for the coin's static
  // address, which every order of the coin shares and so identifies nobody.
  bool address_is_per_order = false;
  atomic_amount quoted;
  atomic_amount received;  // counted so far from earlier, short payments
  timestamp quoted_at;     // when the current quote was given: checkout, or the last requote
  timestamp expires_at;
  std::vector<std::string> claimed_tx_ids;
};

struct matching_policy {
  int confirmations_required = 1;  // payments.<coin>.confirmations
  // How far short of the quote a payment may fall and still count as paid, in
  // basis points of the quote (1 bp = 0.01 %; payments.tolerance_percent x 100).
  // 0: exact or more. Clamped to 0..10000.
  int tolerance_bp = 0;
  // How long after its quote was given an order can be paid without a reference,
  // by amount alone. The quote's expiry limits it too.
  duration amount_match_window = std::chrono::minutes{30};
  // A wallet's clock (or an export rounded to whole seconds) may put a payment a
  // little before the quote it pays: that much earlier still counts.
  duration clock_skew = std::chrono::minutes{2};
};

enum class match_outcome {
  exact,                // the quote is paid (within the tolerance), nothing over
  underpaid,            // still short after this payment: the order shows the part received and waits
  overpaid,             // paid in one go with more than quoted: refund_due is the excess
  completes_underpaid,  // earlier payments were short and this one pays the rest; refund_due if it overshoots
};
const char* to_string(match_outcome) noexcept;

/// Stable codes for the admin's exception list.
enum class exception_reason {
  no_reference_and_no_amount_match,  // nothing names an order and no live order's amount fits
  several_candidates,                // more than one order fits; the admin must choose
  conflicting_references,            // a claimed tx id names one order, the amount fits another (too)
  claim_amount_mismatch,             // a claimed tx id names an order the amount does not fit: more than it still owes
  order_cancelled,
  order_not_pending,  // paid, processing, shipped or delivered already: a second payment
  quote_expired,      // received after the quote's expires_at
  zero_amount,
  unknown_order,      // the admin assigned it to an order the caller did not load
  underpaid_expired,  // counted for the order, but the quote expired before the rest came (the order raises it)
};
const char* to_string(exception_reason) noexcept;
std::optional<exception_reason> parse_exception_reason(std::string_view);

/// This (coin, txid) was counted before: nothing to do, however often it is seen.
struct duplicate_payment {};

/// Seen, but not yet confirmed enough to count. `order` is the order it would be
/// matched to if it confirmed now (for "detected, waiting for N confirmations");
/// empty when it would be an exception, which is recorded only once confirmed
/// because an unconfirmed transaction may still vanish.
struct awaiting_confirmations {
  std::optional<order_id> order;
  int confirmations = 0;
  int required = 0;
};

struct payment_matched {
  order_id order;
  match_basis basis = match_basis::amount;
  match_outcome outcome = match_outcome::exact;
  atomic_amount received_total;  // earlier payments + this one
  atomic_amount still_due;       // quoted - received_total when underpaid, else 0
  atomic_amount refund_due;      // received_total - quoted when that is positive, else 0
};

struct payment_exception {
  exception_reason reason = exception_reason::no_reference_and_no_amount_match;
  std::optional<order_id> order;  // the order it names or most likely belongs to, when one is known
};

using match_result = std::variant<duplicate_payment, awaiting_confirmations, payment_matched, payment_exception>;

/// The shop's process for one payment (docs/ARCHITECTURE.md, "Payments"):
///  1. counted before (`already_counted`) -> duplicate, before anything else. The
///     caller counts a tx once it was matched or recorded as an exception, not while
///     it awaits confirmations. Resolving an open exception by assign is not a
///     recount: the caller passes false then.
///  2. find the order: the admin's assignment; a per-order address; a memo equal
///     to an order number (trimmed, any case); a tx id the customer claimed (also
///     trimmed, any case). A claim is only the customer's word, and anyone can read
///     a public chain, so it identifies its order only when the amount fits that
///     order (what it still owes, all of it within the tolerance or a part, never
///     more) and no other: an amount that also fits another live order (besides the
///     claimer too), or, when no live order fits, another order that could be its
///     owner (expired, outside the window, no longer pending) is
///     conflicting_references; an amount that does not fit the claimer is
///     claim_amount_mismatch. Both name the claimer. Without one of these, the
///     amount: exactly one pending, unexpired order within the window whose
///     outstanding amount this payment pays (within the tolerance, not over) ->
///     matched; several -> exception;
///     none -> exception, naming an expired, cancelled or paid order when exactly
///     one of those fits the amount, as a hint for the admin.
///  3. fewer confirmations than required -> awaiting, never matched.
///  4. a cancelled order, an order no longer pending, or a payment received after
///     expires_at -> exception with the order's id. A payment received exactly at
///     expires_at is in time: the quote holds "until" that instant, inclusive. The
///     admin's assignment waives expiry (the admin accepted it late), not status.
///  5. amounts in exact integer arithmetic -> exact, underpaid, overpaid or
///     completes_underpaid.
/// The payment counts as received at min(received_at, now): a clock running ahead
/// (a node, a hand-made CSV) cannot date a payment in the future.
match_result match_payment(const incoming_payment& payment, bool already_counted,
                           const std::vector<candidate_order>& candidates, const matching_policy& policy,
                           timestamp now);

// ---- quote offsets -----------------------------------------------------------------
//
// For a coin paid to a static address, matching falls back on the amount, so two
// pending orders with the same total must not ask for the same amount. The quote
// adds `offset_steps` display steps of the coin (one step = 10^(decimals -
// quote_decimals) atomic units, the smallest amount the customer is shown), with
// offset_steps = order sequence mod slots. The bound: with
//   max_steps = floor((10^(decimals + 6) - 1) / (step x usd_rate_e8)),
// the largest offset, max_steps x step atomic units, is worth
//   max_steps x step x usd_rate_e8 / 10^(decimals + 6) cents < 1 cent,
// and one more step would reach a cent. So consecutive order numbers get distinct
// amounts for `slots = max_steps + 1` orders in a row, each at most a cent dearer.
// Demo coins: XMR 12/6 @ $162.35 -> 62 slots ($0.0099 max), BTC 8/8 @ $97,250 -> 11
// slots, ETH 18/6 @ $3,412.50 -> 3 slots, USDC 6/2 @ $1 -> 1 slot (a step is a whole
// cent, so no offset). Orders whose amounts still coincide are safe, only less
// automatic: the matcher reports them as several_candidates.

/// How many distinct offsets fit under one cent (>= 1; capped at 1,000,000, far
/// more pending orders than any shop has). 1 when one step is worth a cent or more,
/// or the rate is not positive.
std::uint64_t quote_offset_slots(const payment_method& method);

/// The offset to add to an order's quote, in atomic units: a whole number of
/// display steps, worth under one cent at the method's rate. `order_sequence` is
/// the number of the order, 123 for "CCC-000123".
atomic_amount quote_offset(const payment_method& method, std::uint64_t order_sequence);

}  // namespace domain
