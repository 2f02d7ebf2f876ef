#pragma once

// Every SQL statement of the engine, in one room (STYLE 7). Each is a named
// prepared statement; parameters are always bound, never spliced, except the
// database name of create/drop database, which PostgreSQL cannot bind and
// which is quoted as an identifier instead.

#include <string>
#include <vector>

namespace persistence::sql {

struct named_statement {
  const char* name;
  const char* text;
};

// Prepared on every store connection.
extern const named_statement append_events;
extern const named_statement claim_idempotency_keys;
extern const named_statement foreign_idempotency_keys;
extern const named_statement delete_events;
extern const named_statement delete_idempotency_keys;
extern const named_statement insert_customers;
extern const named_statement upsert_orders;
extern const named_statement clear_timers;
extern const named_statement set_timers;
extern const named_statement insert_outbox;
extern const named_statement insert_payments;
extern const named_statement insert_order_exceptions;
extern const named_statement settle_underpayments;
extern const named_statement counted_payments;
extern const named_statement payment_candidates;
extern const named_statement record_exceptions;
extern const named_statement list_exceptions;
extern const named_statement find_exception;
extern const named_statement close_exception;
extern const named_statement count_event;
extern const named_statement kpi_orders;
extern const named_statement kpi_checkouts;
extern const named_statement metrics_orders;
extern const named_statement metrics_queues;
extern const named_statement claim_due_timers;
extern const named_statement release_timers;
extern const named_statement claim_outbox;
extern const named_statement outbox_sent;
extern const named_statement outbox_failed;
extern const named_statement dead_outbox;
extern const named_statement retry_outbox;
extern const named_statement load_events;
extern const named_statement find_order;
extern const named_statement find_order_by_number;
extern const named_statement list_orders;
extern const named_statement list_orders_by_status;
extern const named_statement list_orders_by_query;
extern const named_statement list_orders_by_status_and_query;
extern const named_statement find_customer;
extern const named_statement load_products;
extern const named_statement upsert_products;
extern const named_statement next_order_number_block;
extern const named_statement insert_secret;
extern const named_statement select_secret;
extern const named_statement ping;

const std::vector<const named_statement*>& store_statements();

// Prepared on the short-lived migration connection.
extern const named_statement quiet_notices;
extern const named_statement lock_migrations;
extern const named_statement unlock_migrations;
extern const named_statement create_schema_migrations;
extern const named_statement applied_migrations;
extern const named_statement record_migration;

const std::vector<const named_statement*>& migration_statements();

// Utility statements; `quoted_name` must come from pqxx quote_name().
std::string create_database(const std::string& quoted_name);
std::string drop_database(const std::string& quoted_name);

}  // namespace persistence::sql
