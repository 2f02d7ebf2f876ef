// Asking actors from Beast's threads through the ask pool: a reply reaches its
// callback, an error its error callback, an ask past its deadline times out
// once and its late reply is dropped, and a timed-out ask lets go of its
// callbacks even when no reply ever comes. Without a pool the same asks spawn
// an actor each.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "actors/ask.hpp"
#include "actors/ask_pool.hpp"

namespace {

using namespace std::chrono_literals;

// Doubles a number after `delay`; refuses negative numbers; never answers 0.
using doubler = caf::typed_actor<caf::replies_to<int>::with<int>>;

doubler::behavior_type doubler_impl(doubler::pointer self, std::chrono::milliseconds delay) {
  return {
      [self, delay](int x) -> caf::result<int> {
        if (x < 0) return caf::make_error(caf::sec::invalid_argument);
        auto answer = self->make_response_promise<int>();
        if (x == 0) {
          self->attach_functor([answer] {});  // held until the actor ends: never delivered
          return answer;
        }
        std::thread([answer, x, delay]() mutable {
          std::this_thread::sleep_for(delay);
          answer.deliver(2 * x);
        }).detach();
        return answer;
      },
  };
}

class ask_pool : public ::testing::TestWithParam<bool> {
 protected:
  caf::actor_system_config config_;
  caf::actor_system system_{config_};

  std::vector<doubler> targets_;

  doubler spawn_doubler(std::chrono::milliseconds delay) {
    targets_.push_back(system_.spawn(doubler_impl, delay));
    return targets_.back();
  }
  void SetUp() override {
    if (GetParam()) actors::start_ask_pool(system_);
  }
  void TearDown() override {
    actors::stop_ask_pool(system_);
    for (const auto& target : targets_) caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
  }
};

TEST_P(ask_pool, a_reply_reaches_the_value_callback_only) {
  auto target = spawn_doubler(1ms);
  std::promise<int> value;
  std::atomic<int> errors{0};
  actors::ask_within(
      system_, 2000ms, target, [&](int x) { value.set_value(x); }, [&](const caf::error&) { ++errors; }, 21);
  auto got = value.get_future();
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), 42);
  EXPECT_EQ(errors, 0);
}

TEST_P(ask_pool, an_error_reply_reaches_the_error_callback_only) {
  auto target = spawn_doubler(1ms);
  std::promise<caf::error> error;
  std::atomic<int> values{0};
  actors::ask_within(
      system_, 2000ms, target, [&](int) { ++values; }, [&](const caf::error& e) { error.set_value(e); }, -1);
  auto got = error.get_future();
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), caf::make_error(caf::sec::invalid_argument));
  EXPECT_EQ(values, 0);
}

TEST_P(ask_pool, an_ask_past_its_deadline_times_out_once_and_its_late_reply_is_dropped) {
  auto target = spawn_doubler(600ms);
  std::promise<caf::error> error;
  std::atomic<int> values{0};
  std::atomic<int> errors{0};
  const auto sent = std::chrono::steady_clock::now();
  actors::ask_within(
      system_, 100ms, target, [&](int) { ++values; },
      [&](const caf::error& e) {
        if (errors++ == 0) error.set_value(e);
      },
      5);
  auto got = error.get_future();
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  const auto waited = std::chrono::steady_clock::now() - sent;
  EXPECT_EQ(got.get(), caf::make_error(caf::sec::request_timeout));
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 500ms) << "the reply comes after 600 ms";
  std::this_thread::sleep_for(900ms);  // the reply has come and gone
  EXPECT_EQ(values, 0);
  EXPECT_EQ(errors, 1);
}

TEST_P(ask_pool, a_timed_out_ask_lets_go_of_its_callbacks_though_no_reply_ever_comes) {
  auto target = spawn_doubler(1ms);
  auto held = std::make_shared<int>(0);  // stands for what a callback holds: an HTTP session
  std::weak_ptr<int> watch = held;
  std::promise<void> timed_out;
  actors::ask_within(
      system_, 100ms, target, [held](int) {}, [held, &timed_out](const caf::error&) { timed_out.set_value(); }, 0);
  held.reset();
  ASSERT_EQ(timed_out.get_future().wait_for(5s), std::future_status::ready);
  for (int i = 0; i < 100 && !watch.expired(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(watch.expired());
}

TEST_P(ask_pool, an_ask_without_a_target_fails_at_once) {
  std::optional<caf::error> error;
  actors::ask_within(
      system_, 100ms, doubler{}, [](int) {}, [&](const caf::error& e) { error = e; }, 1);
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, caf::make_error(caf::sec::invalid_argument));
}

INSTANTIATE_TEST_SUITE_P(with_and_without_the_pool, ask_pool, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "pool" : "an_actor_per_ask"; });

}  // namespace
