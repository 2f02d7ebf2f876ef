#pragma once

// Seals the personal data of a journal batch before it is written, and opens
// customer rows read back. The customer of a new order gets a fresh data key
// (stored wrapped by the master key); texts of a later decision are sealed
// under the key its customer already has, or dropped when that customer was
// erased. Internal to persistence.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace pqxx {
class transaction_base;
}

namespace persistence::detail {

/// The customers row as stored, with its wrapped data key.
struct sealed_customer {
  std::string ref;
  std::string name, email, shipping;  // sealed
  std::string email_index;
  std::string wrapped_key;
  std::int64_t created_at_ms = 0;
};

struct sealed_batch {
  std::vector<append_item> items;                         // texts sealed, customer rows left out
  std::vector<std::optional<sealed_customer>> customers;  // of items[i]
};

/// Customers (refs) whose data key the batch needs from the database: items
/// with personal texts whose customer is not new in this batch.
std::vector<std::string> customers_needing_keys(const std::vector<append_item>& items);

/// `wrapped_keys`: the wrapped data key of each ref customers_needing_keys
/// named that still has one (an erased customer has none). Throws when a
/// wrapped key does not unwrap: the master key is not the one that wrapped it.
sealed_batch seal_batch(const std::vector<append_item>& items, const sealing::vault& vault,
                        const std::map<std::string, std::string>& wrapped_keys);

/// A customer's data key from its wrapped form; nullopt when `wrapped` is
/// empty (erased). Throws when it does not unwrap.
std::optional<sealing::secret_key> customer_key(const sealing::vault& vault, const std::string& wrapped,
                                                const std::string& ref);

/// The key an order's sealed texts open with: its customer's, or nullopt once
/// the customer was erased (or for an unknown order). A repository that calls
/// it declares order_key_statement on its connection.
extern const named_statement order_key_statement;
std::optional<sealing::secret_key> order_key(pqxx::transaction_base& txn, const sealing::vault& vault,
                                             const std::string& order_id);

/// Where a document's sealed values are bound to.
std::string event_context(const std::string& order_id, std::int64_t seq);
std::string view_context(const std::string& order_id);
std::string outbox_context(const std::string& order_id, const std::string& kind);

/// A customers row read back; the columns as stored.
customer_row open_customer(const sealing::vault& vault, const std::string& ref, const std::string& name,
                           const std::string& email, const std::string& shipping, const std::string& wrapped_key,
                           std::int64_t created_at_ms, std::int64_t erased_at_ms);

}  // namespace persistence::detail
