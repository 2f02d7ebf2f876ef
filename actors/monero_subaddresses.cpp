#include "actors/monero_subaddresses.hpp"

#include "actors/errors.hpp"

namespace actors {

subaddress_maker_actor::behavior_type monero_subaddresses_impl(
    subaddress_maker_actor::stateful_pointer<monero_subaddresses_state> self, monero_subaddresses_options options) {
  self->state.wallet = std::make_unique<chains::monero_wallet_rpc>(options.wallet);
  return {
      [self, options](address_atom, const std::string& label) -> caf::result<persistence::reserved_address> {
        try {
          auto made = self->state.wallet->create_address(options.account_index, label);
          return persistence::reserved_address{made.address_index, made.address};
        } catch (const std::exception& e) {
          return to_caf_error(domain::make_error(domain::error_code::unavailable,
                                                 std::string{"the wallet is unavailable: "} + e.what()));
        }
      },
  };
}

}  // namespace actors
