// What an Ethereum node answers the watcher (chains/ethereum_rpc_client): the
// bytes as JSON into the block, Transfer log and receipt parsers, and as a
// quantity. Beyond "no crash": a parser either returns or throws rpc_error
// (bad_reply), never anything else; an accepted amount is the value of its hex
// digits (no wrap past 128 bits); an accepted address is 0x + 40 lower-case hex.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chains/ethereum_rpc_client.hpp"

namespace {

void check(bool promise) {
  if (!promise) std::abort();
}

bool lower_hex_address(const std::string& a) {
  if (a.size() != 42 || a.compare(0, 2, "0x") != 0) return false;
  for (std::size_t i = 2; i < a.size(); ++i)
    if (!((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'))) return false;
  return true;
}

template <class Parse>
void parses_or_refuses(Parse parse) {
  try {
    parse();
  } catch (const chains::rpc_error& e) {
    check(e.what_kind() == chains::rpc_error::kind::bad_reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto q = chains::parse_hex_quantity(text)) {
    // Printed back in hex, it is the input's digits without leading zeros.
    std::string digits(text.substr(2));
    for (auto& c : digits) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
    std::string back;
    auto v = *q;
    do {
      back.insert(back.begin(), "0123456789abcdef"[static_cast<int>(v & 0x0f)]);
      v >>= 4;
    } while (v != 0);
    check(back == digits);
  }
  if (const auto a = chains::normalized_eth_address(text)) check(lower_hex_address(*a));

  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  parses_or_refuses([&] {
    const auto b = chains::parse_eth_block(j);
    for (const auto& tx : b.transactions) check(tx.to.empty() || lower_hex_address(tx.to));
  });
  parses_or_refuses([&] { check(lower_hex_address(chains::parse_transfer_log(j).to)); });
  parses_or_refuses([&] { chains::parse_eth_receipt(j); });
  return 0;
}
