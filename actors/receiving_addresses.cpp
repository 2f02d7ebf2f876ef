#include "actors/receiving_addresses.hpp"

#include <spdlog/spdlog.h>

#include "actors/errors.hpp"

namespace actors {
namespace {

using self_ptr = receiving_addresses_actor::stateful_pointer<receiving_addresses_state>;

caf::error unavailable(const std::exception& e) {
  spdlog::warn("receiving addresses: {}", e.what());
  return to_caf_error(domain::make_error(domain::error_code::unavailable, "the database is unavailable"));
}

/// Runs `f` on the store, connecting first if needed; a failure drops the
/// connection (the next call makes a fresh one) and answers `unavailable`.
template <class T, class F>
caf::result<T> with_store(self_ptr self, const std::string& url, F f) {
  auto& state = self->state;
  try {
    if (!state.store) state.store = std::make_unique<receiving_addresses_state::session>(url);
    return f(state.store->addresses);
  } catch (const std::exception& e) {
    state.store.reset();
    return unavailable(e);
  }
}

}  // namespace

receiving_addresses_actor::behavior_type receiving_addresses_impl(self_ptr self, receiving_addresses_options options) {
  return {
      [self, options](address_atom, const std::string& coin,
                      const domain::order_id& order) -> caf::result<persistence::reserved_address> {
        const auto found = options.derived.find(coin);
        if (found == options.derived.end())
          return to_caf_error(domain::make_error(domain::error_code::validation,
                                                 "no account key is configured for " + coin, "payment_method"));
        const derived_account& account = found->second;
        return with_store<persistence::reserved_address>(
            self, options.database_url, [&](persistence::receiving_address_store& store) {
              return store.reserve_next(account.space, account.account_id, order.value(), account.address_at);
            });
      },
      [self, options](claim_atom, const std::string& coin, const std::string& account, std::uint32_t index,
                      const std::string& address,
                      const domain::order_id& order) -> caf::result<persistence::claimed_address> {
        return with_store<persistence::claimed_address>(
            self, options.database_url, [&](persistence::receiving_address_store& store) {
              return store.claim(coin, account, index, address, order.value());
            });
      },
  };
}

}  // namespace actors
