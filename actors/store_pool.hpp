#pragma once

#include <caf/stateful_actor.hpp>

#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "sealing/vault.hpp"

namespace actors {

/// A detached actor owning one read connection: blocking libpqxx calls run
/// on its own thread, never on CAF's cooperative workers.
store_actor::behavior_type store_reader_impl(store_actor::pointer self, std::string database_url,
                                             std::shared_ptr<const sealing::vault> vault);

struct store_router_state {
  std::vector<store_actor> readers;
  std::size_t next = 0;
  static inline const char* name = "store_router";
};

/// Spreads reads round-robin over `readers` detached readers that it spawns
/// linked to itself: they live and die with it.
store_actor::behavior_type store_router_impl(store_actor::stateful_pointer<store_router_state> self,
                                             std::string database_url, std::shared_ptr<const sealing::vault> vault,
                                             std::size_t readers);

}  // namespace actors
