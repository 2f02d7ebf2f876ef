#pragma once

// Rows as the persistence layer stores them. Plain std types only: the lead's
// code maps domain types to and from these, so this layer never sees CAF or
// the domain. Ids are canonical UUID text, JSON columns are JSON text, and
// every timestamp is int64 milliseconds since the Unix epoch (UTC).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace persistence {

struct stored_event {
  std::string order_id;
  std::int64_t seq = 0;
  std::string type;
  std::string payload_json;
  std::int64_t recorded_at_ms = 0;
  // JSON pointers into payload_json of text a customer or an admin wrote
  // (a review, a note): sealed under the customer's key when stored, read
  // back in the clear, or as null once the customer was erased.
  std::vector<std::string> personal_paths;
};

// What an order adds to the KPIs, kept beside its read model (order_kpis).
struct kpi_fact_row {
  bool paid = false;
  std::optional<std::int64_t> processing_ms;  // paid -> shipped; none until both happened
  bool delivered = false;
  bool reviewed = false;
  std::int64_t refunded_cents = 0;  // the revenue refunds took back
};

struct order_row {
  std::string id;
  std::string number;
  std::string status;
  std::string customer_ref;
  std::string payment_method;
  std::int64_t total_cents = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t version = 0;
  std::string view_json;
  std::vector<std::string> personal_paths;   // into view_json, as stored_event's
  std::int64_t closed_at_ms = 0;             // delivered plus the review window, or cancelled; 0 while open
  std::int64_t erasure_requested_at_ms = 0;  // when the customer asked for erasure; 0 never
  std::int64_t customer_erased_at_ms = 0;    // when the customer's personal data was erased; 0 never
  // The payment columns the matcher looks orders up by (written, not read back).
  std::string payment_address;  // empty: the coin's static address
  std::string quote_atomic = "0";
  std::string outstanding_atomic = "0";  // still due; 0 once paid
  std::int64_t quoted_at_ms = 0;
  std::int64_t quote_expires_at_ms = 0;
  // The refund the shop owes (migration 013); refund_state empty: none ever due.
  std::string refund_state;
  std::string refund_due_atomic = "0";
  std::string refunded_atomic = "0";
  std::string refund_outstanding_atomic = "0";
  kpi_fact_row kpi;
};

// In the clear in the process; sealed under the customer's data key in the
// database. After erasure name, email and shipping_json come back empty and
// `erased` is true; an empty shipping_json is stored as NULL.
struct customer_row {
  std::string ref;
  std::string name;
  std::string email;
  std::string shipping_json;
  std::int64_t created_at_ms = 0;
  bool erased = false;
  std::int64_t erased_at_ms = 0;
};

struct idempotency_row {
  std::string key;
  std::string fingerprint;
  std::string order_id;
  std::int64_t created_at_ms = 0;
};

struct product_row {
  std::string sku;
  std::string name;
  std::string description;
  std::int64_t price_cents = 0;
  std::string image_url;
  int stock = 0;
  int position = 0;
};

// A timer the decision sets (or moves): due at `due_at_ms`.
struct timer_row {
  std::string kind;
  std::int64_t due_at_ms = 0;
};

// An email the decision owes; rendered and sent later by the mailer.
struct outbox_row {
  std::string kind;
  std::string payload_json = "{}";
  std::int64_t created_at_ms = 0;
  std::vector<std::string> personal_paths;  // into payload_json, as stored_event's
};

// A timer claimed by claim_due_timers, to be delivered to its order.
struct due_timer {
  std::string order_id;
  std::string kind;
  std::int64_t due_at_ms = 0;
};

// An outbox message claimed for delivery, or listed for the admin.
struct outbox_entry {
  std::int64_t id = 0;
  std::string order_id;
  std::string kind;
  std::string payload_json;
  int attempts = 0;    // failed deliveries so far
  std::string status;  // pending, sent, dead
  std::string last_error;
  std::int64_t created_at_ms = 0;
};

// A payment counted for an order (its payment_received event).
struct payment_row {
  std::string coin;
  std::string txid;  // trimmed, lower case
  std::string amount_atomic;
  std::string source;
  std::int64_t received_at_ms = 0;
  std::int64_t counted_at_ms = 0;
};

// A payment a chain watcher counted for an order, as a restarted watcher
// recalls it: a reorganisation may still take it back.
struct counted_payment_row {
  std::string txid;  // as counted (lower case)
  std::string order_id;
  std::string amount_atomic;
  std::int64_t received_at_ms = 0;
  std::string address;  // the order's own address, as the order holds it
};

// A payment exception, as the admin lists it. order_id is empty when it names no order.
struct exception_row {
  std::int64_t id = 0;
  std::string coin;
  std::string txid;
  std::string amount_atomic;
  std::int64_t received_at_ms = 0;
  std::string memo;
  std::string reason;
  std::string source;
  std::string status = "open";  // open, resolved, dismissed
  std::string order_id;
  std::int64_t created_at_ms = 0;
  std::int64_t resolved_at_ms = 0;  // 0 while open
  std::string resolved_by;
  std::string resolution;
};

struct payment_key {
  std::string coin;
  std::string txid;
  friend bool operator<(const payment_key& a, const payment_key& b) {
    return a.coin != b.coin ? a.coin < b.coin : a.txid < b.txid;
  }
};

// What the matcher looks orders up by for one payment; empty strings are absent.
struct payment_lookup {
  std::string coin;
  std::string txid;
  std::string amount_atomic;      // live orders still owing at least this ...
  std::string max_amount_atomic;  // ... and at most this (the tolerance)
  std::string address;
  std::string memo;
  std::int64_t received_at_ms = 0;
};

// An order that payment_lookups[lookup] might be for.
struct payment_candidate_row {
  std::size_t lookup = 0;
  std::string id;
  std::string number;
  std::string status;
  std::string payment_address;  // empty: the static address
  std::string quote_atomic;
  std::string outstanding_atomic;
  std::int64_t quoted_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::string claimed_txid;  // set when found by the customer's claim
};

// The orders placed on one UTC day, summed (see domain::kpi_day_totals).
struct kpi_day_row {
  std::int64_t day_ms = 0;  // its midnight
  std::int64_t orders = 0, paid = 0, paid_total_cents = 0, refunded_cents = 0, delivered = 0, reviewed = 0;
};

struct kpi_inputs {
  std::int64_t checkouts_started = 0;
  std::vector<kpi_day_row> days;                                 // only the days that had orders
  std::int64_t processed = 0;                                    // orders with a processing time
  std::int64_t processing_median_ms = 0, processing_p90_ms = 0;  // nearest rank; 0 when none
};

// Gauges for /metrics, read in one round trip.
struct metrics_snapshot {
  std::vector<std::pair<std::string, std::int64_t>> orders_by_status;
  std::int64_t outbox_pending = 0;
  std::int64_t outbox_dead = 0;
  std::int64_t timers_due = 0;
  std::int64_t payment_exceptions_open = 0;
  std::int64_t mail_suppressed = 0;  // emails not sent: over their recipient's hourly cap
  std::int64_t webhooks_due = 0;     // webhook deliveries pending whose next attempt is due now
};

// One decision of one order: its new events (consecutive seqs, all of
// read_model.id) and everything that must commit with them or not at all.
// An order event as webhooks tell it: the payload has no personal data.
struct webhook_event_row {
  std::int64_t seq = 0;
  std::string type;
  std::string payload_json;
  std::int64_t occurred_at_ms = 0;
};

struct append_item {
  std::vector<stored_event> events;
  order_row read_model;
  std::optional<customer_row> customer;
  std::optional<idempotency_row> idempotency;
  std::vector<timer_row> timers_set;        // upserted: a later due time replaces an earlier one
  std::vector<std::string> timers_cleared;  // kinds the decision made moot
  std::vector<outbox_row> outbox;
  std::vector<payment_row> payments;  // counted by this decision
  // Counted before, taken back by this decision (their block left the chain):
  // no longer counted, so the same transaction counts again if it is mined again.
  std::vector<payment_key> payments_reversed;
  std::vector<exception_row> exceptions;  // raised by this decision (order_id is the item's)
  // The order is paid in full after its part payment became an exception: that
  // exception is settled, in the same transaction.
  bool settles_underpayment = false;
  // The decision erases its customer: the data key is destroyed, the sealed
  // columns cleared and the customer's pending mail dropped, in the same
  // transaction.
  bool erases_customer = false;
  // Each event as a webhook would tell it (domain::webhook_payload); the
  // journal writes one delivery per endpoint subscribed to its type.
  std::vector<webhook_event_row> webhook_events;
};

enum class append_outcome {
  committed,
  // Another writer holds one of the item's seqs or its idempotency key:
  // nothing of the item was written; reload the order and decide again.
  conflict,
};

// A customer's request to be erased, as the admin's task list shows it.
struct erasure_request_row {
  std::string order_id;
  std::string number;
  std::string customer_ref;
  std::int64_t requested_at_ms = 0;
  std::int64_t erased_at_ms = 0;  // 0 while the request is open
};

// An order whose customer's retention ran out (the order closed long enough ago).
struct retention_candidate {
  std::string order_id;
  std::int64_t closed_at_ms = 0;
};

// Empty strings count as absent (an empty `q=` is no search).
struct order_filter {
  std::optional<std::string> status;
  // An order number (exact or prefix, case-insensitive) or a customer email
  // (exact, case-insensitive).
  std::optional<std::string> query;
  int limit = 50;                     // clamped to 1..max_page_size
  std::optional<std::string> cursor;  // opaque, from the previous page
};

inline constexpr int max_page_size = 500;

struct order_page {
  std::vector<order_row> rows;
  std::optional<std::string> next_cursor;  // absent on the last page
};

}  // namespace persistence
