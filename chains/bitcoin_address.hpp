#pragma once

// Bitcoin addresses: the P2WPKH receive address of a public key (BIP84), and checking an
// address a customer gives for a refund.

#include <string>
#include <string_view>

#include "chains/bitcoin_network.hpp"
#include "chains/bytes.hpp"
#include "chains/curve_point.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

enum class bitcoin_address_type : unsigned char {
  p2pkh,   ///< base58, 1... (m.../n... on testnet)
  p2sh,    ///< base58, 3... (2... on testnet)
  p2wpkh,  ///< segwit v0, 20-byte program, bc1q...
  p2wsh,   ///< segwit v0, 32-byte program, bc1q...
  p2tr,    ///< segwit v1 (taproot), 32-byte program, bc1p...
};

struct bitcoin_address {
  std::string text;  ///< to store and pay to: segwit in lower case, base58 as given
  bitcoin_address_type type = bitcoin_address_type::p2wpkh;
  bytes program;  ///< the witness program, or the 20-byte hash of a base58 address
};

/// An address coins can be sent to on `network`: base58check P2PKH or P2SH with the
/// network's version byte, or segwit v0 (bech32) or v1 taproot (bech32m) with its prefix.
/// Later witness versions are refused: nothing spends them yet, so coins sent there are
/// anyone's. Errors say whether the checksum, the network or the format is wrong.
expected<bitcoin_address, address_error> parse_bitcoin_address(std::string_view text, bitcoin_network network);

/// BIP84's receive address of a public key: P2WPKH, HASH160 of the compressed key.
std::string p2wpkh_address(const compressed_public_key& key, bitcoin_network network);

}  // namespace chains
