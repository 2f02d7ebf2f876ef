#pragma once

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
struct verify_payment {
  std::string tx_id;
  atomic_amount amount;
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

/// The follow-ups an order schedules for itself (DESIGN rule 3).
enum class timer_kind { payment_reminder, unpaid_expiry, review_request };
const char* to_string(timer_kind) noexcept;
std::optional<timer_kind> parse_timer_kind(std::string_view);

/// A durable timer came due. The order re-checks its state: a reminder for an
/// order paid in the meantime does nothing.
struct fire_timer {
  timer_kind kind = timer_kind::payment_reminder;
  timestamp at;
};

using order_command = std::variant<place_order, claim_payment, verify_payment, start_processing, ship_order,
                                   mark_delivered, cancel_order, add_note, contact_customer, leave_review, fire_timer>;

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
struct payment_verified {
  std::string tx_id;
  atomic_amount received;
  atomic_amount refund_due;  // received - quoted when overpaid, else 0
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

using order_event =
    std::variant<order_placed, payment_claimed, payment_verified, processing_started, order_shipped, order_delivered,
                 order_cancelled, note_added, customer_contacted, review_left, payment_reminder_sent, review_requested>;

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

struct payment_record {
  std::string tx_id;
  atomic_amount received;
  atomic_amount refund_due;
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
  std::vector<std::string> claimed_tx_ids;
  std::optional<payment_record> payment;
  std::optional<shipment> shipped;
  std::optional<review> customer_review;
  std::optional<std::string> cancel_reason;
  std::optional<actor_role> cancelled_by;
  bool reminder_sent = false;
  bool review_requested = false;
  std::vector<timeline_entry> timeline;
  std::vector<std::string> notes;
  timestamp created_at, updated_at;

  bool exists() const { return version > 0; }
};

constexpr std::size_t max_note_length = 2000;

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
