// The order's state machine: what each command decides from the order's state
// (decide), how each event changes that state (apply), and the names of both.
// Kept in one file on purpose, past 600 lines: every transition reads the same
// state, and a reader checking what a refund, a reversal or a cancellation may
// do must see the other transitions beside it. The JSON form of events lives in
// order_json.cpp, the follow-ups (timers, emails) in follow_ups.cpp.

#include "domain/order.hpp"

#include <algorithm>
#include <cctype>

#include "domain/overloaded.hpp"
#include "domain/time.hpp"

namespace domain {

const char* to_string(order_status s) noexcept {
  switch (s) {
    case order_status::pending:
      return "pending";
    case order_status::paid:
      return "paid";
    case order_status::processing:
      return "processing";
    case order_status::shipped:
      return "shipped";
    case order_status::delivered:
      return "delivered";
    case order_status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<order_status> parse_status(std::string_view s) {
  for (auto st : {order_status::pending, order_status::paid, order_status::processing, order_status::shipped,
                  order_status::delivered, order_status::cancelled})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

const char* to_string(actor_role r) noexcept {
  switch (r) {
    case actor_role::customer:
      return "customer";
    case actor_role::admin:
      return "admin";
    case actor_role::system:
      return "system";
  }
  return "unknown";
}

const char* to_string(timer_kind k) noexcept {
  switch (k) {
    case timer_kind::payment_reminder:
      return "payment_reminder";
    case timer_kind::unpaid_expiry:
      return "unpaid_expiry";
    case timer_kind::review_request:
      return "review_request";
    case timer_kind::quote_expiry:
      return "quote_expiry";
  }
  return "unknown";
}

std::optional<timer_kind> parse_timer_kind(std::string_view s) {
  for (auto k :
       {timer_kind::payment_reminder, timer_kind::unpaid_expiry, timer_kind::review_request, timer_kind::quote_expiry})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

namespace {

using events = std::vector<order_event>;

domain_error not_allowed(const order& o, const char* what) {
  return make_error(error_code::invalid_transition,
                    std::string{"cannot "} + what + " an order that is " + to_string(o.status));
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::optional<domain_error> bounded_text(const std::string& text, const char* field, const char* label,
                                         std::size_t max = max_note_length) {
  if (blank(text)) return make_error(error_code::validation, std::string{label} + " is required", field);
  if (text.size() > max)
    return make_error(error_code::validation,
                      std::string{label} + " is longer than " + std::to_string(max) + " characters", field);
  return std::nullopt;
}

result<events> decide_place(const order& o, const place_order& c) {
  if (o.exists()) {
    // The same idempotency key maps to the same order id: a retry with the
    // same request is answered with the order as it is, a different request
    // under the same key is refused.
    if (o.checkout_fingerprint == c.checkout_fingerprint) return events{};
    return make_error(error_code::idempotency_conflict,
                      "this Idempotency-Key was already used for a different order request", "Idempotency-Key");
  }
  return events{order_placed{c.id, c.number, c.customer, c.lines, c.subtotal, c.shipping, c.total, c.quote,
                             c.checkout_fingerprint, c.at}};
}

constexpr std::size_t max_txid_length = 200;
constexpr std::size_t max_refund_address_length = 200;

// The shop's process for a payment tied to this order (received, amount, verified):
// counted once per tx id; only a pending order takes a payment, and only within
// its quote unless the admin accepts it late; below the confirmations required
// it is only "detected"; counted, it pays the order in full (within the
// tolerance, any excess due back) or leaves it waiting for the rest.
result<events> decide_record(const order& o, const record_payment& c) {
  const std::string txid = normalize_txid(c.txid);
  if (txid.empty()) return make_error(error_code::validation, "Transaction ID is required", "tx_id");
  if (txid.size() > max_txid_length)
    return make_error(error_code::validation, "Transaction ID is longer than 200 characters", "tx_id");
  if (c.amount == atomic_amount{})
    return make_error(error_code::validation, "Amount must be positive", "amount_atomic");
  if (o.has_payment(txid, true)) return events{};
  if (o.status != order_status::pending) return not_allowed(o, "take a payment for");
  if (!c.accept_late && c.received_at > o.quote.expires_at)
    return make_error(error_code::quote_expired,
                      "the payment arrived after the quote expired at " + format_rfc3339(o.quote.expires_at));
  if (c.confirmations < o.quote.confirmations_required) {
    for (const auto& p : o.payments)
      if (p.txid == txid && p.confirmations == c.confirmations) return events{};
    return events{payment_detected{txid, c.amount, c.confirmations, c.at}};
  }
  const atomic_amount total{o.received.value() + c.amount.value()};
  events out{payment_received{o.quote.method, txid, c.amount, total, c.confirmations, c.source, c.basis,
                              std::min(c.received_at, c.at), o.quote.expires_at, c.at}};
  const atomic_amount quoted = o.quote.amount;
  if (total.value() + payment_tolerance(quoted, c.tolerance_bp).value() >= quoted.value())
    out.push_back(payment_verified{txid, total, total > quoted ? total - quoted : atomic_amount{}, c.at});
  return out;
}

result<events> decide_verify(const order& o, const verify_payment& c) {
  return decide_record(o, record_payment{c.tx_id, c.amount, o.quote.confirmations_required, payment_source::admin,
                                         match_basis::assigned, c.tolerance_bp, true, c.at, c.at});
}

// Only what was never counted can be taken back: a counted payment had its
// confirmations, and the order may have been told it is paid.
result<events> decide_withdraw(const order& o, const withdraw_payment& c) {
  const std::string txid = normalize_txid(c.txid);
  for (const auto& p : o.payments) {
    if (p.txid != txid) continue;
    if (p.counted)
      return make_error(error_code::invalid_transition, "the payment " + txid + " is counted; it cannot be withdrawn");
    return events{payment_withdrawn{txid, p.amount, c.at}};
  }
  return events{};  // taken back already, or never seen: nothing to do
}

std::string reversal_message(const order& o, const payment_entry& p) {
  const int d = o.quote.decimals;
  return "The payment " + p.txid + " of " + describe_amount(p.amount, d, p.coin) + " for order " + o.number.value() +
         " is no longer on the " + p.coin +
         " chain: the network replaced the block it was in, and the new blocks do not hold it. So the order is not "
         "paid for now, and nothing will ship until it is. If your wallet shows the transaction again, it counts "
         "again by itself once it is confirmed; if your wallet shows it as failed or dropped, please reply to this "
         "email before paying again.";
}

// A counted payment taken back by a reorganisation returns the order to what
// it was before that payment counted. Only an order that has not moved on
// past "paid" can go back: once it is being prepared or shipped, the shop
// decides (the refusal is logged by the watcher for the admin).
result<events> decide_reverse(const order& o, const reverse_payment& c) {
  const std::string txid = normalize_txid(c.txid);
  for (const auto& p : o.payments) {
    if (p.txid != txid) continue;
    if (!p.counted) return events{payment_withdrawn{txid, p.amount, c.at}};
    if (o.status != order_status::pending && o.status != order_status::paid)
      return make_error(error_code::invalid_transition, "the payment " + txid + " left the chain, but the order is " +
                                                             to_string(o.status) + ": the shop must settle it");
    const bool was_paid = o.status == order_status::paid;
    const atomic_amount left = o.received > p.amount ? o.received - p.amount : atomic_amount{};
    return events{payment_reversed{p.coin, txid, p.amount, left, was_paid,
                                   was_paid ? reversal_message(o, p) : std::string{}, o.quote.expires_at, c.at}};
  }
  return events{};  // taken back already, or never seen: nothing to do
}

result<events> decide_requote(const order& o, const requote_order& c) {
  if (o.status != order_status::pending) return not_allowed(o, "requote");
  if (c.at <= o.quote.expires_at)
    return make_error(error_code::invalid_transition,
                      "the quote is valid until " + format_rfc3339(o.quote.expires_at) + "; pay that amount");
  if (!o.payments.empty())
    return make_error(error_code::invalid_transition,
                      "a payment was already received for this order; the shop will contact you about the rest");
  const payment_method* method = find_method(c.methods, o.quote.method);
  if (!method)
    return make_error(error_code::invalid_transition, "the shop no longer accepts " + o.quote.method + " payments");
  std::optional<std::string> own_address;
  if (o.quote.address_is_per_order) own_address = o.quote.address;
  return events{payment_requoted{
      make_quote(*method, o.total, o.number, c.at, c.ttl, own_address, o.quote.address_index), c.at}};
}

std::string underpayment_message(const order& o) {
  const int d = o.quote.decimals;
  return "We received " + describe_amount(o.received, d, o.quote.method) + " of the " +
         describe_amount(o.quote.amount, d, o.quote.method) + " quoted for order " + o.number.value() +
         " before the quote expired, so " + describe_amount(o.quote.amount - o.received, d, o.quote.method) +
         " is still missing. Please reply to this email: we will settle the difference with you or refund what you "
         "paid.";
}

result<events> decide_claim(const order& o, const claim_payment& c) {
  if (o.status != order_status::pending) return not_allowed(o, "claim a payment for");
  if (auto e = bounded_text(c.tx_id, "tx_id", "Transaction ID", 200)) return *e;
  // Stored as the matcher compares tx ids: a pasted id often carries spaces.
  const std::string txid = normalize_txid(c.tx_id);
  // A transaction id is one word; line breaks inside one are not a paste slip.
  if (std::any_of(txid.begin(), txid.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }))
    return make_error(error_code::validation, "Transaction ID must be one line", "tx_id");
  if (std::find(o.claimed_tx_ids.begin(), o.claimed_tx_ids.end(), txid) != o.claimed_tx_ids.end()) return events{};
  return events{payment_claimed{txid, c.at}};
}

result<events> decide_ship(const order& o, const ship_order& c) {
  if (o.status != order_status::processing) return not_allowed(o, "ship");
  if (auto e = bounded_text(c.carrier, "carrier", "Carrier", 100)) return *e;
  if (auto e = bounded_text(c.tracking_number, "tracking_number", "Tracking number", 100)) return *e;
  if (!is_calendar_date(c.estimated_delivery))
    return make_error(error_code::validation, "Estimated delivery must be a date like 2026-12-01",
                      "estimated_delivery");
  return events{order_shipped{c.carrier, c.tracking_number, tracking_url(c.carrier, c.tracking_number),
                              c.estimated_delivery, c.at}};
}

result<events> decide_cancel(const order& o, const cancel_order& c) {
  // Only an admin may cancel an order that is paid: the customer's cancel and the
  // expiry timer (system) apply to unpaid orders, so a timer that fires after the
  // payment was verified finds nothing to cancel.
  const bool allowed = c.by == actor_role::admin
                           ? (o.status == order_status::pending || o.status == order_status::paid ||
                              o.status == order_status::processing)
                           : o.status == order_status::pending;
  if (!allowed) return not_allowed(o, "cancel");
  if (c.reason.size() > max_note_length)
    return make_error(error_code::validation, "Reason is longer than 2000 characters", "reason");
  if (c.by != actor_role::customer && blank(c.reason))
    return make_error(error_code::validation, "Reason is required", "reason");
  // Everything counted is owed back once the order will never be fulfilled:
  // a paid order, or one paid in part that never completed.
  return events{order_cancelled{blank(c.reason) ? "cancelled by the customer" : c.reason, c.by, c.at, o.received}};
}

result<events> decide_review(const order& o, const leave_review& c) {
  if (o.status != order_status::delivered) return not_allowed(o, "review");
  if (o.customer_review) return make_error(error_code::invalid_transition, "this order has already been reviewed");
  if (c.rating < 1 || c.rating > 5)
    return make_error(error_code::validation, "Rating must be between 1 and 5", "rating");
  if (c.text.size() > max_note_length)
    return make_error(error_code::validation, "Review is longer than 2000 characters", "text");
  return events{review_left{c.rating, c.text, c.at}};
}

domain_error no_refund_due() {
  return make_error(error_code::invalid_transition, "no refund is due on this order");
}

// The customer (order page) or the admin says where the refund goes. The
// address is checked for the order's coin before anything is stored; it may
// be changed until the refund is sent in full (each change is mailed to the
// customer, so a change they did not make does not go unnoticed).
result<events> decide_refund_address(const order& o, const set_refund_address& c) {
  if (o.refund_due() == atomic_amount{}) return no_refund_due();
  if (o.refund_outstanding() == atomic_amount{})
    return make_error(error_code::invalid_transition, "the refund was sent in full already");
  if (o.customer_erased_at)
    return make_error(error_code::invalid_transition, "the customer's personal data was erased");
  if (blank(c.address)) return make_error(error_code::validation, "Refund address is required", "address");
  if (c.address.size() > max_refund_address_length)
    return make_error(error_code::validation, "Refund address is longer than 200 characters", "address");
  if (!c.check)
    return make_error(error_code::validation,
                      "refund addresses for " + o.quote.method + " cannot be checked; write to the shop", "address");
  auto checked = c.check(o.quote.method, c.address);
  if (!checked) return checked.error();
  if (o.refund_address == *checked) return events{};  // a retry: the address stands
  return events{refund_address_given{std::move(*checked), c.by, c.at}};
}

// The admin sent a refund from the wallet and records it. A part refund
// leaves the rest due (shown on the dashboard until it is sent); more than
// is due is refused unless the admin confirms it is what was sent.
result<events> decide_refund(const order& o, const record_refund& c) {
  const std::string txid = normalize_txid(c.txid);
  if (txid.empty()) return make_error(error_code::validation, "Transaction ID is required", "txid");
  if (txid.size() > max_txid_length)
    return make_error(error_code::validation, "Transaction ID is longer than 200 characters", "txid");
  if (std::any_of(txid.begin(), txid.end(), [](char ch) { return static_cast<unsigned char>(ch) <= 0x20; }))
    return make_error(error_code::validation, "Transaction ID must be one word", "txid");
  if (c.amount == atomic_amount{})
    return make_error(error_code::validation, "Amount must be positive", "amount_atomic");
  for (const auto& r : o.refunds)
    if (r.txid == txid) return events{};  // recorded already: a retry
  if (o.refund_due() == atomic_amount{}) return no_refund_due();
  const atomic_amount outstanding = o.refund_outstanding();
  if (outstanding == atomic_amount{})
    return make_error(error_code::invalid_transition, "the refund was sent in full already");
  if (!o.refund_address)
    return make_error(error_code::invalid_transition,
                      "no refund address yet: the customer gives one on the order page, or set_refund_address");
  if (c.amount > outstanding && !c.allow_excess)
    return make_error(error_code::validation,
                      "Amount is more than the " + outstanding.to_string() +
                          " still due; send allow_excess: true if that much was sent",
                      "amount_atomic");
  const atomic_amount total{o.refunded.value() + c.amount.value()};
  const atomic_amount still_due = c.amount > outstanding ? atomic_amount{} : outstanding - c.amount;
  return events{refund_recorded{txid, c.amount, total, still_due, c.at}};
}

result<events> decide_erase(const order& o, const erase_personal_data& c) {
  if (o.customer_erased_at) return events{};  // erased already: nothing more to do
  if (owes_money(o))
    return make_error(error_code::money_owed,
                      "Money is still owed on this order (a payment in progress or a refund due): settle it before "
                      "erasing the customer's personal data");
  return events{personal_data_erased{c.by, c.at}};
}

/// A timer that comes due re-checks the order: anything that made it moot
/// (payment, cancellation, a review) means no events.
result<events> decide_timer(const order& o, const fire_timer& c) {
  switch (c.kind) {
    case timer_kind::payment_reminder:
      if (o.status == order_status::pending && !o.reminder_sent) return events{payment_reminder_sent{c.at}};
      return events{};
    case timer_kind::unpaid_expiry:
      // Money received (or on its way) is never cancelled away by a timer: the
      // part payment is an exception the admin settles with the customer.
      if (o.status == order_status::pending && o.payments.empty())
        return events{order_cancelled{"not paid in time", actor_role::system, c.at}};
      return events{};
    case timer_kind::quote_expiry:
      if (o.status == order_status::pending && o.received != atomic_amount{} && !o.underpayment_expired) {
        std::string last_txid;
        for (const auto& p : o.payments)
          if (p.counted) last_txid = p.txid;
        return events{underpayment_expired{o.quote.method, last_txid, o.received, o.quote.amount - o.received,
                                           underpayment_message(o), c.at}};
      }
      return events{};
    case timer_kind::review_request:
      if (o.status == order_status::delivered && !o.customer_review && !o.review_requested)
        return events{review_requested{c.at}};
      return events{};
  }
  return events{};
}

}  // namespace

result<std::vector<order_event>> decide(const order& o, const order_command& command) {
  if (!o.exists() && !std::holds_alternative<place_order>(command))
    return make_error(error_code::not_found, "no such order");
  return std::visit(overloaded{
                        [&](const place_order& c) { return decide_place(o, c); },
                        [&](const claim_payment& c) { return decide_claim(o, c); },
                        [&](const verify_payment& c) { return decide_verify(o, c); },
                        [&](const record_payment& c) { return decide_record(o, c); },
                        [&](const requote_order& c) { return decide_requote(o, c); },
                        [&](const withdraw_payment& c) { return decide_withdraw(o, c); },
                        [&](const reverse_payment& c) { return decide_reverse(o, c); },
                        [&](const start_processing& c) -> result<events> {
                          if (o.status != order_status::paid) return not_allowed(o, "start processing");
                          return events{processing_started{c.at}};
                        },
                        [&](const ship_order& c) { return decide_ship(o, c); },
                        [&](const mark_delivered& c) -> result<events> {
                          if (o.status != order_status::shipped) return not_allowed(o, "mark as delivered");
                          return events{order_delivered{c.at}};
                        },
                        [&](const cancel_order& c) { return decide_cancel(o, c); },
                        [&](const add_note& c) -> result<events> {
                          if (auto e = bounded_text(c.text, "text", "Note")) return *e;
                          return events{note_added{c.text, c.at}};
                        },
                        [&](const contact_customer& c) -> result<events> {
                          if (auto e = bounded_text(c.message, "message", "Message")) return *e;
                          return events{customer_contacted{c.message, c.at}};
                        },
                        [&](const leave_review& c) { return decide_review(o, c); },
                        [&](const fire_timer& c) { return decide_timer(o, c); },
                        [&](const request_erasure& c) -> result<events> {
                          // Asked already, or nothing left to erase: the first answer stands.
                          if (o.erasure_requested_at || o.customer_erased_at) return events{};
                          return events{erasure_requested{c.at}};
                        },
                        [&](const erase_personal_data& c) { return decide_erase(o, c); },
                        [&](const set_refund_address& c) { return decide_refund_address(o, c); },
                        [&](const record_refund& c) { return decide_refund(o, c); },
                    },
                    command);
}

order apply(order o, const order_event& event) {
  ++o.version;
  o.updated_at = event_time(event);
  auto enter = [&](order_status s, std::string note) {
    o.status = s;
    o.timeline.push_back(timeline_entry{event_time(event), s, std::move(note)});
  };
  std::visit(overloaded{
                 [&](const order_placed& e) {
                   o.id = e.id;
                   o.number = e.number;
                   o.customer = e.customer;
                   o.lines = e.lines;
                   o.subtotal = e.subtotal;
                   o.shipping = e.shipping;
                   o.total = e.total;
                   o.quote = e.quote;
                   o.checkout_fingerprint = e.checkout_fingerprint;
                   o.created_at = e.at;
                   o.quoted_at = e.at;
                   enter(order_status::pending, "Order placed, awaiting payment");
                 },
                 [&](const payment_claimed& e) { o.claimed_tx_ids.push_back(e.tx_id); },
                 [&](const payment_detected& e) {
                   for (auto& p : o.payments)
                     if (p.txid == e.txid) {
                       p.confirmations = e.confirmations;
                       return;
                     }
                   o.payments.push_back(payment_entry{o.quote.method, e.txid, e.amount, e.confirmations, false,
                                                      payment_source::watcher, match_basis::amount, e.at});
                 },
                 [&](const payment_withdrawn& e) {
                   o.payments.erase(std::remove_if(o.payments.begin(), o.payments.end(),
                                                   [&](const payment_entry& p) { return p.txid == e.txid && !p.counted; }),
                                    o.payments.end());
                 },
                 [&](const payment_reversed& e) {
                   o.payments.erase(std::remove_if(o.payments.begin(), o.payments.end(),
                                                   [&](const payment_entry& p) { return p.txid == e.txid && p.counted; }),
                                    o.payments.end());
                   o.received = e.received_total;
                   if (e.was_paid) {
                     o.payment.reset();
                     enter(order_status::pending, "Payment reversed by the network, awaiting payment");
                   }
                 },
                 [&](const payment_received& e) {
                   payment_entry counted{e.coin, e.txid,   e.amount, e.confirmations,
                                         true,   e.source, e.basis,  e.received_at};
                   auto seen = std::find_if(o.payments.begin(), o.payments.end(),
                                            [&](const payment_entry& p) { return p.txid == e.txid; });
                   if (seen != o.payments.end())
                     *seen = counted;
                   else
                     o.payments.push_back(counted);
                   o.received = e.received_total;
                 },
                 [&](const payment_verified& e) {
                   o.payment = payment_record{e.tx_id, e.received, e.refund_due, e.at};
                   if (o.received == atomic_amount{}) o.received = e.received;  // journals from before payment_received
                   enter(order_status::paid, "Payment received");
                 },
                 [&](const payment_requoted& e) {
                   o.quote = e.quote;
                   o.quoted_at = e.at;
                   o.reminder_sent = false;
                   o.timeline.push_back(timeline_entry{e.at, o.status, "New quote: " + e.quote.amount_display});
                 },
                 [&](const underpayment_expired&) { o.underpayment_expired = true; },
                 [&](const processing_started&) { enter(order_status::processing, "Your order is being prepared"); },
                 [&](const order_shipped& e) {
                   o.shipped = shipment{e.carrier, e.tracking_number, e.tracking_url, e.estimated_delivery};
                   enter(order_status::shipped, "Shipped with " + e.carrier);
                 },
                 [&](const order_delivered& e) {
                   o.delivered_at = e.at;
                   enter(order_status::delivered, "Delivered");
                 },
                 [&](const order_cancelled& e) {
                   o.cancel_reason = e.reason;
                   o.cancelled_by = e.by;
                   o.cancelled_at = e.at;
                   enter(order_status::cancelled, "Cancelled: " + e.reason);
                 },
                 [&](const note_added& e) { o.notes.push_back(e.text); },
                 [&](const customer_contacted&) {},
                 [&](const review_left& e) {
                   o.customer_review = review{e.rating, e.text, e.at};
                 },
                 [&](const payment_reminder_sent&) { o.reminder_sent = true; },
                 [&](const review_requested&) { o.review_requested = true; },
                 [&](const erasure_requested& e) { o.erasure_requested_at = e.at; },
                 [&](const refund_address_given& e) {
                   o.refund_address = e.address;
                   o.refund_address_by = e.by;
                 },
                 [&](const refund_recorded& e) {
                   o.refunds.push_back(refund_sent{e.txid, e.amount, e.at});
                   o.refunded = e.refunded_total;
                   o.timeline.push_back(timeline_entry{e.at, o.status, e.still_due == atomic_amount{}
                                                                           ? "Refund sent"
                                                                           : "Part of the refund sent"});
                 },
                 [&](const personal_data_erased& e) {
                   // What a replay shows once the sealed texts no longer open.
                   o.customer_erased_at = e.at;
                   for (auto& note : o.notes) note = erased_text;
                   if (o.customer_review) o.customer_review->text = erased_text;
                   if (o.refund_address) o.refund_address = erased_text;
                   if (o.cancel_reason) {
                     o.cancel_reason = erased_text;
                     for (auto& t : o.timeline)
                       if (t.status == order_status::cancelled) t.note = std::string{"Cancelled: "} + erased_text;
                   }
                 },
             },
             event);
  return o;
}

bool order::has_payment(std::string_view txid, bool counted_only) const {
  return std::any_of(payments.begin(), payments.end(),
                     [&](const payment_entry& p) { return p.txid == txid && (p.counted || !counted_only); });
}

payment_state order::payment_progress() const {
  if (payment) return payment->refund_due != atomic_amount{} ? payment_state::overpaid : payment_state::paid;
  for (const auto& p : payments)
    if (!p.counted) return payment_state::detected;
  if (received != atomic_amount{}) return payment_state::underpaid;
  return payment_state::awaiting;
}

const char* to_string(payment_state s) noexcept {
  switch (s) {
    case payment_state::awaiting:
      return "awaiting";
    case payment_state::detected:
      return "detected";
    case payment_state::underpaid:
      return "underpaid";
    case payment_state::paid:
      return "paid";
    case payment_state::overpaid:
      return "overpaid";
  }
  return "unknown";
}

atomic_amount order::refund_due() const {
  if (status == order_status::cancelled) return received;
  return payment ? payment->refund_due : atomic_amount{};
}

atomic_amount order::refund_outstanding() const {
  const atomic_amount due = refund_due();
  return refunded < due ? due - refunded : atomic_amount{};
}

std::optional<refund_state> order::refund_progress() const {
  if (refund_due() == atomic_amount{} && refunds.empty()) return std::nullopt;
  if (refund_outstanding() == atomic_amount{}) return refund_state::refunded;
  return refund_address ? refund_state::requested : refund_state::due;
}

const char* to_string(refund_state s) noexcept {
  switch (s) {
    case refund_state::due:
      return "due";
    case refund_state::requested:
      return "requested";
    case refund_state::refunded:
      return "refunded";
  }
  return "unknown";
}

bool owes_money(const order& o) {
  if (o.status == order_status::pending && !o.payments.empty()) return true;
  return o.refund_outstanding() > atomic_amount{};
}

order replay(const std::vector<order_event>& events) {
  order o;
  for (const auto& e : events) o = apply(std::move(o), e);
  return o;
}

timestamp event_time(const order_event& event) {
  return std::visit([](const auto& e) { return e.at; }, event);
}

const char* event_type(const order_event& event) noexcept {
  return std::visit(overloaded{
                        [](const order_placed&) { return "order_placed"; },
                        [](const payment_claimed&) { return "payment_claimed"; },
                        [](const payment_detected&) { return "payment_detected"; },
                        [](const payment_received&) { return "payment_received"; },
                        [](const payment_verified&) { return "payment_verified"; },
                        [](const payment_requoted&) { return "payment_requoted"; },
                        [](const underpayment_expired&) { return "underpayment_expired"; },
                        [](const processing_started&) { return "processing_started"; },
                        [](const order_shipped&) { return "order_shipped"; },
                        [](const order_delivered&) { return "order_delivered"; },
                        [](const order_cancelled&) { return "order_cancelled"; },
                        [](const note_added&) { return "note_added"; },
                        [](const customer_contacted&) { return "customer_contacted"; },
                        [](const review_left&) { return "review_left"; },
                        [](const payment_reminder_sent&) { return "payment_reminder_sent"; },
                        [](const review_requested&) { return "review_requested"; },
                        [](const erasure_requested&) { return "erasure_requested"; },
                        [](const personal_data_erased&) { return "personal_data_erased"; },
                        [](const payment_withdrawn&) { return "payment_withdrawn"; },
                        [](const payment_reversed&) { return "payment_reversed"; },
                        [](const refund_address_given&) { return "refund_address_given"; },
                        [](const refund_recorded&) { return "refund_recorded"; },
                    },
                    event);
}

std::string tracking_url(const std::string& carrier, const std::string& number) {
  std::string c;
  for (char ch : carrier) c.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  std::string safe;  // tracking numbers are alphanumeric; anything else would break the URL
  for (char ch : number)
    if (std::isalnum(static_cast<unsigned char>(ch))) safe.push_back(ch);
  if (c == "ups") return "https://www.ups.com/track?tracknum=" + safe;
  if (c == "usps") return "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + safe;
  if (c == "fedex") return "https://www.fedex.com/fedextrack/?trknbr=" + safe;
  if (c == "dhl") return "https://www.dhl.com/us-en/home/tracking.html?tracking-id=" + safe;
  return "";
}

}  // namespace domain
