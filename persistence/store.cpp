#include "persistence/store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include <pqxx/pqxx>

#include "persistence/json_rows.hpp"
#include "persistence/statements.hpp"

namespace persistence {

namespace {

// Ids are compared in C++ only to find items of the same order or the same
// key inside one batch; PostgreSQL accepts upper-case UUIDs, so compare
// case-insensitively.
std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string{} : field.as<std::string>();
}

std::int64_t int_or_zero(const pqxx::field& field) {
  return field.is_null() ? 0 : field.as<std::int64_t>();
}

// Column order of ORDER_COLUMNS in statements.cpp.
order_row read_order(const pqxx::row& row) {
  order_row order;
  order.id = row[0].as<std::string>();
  order.number = row[1].as<std::string>();
  order.status = row[2].as<std::string>();
  order.customer_ref = row[3].as<std::string>();
  order.payment_method = row[4].as<std::string>();
  order.total_cents = row[5].as<std::int64_t>();
  order.created_at_ms = row[6].as<std::int64_t>();
  order.updated_at_ms = row[7].as<std::int64_t>();
  order.version = row[8].as<std::int64_t>();
  order.view_json = row[9].as<std::string>();
  return order;
}

void validate(const append_item& item, std::size_t index) {
  const auto fail = [index](const std::string& why) {
    throw std::invalid_argument("append item " + std::to_string(index) + ": " + why);
  };
  if (item.events.empty()) fail("no events");
  const auto order = lower(item.read_model.id);
  const auto first_seq = item.events.front().seq;
  if (first_seq < 1) fail("seq must start at 1 or later");
  for (std::size_t k = 0; k < item.events.size(); ++k) {
    if (lower(item.events[k].order_id) != order) fail("event of another order than read_model.id");
    if (item.events[k].seq != first_seq + static_cast<std::int64_t>(k)) fail("seqs are not consecutive");
  }
  if (item.idempotency && lower(item.idempotency->order_id) != order) fail("idempotency row of another order");
  if (item.customer && lower(item.customer->ref) != lower(item.read_model.customer_ref))
    fail("customer is not read_model.customer_ref");
}

// ---- keyset cursor -------------------------------------------------------
// "<created_at in µs>_<id>": the exact sort key of the last row of a page.

struct cursor_position {
  std::int64_t created_at_us;
  std::string id;
};

// Before every order, so the first page needs no special statement:
// ~year 192000, still inside PostgreSQL's timestamptz range.
const cursor_position start_of_listing{6'000'000'000'000'000, "ffffffff-ffff-ffff-ffff-ffffffffffff"};

bool is_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string encode_cursor(std::int64_t created_at_us, const std::string& id) {
  return std::to_string(created_at_us) + "_" + id;
}

cursor_position decode_cursor(const std::string& cursor) {
  const auto separator = cursor.find('_');
  if (separator == std::string::npos) throw invalid_cursor("malformed cursor");
  cursor_position position;
  const char* first = cursor.data();
  const char* last = cursor.data() + separator;
  const auto [end, error] = std::from_chars(first, last, position.created_at_us);
  position.id = cursor.substr(separator + 1);
  if (error != std::errc{} || end != last || separator == 0 || !is_uuid(position.id))
    throw invalid_cursor("malformed cursor");
  return position;
}

// An order-number prefix as a LIKE pattern: the query's own % and _ are
// literal characters, not wildcards.
std::string prefix_pattern(const std::string& query) {
  std::string pattern;
  for (char c : query) {
    if (c == '\\' || c == '%' || c == '_') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

bool present(const std::optional<std::string>& text) {
  return text && !text->empty();
}

// ---- group commit --------------------------------------------------------

// What append_batch knows about each item while its statements run.
class batch {
 public:
  explicit batch(const std::vector<append_item>& items)
      : items_(items),
        order_(items.size()),
        conflict_(items.size(), false),
        events_sent_(items.size(), false),
        key_inserted_(items.size(), false),
        seqs_not_inserted_(items.size()) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      validate(items[i], i);
      order_[i] = lower(items[i].read_model.id);
    }
  }

  std::size_t size() const { return items_.size(); }
  void mark_conflict(std::size_t i) { conflict_[i] = true; }

  // Two items of this batch claiming one seq or one idempotency key cannot
  // both commit, and the statements could not tell which of them a row
  // belongs to: the later one conflicts before anything is sent.
  void resolve_duplicates_within_batch() {
    std::set<std::pair<std::string, std::int64_t>> claimed_seqs;
    std::unordered_set<std::string> claimed_keys;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& it = items_[i];
      bool taken = it.idempotency && claimed_keys.count(it.idempotency->key) > 0;
      for (const auto& event : it.events) taken = taken || claimed_seqs.count({order_[i], event.seq}) > 0;
      if (taken) {
        conflict_[i] = true;
        continue;
      }
      for (const auto& event : it.events) claimed_seqs.emplace(order_[i], event.seq);
      if (it.idempotency) claimed_keys.insert(it.idempotency->key);
    }
    propagate_conflicts();
  }

  // A later item of an order was decided on top of the earlier ones: when an
  // earlier item conflicts, the later one must not commit either.
  void propagate_conflicts() {
    std::unordered_set<std::string> failed_orders;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i])
        failed_orders.insert(order_[i]);
      else if (failed_orders.count(order_[i]) > 0)
        conflict_[i] = true;
    }
  }

  std::string events_parameter() {
    std::size_t bytes = 2;
    for (std::size_t i = 0; i < size(); ++i)
      if (!conflict_[i])
        for (const auto& event : items_[i].events) bytes += 160 + event.type.size() + event.payload_json.size() * 5 / 4;
    json_rows rows;
    rows.reserve(bytes);
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      events_sent_[i] = true;
      for (const auto& event : items_[i].events) {
        rows.begin_row();
        rows.field("item", static_cast<std::int64_t>(i));
        rows.field("order_id", event.order_id);
        rows.field("seq", event.seq);
        rows.field("type", event.type);
        rows.json_text_field("payload", event.payload_json);
        rows.field("recorded_at_ms", event.recorded_at_ms);
        rows.end_row();
      }
    }
    return rows.take();
  }

  void event_not_inserted(std::size_t i, std::int64_t seq) {
    conflict_[i] = true;
    seqs_not_inserted_[i].insert(seq);
  }

  // Fills `sent` with the items whose key goes into claim_idempotency_keys.
  std::string keys_parameter(std::vector<std::size_t>& sent) const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& key = items_[i].idempotency;
      if (conflict_[i] || !key) continue;
      sent.push_back(i);
      rows.begin_row();
      rows.field("item", static_cast<std::int64_t>(i));
      rows.field("key", key->key);
      rows.field("fingerprint", key->fingerprint);
      rows.field("order_id", key->order_id);
      rows.field("created_at_ms", key->created_at_ms);
      rows.end_row();
    }
    return rows.take();
  }

  void key_inserted(std::size_t i) { key_inserted_[i] = true; }

  std::string keys_to_check_parameter(const std::vector<std::size_t>& items) const {
    json_rows rows;
    for (auto i : items) {
      rows.begin_row();
      rows.field("item", static_cast<std::int64_t>(i));
      rows.field("key", items_[i].idempotency->key);
      rows.field("order_id", items_[i].idempotency->order_id);
      rows.end_row();
    }
    return rows.take();
  }

  // Exactly the rows this transaction inserted for items that ended in
  // conflict; never a row another writer holds.
  std::string events_to_delete_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (!conflict_[i] || !events_sent_[i]) continue;
      for (const auto& event : items_[i].events) {
        if (seqs_not_inserted_[i].count(event.seq) > 0) continue;
        rows.begin_row();
        rows.field("order_id", event.order_id);
        rows.field("seq", event.seq);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string keys_to_delete_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (!conflict_[i] || !key_inserted_[i]) continue;
      rows.begin_row();
      rows.field("key", items_[i].idempotency->key);
      rows.field("order_id", items_[i].idempotency->order_id);
      rows.end_row();
    }
    return rows.take();
  }

  std::string customers_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& customer = items_[i].customer;
      if (conflict_[i] || !customer) continue;
      rows.begin_row();
      rows.field("ref", customer->ref);
      rows.field("name", customer->name);
      rows.field("email", customer->email);
      rows.json_text_field("shipping", customer->shipping_json);
      rows.field("created_at_ms", customer->created_at_ms);
      rows.end_row();
    }
    return rows.take();
  }

  std::string orders_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      const auto& order = items_[i].read_model;
      rows.begin_row();
      rows.field("id", order.id);
      rows.field("number", order.number);
      rows.field("status", order.status);
      rows.field("customer_ref", order.customer_ref);
      rows.field("payment_method", order.payment_method);
      rows.field("total_cents", order.total_cents);
      rows.field("created_at_ms", order.created_at_ms);
      rows.field("updated_at_ms", order.updated_at_ms);
      rows.field("version", order.version);
      rows.json_text_field("view", order.view_json);
      rows.field("payment_address", order.payment_address);
      rows.field("quote_atomic", order.quote_atomic);
      rows.field("outstanding_atomic", order.outstanding_atomic);
      rows.field("quoted_at_ms", order.quoted_at_ms);
      rows.field("quote_expires_at_ms", order.quote_expires_at_ms);
      rows.end_row();
    }
    return rows.take();
  }

  std::string timers_cleared_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& kind : items_[i].timers_cleared) {
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("kind", kind);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string timers_set_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& timer : items_[i].timers_set) {
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("kind", timer.kind);
        rows.field("due_at_ms", timer.due_at_ms);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string outbox_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& mail : items_[i].outbox) {
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("kind", mail.kind);
        rows.json_text_field("payload", mail.payload_json);
        rows.field("created_at_ms", mail.created_at_ms);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string payments_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& p : items_[i].payments) {
        rows.begin_row();
        rows.field("coin", p.coin);
        rows.field("txid", p.txid);
        rows.field("amount_atomic", p.amount_atomic);
        rows.field("source", p.source);
        rows.field("received_at_ms", p.received_at_ms);
        rows.field("counted_at_ms", p.counted_at_ms);
        rows.field("order_id", items_[i].read_model.id);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string exceptions_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& x : items_[i].exceptions) {
        rows.begin_row();
        rows.field("coin", x.coin);
        rows.field("txid", x.txid);
        rows.field("amount_atomic", x.amount_atomic);
        rows.field("reason", x.reason);
        rows.field("order_id", items_[i].read_model.id);
        rows.field("created_at_ms", x.created_at_ms);
        rows.end_row();
      }
    }
    return rows.take();
  }

  std::string settled_underpayments_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i] || !items_[i].settles_underpayment) continue;
      rows.begin_row();
      rows.field("order_id", items_[i].read_model.id);
      rows.field("at_ms", items_[i].read_model.updated_at_ms);
      rows.end_row();
    }
    return rows.take();
  }

  std::vector<append_outcome> outcomes() const {
    std::vector<append_outcome> result;
    result.reserve(size());
    for (bool c : conflict_) result.push_back(c ? append_outcome::conflict : append_outcome::committed);
    return result;
  }

 private:
  const std::vector<append_item>& items_;
  std::vector<std::string> order_;  // lower-cased read_model.id
  std::vector<bool> conflict_;
  std::vector<bool> events_sent_;   // took part in append_events
  std::vector<bool> key_inserted_;  // its idempotency row is this transaction's
  std::vector<std::set<std::int64_t>> seqs_not_inserted_;
};

bool is_empty_array(const std::string& parameter) {
  return parameter == "[]";
}

}  // namespace

// ---- connection ------------------------------------------------------------

struct store::impl {
  std::string url;
  std::unique_ptr<pqxx::connection> conn;

  pqxx::connection& connection() {
    if (!conn) connect();
    return *conn;
  }

  // prepare_now: a statement PostgreSQL rejects (schema older than this
  // build, typo) fails here, at start-up, not on the first order.
  void connect() {
    auto fresh = std::make_unique<pqxx::connection>(url);
    for (const auto* statement : sql::store_statements()) {
      fresh->prepare(statement->name, statement->text);
      fresh->prepare_now(statement->name);
    }
    conn = std::move(fresh);
  }

  // A lost connection is replaced on the next call rather than repaired in
  // place: a fresh one comes with freshly prepared statements.
  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    try {
      return f(connection());
    } catch (const pqxx::broken_connection&) {
      conn.reset();
      throw;
    } catch (const pqxx::in_doubt_error&) {
      conn.reset();
      throw;
    } catch (...) {
      if (conn && !conn->is_open()) conn.reset();
      throw;
    }
  }
};

store::store(const std::string& url) : impl_(std::make_unique<impl>()) {
  impl_->url = url;
  impl_->connect();
}

store::~store() = default;
store::store(store&&) noexcept = default;
store& store::operator=(store&&) noexcept = default;

// ---- append_batch ------------------------------------------------------------
//
// One READ COMMITTED transaction for the whole batch and a fixed sequence of
// statements, each taking all items at once as one json parameter, so a
// batch of 1 and a batch of 500 cost the same round trips (at most 7 plus
// BEGIN/COMMIT, the optional ones only on the conflict path):
//
// 1. append_events, ON CONFLICT DO NOTHING. The journal's primary key is the
//    arbiter between writers (rule 1): a seq another writer holds (committed,
//    or in flight and then committed: the insert waits for it) is reported,
//    not raised, so one conflicting item does not abort the batch. Events go
//    first because they are the claim; nothing else is worth writing for an
//    item that lost it.
// 2. claim_idempotency_keys, ON CONFLICT DO NOTHING, only for items that won
//    their seqs; then, only if some key did not insert,
//    foreign_idempotency_keys to tell "held by another order" (conflict)
//    from "already ours" (fine). A second statement, because only a fresh
//    READ COMMITTED snapshot is sure to see a key committed by a transaction
//    that the first statement waited for. This runs before customers and
//    the read model, so an item that loses its key has written nothing but
//    events, which step 3 removes.
// 3. delete_events / delete_idempotency_keys: the rows this transaction
//    inserted for items that ended in conflict. A conflicting item thus
//    leaves no trace, while the rows the other writer holds are untouched
//    (we only delete pairs we know we inserted). Inserting and deleting
//    beats a savepoint per item: constant statements again.
// 4. insert_customers, DO NOTHING: a customer ref is written once.
// 5. upsert_orders: only replaces a row of lower version, so a late or
//    replayed writer never moves the read model backwards.
// 6. clear_timers / set_timers: the timers the decisions made moot or want
//    (rule 3), so a timer exists exactly when its decision committed.
// 7. insert_outbox: the emails the decisions owe (rule 2).
// 8. insert_payments / insert_order_exceptions / settle_underpayments: payments
//    the decisions counted, exceptions they raised or settled (issue 4), only
//    when there are any.
//
// Every multi-row statement writes in key order, so concurrent batches
// (other nodes, or this node's other journal) queue behind each other
// instead of deadlocking. Any other error throws and the transaction rolls
// back: the caller fails the whole batch.
std::vector<append_outcome> store::append_batch(const std::vector<append_item>& items) {
  if (items.empty()) return {};
  batch state{items};  // validates every item before touching the database
  state.resolve_duplicates_within_batch();

  return impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};

    // 1. events
    if (auto events = state.events_parameter(); !is_empty_array(events)) {
      for (const auto& row : txn.exec_prepared(sql::append_events.name, events))
        state.event_not_inserted(row[0].as<std::size_t>(), row[1].as<std::int64_t>());
      state.propagate_conflicts();
    }

    // 2. idempotency keys
    std::vector<std::size_t> key_items;
    if (auto keys = state.keys_parameter(key_items); !is_empty_array(keys)) {
      std::set<std::size_t> not_inserted;
      for (const auto& row : txn.exec_prepared(sql::claim_idempotency_keys.name, keys))
        not_inserted.insert(row[0].as<std::size_t>());
      for (auto i : key_items)
        if (not_inserted.count(i) == 0) state.key_inserted(i);
      if (!not_inserted.empty()) {
        const std::vector<std::size_t> to_check(not_inserted.begin(), not_inserted.end());
        for (const auto& row :
             txn.exec_prepared(sql::foreign_idempotency_keys.name, state.keys_to_check_parameter(to_check)))
          state.mark_conflict(row[0].as<std::size_t>());
        state.propagate_conflicts();
      }
    }

    // 3. undo what conflicting items wrote
    if (auto events = state.events_to_delete_parameter(); !is_empty_array(events))
      txn.exec_prepared(sql::delete_events.name, events);
    if (auto keys = state.keys_to_delete_parameter(); !is_empty_array(keys))
      txn.exec_prepared(sql::delete_idempotency_keys.name, keys);

    // 4. customers, 5. read model
    if (auto customers = state.customers_parameter(); !is_empty_array(customers))
      txn.exec_prepared(sql::insert_customers.name, customers);
    if (auto orders = state.orders_parameter(); !is_empty_array(orders))
      txn.exec_prepared(sql::upsert_orders.name, orders);

    // 6. timers the decisions made moot or set, 7. emails they owe
    if (auto cleared = state.timers_cleared_parameter(); !is_empty_array(cleared))
      txn.exec_prepared(sql::clear_timers.name, cleared);
    if (auto set = state.timers_set_parameter(); !is_empty_array(set)) txn.exec_prepared(sql::set_timers.name, set);
    if (auto outbox = state.outbox_parameter(); !is_empty_array(outbox))
      txn.exec_prepared(sql::insert_outbox.name, outbox);
    if (auto payments = state.payments_parameter(); !is_empty_array(payments))
      txn.exec_prepared(sql::insert_payments.name, payments);
    if (auto exceptions = state.exceptions_parameter(); !is_empty_array(exceptions))
      txn.exec_prepared(sql::insert_order_exceptions.name, exceptions);
    if (auto settled = state.settled_underpayments_parameter(); !is_empty_array(settled))
      txn.exec_prepared(sql::settle_underpayments.name, settled);

    txn.commit();
    return state.outcomes();
  });
}

// ---- reads -------------------------------------------------------------------

std::vector<stored_event> store::load_events(const std::string& order_id) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<stored_event> events;
    const auto result = txn.exec_prepared(sql::load_events.name, order_id);
    events.reserve(result.size());
    for (const auto& row : result) {
      stored_event event;
      event.order_id = row[0].as<std::string>();
      event.seq = row[1].as<std::int64_t>();
      event.type = row[2].as<std::string>();
      event.payload_json = row[3].as<std::string>();
      event.recorded_at_ms = row[4].as<std::int64_t>();
      events.push_back(std::move(event));
    }
    return events;
  });
}

std::optional<order_row> store::find_order(const std::string& id) {
  return impl_->run([&](pqxx::connection& conn) -> std::optional<order_row> {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::find_order.name, id);
    if (result.empty()) return std::nullopt;
    return read_order(result[0]);
  });
}

std::optional<order_row> store::find_order_by_number(const std::string& number) {
  return impl_->run([&](pqxx::connection& conn) -> std::optional<order_row> {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::find_order_by_number.name, number);
    if (result.empty()) return std::nullopt;
    return read_order(result[0]);
  });
}

order_page store::list_orders(const order_filter& filter) {
  const auto after = filter.cursor ? decode_cursor(*filter.cursor) : start_of_listing;
  const int limit = std::clamp(filter.limit, 1, max_page_size);
  // One row more than the page tells whether another page follows.
  const int fetch = limit + 1;

  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    pqxx::result result;
    const bool by_status = present(filter.status);
    const bool by_query = present(filter.query);
    if (by_status && by_query)
      result = txn.exec_prepared(sql::list_orders_by_status_and_query.name, after.created_at_us, after.id, fetch,
                                 *filter.status, prefix_pattern(*filter.query), *filter.query);
    else if (by_status)
      result = txn.exec_prepared(sql::list_orders_by_status.name, after.created_at_us, after.id, fetch, *filter.status);
    else if (by_query)
      result = txn.exec_prepared(sql::list_orders_by_query.name, after.created_at_us, after.id, fetch,
                                 prefix_pattern(*filter.query), *filter.query);
    else
      result = txn.exec_prepared(sql::list_orders.name, after.created_at_us, after.id, fetch);

    order_page page;
    const auto rows = std::min<std::size_t>(result.size(), static_cast<std::size_t>(limit));
    page.rows.reserve(rows);
    for (std::size_t i = 0; i < rows; ++i) page.rows.push_back(read_order(result[static_cast<int>(i)]));
    if (result.size() > rows) {
      const auto& last = result[static_cast<int>(rows - 1)];
      page.next_cursor = encode_cursor(last[10].as<std::int64_t>(), last[0].as<std::string>());
    }
    return page;
  });
}

std::optional<customer_row> store::find_customer(const std::string& ref) {
  return impl_->run([&](pqxx::connection& conn) -> std::optional<customer_row> {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::find_customer.name, ref);
    if (result.empty()) return std::nullopt;
    const auto& row = result[0];
    customer_row customer;
    customer.ref = row[0].as<std::string>();
    customer.name = text_or_empty(row[1]);
    customer.email = text_or_empty(row[2]);
    customer.shipping_json = text_or_empty(row[3]);
    customer.created_at_ms = int_or_zero(row[4]);
    return customer;
  });
}

// ---- catalog -------------------------------------------------------------------

std::vector<product_row> store::load_products() {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<product_row> products;
    const auto result = txn.exec_prepared(sql::load_products.name);
    products.reserve(result.size());
    for (const auto& row : result) {
      product_row product;
      product.sku = row[0].as<std::string>();
      product.name = row[1].as<std::string>();
      product.description = row[2].as<std::string>();
      product.price_cents = row[3].as<std::int64_t>();
      product.image_url = row[4].as<std::string>();
      product.stock = row[5].as<int>();
      product.position = row[6].as<int>();
      products.push_back(std::move(product));
    }
    return products;
  });
}

void store::upsert_products(const std::vector<product_row>& products) {
  if (products.empty()) return;
  // One row per sku (the last one given wins): ON CONFLICT DO UPDATE may not
  // touch a row twice in one statement.
  std::map<std::string, const product_row*> by_sku;
  for (const auto& product : products) by_sku[product.sku] = &product;
  json_rows rows;
  for (const auto& [sku, product] : by_sku) {
    rows.begin_row();
    rows.field("sku", product->sku);
    rows.field("name", product->name);
    rows.field("description", product->description);
    rows.field("price_cents", product->price_cents);
    rows.field("image_url", product->image_url);
    rows.field("stock", static_cast<std::int64_t>(product->stock));
    rows.field("position", static_cast<std::int64_t>(product->position));
    rows.end_row();
  }
  impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::upsert_products.name, rows.take());
    txn.commit();
  });
}

// ---- shared counters and secrets -----------------------------------------------

std::int64_t store::next_order_number_block() {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::next_order_number_block.name)[0][0].as<std::int64_t>();
  });
}

std::vector<due_timer> store::claim_due_timers(int limit, std::chrono::milliseconds lease) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<due_timer> due;
    for (const auto& row :
         txn.exec_prepared(sql::claim_due_timers.name, limit, static_cast<std::int64_t>(lease.count())))
      due.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    txn.commit();
    return due;
  });
}

void store::release_timers(const std::vector<due_timer>& timers) {
  if (timers.empty()) return;
  json_rows rows;
  for (const auto& t : timers) {
    rows.begin_row();
    rows.field("order_id", t.order_id);
    rows.field("kind", t.kind);
    rows.field("due_at_ms", t.due_at_ms);
    rows.end_row();
  }
  impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::release_timers.name, rows.take());
  });
}

namespace {

outbox_entry read_outbox(const pqxx::row& row) {
  outbox_entry e;
  e.id = row[0].as<std::int64_t>();
  e.order_id = row[1].as<std::string>();
  e.kind = row[2].as<std::string>();
  e.payload_json = row[3].as<std::string>();
  e.attempts = row[4].as<int>();
  e.status = row[5].as<std::string>();
  e.last_error = row[6].as<std::string>();
  e.created_at_ms = row[7].as<std::int64_t>();
  return e;
}

}  // namespace

std::vector<outbox_entry> store::claim_outbox(int limit, std::chrono::milliseconds lease) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<outbox_entry> claimed;
    for (const auto& row : txn.exec_prepared(sql::claim_outbox.name, limit, static_cast<std::int64_t>(lease.count())))
      claimed.push_back(read_outbox(row));
    txn.commit();
    return claimed;
  });
}

void store::mark_sent(std::int64_t id) {
  impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::outbox_sent.name, id);
  });
}

bool store::mark_failed(std::int64_t id, const std::string& error, std::chrono::milliseconds retry_in,
                        int max_attempts) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::outbox_failed.name, id, error,
                                          static_cast<std::int64_t>(retry_in.count()), max_attempts);
    return !result.empty() && result[0][0].as<std::string>() == "dead";
  });
}

std::vector<outbox_entry> store::dead_mail(int limit) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<outbox_entry> dead;
    for (const auto& row : txn.exec_prepared(sql::dead_outbox.name, limit)) dead.push_back(read_outbox(row));
    return dead;
  });
}

bool store::retry_mail(std::int64_t id) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::retry_outbox.name, id).affected_rows() == 1;
  });
}

// ---- payments ------------------------------------------------------------------

namespace {

exception_row read_exception(const pqxx::row& row) {
  exception_row x;
  x.id = row[0].as<std::int64_t>();
  x.coin = row[1].as<std::string>();
  x.txid = row[2].as<std::string>();
  x.amount_atomic = row[3].as<std::string>();
  x.received_at_ms = row[4].as<std::int64_t>();
  x.memo = row[5].as<std::string>();
  x.reason = row[6].as<std::string>();
  x.source = row[7].as<std::string>();
  x.status = row[8].as<std::string>();
  x.order_id = row[9].as<std::string>();
  x.created_at_ms = row[10].as<std::int64_t>();
  x.resolved_at_ms = row[11].as<std::int64_t>();
  x.resolved_by = row[12].as<std::string>();
  x.resolution = row[13].as<std::string>();
  return x;
}

// An absent lookup key travels as JSON null, which the statement tests for.
void optional_field(json_rows& rows, std::string_view key, const std::string& text) {
  if (text.empty())
    rows.json_text_field(key, "");
  else
    rows.field(key, text);
}

}  // namespace

std::vector<payment_key> store::counted_payments(const std::vector<payment_key>& keys) {
  if (keys.empty()) return {};
  json_rows rows;
  for (const auto& k : keys) {
    rows.begin_row();
    rows.field("coin", k.coin);
    rows.field("txid", k.txid);
    rows.end_row();
  }
  auto parameter = rows.take();
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<payment_key> counted;
    for (const auto& row : txn.exec_prepared(sql::counted_payments.name, parameter))
      counted.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return counted;
  });
}

std::vector<payment_candidate_row> store::payment_candidates(const std::vector<payment_lookup>& lookups) {
  if (lookups.empty()) return {};
  json_rows rows;
  for (std::size_t i = 0; i < lookups.size(); ++i) {
    const auto& l = lookups[i];
    rows.begin_row();
    rows.field("i", static_cast<std::int64_t>(i));
    rows.field("coin", l.coin);
    optional_field(rows, "txid", l.txid);
    rows.field("amount", l.amount_atomic);
    rows.field("max_amount", l.max_amount_atomic.empty() ? l.amount_atomic : l.max_amount_atomic);
    optional_field(rows, "address", l.address);
    optional_field(rows, "memo", l.memo);
    rows.field("received_at_ms", l.received_at_ms);
    rows.end_row();
  }
  auto parameter = rows.take();
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<payment_candidate_row> found;
    for (const auto& row : txn.exec_prepared(sql::payment_candidates.name, parameter)) {
      payment_candidate_row c;
      c.lookup = row[0].as<std::size_t>();
      c.id = row[1].as<std::string>();
      c.number = row[2].as<std::string>();
      c.status = row[3].as<std::string>();
      c.payment_address = row[4].as<std::string>();
      c.quote_atomic = row[5].as<std::string>();
      c.outstanding_atomic = row[6].as<std::string>();
      c.quoted_at_ms = row[7].as<std::int64_t>();
      c.expires_at_ms = row[8].as<std::int64_t>();
      c.claimed_txid = text_or_empty(row[9]);
      found.push_back(std::move(c));
    }
    return found;
  });
}

std::vector<std::int64_t> store::record_exceptions(const std::vector<exception_row>& exceptions) {
  if (exceptions.empty()) return {};
  json_rows rows;
  for (std::size_t i = 0; i < exceptions.size(); ++i) {
    const auto& x = exceptions[i];
    rows.begin_row();
    rows.field("i", static_cast<std::int64_t>(i));
    rows.field("coin", x.coin);
    rows.field("txid", x.txid);
    rows.field("amount_atomic", x.amount_atomic);
    rows.field("received_at_ms", x.received_at_ms);
    rows.field("memo", x.memo);
    rows.field("reason", x.reason);
    rows.field("source", x.source);
    optional_field(rows, "order_id", x.order_id);
    rows.field("created_at_ms", x.created_at_ms);
    rows.end_row();
  }
  auto parameter = rows.take();
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<std::int64_t> ids(exceptions.size(), 0);
    for (const auto& row : txn.exec_prepared(sql::record_exceptions.name, parameter))
      ids.at(row[0].as<std::size_t>()) = row[1].as<std::int64_t>();
    txn.commit();
    return ids;
  });
}

std::vector<exception_row> store::list_exceptions(const std::string& status, int limit) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<exception_row> list;
    for (const auto& row : txn.exec_prepared(sql::list_exceptions.name, status, limit))
      list.push_back(read_exception(row));
    return list;
  });
}

std::optional<exception_row> store::find_exception(std::int64_t id) {
  return impl_->run([&](pqxx::connection& conn) -> std::optional<exception_row> {
    pqxx::read_transaction txn{conn};
    const auto result = txn.exec_prepared(sql::find_exception.name, id);
    if (result.empty()) return std::nullopt;
    return read_exception(result[0]);
  });
}

bool store::close_exception(std::int64_t id, const std::string& status, const std::string& order_id,
                            const std::string& resolution, const std::string& by, std::int64_t at_ms) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const bool closed =
        txn.exec_prepared(sql::close_exception.name, id, status, order_id, resolution, by, at_ms).affected_rows() == 1;
    txn.commit();
    return closed;
  });
}

// ---- KPIs, analytics, metrics ---------------------------------------------------------

void store::count_event(const std::string& type, std::int64_t at_ms) {
  impl_->run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::count_event.name, type, at_ms);
    txn.commit();
    return 0;
  });
}

kpi_inputs store::kpi_inputs_between(std::int64_t from_ms, std::int64_t to_ms) {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    kpi_inputs in;
    in.checkouts_started = txn.exec_prepared(sql::kpi_checkouts.name, from_ms, to_ms)[0][0].as<std::int64_t>();
    for (const auto& row : txn.exec_prepared(sql::kpi_orders.name, from_ms, to_ms)) {
      kpi_order_row o;
      o.placed_at_ms = row[0].as<std::int64_t>();
      o.total_cents = row[1].as<std::int64_t>();
      o.status = row[2].as<std::string>();
      o.payment_state = row[3].as<std::string>();
      o.paid_at = row[4].as<std::string>();
      o.shipped_at = row[5].as<std::string>();
      o.delivered = row[6].as<bool>();
      o.reviewed = row[7].as<bool>();
      in.orders.push_back(std::move(o));
    }
    return in;
  });
}

metrics_snapshot store::metrics() {
  return impl_->run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    metrics_snapshot m;
    for (const auto& row : txn.exec_prepared(sql::metrics_orders.name))
      m.orders_by_status.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>());
    const auto q = txn.exec_prepared(sql::metrics_queues.name)[0];
    m.outbox_pending = q[0].as<std::int64_t>();
    m.outbox_dead = q[1].as<std::int64_t>();
    m.timers_due = q[2].as<std::int64_t>();
    m.payment_exceptions_open = q[3].as<std::int64_t>();
    return m;
  });
}

std::string store::secret(const std::string& name, const std::string& candidate) {
  return impl_->run([&](pqxx::connection& conn) {
    // nontransaction: each statement commits on its own, which the select
    // needs to see a row a concurrent node committed first.
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::insert_secret.name, name, candidate);
    return txn.exec_prepared(sql::select_secret.name, name)[0][0].as<std::string>();
  });
}

bool store::ping() {
  try {
    impl_->run([&](pqxx::connection& conn) {
      pqxx::nontransaction txn{conn};
      txn.exec_prepared(sql::ping.name);
    });
    return true;
  } catch (const std::exception&) {
    impl_->conn.reset();
    return false;
  }
}

}  // namespace persistence
