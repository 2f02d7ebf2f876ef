#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "chains/errors.hpp"
#include "chains/expected.hpp"
#include "chains/extended_public_key.hpp"
#include "chains/receiving_address.hpp"

namespace chains {

/// The Ethereum account m/44'/60'/0' a shop receives ETH and tokens (USDC) into, known
/// by its extended public key alone: order i gets m/44'/60'/0'/0/i, the addresses
/// MetaMask, Ledger Live and most wallets list for that seed.
class ethereum_receiving_account {
 public:
  /// The account's xpub (Ethereum has no zpub: the version bytes are Bitcoin's xpub).
  static expected<ethereum_receiving_account, key_error> from_public_key(std::string_view text);

  /// The receive address <account>/0/index, EIP-55 checksummed.
  expected<receiving_address, key_error> address_at(std::uint32_t index) const;

  /// The account's key identifier (BIP32: HASH160 of its public key), 40 hex digits:
  /// names the account where its order indexes are kept, without the key itself.
  const std::string& account_id() const noexcept { return account_id_; }

 private:
  ethereum_receiving_account(extended_public_key receive_chain, std::string account_id)
      : receive_chain_(receive_chain), account_id_(std::move(account_id)) {}

  extended_public_key receive_chain_;  // <account>/0, derived once
  std::string account_id_;
};

}  // namespace chains
