// The order registry's lifetime promise: the order actors it started go down
// with it, whatever stopped it, so that a registry restarted by its
// supervisor never leaves a second writer for an order running beside the
// new one. (Routing, passivation and the live-order cap are exercised
// through the engine, in engine_test.cpp.)

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>

#include "actors/order_registry.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;

// Stands in for the journal and the store and answers nothing: the order
// actors wait for their events for as long as the test runs.
caf::behavior silent(caf::event_based_actor* self) {
  self->set_default_handler(caf::drop);
  return {[](int) {}};
}

TEST(order_registry, its_order_actors_stop_with_it_whatever_stopped_it) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  const auto stand_in = sys.spawn(silent);
  const auto before = sys.registry().running();

  actors::order_registry_options options;
  options.ask_timeout = 60s;
  const auto registry =
      sys.spawn(actors::order_registry_impl, options, caf::actor_cast<actors::journal_actor>(stand_in),
                caf::actor_cast<actors::store_actor>(stand_in));
  for (const char* id : {"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
                         "00000000-0000-4000-8000-000000000003"})
    caf::anon_send(registry, actors::get_atom::value, domain::order_id{id});
  ASSERT_TRUE(test_support::eventually([&] { return sys.registry().running() == before + 4; }))
      << "the registry and its three order actors run: " << sys.registry().running() - before;

  caf::anon_send_exit(registry, caf::exit_reason::kill);
  EXPECT_TRUE(test_support::eventually([&] { return sys.registry().running() == before; }))
      << "still running beside the stand-in: " << sys.registry().running() - before;
  caf::anon_send_exit(stand_in, caf::exit_reason::kill);
}

}  // namespace
