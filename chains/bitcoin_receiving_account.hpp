#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "chains/bitcoin_network.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"
#include "chains/extended_public_key.hpp"
#include "chains/receiving_address.hpp"

namespace chains {

/// The BIP84 account a shop receives bitcoin into (m/84'/0'/0' on mainnet, m/84'/1'/0'
/// on testnet and regtest), known by its extended public key alone: it makes one P2WPKH
/// address per order, and nothing on this side can spend what arrives there.
class bitcoin_receiving_account {
 public:
  /// The account's zpub (mainnet) or vpub (testnet, regtest), as a wallet exports it.
  static expected<bitcoin_receiving_account, key_error> from_public_key(std::string_view text, bitcoin_network network);

  /// The receive address <account>/0/index.
  expected<receiving_address, key_error> address_at(std::uint32_t index) const;

  bitcoin_network network() const noexcept { return network_; }

  /// The account's key identifier (BIP32: HASH160 of its public key), 40 hex digits:
  /// names the account where its order indexes are kept, without the key itself.
  const std::string& account_id() const noexcept { return account_id_; }

 private:
  bitcoin_receiving_account(extended_public_key receive_chain, bitcoin_network network, std::string account_id)
      : receive_chain_(receive_chain), network_(network), account_id_(std::move(account_id)) {}

  extended_public_key receive_chain_;  // <account>/0, derived once
  bitcoin_network network_;
  std::string account_id_;
};

}  // namespace chains
