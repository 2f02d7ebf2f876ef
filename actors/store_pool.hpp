#pragma once

#include <caf/stateful_actor.hpp>

#include <deque>
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
  // Loads of orders' events waiting for a reader, and the batches of them
  // the readers are running (at most one per reader).
  struct waiting_load {
    domain::order_id id;
    caf::typed_response_promise<std::vector<persistence::stored_event>> promise;
  };
  std::deque<waiting_load> waiting_loads;
  std::size_t loads_in_flight = 0;
  static inline const char* name = "store_router";
};

/// Spreads reads round-robin over `readers` detached readers that it spawns
/// linked to itself: they live and die with it. Loads of orders' events are
/// batched like the journal's appends: one goes out at once while a reader is
/// free of loads, and those that arrive while every reader runs one wait and
/// go together, one statement for the lot (up to max_load_batch), when the
/// first reader is done. Each load still reads what was committed after it
/// was asked for.
inline constexpr std::size_t max_load_batch = 500;

store_actor::behavior_type store_router_impl(store_actor::stateful_pointer<store_router_state> self,
                                             std::string database_url, std::shared_ptr<const sealing::vault> vault,
                                             std::size_t readers);

}  // namespace actors
