#pragma once

#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/interfaces.hpp"
#include "persistence/connection.hpp"
#include "persistence/receiving_address_store.hpp"

namespace actors {

/// An account that derives an address per order from its public key.
struct derived_account {
  std::string space;       // the coin whose index space it draws from ("ETH" for USDC on ETH's key)
  std::string account_id;  // the key's identifier, never the key
  std::function<std::optional<std::string>(std::uint32_t)> address_at;  // nullopt: BIP32 skips that index
};

struct receiving_addresses_options {
  std::string database_url;
  std::map<std::string, derived_account> derived;  // by payment method code
};

struct receiving_addresses_state {
  struct session {
    explicit session(const std::string& url) : db(url), addresses(db) {}
    persistence::connection db;
    persistence::receiving_address_store addresses;
  };
  std::unique_ptr<session> store;  // connected on first use, again after a failure
  static inline const char* name = "receiving_addresses";
};

/// Hands each order its receiving address and keeps an address to one order
/// (persistence/receiving_address_store.hpp): derived from the account's
/// public key at the next index, or a Monero wallet's subaddress claimed for
/// it. Detached: each call is a transaction on its own connection, and the
/// key derivation runs here, not on a cooperative thread.
receiving_addresses_actor::behavior_type receiving_addresses_impl(
    receiving_addresses_actor::stateful_pointer<receiving_addresses_state> self, receiving_addresses_options options);

}  // namespace actors
