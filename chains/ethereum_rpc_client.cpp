#include "chains/ethereum_rpc_client.hpp"

#include <algorithm>
#include <utility>

#include "chains/bytes.hpp"
#include "chains/keccak.hpp"
#include "domain/hex.hpp"
#include "net/curl_support.hpp"

namespace chains {
namespace {

using rep = domain::atomic_amount::rep;

[[noreturn]] void bad_reply(const std::string& what) {
  throw rpc_error(rpc_error::kind::bad_reply, "Ethereum node: " + what);
}

bool is_hex(std::string_view digits) {
  return std::all_of(digits.begin(), digits.end(), [](char c) { return domain::hex_digit_value(c) >= 0; });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

// "0x" + exactly `digits` hex digits, in lower case.
std::optional<std::string> fixed_hex(std::string_view text, std::size_t digits) {
  if (text.size() != digits + 2 || text.substr(0, 2) != "0x" || !is_hex(text.substr(2))) return std::nullopt;
  return lower(text);
}

const nlohmann::json& member(const nlohmann::json& j, const char* key, const char* what) {
  if (!j.is_object()) bad_reply(std::string(what) + " that is not a JSON object");
  const auto found = j.find(key);
  if (found == j.end()) bad_reply(std::string(what) + " without \"" + key + "\"");
  return *found;
}

std::string hash_at(const nlohmann::json& j, const char* key, const char* what) {
  const auto& v = member(j, key, what);
  const auto hash = v.is_string() ? fixed_hex(v.get_ref<const std::string&>(), 64) : std::nullopt;
  if (!hash) bad_reply(std::string(what) + " whose \"" + key + "\" is not a 32-byte hash");
  return *hash;
}

rep quantity_at(const nlohmann::json& j, const char* key, const char* what) {
  const auto& v = member(j, key, what);
  const auto q = v.is_string() ? parse_hex_quantity(v.get_ref<const std::string&>()) : std::nullopt;
  if (!q) bad_reply(std::string(what) + " whose \"" + key + "\" is not a hex quantity of at most 128 bits");
  return *q;
}

std::uint64_t u64_at(const nlohmann::json& j, const char* key, const char* what) {
  const rep q = quantity_at(j, key, what);
  if (q > static_cast<rep>(UINT64_MAX)) bad_reply(std::string(what) + " whose \"" + key + "\" is out of range");
  return static_cast<std::uint64_t>(q);
}

// Unix seconds, capped so that milliseconds of it still fit in 64 bits.
std::int64_t timestamp_at(const nlohmann::json& block) {
  const rep time = quantity_at(block, "timestamp", "a block");
  return static_cast<std::int64_t>(std::min<rep>(time, static_cast<rep>(INT64_MAX / 1000)));
}

std::string quantity(std::uint64_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  if (n == 0) return "0x0";
  std::string out;
  while (n > 0) {
    out.insert(out.begin(), digits[n & 0x0f]);
    n >>= 4;
  }
  return "0x" + out;
}

// A recipient as an indexed topic: the address left-padded to 32 bytes.
std::string address_topic(const std::string& lower_address) {
  return "0x" + std::string(24, '0') + lower_address.substr(2);
}

// Providers cap the topics of one eth_getLogs (and its reply); pending orders of
// a large shop go in groups of this many addresses.
constexpr std::size_t recipients_per_call = 200;

}  // namespace

const std::string& erc20_transfer_topic() {
  static const std::string topic = [] {
    const std::string signature = "Transfer(address,address,uint256)";
    const auto digest = keccak256(reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size());
    return "0x" + to_hex(digest);
  }();
  return topic;
}

std::optional<rep> parse_hex_quantity(std::string_view text) {
  if (text.size() < 3 || text.substr(0, 2) != "0x") return std::nullopt;
  std::string_view digits = text.substr(2);
  if (!is_hex(digits)) return std::nullopt;
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  if (digits.size() > 32) return std::nullopt;  // more than 128 bits: refused, never cut
  rep value = 0;
  for (char c : digits) value = (value << 4) | static_cast<rep>(domain::hex_digit_value(c));
  return value;
}

std::optional<rep> parse_uint256_word(std::string_view text) {
  if (text.size() != 66 || text.substr(0, 2) != "0x" || !is_hex(text.substr(2))) return std::nullopt;
  return parse_hex_quantity(text);
}

std::optional<std::string> normalized_eth_address(std::string_view text) {
  return fixed_hex(text, 40);
}

eth_block parse_eth_block(const nlohmann::json& j) {
  eth_block b;
  b.number = u64_at(j, "number", "a block");
  b.hash = hash_at(j, "hash", "a block");
  b.timestamp = timestamp_at(j);
  const auto& txs = member(j, "transactions", "a block");
  if (!txs.is_array()) bad_reply("a block whose \"transactions\" is not an array");
  for (const auto& t : txs) {
    if (!t.is_object()) bad_reply("a block without its transactions' bodies (asked with full transactions)");
    eth_transaction tx;
    tx.hash = hash_at(t, "hash", "a transaction");
    if (const auto to = t.find("to"); to != t.end() && !to->is_null()) {
      const auto address = to->is_string() ? normalized_eth_address(to->get_ref<const std::string&>()) : std::nullopt;
      if (!address) bad_reply("a transaction whose \"to\" is not an address");
      tx.to = *address;
    }
    tx.value = domain::atomic_amount{quantity_at(t, "value", "a transaction")};
    b.transactions.push_back(std::move(tx));
  }
  return b;
}

eth_transfer_log parse_transfer_log(const nlohmann::json& j) {
  eth_transfer_log log;
  log.tx_hash = hash_at(j, "transactionHash", "a log");
  log.block_hash = hash_at(j, "blockHash", "a log");
  log.block_number = u64_at(j, "blockNumber", "a log");
  log.log_index = u64_at(j, "logIndex", "a log");
  if (const auto removed = j.find("removed"); removed != j.end() && removed->is_boolean())
    log.removed = removed->get<bool>();
  const auto& topics = member(j, "topics", "a log");
  if (!topics.is_array() || topics.size() != 3 || !topics[0].is_string() ||
      lower(topics[0].get_ref<const std::string&>()) != erc20_transfer_topic())
    bad_reply("a log that is not an ERC-20 Transfer with indexed from and to");
  const auto to_word = topics[2].is_string() ? fixed_hex(topics[2].get_ref<const std::string&>(), 64) : std::nullopt;
  if (!to_word || to_word->substr(2, 24) != std::string(24, '0')) bad_reply("a Transfer whose recipient is not an address");
  log.to = "0x" + to_word->substr(26);
  const auto& data = member(j, "data", "a log");
  const auto value = data.is_string() ? parse_uint256_word(data.get_ref<const std::string&>()) : std::nullopt;
  if (!value) bad_reply("a Transfer whose amount is not a uint256 of at most 128 bits");
  log.value = domain::atomic_amount{*value};
  return log;
}

eth_receipt parse_eth_receipt(const nlohmann::json& j) {
  eth_receipt r;
  r.tx_hash = hash_at(j, "transactionHash", "a receipt");
  r.block_hash = hash_at(j, "blockHash", "a receipt");
  r.block_number = u64_at(j, "blockNumber", "a receipt");
  r.succeeded = quantity_at(j, "status", "a receipt") == 1;
  return r;
}

std::string url_origin(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return net::without_credentials(url.substr(0, path));
}

ethereum_rpc_client::ethereum_rpc_client(rpc_endpoint endpoint)
    : rpc_([&] {
        endpoint.path.clear();  // a node answers on its URL itself
        // A provider's URL holds its API key in the path: errors name the host only.
        if (endpoint.shown_as.empty()) endpoint.shown_as = url_origin(endpoint.base_url);
        return std::move(endpoint);
      }()) {}

std::uint64_t ethereum_rpc_client::block_number() {
  const auto result = rpc_.call("eth_blockNumber", nlohmann::json::array());
  const auto n = result.is_string() ? parse_hex_quantity(result.get_ref<const std::string&>()) : std::nullopt;
  if (!n || *n > static_cast<rep>(UINT64_MAX)) bad_reply("eth_blockNumber is not a block number");
  return static_cast<std::uint64_t>(*n);
}

std::optional<eth_block> ethereum_rpc_client::block_with_transactions(std::uint64_t number) {
  const auto result = rpc_.call("eth_getBlockByNumber", nlohmann::json::array({quantity(number), true}));
  if (result.is_null()) return std::nullopt;
  auto block = parse_eth_block(result);
  if (block.number != number) bad_reply("eth_getBlockByNumber answered another block");
  return block;
}

std::optional<eth_block_header> ethereum_rpc_client::block_header_at(std::uint64_t number) {
  const auto result = rpc_.call("eth_getBlockByNumber", nlohmann::json::array({quantity(number), false}));
  if (result.is_null()) return std::nullopt;
  eth_block_header h;
  h.number = u64_at(result, "number", "a block");
  h.hash = hash_at(result, "hash", "a block");
  h.timestamp = timestamp_at(result);
  if (h.number != number) bad_reply("eth_getBlockByNumber answered another block");
  return h;
}

std::vector<eth_transfer_log> ethereum_rpc_client::transfer_logs(const std::string& token,
                                                                 const std::vector<std::string>& recipients,
                                                                 std::uint64_t from, std::uint64_t to) {
  const auto contract = normalized_eth_address(token);
  if (!contract) throw rpc_error(rpc_error::kind::bad_reply, "the token contract is not an address");
  std::vector<eth_transfer_log> out;
  for (std::size_t first = 0; first < recipients.size(); first += recipients_per_call) {
    nlohmann::json topics_to = nlohmann::json::array();
    for (std::size_t k = first; k < std::min(recipients.size(), first + recipients_per_call); ++k)
      if (const auto address = normalized_eth_address(recipients[k])) topics_to.push_back(address_topic(*address));
    if (topics_to.empty()) continue;
    nlohmann::json filter{{"address", *contract},
                          {"fromBlock", quantity(from)},
                          {"toBlock", quantity(to)},
                          {"topics", nlohmann::json::array({erc20_transfer_topic(), nullptr, std::move(topics_to)})}};
    const auto result = rpc_.call("eth_getLogs", nlohmann::json::array({std::move(filter)}));
    if (!result.is_array()) bad_reply("eth_getLogs did not answer a list of logs");
    for (const auto& log : result) out.push_back(parse_transfer_log(log));
  }
  return out;
}

std::optional<eth_receipt> ethereum_rpc_client::transaction_receipt(const std::string& tx_hash) {
  const auto hash = fixed_hex(tx_hash, 64);
  if (!hash) throw rpc_error(rpc_error::kind::bad_reply, "not a transaction hash");
  const auto result = rpc_.call("eth_getTransactionReceipt", nlohmann::json::array({*hash}));
  if (result.is_null()) return std::nullopt;
  return parse_eth_receipt(result);
}

}  // namespace chains
