#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "actors/chain_source.hpp"
#include "chains/monero_wallet_rpc.hpp"

namespace actors {

struct monero_source_options {
  std::string coin = "XMR";
  chains::rpc_endpoint wallet;
  std::uint32_t account_index = 0;
  int confirmations_required = 2;
};

/// The shop's view-only Monero wallet through monero-wallet-rpc
/// (docs/MONERO.md). Each reading: `refresh` (the wallet's own refresh is far
/// too slow), then `get_transfers` in + pool of the account. Until the matcher
/// took all of one, a reading takes the whole history (what arrived while the
/// engine was down); later ones start a few blocks below the tip, or at the oldest transfer still
/// awaiting confirmations if that is older. Locked and double-spent transfers
/// pay nothing and are left out.
class monero_chain_source final : public chain_source {
 public:
  explicit monero_chain_source(monero_source_options options);

  const char* name() const override { return "the wallet"; }
  chain_reading read(const payment_ledger& ledger, domain::timestamp now) override;
  void reading_taken(const payment_ledger& ledger) override;
  bool forgettable(const told_payment& told) const override;

 private:
  monero_source_options options_;
  chains::monero_wallet_rpc wallet_;
  bool history_taken_ = false;                 // the matcher took every transfer of a whole-history reading
  std::optional<std::uint64_t> scanned_from_;  // the lowest height the last reading listed
};

}  // namespace actors
