#include "domain/matcher.hpp"

#include <algorithm>
#include <limits>

#include "domain/money.hpp"

namespace domain {

const char* to_string(match_outcome o) noexcept {
  switch (o) {
    case match_outcome::exact:
      return "exact";
    case match_outcome::underpaid:
      return "underpaid";
    case match_outcome::overpaid:
      return "overpaid";
    case match_outcome::completes_underpaid:
      return "completes_underpaid";
  }
  return "unknown";
}

const char* to_string(exception_reason r) noexcept {
  switch (r) {
    case exception_reason::no_reference_and_no_amount_match:
      return "no_reference_and_no_amount_match";
    case exception_reason::several_candidates:
      return "several_candidates";
    case exception_reason::conflicting_references:
      return "conflicting_references";
    case exception_reason::claim_amount_mismatch:
      return "claim_amount_mismatch";
    case exception_reason::order_cancelled:
      return "order_cancelled";
    case exception_reason::order_not_pending:
      return "order_not_pending";
    case exception_reason::quote_expired:
      return "quote_expired";
    case exception_reason::zero_amount:
      return "zero_amount";
    case exception_reason::unknown_order:
      return "unknown_order";
    case exception_reason::underpaid_expired:
      return "underpaid_expired";
  }
  return "unknown";
}

std::optional<exception_reason> parse_exception_reason(std::string_view s) {
  for (auto r :
       {exception_reason::no_reference_and_no_amount_match, exception_reason::several_candidates,
        exception_reason::conflicting_references, exception_reason::claim_amount_mismatch,
        exception_reason::order_cancelled, exception_reason::order_not_pending, exception_reason::quote_expired,
        exception_reason::zero_amount, exception_reason::unknown_order, exception_reason::underpaid_expired})
    if (s == to_string(r)) return r;
  return std::nullopt;
}

namespace {

using rep = atomic_amount::rep;
constexpr rep max_rep = std::numeric_limits<rep>::max();

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Order numbers and hex tx ids mean the same in any case; a customer may type either.
bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// A wallet reporting absurd amounts must not wrap around to a small total.
rep saturating_add(rep a, rep b) {
  return b > max_rep - a ? max_rep : a + b;
}

// floor(quoted x bp / 10000), exact, without the product overflowing 128 bits.
rep tolerance_of(rep quoted, int tolerance_bp) {
  return payment_tolerance(atomic_amount{quoted}, tolerance_bp).value();
}

rep received_total(const candidate_order& order, atomic_amount amount) {
  return saturating_add(order.received.value(), amount.value());
}

// Paying exactly what is still due, or short of it by no more than the tolerance:
// the only amounts that identify an order without a reference. An overpayment
// or a partial payment with no reference could be for any order.
bool settles_exactly(rep total, rep quoted, int tolerance_bp) {
  return total <= quoted && total >= quoted - tolerance_of(quoted, tolerance_bp);
}

bool expired_at(const candidate_order& order, timestamp t) {
  return t > order.expires_at;
}

// May this order be found by amount alone for a payment received at t?
bool open_for_amount_match(const candidate_order& order, timestamp t, const matching_policy& policy) {
  return order.status == order_status::pending && t + policy.clock_skew >= order.quoted_at && !expired_at(order, t) &&
         t - order.quoted_at <= policy.amount_match_window;
}

std::vector<const candidate_order*> amount_matches(const std::vector<candidate_order>& candidates, atomic_amount amount,
                                                   timestamp t, const matching_policy& policy) {
  std::vector<const candidate_order*> found;
  for (const auto& order : candidates)
    if (open_for_amount_match(order, t, policy) &&
        settles_exactly(received_total(order, amount), order.quoted.value(), policy.tolerance_bp))
      found.push_back(&order);
  return found;
}

// Could this payment be this order's by its amount, whatever the order's status,
// expiry or amount-match window? It came after the quote (within the clock skew)
// and pays what the order still owes (within the tolerance, not over), or, for a
// customer who paid twice, the whole quote again.
bool amount_could_be_for(const candidate_order& order, atomic_amount amount, timestamp t,
                         const matching_policy& policy) {
  if (t + policy.clock_skew < order.quoted_at) return false;
  const rep quoted = order.quoted.value();
  return settles_exactly(received_total(order, amount), quoted, policy.tolerance_bp) ||
         settles_exactly(amount.value(), quoted, policy.tolerance_bp);
}

// An order the amount fits that can no longer take a payment (cancelled, paid,
// expired): a hint for the admin, never a match. For a paid order the payment
// alone is compared with the quote: a customer who paid twice.
const candidate_order* closed_order_the_amount_fits(const std::vector<candidate_order>& candidates,
                                                    atomic_amount amount, timestamp t, const matching_policy& policy) {
  const candidate_order* hint = nullptr;
  int count = 0;
  for (const auto& order : candidates) {
    const bool closed = order.status != order_status::pending || expired_at(order, t);
    if (closed && amount_could_be_for(order, amount, t, policy)) {
      hint = &order;
      ++count;
    }
  }
  return count == 1 ? hint : nullptr;
}

// Does the amount fit the order whose customer claimed the payment? It must pay
// what the order still owes: all of it (short by no more than the tolerance) or a
// part of it (the matcher knows no smallest part payment: any positive amount
// below what is owed is one, as settle() counts it), never more. An order that no
// longer takes payments is also fitted by its whole quote again (a customer who
// paid twice), so that settle() can name the order's own exception.
bool claim_fits(const candidate_order& claimer, atomic_amount amount, const matching_policy& policy) {
  const rep quoted = claimer.quoted.value();
  if (received_total(claimer, amount) <= quoted) return true;
  return claimer.status != order_status::pending && settles_exactly(amount.value(), quoted, policy.tolerance_bp);
}

struct identified {
  const candidate_order* order = nullptr;
  match_basis basis = match_basis::amount;
};
using identification = std::variant<identified, payment_exception>;

payment_exception exception_for(exception_reason reason, const candidate_order* order = nullptr) {
  return payment_exception{reason, order ? std::optional<order_id>{order->id} : std::nullopt};
}

template <class Predicate>
std::vector<const candidate_order*> candidates_where(const std::vector<candidate_order>& candidates, Predicate p) {
  std::vector<const candidate_order*> found;
  for (const auto& order : candidates)
    if (p(order)) found.push_back(&order);
  return found;
}

// Step 2 and 3 of the process: which order, by the strongest evidence there is.
identification identify(const incoming_payment& payment, const std::vector<candidate_order>& candidates, timestamp t,
                        const matching_policy& policy) {
  if (payment.assigned_order) {
    for (const auto& order : candidates)
      if (order.id == *payment.assigned_order) return identified{&order, match_basis::assigned};
    return payment_exception{exception_reason::unknown_order, payment.assigned_order};
  }

  // Money sent to a subaddress made for one order is that order's, whatever the memo says.
  if (payment.to_address && !payment.to_address->empty()) {
    const auto by_address = candidates_where(candidates, [&](const candidate_order& o) {
      return o.address_is_per_order && o.receiving_address == *payment.to_address;
    });
    if (by_address.size() == 1) return identified{by_address.front(), match_basis::address};
    if (by_address.size() > 1) return exception_for(exception_reason::several_candidates);
  }

  if (payment.memo) {
    const std::string_view memo = trim(*payment.memo);
    if (!memo.empty()) {
      const auto by_memo = candidates_where(
          candidates, [&](const candidate_order& o) { return same_ignoring_case(memo, o.number.value()); });
      if (by_memo.size() == 1) return identified{by_memo.front(), match_basis::memo};
      if (by_memo.size() > 1) return exception_for(exception_reason::several_candidates);
    }
  }

  const auto live_by_amount = amount_matches(candidates, payment.amount, t, policy);

  // A claimed tx id is only the customer's word, and anyone can read a public
  // chain: a customer claiming someone else's payment must not get it. So a claim
  // identifies its order only when the amount fits that order (claim_fits) and
  // points to no other order:
  //  - the amount fits another live order (alone, or besides the claimer: two
  //    pending orders can ask the same amount, BTC has only 11 offset slots) ->
  //    conflicting_references. Safest: the amount alone cannot tell the orders
  //    apart, and the claim cannot either; giving it to the claimer would let a
  //    customer whose order asks (or was made to ask) the same amount take another
  //    customer's payment, and the other order would wait unpaid. The admin decides,
  //    seeing which order claimed it; an honest claimer loses only time.
  //  - it fits only the claimer among live orders -> the claim, as the amount agrees.
  //  - no live order fits, but another order could be its owner (expired, outside
  //    the amount-match window, no longer pending: a late payment the admin may
  //    accept) -> conflicting_references, for the same reason.
  //  - otherwise, an amount that does not fit the claimer (more than it still owes)
  //    -> claim_amount_mismatch: the admin sees who claimed it, and nobody gets it.
  // A claim never does more than the amount alone would, except tie a part payment
  // (or a payment the amount-match window no longer covers) to its claimer.
  const std::string_view txid = trim(payment.txid);
  if (!txid.empty()) {
    const auto by_claim = candidates_where(candidates, [&](const candidate_order& o) {
      return std::any_of(o.claimed_tx_ids.begin(), o.claimed_tx_ids.end(),
                         [&](const std::string& claimed) { return same_ignoring_case(trim(claimed), txid); });
    });
    if (by_claim.size() > 1) return exception_for(exception_reason::several_candidates);
    if (by_claim.size() == 1) {
      const candidate_order* claimer = by_claim.front();
      if (payment.amount == atomic_amount{0}) return exception_for(exception_reason::zero_amount, claimer);
      const bool fits_another_live = std::any_of(live_by_amount.begin(), live_by_amount.end(),
                                                 [&](const candidate_order* o) { return o != claimer; });
      if (fits_another_live) return exception_for(exception_reason::conflicting_references, claimer);
      if (!live_by_amount.empty()) return identified{claimer, match_basis::claimed_tx};  // the claimer alone
      const bool could_be_another = std::any_of(candidates.begin(), candidates.end(), [&](const candidate_order& o) {
        return &o != claimer && amount_could_be_for(o, payment.amount, t, policy);
      });
      if (could_be_another) return exception_for(exception_reason::conflicting_references, claimer);
      if (!claim_fits(*claimer, payment.amount, policy))
        return exception_for(exception_reason::claim_amount_mismatch, claimer);
      return identified{claimer, match_basis::claimed_tx};
    }
  }

  if (payment.amount == atomic_amount{0}) return exception_for(exception_reason::zero_amount);
  if (live_by_amount.size() == 1) return identified{live_by_amount.front(), match_basis::amount};
  if (live_by_amount.size() > 1) return exception_for(exception_reason::several_candidates);
  if (const auto* hint = closed_order_the_amount_fits(candidates, payment.amount, t, policy))
    return identified{hint, match_basis::amount};  // settle() turns it into the order's exception
  return exception_for(exception_reason::no_reference_and_no_amount_match);
}

// Steps 4 and 5: can this order take the payment, and how far does it pay it.
match_result settle(const identified& found, const incoming_payment& payment, timestamp t,
                    const matching_policy& policy) {
  const candidate_order& order = *found.order;
  if (payment.amount == atomic_amount{0}) return exception_for(exception_reason::zero_amount, &order);
  if (order.status == order_status::cancelled) return exception_for(exception_reason::order_cancelled, &order);
  if (order.status != order_status::pending) return exception_for(exception_reason::order_not_pending, &order);
  if (found.basis != match_basis::assigned && expired_at(order, t))
    return exception_for(exception_reason::quote_expired, &order);

  const rep quoted = order.quoted.value();
  const rep total = received_total(order, payment.amount);
  payment_matched m;
  m.order = order.id;
  m.basis = found.basis;
  m.received_total = atomic_amount{total};
  const bool earlier_part = order.received != atomic_amount{0};
  if (total < quoted - tolerance_of(quoted, policy.tolerance_bp)) {
    m.outcome = match_outcome::underpaid;
    m.still_due = atomic_amount{quoted - total};
  } else if (earlier_part) {
    m.outcome = match_outcome::completes_underpaid;
  } else {
    m.outcome = total > quoted ? match_outcome::overpaid : match_outcome::exact;
  }
  if (total > quoted) m.refund_due = atomic_amount{total - quoted};
  return m;
}

}  // namespace

match_result match_payment(const incoming_payment& payment, bool already_counted,
                           const std::vector<candidate_order>& candidates, const matching_policy& policy,
                           timestamp now) {
  if (already_counted) return duplicate_payment{};

  const timestamp t = std::min(payment.received_at, now);
  const identification id = identify(payment, candidates, t, policy);
  const match_result verdict = std::holds_alternative<identified>(id)
                                   ? settle(std::get<identified>(id), payment, t, policy)
                                   : match_result{std::get<payment_exception>(id)};

  if (payment.confirmations < policy.confirmations_required) {
    awaiting_confirmations waiting{std::nullopt, payment.confirmations, policy.confirmations_required};
    if (const auto* m = std::get_if<payment_matched>(&verdict)) waiting.order = m->order;
    return waiting;
  }
  return verdict;
}

std::uint64_t quote_offset_slots(const payment_method& method) {
  constexpr std::uint64_t max_slots = 1'000'000;
  const int step_digits = method.decimals - method.quote_decimals;
  if (method.usd_rate_e8 <= 0 || step_digits < 0 || method.decimals + 6 > 38) return 1;
  const rep step = pow10(step_digits);
  const rep rate = static_cast<rep>(method.usd_rate_e8);
  // One cent in "atomic units x usd_rate_e8": 10^decimals atomic = 1 coin = rate_e8 / 1e8 USD,
  // so an amount a is worth a x rate_e8 / 10^(decimals + 6) cents.
  const rep one_cent = pow10(method.decimals + 6);
  if (step > max_rep / rate) return 1;  // a step is worth far more than a cent
  const rep step_value = step * rate;
  const rep max_steps = (one_cent - 1) / step_value;  // 0 when a step is worth a cent or more
  return static_cast<std::uint64_t>(std::min<rep>(max_steps, max_slots - 1)) + 1;
}

atomic_amount quote_offset(const payment_method& method, std::uint64_t order_sequence) {
  const std::uint64_t slots = quote_offset_slots(method);
  if (slots == 1) return atomic_amount{0};
  const rep step = pow10(method.decimals - method.quote_decimals);
  return atomic_amount{static_cast<rep>(order_sequence % slots) * step};
}

}  // namespace domain
