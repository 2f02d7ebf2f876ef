#pragma once

// The values our actors exchange. Nodes never exchange actor messages (they
// meet in the database), so these types are only ever passed
// within one process and are whitelisted instead of serialized.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <optional>
#include <string>
#include <vector>

#include "app/admin_access.hpp"
#include "domain/matcher.hpp"
#include "domain/order.hpp"
#include "persistence/cluster_membership.hpp"
#include "persistence/receiving_address_store.hpp"
#include "persistence/rows.hpp"
#include "persistence/webhook_store.hpp"

namespace actors {

/// A command for one order, with the rows that must commit with its events
/// but must not be part of them (personal data, the idempotency record).
struct order_request {
  domain::order_id id;
  domain::order_command command;
  std::optional<persistence::customer_row> customer;
  std::optional<persistence::idempotency_row> idempotency;
};

/// The order as it stands once the command's events are stored.
struct order_reply {
  domain::order order;
  /// domain::customer_view(order) as JSON text, when the reply follows a
  /// decision just stored (the read model's view, before sealing): the caller
  /// answers with it instead of rendering the view again. Empty otherwise.
  std::string view_json;
};

struct registry_stats {
  std::size_t live_orders = 0;
  std::uint64_t spawned = 0;
  std::uint64_t passivated = 0;
  std::uint64_t crashed = 0;
};

struct timer_stats {
  std::uint64_t claimed = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;  // left to their lease: delivered again later
  std::size_t in_flight = 0;
};

/// The retention policy's runs (actors/retention.hpp); times in Unix ms, 0 = never.
struct retention_stats {
  std::int64_t retain_customer_data_for_ms = 0;
  std::int64_t retain_analytics_for_ms = 0;
  std::int64_t last_run_ms = 0;
  std::int64_t next_run_ms = 0;
  std::uint64_t runs = 0;
  std::uint64_t customers_erased = 0;
  std::uint64_t money_owed = 0;  // past retention but owing money either way: kept, tried again next run
  std::uint64_t failed = 0;      // the order did not answer: tried again next run
  std::uint64_t analytics_days_folded = 0;
  std::string last_error;
};

/// An endpoint just registered, with the secret that is shown once.
struct registered_endpoint {
  persistence::webhook_endpoint_row endpoint;
  std::string secret;
};

/// What a node's webhook sender did since it started (GET /metrics).
struct webhook_sender_stats {
  std::uint64_t delivered = 0;  // attempts a receiver took
  std::uint64_t retried = 0;    // attempts that failed and are tried again later
  std::uint64_t given_up = 0;   // attempts that failed for good
  std::size_t in_flight = 0;    // endpoints being sent to now
};

/// How one webhook attempt ended, from a sender thread back to the sender.
struct webhook_attempt {
  persistence::webhook_delivery_row delivery;  // as claimed (its secret and body left out)
  int status = 0;                              // the HTTP status; 0 when none came
  std::string error;                           // "" when the receiver took it
  bool last_of_group = false;                  // its endpoint has nothing more in flight
};

struct mailer_stats {
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;  // attempts that failed (retried later unless dead)
  std::uint64_t dead = 0;
  std::uint64_t suppressed = 0;  // over their recipient's hourly cap: not sent
  std::uint64_t groups_held_back = 0;  // groups after which mail waited for checkouts (mail.rate_while_busy)
};

/// What became of one incoming payment.
struct payment_disposition {
  // failed: not recorded (the database or the order did not answer); seen again, it is retried
  enum kind_t { matched, awaiting, exception, duplicate, failed } kind = exception;
  std::optional<domain::order_id> order;  // matched or awaiting: the order; exception: the one it names
  std::int64_t exception_id = 0;          // exception: its row
  std::string reason;                     // exception: exception_reason; matched: match outcome
};

struct matcher_stats {
  std::uint64_t payments = 0;
  std::uint64_t matched = 0;
  std::uint64_t awaiting = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t duplicates = 0;
};

/// What a chain watcher reports on /admin/api/system.
struct watcher_stats {
  std::string coin;
  bool up = false;           // the last poll reached the wallet
  std::string last_error;    // of the last failed poll; kept after recovery until the next failure
  std::uint64_t height = 0;  // the wallet's height at the last good poll
  std::int64_t last_poll_ms = 0;
  std::uint64_t polls = 0;
  std::uint64_t failures = 0;
  std::uint64_t transfers_sent = 0;  // to the matcher (new ones and new confirmations)
  std::uint64_t addresses = 0;       // addresses looked at (an Esplora source); 0 for a wallet, read whole
  std::uint64_t followed = 0;        // payments it still follows (awaiting confirmations, or young enough to leave the chain)
};

/// The cluster as this node sees it in the database (actors/cluster_heartbeat.hpp).
struct cluster_view {
  std::string node_name;  // this node
  std::int64_t started_at_ms = 0;
  std::vector<persistence::cluster_node_row> live_nodes;  // this one included once its first heartbeat is in
  std::vector<persistence::singleton_holder_row> singletons;
  std::string last_error;  // the database did not answer: the lists are empty
};

struct journal_stats {
  std::uint64_t batches = 0;
  std::uint64_t appends = 0;
  std::uint64_t conflicts = 0;
  std::size_t largest_batch = 0;
  std::size_t queued = 0;
  std::uint64_t refused = 0;  // appends refused because the queue was full
};

// Atoms (CAF 0.17: at most 10 characters).
using append_atom = caf::atom_constant<caf::atom("append")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using customer_atom = caf::atom_constant<caf::atom("customer")>;
using block_atom = caf::atom_constant<caf::atom("block")>;
using next_atom = caf::atom_constant<caf::atom("next")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using prefetch_atom = caf::atom_constant<caf::atom("prefetch")>;
using claim_atom = caf::atom_constant<caf::atom("claim")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using dead_atom = caf::atom_constant<caf::atom("dead")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using match_atom = caf::atom_constant<caf::atom("match")>;
using assign_atom = caf::atom_constant<caf::atom("assign")>;
using dismiss_atom = caf::atom_constant<caf::atom("dismiss")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
using address_atom = caf::atom_constant<caf::atom("address")>;
using event_atom = caf::atom_constant<caf::atom("event")>;
using kpi_atom = caf::atom_constant<caf::atom("kpi")>;
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
using sign_in_atom = caf::atom_constant<caf::atom("sign_in")>;
using sign_out_atom = caf::atom_constant<caf::atom("sign_out")>;
using auth_atom = caf::atom_constant<caf::atom("auth")>;
using issue_atom = caf::atom_constant<caf::atom("issue")>;
using keys_atom = caf::atom_constant<caf::atom("keys")>;
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using audit_atom = caf::atom_constant<caf::atom("audit")>;
using owner_atom = caf::atom_constant<caf::atom("owner")>;
using erasures_atom = caf::atom_constant<caf::atom("erasures")>;
using retention_atom = caf::atom_constant<caf::atom("retention")>;
using fold_atom = caf::atom_constant<caf::atom("fold")>;
using refunds_atom = caf::atom_constant<caf::atom("refunds")>;
using written_atom = caf::atom_constant<caf::atom("written")>;

}  // namespace actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::sign_in_attempt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::admin_session)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::admin_credential)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<app::admin_identity>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::issued_api_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<app::api_key>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::audit_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(app::audit_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<app::audit_entry>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::order_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::order_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::reserved_address)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::claimed_address)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::registry_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::journal_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::timer_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::mailer_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::webhook_sender_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::webhook_attempt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::registered_endpoint)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::webhook_endpoint_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::webhook_endpoint_row>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::webhook_delivery_row>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::retention_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::retention_candidate>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::outbox_entry>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(domain::order_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::append_item)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::append_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::append_item>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::append_outcome>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::stored_event>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<domain::order_id>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<std::vector<persistence::stored_event>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::order_filter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::order_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<persistence::customer_row>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::erasure_request_row>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::due_timer>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<domain::incoming_payment>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<actors::payment_disposition>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::matcher_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::watcher_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::cluster_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::kpi_inputs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::metrics_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persistence::exception_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<persistence::exception_row>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(domain::verify_payment)
