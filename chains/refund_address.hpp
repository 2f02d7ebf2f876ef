#pragma once

#include <string>
#include <string_view>

#include "chains/bitcoin_network.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

/// Checks the refund address a customer gave for the coin `coin_code` ("BTC", "ETH",
/// "USDC"; USDC is an ERC-20 token, so its address is an Ethereum one) and returns it
/// as it should be stored (segwit lower case, Ethereum in EIP-55 case). Spaces around
/// it are dropped. Bitcoin addresses must be of `network`. Another coin gives
/// address_problem::unsupported_coin.
expected<std::string, address_error> check_refund_address(std::string_view coin_code, std::string_view text,
                                                          bitcoin_network network);

}  // namespace chains
