#include "chains/refund_address.hpp"

#include "chains/bitcoin_address.hpp"
#include "chains/ethereum_address.hpp"
#include "chains/text.hpp"

namespace chains {

expected<std::string, address_error> check_refund_address(std::string_view coin_code, std::string_view text,
                                                          bitcoin_network network) {
  text = trim_whitespace(text);
  if (coin_code == "BTC") {
    auto address = parse_bitcoin_address(text, network);
    if (!address) return address.error();
    return std::move(address->text);
  }
  if (coin_code == "ETH" || coin_code == "USDC") {
    auto address = parse_ethereum_address(text);
    if (!address) return address.error();
    return std::move(address->text);
  }
  return make_address_error(address_problem::unsupported_coin, "refund addresses of this coin are not checked here");
}

}  // namespace chains
