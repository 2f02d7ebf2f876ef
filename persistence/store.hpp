#pragma once

// The engine's only door to PostgreSQL: one connection and the named prepared
// statements of persistence/statements.cpp. libpqxx stays in store.cpp.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "persistence/rows.hpp"

namespace persistence {

// A cursor that list_orders did not hand out (the HTTP layer maps it to 400).
class invalid_cursor : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// One connection. NOT thread-safe: one detached actor uses it at a time.
// Errors surface as exceptions (pqxx::failure and subclasses for database
// errors, e.g. pqxx::data_exception for an id that is not UUID text;
// std::invalid_argument for malformed input). After a lost connection the
// next call connects again.
class store {
 public:
  // Connects and prepares every statement; throws when either fails.
  explicit store(const std::string& url);
  ~store();
  store(store&&) noexcept;
  store& operator=(store&&) noexcept;
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // Group commit (DESIGN rules 1, 2, 6): all items in ONE transaction with a
  // constant number of statements; outcome i belongs to items[i]. A conflict
  // writes nothing of that item and does not hold back the others. Later
  // items of an order whose earlier item in the batch conflicted conflict too
  // (they were decided on top of it). Any other database error throws and
  // nothing of the batch is written; if the connection breaks during COMMIT
  // (pqxx::in_doubt_error) the batch may or may not be stored: a retry then
  // sees `conflict` and reloads, which is the same recovery.
  // Throws std::invalid_argument for an item that is malformed: no events,
  // seqs not consecutive, or ids that disagree with read_model (customer.ref
  // must be read_model.customer_ref). An order number already used by
  // another order throws pqxx::unique_violation (numbers come from
  // next_order_number_block, so that is a bug, not a race).
  std::vector<append_outcome> append_batch(const std::vector<append_item>& items);

  std::vector<stored_event> load_events(const std::string& order_id);  // by seq
  std::optional<order_row> find_order(const std::string& id);
  std::optional<order_row> find_order_by_number(const std::string& number);  // exact
  // Newest first (created_at desc, id desc), keyset paged. Throws
  // invalid_cursor for a cursor it did not produce.
  order_page list_orders(const order_filter& filter);
  std::optional<customer_row> find_customer(const std::string& ref);

  std::vector<product_row> load_products();                        // by position, then sku
  void upsert_products(const std::vector<product_row>& products);  // one transaction

  // Block b covers order numbers (b-1)*100+1 .. b*100; no two calls, on any
  // node, get the same block.
  std::int64_t next_order_number_block();

  // Durable timers (DESIGN rule 3). Claims up to `limit` due timers that no
  // live lease holds, leasing them for `lease`; FOR UPDATE SKIP LOCKED lets
  // several nodes claim side by side without waiting for each other.
  std::vector<due_timer> claim_due_timers(int limit, std::chrono::milliseconds lease);
  // Deletes delivered timers, except any set again meanwhile (its due time
  // moved). A timer whose decision committed is gone already; this removes
  // the ones that turned out moot. One statement for the whole batch.
  void release_timers(const std::vector<due_timer>& timers);

  // The email outbox (DESIGN rule 2): claimed with a lease like the timers.
  std::vector<outbox_entry> claim_outbox(int limit, std::chrono::milliseconds lease);
  void mark_sent(std::int64_t id);
  // Records a failed attempt; returns true when the message is now dead.
  bool mark_failed(std::int64_t id, const std::string& error, std::chrono::milliseconds retry_in, int max_attempts);
  std::vector<outbox_entry> dead_mail(int limit);
  // A dead message goes back to pending with fresh attempts; false if it is not dead.
  bool retry_mail(std::int64_t id);
  // ---- payments (issue 4) ----
  // Of `keys`, those counted before (for an order or as an exception).
  std::vector<payment_key> counted_payments(const std::vector<payment_key>& keys);
  // Every order each lookup might be for, in one round trip (see statements.cpp).
  std::vector<payment_candidate_row> payment_candidates(const std::vector<payment_lookup>& lookups);
  // Counts each payment and lists it as an open exception, in one transaction.
  // The id of each row's exception, or 0 when its (coin, txid) was counted meanwhile.
  std::vector<std::int64_t> record_exceptions(const std::vector<exception_row>& rows);
  std::vector<exception_row> list_exceptions(const std::string& status, int limit);
  std::optional<exception_row> find_exception(std::int64_t id);
  // Closes an open exception (resolved or dismissed); false if it is not open.
  bool close_exception(std::int64_t id, const std::string& status, const std::string& order_id,
                       const std::string& resolution, const std::string& by, std::int64_t at_ms);

  // ---- KPIs, analytics, metrics (issue 5) ----
  // Adds one to the day's count of an anonymous event (the day of at_ms, UTC).
  void count_event(const std::string& type, std::int64_t at_ms);
  // Orders placed in [from, to) and the checkouts started on those days (UTC).
  kpi_inputs kpi_inputs_between(std::int64_t from_ms, std::int64_t to_ms);
  metrics_snapshot metrics();

  // Get-or-create: stores `candidate` if `name` has no value yet and returns
  // the stored value, so every node ends up with the same one.
  std::string secret(const std::string& name, const std::string& candidate);

  // SELECT 1. False on failure; the next call reconnects.
  bool ping();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace persistence
