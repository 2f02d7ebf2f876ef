// The timer scheduler's pipeline: while the orders of one full batch of due
// timers are answering, the next batch is claimed and delivered behind it, so
// that orders never wait for a claim; never more than two batches at once,
// and a batch is released (and makes room) only once all its orders answered.
// The store and the registry are stand-ins that count what they are asked and
// hold the orders' answers until the test lets them go.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "actors/timer_scheduler.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int batch = 5;

// What the stand-ins saw, read by the test thread.
struct seen {
  std::atomic<int> claims{0};
  std::atomic<int> released{0};
  std::atomic<int> delivered{0};
};

// Every claim finds a full batch of due timers, each for a new order.
struct store_state {
  int next_order = 0;
};
caf::behavior store_stand_in(caf::stateful_actor<store_state>* self, seen* counts) {
  return {
      [self, counts](actors::claim_atom, int limit, std::int64_t) {
        ++counts->claims;
        std::vector<persistence::due_timer> due;
        for (int i = 0; i < limit; ++i)
          due.push_back({"00000000-0000-4000-8000-" + std::to_string(100000000000 + self->state.next_order++),
                         "payment_reminder", 0});
        return due;
      },
      [counts](actors::release_atom, const std::vector<persistence::due_timer>& timers) {
        counts->released += static_cast<int>(timers.size());
        return true;
      },
  };
}

// Holds every order's answer until it is told to give the oldest ones.
using answer_atom = caf::atom_constant<caf::atom("answer")>;
struct registry_state {
  std::vector<caf::typed_response_promise<actors::order_reply>> held;
};
caf::behavior registry_stand_in(caf::stateful_actor<registry_state>* self, seen* counts) {
  return {
      [self, counts](actors::order_request&) -> caf::typed_response_promise<actors::order_reply> {
        ++counts->delivered;
        auto promise = self->make_response_promise<actors::order_reply>();
        self->state.held.push_back(promise);
        return promise;
      },
      [self](answer_atom, int count) {
        auto& held = self->state.held;
        const auto n = std::min<std::size_t>(static_cast<std::size_t>(count), held.size());
        for (std::size_t i = 0; i < n; ++i) held[i].deliver(actors::order_reply{});
        held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(n));
      },
  };
}

struct scheduler_under_test {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  seen counts;
  caf::actor store = sys.spawn(store_stand_in, &counts);
  caf::actor registry = sys.spawn(registry_stand_in, &counts);
  actors::timer_scheduler_actor scheduler;

  scheduler_under_test() {
    actors::timer_scheduler_options options;
    options.poll_interval = 10ms;  // ticks keep asking; only the pipeline's room may let them claim
    options.batch = batch;
    options.ask_timeout = 60s;
    scheduler = sys.spawn(actors::timer_scheduler_impl, options, caf::actor_cast<actors::store_actor>(store),
                          caf::actor_cast<actors::order_registry_actor>(registry));
  }
  ~scheduler_under_test() {
    for (const auto& a : {caf::actor_cast<caf::actor>(scheduler), store, registry})
      caf::anon_send_exit(a, caf::exit_reason::kill);
  }
};

TEST(timer_scheduler, claims_the_next_full_batch_while_one_is_delivered_and_no_third) {
  scheduler_under_test t;
  ASSERT_TRUE(test_support::eventually([&] { return t.counts.delivered == 2 * batch; }))
      << "timers delivered with no order answering yet: " << t.counts.delivered;
  std::this_thread::sleep_for(300ms);  // thirty ticks
  EXPECT_EQ(t.counts.claims, 2) << "two batches in flight at most";
  EXPECT_EQ(t.counts.delivered, 2 * batch);
  EXPECT_EQ(t.counts.released, 0) << "nothing is released before its orders answer";
}

TEST(timer_scheduler, a_batch_is_released_once_all_its_orders_answered_and_makes_room_for_the_next) {
  scheduler_under_test t;
  ASSERT_TRUE(test_support::eventually([&] { return t.counts.delivered == 2 * batch; }));

  caf::anon_send(t.registry, answer_atom::value, batch - 1);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(t.counts.released, 0) << "one order of the first batch has not answered";
  EXPECT_EQ(t.counts.claims, 2);

  caf::anon_send(t.registry, answer_atom::value, 1);
  EXPECT_TRUE(test_support::eventually([&] { return t.counts.released == batch; }))
      << "released: " << t.counts.released;
  EXPECT_TRUE(test_support::eventually([&] { return t.counts.claims == 3 && t.counts.delivered == 3 * batch; }))
      << "claims: " << t.counts.claims << ", delivered: " << t.counts.delivered;
}

}  // namespace
