#pragma once

// What the application face answers besides domain types: plain views of
// what the admin, the operator and the storefront read. No database row, no
// actor message, no JSON: http/ renders these, actors/ fills them.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/checkout.hpp"
#include "domain/order.hpp"
#include "domain/time.hpp"

namespace app {

// ---- storefront -----------------------------------------------------------------

struct checkout_request {
  domain::checkout_input input;
  std::string idempotency_key;    // "" when the client sent none
  std::string canonical_request;  // the body in canonical form, for the retry fingerprint
};

struct placed_order {
  domain::order order;
  std::string access_token;
  std::string view_json;  // domain::customer_view(order) as JSON text when at hand, else empty
};

// ---- admin: orders ----------------------------------------------------------------

inline constexpr int max_page_size = 500;

struct order_filter {
  std::optional<domain::order_status> status;
  /// An order number (exact or prefix, case-insensitive) or a customer email
  /// (exact, case-insensitive).
  std::optional<std::string> query;
  int limit = 50;                     // 1..max_page_size
  std::optional<std::string> cursor;  // opaque, from the previous page
};

struct order_summary {
  std::string id;
  std::string number;
  std::string status;
  std::string payment_method;
  std::int64_t total_cents = 0;
  domain::timestamp created_at;
  domain::timestamp updated_at;
};

struct order_page {
  std::vector<order_summary> orders;
  std::optional<std::string> next_cursor;  // absent on the last page
};

/// `GET /admin/api/refunds?state=`: which refunds to list.
enum class refund_list { owed, due, requested, refunded };

struct refund_summary {
  order_summary order;
  std::string state;  // due, requested, refunded
  std::string due_atomic, refunded_atomic, outstanding_atomic;
  int decimals = 0;  // of the order's coin, to show the amounts
};

struct refund_page {
  std::vector<refund_summary> refunds;
  std::optional<std::string> next_cursor;  // absent on the last page
};

struct customer_record {
  std::string ref;
  domain::customer_details details;
  std::optional<domain::shipping_address> shipping;  // absent when none was stored
  bool erased = false;                               // details empty, shipping absent
  std::optional<domain::timestamp> erased_at;
};

/// A customer's personal data was erased.
struct erasure_receipt {
  std::string ref;
  domain::timestamp erased_at;
};

/// A customer asked for erasure from their order page: a task for the admin.
struct erasure_request {
  std::string order_id;
  std::string order_number;
  std::string customer_ref;
  domain::timestamp requested_at;
  std::optional<domain::timestamp> erased_at;  // absent while open
};

/// One event of an order's journal as the admin reads it.
struct event_record {
  std::int64_t seq = 0;
  std::string type;
  domain::timestamp at;
  std::string data_json;  // the event's payload, a JSON document
};

struct admin_order_details {
  domain::order order;
  std::optional<customer_record> customer;  // absent once erased
  std::vector<event_record> events;
};

// ---- admin: mail and payments ------------------------------------------------------

struct dead_message {
  std::int64_t id = 0;
  std::string order_id;
  std::string kind;
  int attempts = 0;
  std::string last_error;
  std::string status;  // "dead", or "uncertain": its sender died mid-send, it may have gone out
  domain::timestamp created_at;
};

struct payment_exception {
  std::int64_t id = 0;
  std::string coin;
  std::string txid;
  std::string amount_atomic;
  domain::timestamp received_at;
  std::string memo;  // "" when the payment had none
  std::string reason;
  std::string source;
  std::string status;    // open, resolved, dismissed
  std::string order_id;  // "" when it names no order
  domain::timestamp created_at;
  domain::timestamp resolved_at;  // meaningful once not open
  std::string resolved_by;
  std::string resolution;
};

/// The answer to a wallet CSV import: every data row is counted in exactly one
/// of matched, exceptions, duplicates and rejected.
struct import_summary {
  int processed = 0;
  int matched = 0;
  int exceptions = 0;
  int duplicates = 0;
  struct rejected_row {
    int line = 0;
    std::string reason;
  };
  std::vector<rejected_row> rejected;
};

// ---- operations -------------------------------------------------------------------

struct readiness {
  bool database = false;
  bool supervision = false;
};

struct child_report {
  std::string name;
  std::string state;  // running, restarting, failed
  int restarts = 0;
  std::string last_error;
};

struct supervision_report {
  bool healthy = false;
  std::string strategy;
  std::vector<child_report> children;
};

struct order_actor_counts {
  std::uint64_t live = 0;
  std::uint64_t spawned = 0;
  std::uint64_t passivated = 0;
  std::uint64_t crashed = 0;
};

struct journal_counts {
  std::uint64_t queued = 0;
  std::uint64_t batches = 0;
  std::uint64_t appends = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t largest_batch = 0;
  std::uint64_t refused = 0;  // appends refused: the queue was full
};

struct timer_counts {
  std::uint64_t claimed = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::uint64_t in_flight = 0;
};

/// The retention policy (privacy.*): what it keeps and what it did.
struct retention_report {
  domain::duration retain_customer_data_for{};
  domain::duration retain_analytics_for{};
  std::optional<domain::timestamp> last_run, next_run;
  std::uint64_t runs = 0;
  std::uint64_t customers_erased = 0;
  std::uint64_t money_owed = 0;  // past retention but owing money: kept until settled
  std::uint64_t failed = 0;
  std::uint64_t analytics_days_folded = 0;
  std::string last_error;
};

struct payment_counts {
  std::uint64_t seen = 0;
  std::uint64_t matched = 0;
  std::uint64_t awaiting = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t duplicates = 0;
};

struct watcher_report {
  bool answering = false;  // false: the watcher did not answer; only last_error is set
  std::string coin;
  bool up = false;  // the last poll reached the wallet
  std::string last_error;
  std::uint64_t height = 0;
  std::optional<domain::timestamp> last_poll;
  std::uint64_t polls = 0;
  std::uint64_t failures = 0;
  std::uint64_t transfers_sent = 0;
  std::uint64_t addresses = 0;
  std::uint64_t followed = 0;  // payments still followed: awaiting confirmations, or young enough to leave the chain
};

/// A node of the cluster that was heard from within cluster.failover_after.
struct cluster_node {
  std::string name;
  domain::timestamp started_at;
  domain::timestamp last_seen;
};

/// Which node runs a per-shop singleton (the retention run, a chain watcher).
struct singleton_holder {
  std::string singleton;  // "retention", "watcher_XMR"
  std::string node;       // its last holder
  domain::timestamp since;
  bool node_live = false;  // false: the holder died and no node has taken over yet
};

/// This node and the cluster around it, as the shared database sees them.
struct cluster_report {
  std::string node;  // this node's name (cluster.node_name)
  domain::timestamp started_at;
  std::vector<cluster_node> live_nodes;
  std::vector<singleton_holder> singletons;
  std::string last_error;  // the database did not answer: the lists are empty
};

/// GET /admin/api/system. The sections are gathered one after the other; the
/// first that does not answer ends the report with `error` and leaves the
/// later ones absent. Watchers that do not answer are listed as such.
struct system_report {
  std::optional<supervision_report> supervisor;
  std::optional<order_actor_counts> order_actors;
  std::optional<journal_counts> journal;
  std::optional<timer_counts> timers;
  std::optional<payment_counts> payments;
  std::optional<retention_report> retention;
  std::optional<std::vector<watcher_report>> watchers;  // those running on this node
  std::optional<cluster_report> cluster;
  std::optional<std::string> error;
};

struct queue_gauges {
  std::vector<std::pair<std::string, std::int64_t>> orders_by_status;
  std::int64_t outbox_pending = 0;
  std::int64_t outbox_dead = 0;
  std::int64_t timers_due = 0;
  std::int64_t payment_exceptions_open = 0;
  std::int64_t mail_suppressed = 0;  // emails not sent: over their recipient's hourly cap
  std::int64_t webhooks_due = 0;     // webhook deliveries whose next attempt is due now, shop-wide
};

/// What this node's webhook sender did since it started.
struct webhook_counts {
  std::uint64_t delivered = 0;  // attempts a receiver took (2xx)
  std::uint64_t retried = 0;    // attempts that failed and will be tried again
  std::uint64_t given_up = 0;   // attempts that failed for good (past webhooks.give_up_after)
};

/// The engine's side of GET /metrics. A source that does not answer in time is
/// absent and named in `missing`, so a scrape never fails as a whole.
struct engine_metrics {
  std::string node;                                      // this node's name, a label of ccc_node_info
  std::vector<std::pair<std::string, bool>> singletons;  // each singleton, and whether it runs on this node
  std::optional<queue_gauges> database;
  std::optional<order_actor_counts> order_actors;
  std::optional<journal_counts> journal;
  std::optional<payment_counts> payments;
  std::optional<webhook_counts> webhooks;
  std::vector<watcher_report> watchers;  // those that answered
  std::vector<std::string> missing;      // database, order_registry, journal, payment_matcher, webhook_sender, watcher
};

}  // namespace app
