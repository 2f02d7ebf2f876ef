// The journal read back: an order's events, one order or a batch of them, with
// the personal texts in them opened under their customer's key. Apart from
// the append (journal_store.cpp), which shares no statement with it.

#include "persistence/journal_reads.hpp"

#include <cctype>
#include <map>

#include "persistence/access_path.hpp"
#include "persistence/append_plan.hpp"  // detail::lower
#include "persistence/journal_store.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"
#include "persistence/sealed_json.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement load_events{"load_events", R"sql(
select order_id::text, seq, type, payload::text,
       floor(extract(epoch from recorded_at) * 1000)::bigint
from events
where order_id = $1::uuid
order by seq
)sql"};

// The events of many orders in one statement (the reader pool's batched
// recoveries): $1 is a text array of their ids.
const named_statement load_events_of{"load_events_of", R"sql(
select order_id::text, seq, type, payload::text,
       floor(extract(epoch from recorded_at) * 1000)::bigint
from events
where order_id = any($1::uuid[])
order by order_id, seq
)sql"};

// Whose key an order's sealed texts open with: its customer's. Read before
// the key itself, which the 'order' path shows for that one customer only.
const named_statement order_customer{"order_customer", "select customer_ref::text from orders where id = $1::uuid"};

// That customer's data key (none once erased).
const named_statement customer_key{"journal_customer_key",
                                   "select wrapped_key from customer_keys where ref = $1::uuid"};

}  // namespace sql

// The key an order's own sealed texts open with, on the 'order' path, which
// shows that one customer's key only (none once erased).
std::optional<sealing::secret_key> own_customer_key(pqxx::transaction_base& txn, const sealing::vault& vault,
                                                    const std::string& order_id) {
  const auto order = txn.exec_prepared(sql::order_customer.name, order_id);
  if (order.empty()) return std::nullopt;
  const auto ref = order[0][0].as<std::string>();
  detail::enter_order_path(txn, ref);
  const auto key = txn.exec_prepared(sql::customer_key.name, ref);
  if (key.empty()) return std::nullopt;
  return detail::customer_key(vault, text_or_empty(key[0][0]), ref);
}

stored_event event_of(const pqxx::row& row) {
  stored_event event;
  event.order_id = row[0].as<std::string>();
  event.seq = row[1].as<std::int64_t>();
  event.type = row[2].as<std::string>();
  event.payload_json = row[3].as<std::string>();
  event.recorded_at_ms = row[4].as<std::int64_t>();
  return event;
}

bool holds_sealed_values(const std::vector<stored_event>& events) {
  for (const auto& event : events)
    if (detail::may_hold_sealed_values(event.payload_json)) return true;
  return false;
}

// The canonical text of a uuid (8-4-4-4-12 hex digits, any case), as ids
// travel through the engine. Only such ids share a batch's statement: one
// that PostgreSQL would refuse must not fail the loads of the others.
bool is_canonical_uuid(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen ? id[i] != '-' : std::isxdigit(static_cast<unsigned char>(id[i])) == 0) return false;
  }
  return true;
}

// Only orders with personal texts need their customer's key, read in a
// transaction of its own so that the path own_customer_key names lasts for it.
void open_sealed_texts(pqxx::connection& conn, const sealing::vault& vault, const std::string& order_id,
                       std::vector<stored_event>& events) {
  if (!holds_sealed_values(events)) return;
  pqxx::read_transaction txn{conn};
  const auto key = own_customer_key(txn, vault, order_id);
  txn.commit();
  for (auto& event : events)
    event.payload_json = detail::open_sealed_values(event.payload_json, key ? &*key : nullptr,
                                                    detail::event_context(event.order_id, event.seq));
}

}  // namespace

std::vector<stored_event> journal_store::load_events(const std::string& order_id) {
  return db_.native().run([&](pqxx::connection& conn) {
    std::vector<stored_event> events;
    {
      pqxx::nontransaction txn{conn};
      const auto result = txn.exec_prepared(sql::load_events.name, order_id);
      events.reserve(result.size());
      for (const auto& row : result) events.push_back(event_of(row));
    }
    open_sealed_texts(conn, *vault_, order_id, events);
    return events;
  });
}

std::vector<std::vector<stored_event>> journal_store::load_events_of(const std::vector<std::string>& order_ids) {
  std::vector<std::vector<stored_event>> lists(order_ids.size());
  std::map<std::string, std::vector<std::size_t>> asked;  // lower-case id -> its places in order_ids
  std::string array = "{";
  for (std::size_t i = 0; i < order_ids.size(); ++i) {
    if (!is_canonical_uuid(order_ids[i])) {
      try {
        lists[i] = load_events(order_ids[i]);  // alone, in whatever form PostgreSQL reads a uuid
      } catch (const pqxx::data_exception&) {
        // not a uuid at all: it names no order
      }
      continue;
    }
    auto& places = asked[detail::lower(order_ids[i])];
    if (places.empty()) {
      if (array.size() > 1) array += ',';
      array += order_ids[i];
    }
    places.push_back(i);
  }
  array += '}';
  if (asked.empty()) return lists;
  db_.native().run([&](pqxx::connection& conn) {
    std::map<std::string, std::vector<stored_event>> found;
    {
      pqxx::nontransaction txn{conn};
      for (const auto& row : txn.exec_prepared(sql::load_events_of.name, array)) {
        auto event = event_of(row);
        found[event.order_id].push_back(std::move(event));
      }
    }
    for (auto& [id, events] : found) {
      const auto places = asked.find(id);
      if (places == asked.end()) continue;
      open_sealed_texts(conn, *vault_, id, events);
      for (std::size_t k = 1; k < places->second.size(); ++k) lists[places->second[k]] = events;
      lists[places->second.front()] = std::move(events);
    }
  });
  return lists;
}

namespace detail {

void declare_journal_reads(connection::impl& native) {
  native.declare({&sql::load_events, &sql::load_events_of, &sql::order_customer, &sql::customer_key});
}

}  // namespace detail

}  // namespace persistence
