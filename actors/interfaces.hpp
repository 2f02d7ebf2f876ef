#pragma once

// Every typed actor interface of the engine, on one screen.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/messages.hpp"
#include "supervision/supervisor_interface.hpp"

namespace actors {

/// One live order: decides, journals, then applies and replies (single writer).
using order_actor = caf::typed_actor<
    // run a command; the reply is the order after its events are stored
    caf::replies_to<order_request>::with<order_reply>,
    // the order as it stands
    caf::replies_to<get_atom>::with<order_reply>,
    // the registry retires an idle order; it quits after its mailbox ahead of this
    caf::reacts_to<passivate_atom>>;

/// Finds or spawns (recovering from events) the actor of an order.
using order_registry_actor = caf::typed_actor<
    // route a command to the order's actor
    caf::replies_to<order_request>::with<order_reply>,
    // read an order (recovered from its events if not live)
    caf::replies_to<get_atom, domain::order_id>::with<order_reply>,
    // live actors and lifetime counters
    caf::replies_to<status_atom>::with<registry_stats>,
    // periodic: passivate orders idle longer than actors.passivate_after
    caf::reacts_to<sweep_atom>>;

/// Group commit: collects appends from many orders into one transaction.
using journal_actor = caf::typed_actor<
    // store one decision (events + read model + side rows) or report a conflict
    caf::replies_to<append_atom, persistence::append_item>::with<persistence::append_outcome>,
    caf::replies_to<status_atom>::with<journal_stats>,
    // its own: looks for appends held past their deadline
    caf::reacts_to<tick_atom>,
    // from its writers: a batch's outcomes by ticket, or the error that failed it
    caf::reacts_to<written_atom, std::vector<std::uint64_t>, std::vector<persistence::append_outcome>, caf::error>>;

/// Detached (blocking) writer behind the journal: one connection, one batch at
/// a time, taken from the journal's inbox when woken and again as each returns.
using journal_writer_actor = caf::typed_actor<caf::reacts_to<next_atom>>;

/// Detached (blocking) reader; a pool of them sits behind one router.
using store_actor = caf::typed_actor<
    // an order's events, by seq
    caf::replies_to<load_atom, domain::order_id>::with<std::vector<persistence::stored_event>>,
    // the events of several orders from one statement, each list by seq, in the order asked (the router's batches)
    caf::replies_to<load_atom,
                    std::vector<domain::order_id>>::with<std::vector<std::vector<persistence::stored_event>>>,
    // the admin's order list
    caf::replies_to<list_atom, persistence::order_filter>::with<persistence::order_page>,
    // the orders with a refund in one of these states, paged like the order list
    caf::replies_to<refunds_atom, std::vector<std::string>, persistence::order_filter>::with<persistence::order_page>,
    // a customer's personal data, for the admin view only
    caf::replies_to<customer_atom, std::string>::with<std::optional<persistence::customer_row>>,
    // the order of a customer ref (empty: none)
    caf::replies_to<owner_atom, std::string>::with<std::string>,
    // the customers' erasure requests, newest first
    caf::replies_to<erasures_atom, int>::with<std::vector<persistence::erasure_request_row>>,
    // orders closed before (ms) whose customer is not erased, after a (closed_at ms, id) cursor, oldest first
    caf::replies_to<retention_atom, std::int64_t, std::int64_t, std::string,
                    int>::with<std::vector<persistence::retention_candidate>>,
    // fold the storefront's daily counts before (ms) into months; the days folded
    caf::replies_to<fold_atom, std::int64_t>::with<std::int64_t>,
    // a fresh block of 100 order numbers
    caf::replies_to<block_atom>::with<std::int64_t>,
    // lease up to N due timers for the given milliseconds
    caf::replies_to<claim_atom, int, std::int64_t>::with<std::vector<persistence::due_timer>>,
    // delivered timers are done (deleted unless set again meanwhile)
    caf::replies_to<release_atom, std::vector<persistence::due_timer>>::with<bool>,
    // dead mail for the admin, newest first
    caf::replies_to<dead_atom, int>::with<std::vector<persistence::outbox_entry>>,
    // send a dead message again; false if it is not dead
    caf::replies_to<retry_atom, std::int64_t>::with<bool>,
    // one more anonymous analytics event of this type, at this time (ms)
    caf::replies_to<event_atom, std::string, std::int64_t>::with<bool>,
    // what the KPIs need for orders placed in [from, to) (ms)
    caf::replies_to<kpi_atom, std::int64_t, std::int64_t>::with<persistence::kpi_inputs>,
    // gauges for /metrics
    caf::replies_to<metrics_atom>::with<persistence::metrics_snapshot>,
    // the database answers
    caf::replies_to<ping_atom>::with<bool>>;

/// Detached: delivers the email outbox (rows written with the decision that owes them).
using mailer_actor = caf::typed_actor<
    // periodic: claim due messages, render, send, settle
    caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<mailer_stats>>;

/// Detached: every incoming payment goes through it: it looks up the
/// candidate orders, runs domain::match_payment, sends the order its
/// record_payment and lists what it cannot settle as an exception.
using payment_matcher_actor = caf::typed_actor<
    // a batch from a watcher or an import; one disposition per payment, in order
    caf::replies_to<match_atom, std::vector<domain::incoming_payment>>::with<std::vector<payment_disposition>>,
    // the admin's verify_payment, counted once across every order
    caf::replies_to<verify_atom, domain::order_id, domain::verify_payment>::with<order_reply>,
    // the admin ties an open exception to an order (id, order, who)
    caf::replies_to<assign_atom, std::int64_t, domain::order_id, std::string>::with<persistence::exception_row>,
    // the admin closes an open exception (id, reason, who)
    caf::replies_to<dismiss_atom, std::int64_t, std::string, std::string>::with<persistence::exception_row>,
    // exceptions by status, newest first
    caf::replies_to<list_atom, std::string>::with<std::vector<persistence::exception_row>>,
    caf::replies_to<status_atom>::with<matcher_stats>>;

/// Detached: watches one coin's wallet or chain source (Monero: monero-wallet-rpc
/// on a view-only wallet; Bitcoin: an Esplora API) and hands what it sees to the
/// matcher.
using chain_watcher_actor = caf::typed_actor<
    // periodic: refresh the wallet, read incoming transfers, send new ones to the matcher
    caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<watcher_stats>>;

/// Detached: makes a wallet's receiving address for one order (Monero's subaddresses).
using subaddress_maker_actor = caf::typed_actor<
    // a fresh subaddress for an order (the label names it in the wallet) and its index
    caf::replies_to<address_atom, std::string>::with<persistence::reserved_address>>;

/// Detached: the one place an order's receiving address is made unique to it
/// in the database (migration 012).
using receiving_addresses_actor = caf::typed_actor<
    // the order's address from the coin's account key: its earlier one, or the next index
    caf::replies_to<address_atom, std::string, domain::order_id>::with<persistence::reserved_address>,
    // a wallet's subaddress (coin, account, index, address) for the order, unless another order holds it
    caf::replies_to<claim_atom, std::string, std::string, std::uint32_t, std::string,
                    domain::order_id>::with<persistence::claimed_address>>;

/// Delivers due timers to their orders (durable timers: rows written with the decision).
using timer_scheduler_actor = caf::typed_actor<
    // periodic: claim due timers and deliver them as fire_timer commands
    caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<timer_stats>>;

/// Runs the retention policy: at start-up, then every privacy.retention_interval.
using retention_actor =
    caf::typed_actor<caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<retention_stats>>;

/// Detached: this node's heartbeat in the database, every few seconds, and
/// the cluster as the database sees it (live nodes, singleton holders).
using cluster_heartbeat_actor =
    caf::typed_actor<caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<cluster_view>>;

/// Detached: runs one per-shop singleton on this node while it holds the
/// singleton's lease (persistence/singleton_lease.hpp), stops it when it loses it.
using singleton_guard_actor = caf::typed_actor<
    // periodic: take the lease if free, or check it is still held
    caf::reacts_to<tick_atom>,
    // whether the singleton runs on this node (answered after the guard's first try)
    caf::replies_to<status_atom>::with<bool>>;

/// Hands out order numbers from blocks reserved in the database.
using number_allocator_actor =
    caf::typed_actor<caf::replies_to<next_atom>::with<std::string>, caf::reacts_to<prefetch_atom>>;

/// Detached: the back office's door (actors/admin_accounts.hpp): sign-in,
/// sessions, API keys and the audit log, on its own connection. Two run: one
/// for sign-ins (each costs a slow password hash), one for everything else.
using admin_access_actor =
    caf::typed_actor<caf::replies_to<sign_in_atom, app::sign_in_attempt>::with<app::admin_session>,
                     caf::replies_to<auth_atom, app::admin_credential>::with<std::optional<app::admin_identity>>,
                     caf::replies_to<sign_out_atom, std::string>::with<bool>,
                     // a new API key (name, issued by)
                     caf::replies_to<issue_atom, std::string, std::string>::with<app::issued_api_key>,
                     caf::replies_to<keys_atom>::with<std::vector<app::api_key>>,
                     caf::replies_to<revoke_atom, std::string>::with<bool>,
                     caf::reacts_to<audit_atom, app::audit_entry>,
                     caf::replies_to<audit_atom, app::audit_query>::with<std::vector<app::audit_entry>>>;

/// Detached: claims due webhooks and settles them on its own thread; its
/// webhooks.senders threads sign and POST them, one endpoint each at a time.
using webhook_sender_actor = caf::typed_actor<
    // periodic: settle, then claim what is due for endpoints not being sent to
    caf::reacts_to<tick_atom>,
    // a sender thread's attempt ended: record it (after the POST, never before)
    caf::reacts_to<webhook_attempt>,
    // this node's attempts so far, for /metrics
    caf::replies_to<status_atom>::with<webhook_sender_stats>>;

/// Detached: the owner's webhook endpoints and the delivery lists.
using webhook_admin_actor = caf::typed_actor<
    // register an endpoint (id and secret made here); the secret is in the reply only
    caf::replies_to<issue_atom, persistence::webhook_endpoint_row>::with<registered_endpoint>,
    // every endpoint, without secrets
    caf::replies_to<list_atom>::with<std::vector<persistence::webhook_endpoint_row>>,
    // delete an endpoint and its deliveries; false if none
    caf::replies_to<revoke_atom, std::string>::with<bool>,
    // deliveries in a state, newest first, at most N
    caf::replies_to<list_atom, std::string, int>::with<std::vector<persistence::webhook_delivery_row>>,
    // send a failed delivery again; false if it is not failed
    caf::replies_to<retry_atom, std::string>::with<bool>>;

/// Restarts its children with backoff and reports their health (supervision/).
using supervisor_actor = supervision::supervisor_actor;

}  // namespace actors
