#pragma once

// Which Bitcoin network the shop takes payments on, and what each network spells
// differently: the segwit prefix, the base58 version bytes, the BIP84 key's version.

#include <cstdint>
#include <optional>
#include <string_view>

namespace chains {

enum class bitcoin_network : unsigned char { mainnet, testnet, regtest };

struct bitcoin_network_parameters {
  const char* name;            ///< "mainnet", as in the config
  const char* segwit_hrp;      ///< "bc", "tb", "bcrt"
  std::uint8_t p2pkh_version;  ///< base58 version byte of a P2PKH address (1..., m.../n...)
  std::uint8_t p2sh_version;   ///< base58 version byte of a P2SH address (3..., 2...)
  const char* bip84_key_name;  ///< the account key a shop on this network pastes: "zpub", "vpub"
};

const bitcoin_network_parameters& parameters_of(bitcoin_network network) noexcept;

/// "mainnet", "testnet" or "regtest"; nullopt for anything else.
std::optional<bitcoin_network> parse_bitcoin_network(std::string_view name) noexcept;

}  // namespace chains
