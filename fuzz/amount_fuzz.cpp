// Amount parsing (domain/money.hpp, and the exchange rate of config.hpp):
// the input is the text, read as an atomic amount, as a coin amount in each
// precision the shop's coins use, and as a USD rate. Whatever parses must
// read back: format_coin of the parsed amount is the text in canonical form
// (no leading zeros, every decimal written), and parsing that gives the
// same amount again. Nothing may throw: the parsers answer nullopt.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "domain/money.hpp"

namespace {

void check(bool promise) {
  if (!promise) std::abort();
}

// "007.5" with 3 decimals -> "7.500"; the form format_coin writes.
std::string canonical(std::string_view text, int decimals) {
  const auto point = text.find('.');
  std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  std::string out{whole};
  if (decimals > 0) {
    out += '.';
    out += fraction;
    out.append(static_cast<std::size_t>(decimals) - fraction.size(), '0');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};

  if (auto atomic = domain::atomic_amount::parse(text)) check(atomic->to_string() == canonical(text, 0));

  // USDC, BTC, XMR and ETH; 0 and 2 for whole coins and cents.
  for (int decimals : {0, 2, 6, 8, 12, 18}) {
    const auto amount = domain::parse_coin(text, decimals);
    if (!amount) continue;
    const std::string written = domain::format_coin(*amount, decimals, decimals);
    check(written == canonical(text, decimals));
    const auto again = domain::parse_coin(written, decimals);
    check(again && *again == *amount);
  }

  if (auto rate = config::parse_rate_e8(text)) check(*rate > 0);
  return 0;
}
