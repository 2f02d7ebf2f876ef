#pragma once

// What journal_store::append_batch knows about each item of a batch while its
// statements run: which items conflict, whether this transaction inserted
// rows of an item that ends in conflict (then it must not commit, and runs
// again without that item), and each statement's parameters: its rows as
// JSON and the documents beside them. Internal to journal_store.cpp.

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
#include "persistence/text_array.hpp"
#include "persistence/webhook_subscriptions.hpp"

namespace persistence::detail {

// A statement's rows, and beside them one document per row in row order (an
// event's payload, an order's view, an email's payload), which the
// statements of migration 028 zip back together: a document never goes
// through the rows' JSON, to be escaped here and taken apart again there.
struct rows_and_documents {
  std::string rows;       // json_rows
  std::string documents;  // text_array, binary
};

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
  append_plan(const std::vector<append_item>& items, const std::vector<std::optional<sealed_customer>>& customers)
      : items_(items),
        customers_(customers),
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

  rows_and_documents events_parameters() {
    json_rows rows;
    text_array payloads;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      events_sent_[i] = true;
      for (const auto& event : items_[i].events) {
        rows.begin_row();
        rows.field("item", static_cast<std::int64_t>(i));
        rows.field("order_id", event.order_id);
        rows.field("seq", event.seq);
        rows.field("type", event.type);
        rows.field("recorded_at_ms", event.recorded_at_ms);
        rows.end_row();
        payloads.push_back(event.payload_json);
      }
    }
    return {rows.take(), payloads.take()};
  }

  void event_not_inserted(std::size_t i, std::int64_t seq) {
    conflict_[i] = true;
    seqs_not_inserted_[i].insert(seq);
  }

  // Fills `sent` with the items whose key goes into claim_events_and_keys.
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

  std::string customers_parameter() const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& customer = customers_[i];
      if (conflict_[i] || !customer) continue;
      rows.begin_row();
      rows.field("ref", customer->ref);
      rows.field("name", customer->name);
      rows.field("email", customer->email);
      rows.field("shipping", customer->shipping);
      rows.field("email_index", customer->email_index);
      rows.field("wrapped_key", customer->wrapped_key);
      rows.field("created_at_ms", customer->created_at_ms);
      rows.end_row();
    }
    return rows.take();
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

  rows_and_documents orders_parameters() const {
    const auto created = created_orders();
    json_rows rows;
    text_array views;
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
      rows.field("payment_address", order.payment_address);
      rows.field("quote_atomic", order.quote_atomic);
      rows.field("outstanding_atomic", order.outstanding_atomic);
      rows.field("quoted_at_ms", order.quoted_at_ms);
      rows.field("quote_expires_at_ms", order.quote_expires_at_ms);
      rows.field("closed_at_ms", order.closed_at_ms);
      rows.field("erasure_requested_at_ms", order.erasure_requested_at_ms);
      rows.field("customer_erased_at_ms", order.customer_erased_at_ms);
      rows.field("refund_state", order.refund_state);
      rows.field("refund_due_atomic", order.refund_due_atomic);
      rows.field("refunded_atomic", order.refunded_atomic);
      rows.field("refund_outstanding_atomic", order.refund_outstanding_atomic);
      rows.field("kpi_paid", order.kpi.paid ? 1 : 0);
      if (order.kpi.processing_ms) rows.field("kpi_processing_ms", *order.kpi.processing_ms);  // absent: null
      rows.field("kpi_delivered", order.kpi.delivered ? 1 : 0);
      rows.field("kpi_reviewed", order.kpi.reviewed ? 1 : 0);
      rows.field("kpi_refunded_cents", order.kpi.refunded_cents);
      rows.flag("new_order", created.count(order_[i]) > 0);
      rows.end_row();
      views.push_back(order.view_json);
    }
    return {rows.take(), views.take()};
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
    const auto created = created_orders();
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      const bool new_order = created.count(order_[i]) > 0;
      for (const auto& timer : items_[i].timers_set) {
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("kind", timer.kind);
        rows.field("due_at_ms", timer.due_at_ms);
        rows.flag("new_order", new_order);
        rows.end_row();
      }
    }
    return rows.take();
  }

  rows_and_documents outbox_parameters() const {
    json_rows rows;
    text_array payloads;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& mail : items_[i].outbox) {
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("kind", mail.kind);
        rows.field("created_at_ms", mail.created_at_ms);
        rows.end_row();
        payloads.push_back(mail.payload_json);
      }
    }
    return {rows.take(), payloads.take()};
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
  std::string webhook_events_parameter(const webhook_subscriptions* subscriptions) const {
    json_rows rows;
    for (std::size_t i = 0; i < size(); ++i) {
      if (conflict_[i]) continue;
      for (const auto& event : items_[i].webhook_events) {
        if (subscriptions && !subscriptions->wants(event.type)) continue;
        rows.begin_row();
        rows.field("order_id", items_[i].read_model.id);
        rows.field("seq", event.seq);
        rows.field("type", event.type);
        rows.json_text_field("payload", event.payload_json);
        rows.field("at_ms", event.occurred_at_ms);
        rows.end_row();
      }
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
  const std::vector<std::optional<sealed_customer>>& customers_;
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
