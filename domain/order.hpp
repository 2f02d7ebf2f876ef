#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/checkout.hpp"
#include "domain/error.hpp"
#include "domain/payment.hpp"
#include "domain/strong_types.hpp"

namespace domain {

enum class order_status { pending, paid, processing, shipped, delivered, cancelled };
const char* to_string(order_status) noexcept;
std::optional<order_status> parse_status(std::string_view);

/// Who asked for a change; the same command can be allowed for one and not the other.
enum class actor_role { customer, admin, system };
const char* to_string(actor_role) noexcept;

// ---- commands: imperative, carry their time and any new ids -----------------

struct place_order {
  order_id id;
  order_number number;
  customer_ref customer;
  std::vector<order_line> lines;
  cents subtotal, shipping, total;
  payment_quote quote;
  std::string checkout_fingerprint;  // keyed hash of the request, for idempotent retries
  timestamp at;
};
struct claim_payment {
  std::string tx_id;
  timestamp at;
};
/// The admin's word that a payment arrived (checked in the wallet by hand).
/// Decided like record_payment: the admin's payment is tied to this order by
/// assignment, counts as confirmed, and is accepted after the quote's expiry.
struct verify_payment {
  std::string tx_id;
  atomic_amount amount;
  timestamp at;
  int tolerance_bp = 0;  // payments.tolerance_percent x 100
};
/// A payment the matcher tied to this order (domain/matcher.hpp). The order
/// re-checks it against its own state, which is the truth: the matcher decided
/// on a read model that may be a moment old.
struct record_payment {
  std::string txid;
  atomic_amount amount;
  int confirmations = 0;
  payment_source source = payment_source::watcher;
  match_basis basis = match_basis::amount;
  int tolerance_bp = 0;
  bool accept_late = false;  // the admin assigned it: the quote's expiry is waived
  timestamp received_at;     // when the wallet first saw it
  timestamp at;
};
/// A detected payment left the chain source before it was counted: replaced by
/// another transaction (RBF) or dropped from the mempool. It is taken back, and
/// the order's payment is as it was before it appeared.
struct withdraw_payment {
  std::string txid;
  timestamp at;
};
/// A counted payment is no longer on the chain: the block it was mined in left
/// the chain in a reorganisation, and the new chain does not hold it. It is
/// taken back: the order is as it was before that payment counted (a paid
/// order awaits payment again). A payment still only detected is withdrawn.
struct reverse_payment {
  std::string txid;
  timestamp at;
};
/// A fresh quote for an order whose quote expired with nothing paid. The order
/// keeps its number, items and (per-order) receiving address.
struct requote_order {
  std::vector<payment_method> methods;  // as configured now: the order's coin at today's rate
  duration ttl{};
  timestamp at;
};
struct start_processing {
  timestamp at;
};
struct ship_order {
  std::string carrier, tracking_number, estimated_delivery;  // date "YYYY-MM-DD"
  timestamp at;
};
struct mark_delivered {
  timestamp at;
};
struct cancel_order {
  std::string reason;
  actor_role by = actor_role::admin;
  timestamp at;
};
struct add_note {
  std::string text;
  timestamp at;
};
struct contact_customer {
  std::string message;
  timestamp at;
};
struct leave_review {
  int rating = 0;
  std::string text;
  timestamp at;
};
/// The customer asks the shop to erase their personal data; the admin decides.
struct request_erasure {
  timestamp at;
};
/// The customer's personal data is destroyed (their data key, at rest): by
/// the admin, or by the retention policy (system).
struct erase_personal_data {
  actor_role by = actor_role::admin;
  timestamp at;
};

/// Checks a refund address for a coin ("BTC", "ETH", ...) and returns it as it is
/// stored (canonical case), or a validation error naming `address`. The engine
/// supplies it (chains/refund_address, with the shop's network): the domain
/// cannot know every coin's address format, only when an address is wanted.
using refund_address_check = std::function<result<std::string>(const std::string& coin, const std::string& text)>;

/// Where a refund owed to the customer should go: given by the customer on
/// their order page, or entered by the admin (who heard it another way).
struct set_refund_address {
  std::string address;
  actor_role by = actor_role::customer;
  refund_address_check check;
  timestamp at;
};
/// The admin sent (part of) the refund from the shop's wallet by hand: the
/// shop has no hot wallet, so the engine only records it.
struct record_refund {
  std::string txid;
  atomic_amount amount;
  // More than is still due is refused unless the admin says it is what was
  // sent (e.g. the shop paid the network fee on top).
  bool allow_excess = false;
  timestamp at;
};

/// The follow-ups an order schedules for itself (durable timers).
/// quote_expiry: an order paid in part and not completed by its quote's expiry
/// becomes a payment exception and the customer is asked to get in touch.
enum class timer_kind { payment_reminder, unpaid_expiry, review_request, quote_expiry };
const char* to_string(timer_kind) noexcept;
std::optional<timer_kind> parse_timer_kind(std::string_view);

/// A durable timer came due. The order re-checks its state: a reminder for an
/// order paid in the meantime does nothing.
struct fire_timer {
  timer_kind kind = timer_kind::payment_reminder;
  timestamp at;
};

using order_command = std::variant<place_order, claim_payment, verify_payment, record_payment, requote_order,
                                   start_processing, ship_order, mark_delivered, cancel_order, add_note,
                                   contact_customer, leave_review, fire_timer, request_erasure, erase_personal_data,
                                   withdraw_payment, reverse_payment, set_refund_address, record_refund>;

// ---- events: past tense, the only truth --------------------------------------

struct order_placed {
  order_id id;
  order_number number;
  customer_ref customer;
  std::vector<order_line> lines;
  cents subtotal, shipping, total;
  payment_quote quote;
  std::string checkout_fingerprint;
  timestamp at;
};
struct payment_claimed {
  std::string tx_id;
  timestamp at;
};
/// Seen on the chain, not yet confirmed enough to count (shown as "detected").
struct payment_detected {
  std::string txid;
  atomic_amount amount;
  int confirmations = 0;
  timestamp at;
};
/// A detected, uncounted payment is no longer on the chain (replaced or dropped).
struct payment_withdrawn {
  std::string txid;
  atomic_amount amount;
  timestamp at;
};
/// A counted payment left the chain (a reorganisation): it no longer counts.
/// An order it had paid is pending again, and its customer, told "paid", is
/// told otherwise (`message`).
struct payment_reversed {
  std::string coin, txid;
  atomic_amount amount;
  atomic_amount received_total;  // what still counts once it is taken back
  bool was_paid = false;         // the order was paid (and the customer told so) and is pending again
  std::string message;           // to the customer when was_paid; empty otherwise
  timestamp quote_expires_at;    // when a part payment still counted stops waiting for the rest
  timestamp at;
};
/// A payment counted towards the order; payment_verified follows in the same
/// decision when the order is paid in full.
struct payment_received {
  std::string coin, txid;
  atomic_amount amount;
  atomic_amount received_total;  // every payment counted so far, this one included
  int confirmations = 0;
  payment_source source = payment_source::watcher;
  match_basis basis = match_basis::amount;
  timestamp received_at;
  timestamp quote_expires_at;  // when a part payment stops waiting for the rest
  timestamp at;
};
/// The order is paid: status paid.
struct payment_verified {
  std::string tx_id;         // the payment that completed it
  atomic_amount received;    // in total
  atomic_amount refund_due;  // received - quoted when overpaid, else 0
  timestamp at;
};
struct payment_requoted {
  payment_quote quote;
  timestamp at;
};
/// Paid in part when the quote expired: an exception for the admin, and the
/// customer is asked to get in touch (`message`).
struct underpayment_expired {
  std::string coin, txid;  // the last payment counted
  atomic_amount received, still_due;
  std::string message;
  timestamp at;
};
struct processing_started {
  timestamp at;
};
struct order_shipped {
  std::string carrier, tracking_number, tracking_url, estimated_delivery;
  timestamp at;
};
struct order_delivered {
  timestamp at;
};
struct order_cancelled {
  std::string reason;
  actor_role by = actor_role::admin;
  timestamp at;
  // What the cancellation leaves the shop owing back (everything counted for
  // the order); 0 for an unpaid order.
  atomic_amount refund_due{};
};
struct note_added {
  std::string text;
  timestamp at;
};
struct customer_contacted {
  std::string message;
  timestamp at;
};
struct review_left {
  int rating = 0;
  std::string text;
  timestamp at;
};
struct payment_reminder_sent {
  timestamp at;
};
struct review_requested {
  timestamp at;
};
struct erasure_requested {
  timestamp at;
};
/// A refund address was given (checked for the order's coin, stored canonical).
/// Personal data: sealed under the customer's key like their shipping address.
struct refund_address_given {
  std::string address;
  actor_role by = actor_role::customer;
  timestamp at;
};
/// The admin sent a refund: `refunded_total` is every refund so far, this one
/// included; `still_due` what the shop still owes after it (0: settled).
struct refund_recorded {
  std::string txid;
  atomic_amount amount, refunded_total, still_due;
  timestamp at;
};
/// Every personal text of the order (notes, review, messages, cancel reason)
/// reads as erased_text from here on, and its customer's details are gone.
struct personal_data_erased {
  actor_role by = actor_role::admin;
  timestamp at;
};

using order_event = std::variant<order_placed, payment_claimed, payment_detected, payment_received, payment_verified,
                                 payment_requoted, underpayment_expired, processing_started, order_shipped,
                                 order_delivered, order_cancelled, note_added, customer_contacted, review_left,
                                 payment_reminder_sent, review_requested, erasure_requested, personal_data_erased,
                                 payment_withdrawn, payment_reversed, refund_address_given, refund_recorded>;

timestamp event_time(const order_event&);
const char* event_type(const order_event&) noexcept;  // "order_placed", ...

// ---- state ---------------------------------------------------------------------

struct timeline_entry {
  timestamp at;
  order_status status;
  std::string note;
};

struct shipment {
  std::string carrier, tracking_number, tracking_url, estimated_delivery;
};

/// How the order was paid in full.
struct payment_record {
  std::string tx_id;
  atomic_amount received;
  atomic_amount refund_due;
  timestamp at;
};

/// One payment seen for the order: counted, or detected and awaiting confirmations.
struct payment_entry {
  std::string coin, txid;
  atomic_amount amount;
  int confirmations = 0;
  bool counted = false;
  payment_source source = payment_source::watcher;
  match_basis basis = match_basis::amount;
  timestamp received_at;
};

enum class payment_state { awaiting, detected, underpaid, paid, overpaid };
const char* to_string(payment_state) noexcept;

/// A refund the shop owes: `due` while no address is known, `requested` once
/// the customer (or the admin) gave one, `refunded` when sent in full. A part
/// refund leaves the order `requested` with the rest still due.
enum class refund_state { due, requested, refunded };
const char* to_string(refund_state) noexcept;

struct refund_sent {
  std::string txid;
  atomic_amount amount;
  timestamp at;
};

struct review {
  int rating = 0;
  std::string text;
  timestamp at;
};

struct order {
  std::int64_t version = 0;  // seq of the last applied event; 0 = does not exist
  order_id id;
  order_number number;
  customer_ref customer;
  order_status status = order_status::pending;
  std::vector<order_line> lines;
  cents subtotal, shipping, total;
  payment_quote quote;
  std::string checkout_fingerprint;
  timestamp quoted_at;  // checkout, or the last requote
  std::vector<std::string> claimed_tx_ids;
  std::vector<payment_entry> payments;  // in the order first seen
  atomic_amount received;               // counted payments, in total
  bool underpayment_expired = false;
  std::optional<payment_record> payment;
  std::optional<shipment> shipped;
  std::optional<review> customer_review;
  std::optional<std::string> cancel_reason;
  std::optional<actor_role> cancelled_by;
  bool reminder_sent = false;
  bool review_requested = false;
  std::vector<timeline_entry> timeline;
  std::vector<std::string> notes;
  std::optional<timestamp> delivered_at, cancelled_at;
  std::optional<timestamp> erasure_requested_at;  // the customer asked for erasure
  std::optional<timestamp> customer_erased_at;    // their personal data was erased
  std::optional<std::string> refund_address;      // canonical for the coin; erased_text once erased
  std::optional<actor_role> refund_address_by;
  std::vector<refund_sent> refunds;               // in the order recorded
  atomic_amount refunded;                         // their sum
  timestamp created_at, updated_at;

  bool exists() const { return version > 0; }
  bool has_payment(std::string_view txid, bool counted_only) const;
  /// For the customer: awaiting, detected (seen, not confirmed), underpaid
  /// (counted, short), paid, overpaid.
  payment_state payment_progress() const;
  /// What the shop owes back in total: everything counted when the order was
  /// cancelled (paid, or paid in part and never completed), else the excess
  /// of an overpayment. Refunds already sent are not deducted.
  atomic_amount refund_due() const;
  /// refund_due() less what was refunded (0 when refunded in full or more).
  atomic_amount refund_outstanding() const;
  /// nullopt when no refund was ever due.
  std::optional<refund_state> refund_progress() const;
};

constexpr std::size_t max_note_length = 2000;

/// What a personal text reads as once its customer was erased.
inline constexpr const char* erased_text = "[erased]";

/// Money still owed either way: the customer's (pending with a payment seen)
/// or the shop's (a refund not yet sent in full). Personal data is not erased until settled:
/// the shop must still be able to reach the customer.
bool owes_money(const order& o);

/// The order's behaviour: which events a command produces in a state, or why not.
/// Pure: no clock, no randomness, no I/O. An empty list means "nothing to do"
/// (an idempotent retry).
result<std::vector<order_event>> decide(const order& state, const order_command& command);

/// Folds one event into the state. Events are facts: apply never rejects.
order apply(order state, const order_event& event);

order replay(const std::vector<order_event>& events);

/// A carrier's public tracking page, or "" for carriers we do not know.
std::string tracking_url(const std::string& carrier, const std::string& tracking_number);

}  // namespace domain
