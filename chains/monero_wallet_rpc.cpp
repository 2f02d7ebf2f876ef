#include "chains/monero_wallet_rpc.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace chains {
namespace {

using nlohmann::json;

// A reply that parses as JSON but lacks a field we rely on means a wallet-rpc we do not
// understand (another version): say which field, rather than report a zero amount.
class reader {
 public:
  reader(const json_rpc_client& rpc, std::string method) : rpc_(rpc), method_(std::move(method)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw rpc_error(rpc_error::kind::bad_reply, method_ + " at " + rpc_.endpoint().base_url + ": " + what, 200);
  }

  const json& member(const json& object, const char* name) const {
    if (!object.is_object()) fail(std::string{"expected an object holding '"} + name + "'");
    auto it = object.find(name);
    if (it == object.end()) fail(std::string{"'"} + name + "' is missing");
    return *it;
  }

  std::uint64_t unsigned_number(const json& object, const char* name) const {
    const json& value = member(object, name);
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0))
      fail(std::string{"'"} + name + "' is not an unsigned integer: " + value.dump());
    return value.get<std::uint64_t>();
  }

  std::uint64_t unsigned_number_or(const json& object, const char* name, std::uint64_t fallback) const {
    if (!object.contains(name)) return fallback;
    return unsigned_number(object, name);
  }

  std::uint32_t index(const json& object, const char* name) const {
    const auto value = unsigned_number(object, name);
    if (value > std::numeric_limits<std::uint32_t>::max()) fail(std::string{"'"} + name + "' is out of range");
    return static_cast<std::uint32_t>(value);
  }

  std::string text(const json& object, const char* name) const {
    const json& value = member(object, name);
    if (!value.is_string()) fail(std::string{"'"} + name + "' is not a string");
    return value.get<std::string>();
  }

  std::string text_or(const json& object, const char* name, std::string fallback) const {
    if (!object.contains(name)) return fallback;
    return text(object, name);
  }

  bool flag_or(const json& object, const char* name, bool fallback) const {
    if (!object.contains(name)) return fallback;
    const json& value = member(object, name);
    if (!value.is_boolean()) fail(std::string{"'"} + name + "' is not a boolean");
    return value.get<bool>();
  }

 private:
  const json_rpc_client& rpc_;
  std::string method_;
};

bool all_zeros(const std::string& hex) {
  return hex.find_first_not_of('0') == std::string::npos;
}

monero_transfer to_transfer(const reader& r, const json& entry, bool in_pool) {
  monero_transfer t;
  t.txid = r.text(entry, "txid");
  t.amount = domain::atomic_amount{r.unsigned_number(entry, "amount")};
  t.subaddr_index = r.index(r.member(entry, "subaddr_index"), "minor");
  t.address = r.text(entry, "address");
  t.height = r.unsigned_number_or(entry, "height", 0);
  t.confirmations = r.unsigned_number_or(entry, "confirmations", 0);
  t.timestamp_unix = r.unsigned_number_or(entry, "timestamp", 0);
  t.payment_id = r.text_or(entry, "payment_id", "");
  if (all_zeros(t.payment_id)) t.payment_id.clear();
  t.in_pool = in_pool;
  t.unlock_time = r.unsigned_number_or(entry, "unlock_time", 0);
  t.double_spend_seen = r.flag_or(entry, "double_spend_seen", false);
  return t;
}

}  // namespace

monero_wallet_rpc::monero_wallet_rpc(rpc_endpoint endpoint) : rpc_(std::move(endpoint)) {}

monero_subaddress monero_wallet_rpc::create_address(std::uint32_t account_index, const std::string& label) {
  const auto result = rpc_.call("create_address", {{"account_index", account_index}, {"label", label}});
  const reader r{rpc_, "create_address"};
  monero_subaddress created{r.text(result, "address"), r.index(result, "address_index")};
  // wallet-rpc keeps a new subaddress in memory only: killed before its next save, it
  // would hand the same index out again, to another order. Saving the wallet file
  // (tens of milliseconds, longer for a big wallet) makes the index ours for good.
  rpc_.call("store", json::object(), std::max(rpc_.endpoint().timeout, std::chrono::milliseconds{30000}));
  return created;
}

std::uint64_t monero_wallet_rpc::refresh(std::chrono::milliseconds timeout) {
  const auto result = rpc_.call("refresh", json::object(), timeout);
  return reader{rpc_, "refresh"}.unsigned_number(result, "blocks_fetched");
}

std::vector<monero_transfer> monero_wallet_rpc::get_transfers(std::uint32_t account_index, bool in, bool pool,
                                                              std::optional<std::uint64_t> min_height) {
  json params{{"account_index", account_index}, {"in", in}, {"pool", pool}};
  // The wallet keeps heights strictly above min_height, and only with filter_by_height.
  if (min_height && *min_height > 0) {
    params["filter_by_height"] = true;
    params["min_height"] = *min_height - 1;
  }
  const auto result = rpc_.call("get_transfers", params);
  const reader r{rpc_, "get_transfers"};
  std::vector<monero_transfer> out;
  // An empty list is left out of the reply altogether.
  for (const auto& [name, in_pool] : {std::pair{"in", false}, std::pair{"pool", true}}) {
    if (!result.is_object() || !result.contains(name)) continue;
    const json& list = result.at(name);
    if (!list.is_array()) r.fail(std::string{"'"} + name + "' is not an array");
    for (const auto& entry : list) out.push_back(to_transfer(r, entry, in_pool));
  }
  return out;
}

std::uint64_t monero_wallet_rpc::get_height() {
  const auto result = rpc_.call("get_height");
  return reader{rpc_, "get_height"}.unsigned_number(result, "height");
}

}  // namespace chains
