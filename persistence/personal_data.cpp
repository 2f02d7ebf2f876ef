#include "persistence/personal_data.hpp"

#include <set>
#include <stdexcept>

#include "persistence/append_plan.hpp"
#include "persistence/pq_connection.hpp"
#include "persistence/sealed_json.hpp"
#include "sealing/box.hpp"

namespace persistence::detail {
namespace {

std::string column_context(const char* column, const std::string& ref) {
  return std::string{"customers."} + column + ":" + lower(ref);
}

bool has_personal_text(const append_item& item) {
  if (!item.read_model.personal_paths.empty()) return true;
  for (const auto& event : item.events)
    if (!event.personal_paths.empty()) return true;
  for (const auto& mail : item.outbox)
    if (!mail.personal_paths.empty()) return true;
  return false;
}

sealed_customer seal_customer(const customer_row& row, const sealing::vault& vault, const sealing::secret_key& key) {
  sealed_customer out;
  out.ref = row.ref;
  out.name = sealing::seal(key, row.name, column_context("name", row.ref));
  out.email = sealing::seal(key, row.email, column_context("email", row.ref));
  if (!row.shipping_json.empty())
    out.shipping = sealing::seal(key, row.shipping_json, column_context("shipping", row.ref));
  out.email_index = vault.email_index(row.email);
  out.wrapped_key = vault.wrap_customer_key(key, lower(row.ref));
  out.created_at_ms = row.created_at_ms;
  return out;
}

void seal_texts(append_item& item, const sealing::secret_key* key) {
  const auto& order_id = item.read_model.id;
  for (auto& event : item.events)
    if (!event.personal_paths.empty())
      event.payload_json =
          seal_paths(event.payload_json, event.personal_paths, key, event_context(order_id, event.seq));
  if (!item.read_model.personal_paths.empty())
    item.read_model.view_json =
        seal_paths(item.read_model.view_json, item.read_model.personal_paths, key, view_context(order_id));
  for (auto& mail : item.outbox)
    if (!mail.personal_paths.empty())
      mail.payload_json = seal_paths(mail.payload_json, mail.personal_paths, key, outbox_context(order_id, mail.kind));
}

}  // namespace

const named_statement order_key_statement{"order_key", R"sql(
select o.customer_ref::text, k.wrapped_key
from orders o left join customer_keys k on k.ref = o.customer_ref
where o.id = $1::uuid
)sql"};

std::optional<sealing::secret_key> order_key(pqxx::transaction_base& txn, const sealing::vault& vault,
                                             const std::string& order_id) {
  const auto result = txn.exec_prepared(order_key_statement.name, order_id);
  if (result.empty()) return std::nullopt;
  return customer_key(vault, text_or_empty(result[0][1]), result[0][0].as<std::string>());
}

std::string event_context(const std::string& order_id, std::int64_t seq) {
  return "events:" + lower(order_id) + ":" + std::to_string(seq);
}

std::string view_context(const std::string& order_id) {
  return "orders.view:" + lower(order_id);
}

std::string outbox_context(const std::string& order_id, const std::string& kind) {
  return "outbox:" + lower(order_id) + ":" + kind;
}

std::vector<std::string> customers_needing_keys(const std::vector<append_item>& items) {
  std::set<std::string> refs;
  for (const auto& item : items)
    if (!item.customer && has_personal_text(item)) refs.insert(lower(item.read_model.customer_ref));
  return {refs.begin(), refs.end()};
}

std::optional<sealing::secret_key> customer_key(const sealing::vault& vault, const std::string& wrapped,
                                                const std::string& ref) {
  if (wrapped.empty()) return std::nullopt;
  auto key = vault.unwrap_customer_key(wrapped, lower(ref));
  if (!key)
    throw std::runtime_error("the data key of customer " + ref +
                             " does not unwrap: security.master_key_file holds another master key than the one "
                             "that wrapped it");
  return key;
}

sealed_batch seal_batch(const std::vector<append_item>& items, const sealing::vault& vault,
                        const std::map<std::string, std::string>& wrapped_keys) {
  sealed_batch out;
  out.items = items;
  out.customers.resize(items.size());
  std::map<std::string, std::optional<sealing::secret_key>> keys;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& item = out.items[i];
    const auto ref = lower(item.read_model.customer_ref);
    if (item.customer) {
      auto key = sealing::secret_key::random();
      out.customers[i] = seal_customer(*item.customer, vault, key);
      keys.insert_or_assign(ref, key);
      item.customer.reset();
    } else if (keys.count(ref) == 0) {
      const auto wrapped = wrapped_keys.find(ref);
      keys.emplace(ref, customer_key(vault, wrapped == wrapped_keys.end() ? "" : wrapped->second, ref));
    }
    const auto& key = keys.at(ref);
    seal_texts(item, key ? &*key : nullptr);
    // Texts written in the decision that erases the customer are sealed
    // under the key it destroys, like every text before them.
    if (item.erases_customer) keys.insert_or_assign(ref, std::nullopt);
  }
  return out;
}

customer_row open_customer(const sealing::vault& vault, const std::string& ref, const std::string& name,
                           const std::string& email, const std::string& shipping, const std::string& wrapped_key,
                           std::int64_t created_at_ms, std::int64_t erased_at_ms) {
  customer_row row;
  row.ref = ref;
  row.created_at_ms = created_at_ms;
  row.erased_at_ms = erased_at_ms;
  const auto key = customer_key(vault, wrapped_key, ref);
  if (!key) {
    row.erased = true;
    return row;
  }
  auto open = [&](const std::string& sealed, const char* column) {
    if (sealed.empty()) return std::string{};
    auto plain = sealing::open(*key, sealed, column_context(column, ref));
    if (!plain) throw std::runtime_error("customer " + ref + ": " + column + " does not open under its key");
    return *plain;
  };
  row.name = open(name, "name");
  row.email = open(email, "email");
  row.shipping_json = open(shipping, "shipping");
  return row;
}

}  // namespace persistence::detail
