#include "chains/bitcoin_network.hpp"

namespace chains {

const bitcoin_network_parameters& parameters_of(bitcoin_network network) noexcept {
  // Regtest shares testnet's base58 versions and keys; only its segwit prefix differs.
  static constexpr bitcoin_network_parameters mainnet{"mainnet", "bc", 0x00, 0x05, "zpub"};
  static constexpr bitcoin_network_parameters testnet{"testnet", "tb", 0x6f, 0xc4, "vpub"};
  static constexpr bitcoin_network_parameters regtest{"regtest", "bcrt", 0x6f, 0xc4, "vpub"};
  switch (network) {
    case bitcoin_network::mainnet:
      return mainnet;
    case bitcoin_network::testnet:
      return testnet;
    case bitcoin_network::regtest:
      return regtest;
  }
  return mainnet;
}

std::optional<bitcoin_network> parse_bitcoin_network(std::string_view name) noexcept {
  for (const auto network : {bitcoin_network::mainnet, bitcoin_network::testnet, bitcoin_network::regtest}) {
    if (name == parameters_of(network).name) return network;
  }
  return std::nullopt;
}

}  // namespace chains
