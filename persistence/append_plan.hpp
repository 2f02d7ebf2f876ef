#pragma once

// What journal_store::append_batch knows about each item of a batch while its
// statements run: which items conflict, whether this transaction inserted
// rows of an item that ends in conflict (then it must not commit, and runs
// again without that item), and each statement's parameters: the rows every
// batch writes in PostgreSQL's binary form (record_array, one composite type
// per table, migration 030), the rarer ones as JSON. Internal to
// journal_store.cpp.

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "persistence/json_rows.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/rows.hpp"
#include "persistence/record_array.hpp"
#include "persistence/webhook_subscriptions.hpp"

namespace persistence::detail {

// The oids of migration 030's row types, which composite types have none
// fixed of: journal_store looks them up once per connection.
struct journal_row_types {
  std::uint32_t event = 0, key = 0, timer_cleared = 0, customer = 0, order = 0, timer = 0, mail = 0, hook = 0;
};

// One table's rows in binary form (record_array), and how many there are.
struct binary_rows {
  std::string bytes;
  std::size_t count = 0;
};

inline binary_rows finish(record_array& rows) {
  const auto count = rows.size();
  return {rows.take(), count};
}

// Ids are compared in C++ only to find items of the same order or the same
// key inside one batch; PostgreSQL accepts upper-case UUIDs, so compare
// case-insensitively.
inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

inline void validate(const append_item& item, std::size_t index) {
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

// What append_batch knows about each item while its statements run.
class append_plan {
 public:
  // `customers`: the sealed customers row of each item that creates one.
  append_plan(const std::vector<append_item>& items, const std::vector<std::optional<sealed_customer>>& customers,
              const journal_row_types& types)
      : items_(items),
        customers_(customers),
        types_(types),
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

  // Each row's fields in the order of its type's attributes (migration 030).
  binary_rows events_parameter() {
    record_array rows{types_.event};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      events_sent_[i] = true;
      for (const auto& event : items_[i].events) {
        rows.begin_row();
        rows.int4(item_number(i));
        rows.uuid(event.order_id);
        rows.int8(event.seq);
        rows.text(event.type);
        rows.int8(event.recorded_at_ms);
        rows.text_or_null(event.payload_json);
        rows.end_row();
      }
    }
    return finish(rows);
  }

  void event_not_inserted(std::size_t i, std::int64_t seq) {
    conflict_[i] = true;
    seqs_not_inserted_[i].insert(seq);
  }

  // Fills `sent` with the items whose key goes into claim_events_and_keys.
  binary_rows keys_parameter(std::vector<std::size_t>& sent) const {
    record_array rows{types_.key};
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& key = items_[i].idempotency;
      if (conflict_[i] || !key) continue;
      sent.push_back(i);
      rows.begin_row();
      rows.int4(item_number(i));
      rows.text(key->key);
      rows.text(key->fingerprint);
      rows.uuid(key->order_id);
      rows.int8(key->created_at_ms);
      rows.end_row();
    }
    return finish(rows);
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

  // Some item ends in conflict although this transaction inserted rows of
  // it (events or its idempotency key): the transaction must not commit.
  bool needs_undo() const {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!conflict_[i]) continue;
      if (key_inserted_[i]) return true;
      if (events_sent_[i] && seqs_not_inserted_[i].size() < items_[i].events.size()) return true;
    }
    return false;
  }

  // Which items conflict, for a pass that leaves them out from the start.
  const std::vector<bool>& conflicts() const { return conflict_; }

  // The orders this batch creates: those with an item whose first event is
  // seq 1. That event is inserted plainly before any row of the order, and
  // no order's rows exist without it, so every row such an order has is new
  // and goes in by a plain INSERT (migration 027); the mark is on each row of
  // the order, whichever of its items the row comes from.
  std::unordered_set<std::string> created_orders() const {
    std::unordered_set<std::string> created;
    for (std::size_t i = 0; i < size(); ++i)
      if (!conflict_[i] && items_[i].events.front().seq == 1) created.insert(order_[i]);
    return created;
  }

  binary_rows customers_parameter() const {
    record_array rows{types_.customer};
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& customer = customers_[i];
      if (conflict_[i] || !customer) continue;
      rows.begin_row();
      rows.uuid(customer->ref);
      rows.text(customer->name);
      rows.text(customer->email);
      rows.text(customer->shipping);
      rows.text(customer->email_index);
      rows.text(customer->wrapped_key);
      rows.int8(customer->created_at_ms);
      rows.end_row();
    }
    return finish(rows);
  }

  // Customers erased by a decision of this batch.
  std::string erased_customers_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i] || !items_[i].erases_customer) continue;
      rows.begin_row();
      rows.field("ref", items_[i].read_model.customer_ref);
      rows.field("order_id", items_[i].read_model.id);
      rows.field("at_ms", items_[i].read_model.updated_at_ms);
      rows.end_row();
    }
    return rows.take();
  }

  binary_rows orders_parameter() const {
    const auto created = created_orders();
    record_array rows{types_.order};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      const auto& order = items_[i].read_model;
      rows.begin_row();
      rows.uuid(order.id);
      rows.text(order.number);
      rows.text(order.status);
      rows.uuid(order.customer_ref);
      rows.text(order.payment_method);
      rows.int8(order.total_cents);
      rows.int8(order.created_at_ms);
      rows.int8(order.updated_at_ms);
      rows.int8(order.version);
      rows.text(order.payment_address);
      rows.text(order.quote_atomic);
      rows.text(order.outstanding_atomic);
      rows.int8(order.quoted_at_ms);
      rows.int8(order.quote_expires_at_ms);
      rows.int8(order.closed_at_ms);
      rows.int8(order.erasure_requested_at_ms);
      rows.int8(order.customer_erased_at_ms);
      rows.text(order.refund_state);
      rows.text(order.refund_due_atomic);
      rows.text(order.refunded_atomic);
      rows.text(order.refund_outstanding_atomic);
      rows.boolean(order.kpi.paid);
      if (order.kpi.processing_ms)
        rows.int8(*order.kpi.processing_ms);
      else
        rows.null_int8();
      rows.boolean(order.kpi.delivered);
      rows.boolean(order.kpi.reviewed);
      rows.int8(order.kpi.refunded_cents);
      rows.boolean(created.count(order_[i]) > 0);
      rows.text_or_null(order.view_json);
      rows.end_row();
    }
    return finish(rows);
  }

  binary_rows timers_cleared_parameter() const {
    record_array rows{types_.timer_cleared};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& kind : items_[i].timers_cleared) {
        rows.begin_row();
        rows.uuid(items_[i].read_model.id);
        rows.text(kind);
        rows.end_row();
      }
    }
    return finish(rows);
  }

  binary_rows timers_set_parameter() const {
    const auto created = created_orders();
    record_array rows{types_.timer};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      const bool new_order = created.count(order_[i]) > 0;
      for (const auto& timer : items_[i].timers_set) {
        rows.begin_row();
        rows.uuid(items_[i].read_model.id);
        rows.text(timer.kind);
        rows.int8(timer.due_at_ms);
        rows.boolean(new_order);
        rows.end_row();
      }
    }
    return finish(rows);
  }

  binary_rows outbox_parameter() const {
    record_array rows{types_.mail};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& mail : items_[i].outbox) {
        rows.begin_row();
        rows.uuid(items_[i].read_model.id);
        rows.text(mail.kind);
        rows.int8(mail.created_at_ms);
        rows.text_or_null(mail.payload_json);
        rows.end_row();
      }
    }
    return finish(rows);
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

  std::string reversed_payments_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& p : items_[i].payments_reversed) {
        rows.begin_row();
        rows.field("coin", p.coin);
        rows.field("txid", p.txid);
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

  // The events some endpoint may subscribe to (all of them without a cache):
  // the statement joins them with the endpoints that do.
  binary_rows webhook_events_parameter(const webhook_subscriptions* subscriptions) const {
    record_array rows{types_.hook};
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& event : items_[i].webhook_events) {
        if (subscriptions && !subscriptions->wants(event.type)) continue;
        rows.begin_row();
        rows.uuid(items_[i].read_model.id);
        rows.int8(event.seq);
        rows.text(event.type);
        rows.text_or_null(event.payload_json);
        rows.int8(event.occurred_at_ms);
        rows.end_row();
      }
    }
    return finish(rows);
  }

  std::vector<append_outcome> outcomes() const {
    std::vector<append_outcome> result;
    result.reserve(size());
    for (bool c : conflict_) result.push_back(c ? append_outcome::conflict : append_outcome::committed);
    return result;
  }

 private:
  // An item's index in the batch, as the statements report it back.
  static std::int32_t item_number(std::size_t i) { return static_cast<std::int32_t>(i); }

  const std::vector<append_item>& items_;
  const std::vector<std::optional<sealed_customer>>& customers_;
  const journal_row_types& types_;
  std::vector<std::string> order_;  // lower-cased read_model.id
  std::vector<bool> conflict_;
  std::vector<bool> events_sent_;   // took part in claim_events_and_keys
  std::vector<bool> key_inserted_;  // its idempotency row is this transaction's
  std::vector<std::set<std::int64_t>> seqs_not_inserted_;
};

inline bool is_empty_array(const std::string& parameter) {
  return parameter == "[]";
}

}  // namespace persistence::detail
