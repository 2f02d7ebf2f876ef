// The rest-for-one supervisor as an operator sees it: start order, restarts
// with their published handles, backoff, restart intensity, health and
// shutdown. Real actor systems with tiny stand-in services; no database.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actors/interfaces.hpp"
#include "supervision/supervisor.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using ::testing::HasSubstr;
using test_support::eventually;

using crash_atom = caf::atom_constant<caf::atom("crash")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;

/// A service that answers pings until it is told to crash or to finish.
caf::behavior steady_service(caf::event_based_actor* self) {
  return {
      [](actors::ping_atom) { return actors::ping_atom::value; },
      [self](crash_atom) { self->quit(caf::sec::runtime_error); },
      [self](finish_atom) { self->quit(); },
  };
}

/// A service that never gets going: it crashes on its first message.
caf::behavior crashing_service(caf::event_based_actor* self) {
  self->send(self, crash_atom::value);
  return {
      [self](crash_atom) { self->quit(caf::sec::runtime_error); },
  };
}

/// Every instance of one child that the supervisor started, as its start
/// function saw it. Written on the supervisor's thread, read by the test.
class start_record {
 public:
  void add(caf::actor handle) {
    std::lock_guard<std::mutex> guard{mutex_};
    handles_.push_back(std::move(handle));
    times_.push_back(steady::now());
  }

  int starts() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return static_cast<int>(handles_.size());
  }

  caf::actor instance(std::size_t i) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return i < handles_.size() ? handles_[i] : caf::actor{};
  }

  caf::actor newest() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return handles_.empty() ? caf::actor{} : handles_.back();
  }

  steady::time_point started_at(std::size_t i) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return times_.at(i);
  }

  std::vector<caf::actor> all() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return handles_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<caf::actor> handles_;
  std::vector<steady::time_point> times_;
};

class supervisor_test : public ::testing::Test {
 protected:
  using behavior_fn = caf::behavior (*)(caf::event_based_actor*);

  void TearDown() override {
    // actor_system's destructor waits for every actor: leave none behind,
    // whether or not the supervisor stopped its children.
    if (supervisor_) {
      caf::anon_send_exit(supervisor_, caf::exit_reason::kill);
      await_down({caf::actor_cast<caf::actor>(supervisor_)});
    }
    for (auto& [name, record] : records_)
      for (auto& h : record->all()) caf::anon_send_exit(h, caf::exit_reason::kill);
  }

  /// A child whose start function spawns `fn`, records the new handle (the
  /// "published" one) and the start order.
  supervision::child_spec child(const std::string& name, behavior_fn fn = steady_service) {
    auto record = std::make_shared<start_record>();
    records_[name] = record;
    return {name, [this, name, fn, record] {
              auto h = sys_.spawn(fn);
              record->add(h);
              std::lock_guard<std::mutex> guard{order_mutex_};
              start_order_.push_back(name);
              return h;
            }};
  }

  /// A child whose start function throws from its `fail_from`-th call on (1-based).
  supervision::child_spec child_that_cannot_start(const std::string& name, int fail_from) {
    auto spec = child(name);
    auto calls = std::make_shared<int>(0);  // only the supervisor's thread touches it
    auto start = spec.start;
    spec.start = [start, calls, fail_from]() -> caf::actor {
      if (++*calls >= fail_from) throw std::runtime_error("database unreachable");
      return start();
    };
    return spec;
  }

  void spawn_supervisor(std::vector<supervision::child_spec> children, supervision::restart_policy policy) {
    supervisor_ = sys_.spawn(supervision::supervisor_impl, std::move(children), policy);
    // The supervisor starts its children in its first step, after spawn
    // returns; its first answer means every first start has happened.
    ASSERT_TRUE(status()) << "the supervisor does not answer";
  }

  const start_record& record(const std::string& name) const { return *records_.at(name); }

  std::vector<std::string> start_order() {
    std::lock_guard<std::mutex> guard{order_mutex_};
    return start_order_;
  }

  std::optional<supervision::health_report> status() {
    std::optional<supervision::health_report> out;
    caf::scoped_actor self{sys_};
    self->request(supervisor_, 5s, actors::status_atom::value)
        .receive([&](supervision::health_report& r) { out = std::move(r); },
                 [&](caf::error& e) { ADD_FAILURE() << "status request failed: " << caf::to_string(e); });
    return out;
  }

  /// The status of one child; an empty `state` if the supervisor did not answer.
  supervision::child_status child_status(const std::string& name) {
    if (auto report = status())
      for (auto& c : report->children)
        if (c.name == name) return c;
    return {};
  }

  std::string state_of(const std::string& name) { return child_status(name).state; }

  bool healthy() {
    auto report = status();
    return report && report->healthy;
  }

  bool answers_ping(const caf::actor& h) {
    bool ok = false;
    caf::scoped_actor self{sys_};
    self->request(h, 5s, actors::ping_atom::value).receive([&](actors::ping_atom) { ok = true; }, [](caf::error&) {});
    return ok;
  }

  /// Waits (5 s at most) for each actor to terminate; its exit reason, or
  /// nothing for an actor still alive at the deadline.
  std::vector<std::optional<caf::error>> await_down(const std::vector<caf::actor>& handles) {
    caf::scoped_actor watcher{sys_};
    for (auto& h : handles) watcher->monitor(h);
    std::map<caf::actor_addr, caf::error> seen;
    const auto until = steady::now() + 5s;
    bool timed_out = false;
    while (seen.size() < handles.size() && !timed_out) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
      watcher->receive([&](caf::down_msg& m) { seen.emplace(m.source, m.reason); },
                       caf::after(std::max(left, std::chrono::milliseconds{1})) >> [&] { timed_out = true; });
    }
    std::vector<std::optional<caf::error>> out;
    for (auto& h : handles) {
      auto it = seen.find(h.address());
      out.push_back(it == seen.end() ? std::nullopt : std::optional<caf::error>{it->second});
    }
    return out;
  }

  std::optional<caf::error> await_down(const caf::actor& h) { return await_down(std::vector<caf::actor>{h})[0]; }

  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  actors::supervisor_actor supervisor_;
  std::map<std::string, std::shared_ptr<start_record>> records_;
  std::mutex order_mutex_;
  std::vector<std::string> start_order_;
};

supervision::restart_policy fast_policy() {
  supervision::restart_policy p;
  p.max_restarts = 5;
  p.window = 10s;
  p.initial_backoff = 50ms;
  p.max_backoff = 1s;
  return p;
}

TEST_F(supervisor_test, children_start_in_order_and_report_running) {
  spawn_supervisor({child("store"), child("journal"), child("registry")}, fast_policy());

  auto report = status();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->healthy);
  ASSERT_EQ(report->children.size(), 3u);
  const std::vector<std::string> names{"store", "journal", "registry"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& c = report->children[i];
    EXPECT_EQ(c.name, names[i]);
    EXPECT_EQ(c.state, "running") << c.name;
    EXPECT_EQ(c.restarts, 0) << c.name;
    EXPECT_EQ(c.last_error, "") << c.name;
    EXPECT_EQ(record(c.name).starts(), 1) << c.name;
    EXPECT_TRUE(answers_ping(record(c.name).newest())) << c.name;
  }
  EXPECT_EQ(start_order(), names);
}

TEST_F(supervisor_test, a_killed_child_is_restarted_after_its_backoff_and_published_anew) {
  auto policy = fast_policy();
  // Long enough that the test sees the "restarting" state on a busy machine.
  policy.initial_backoff = 1s;
  spawn_supervisor({child("journal")}, policy);
  ASSERT_EQ(state_of("journal"), "running");
  const auto old = record("journal").newest();

  const auto killed_at = steady::now();
  caf::anon_send_exit(old, caf::exit_reason::kill);

  ASSERT_TRUE(eventually([&] { return state_of("journal") == "restarting"; }));
  EXPECT_FALSE(healthy()) << "a restarting child makes the tree unhealthy";
  EXPECT_EQ(child_status("journal").restarts, 1);

  ASSERT_TRUE(eventually([&] { return record("journal").starts() == 2 && state_of("journal") == "running"; }));
  EXPECT_GE(record("journal").started_at(1) - killed_at, policy.initial_backoff);
  const auto fresh = record("journal").newest();
  EXPECT_NE(fresh, old);
  EXPECT_TRUE(answers_ping(fresh));
  auto c = child_status("journal");
  EXPECT_EQ(c.restarts, 1);
  EXPECT_THAT(c.last_error, HasSubstr("kill"));
  EXPECT_TRUE(healthy());
}

TEST_F(supervisor_test, a_child_that_quits_with_an_error_is_restarted_and_the_error_reported) {
  spawn_supervisor({child("store")}, fast_policy());
  caf::anon_send(record("store").newest(), crash_atom::value);

  ASSERT_TRUE(eventually([&] { return record("store").starts() == 2 && state_of("store") == "running"; }));
  auto c = child_status("store");
  EXPECT_EQ(c.restarts, 1);
  EXPECT_THAT(c.last_error, HasSubstr("runtime_error"));
  EXPECT_TRUE(answers_ping(record("store").newest()));
  EXPECT_TRUE(healthy());
}

TEST_F(supervisor_test, rest_for_one_restarts_the_dead_child_and_every_child_after_it) {
  spawn_supervisor({child("store"), child("journal"), child("registry")}, fast_policy());
  ASSERT_TRUE(healthy());
  const auto store = record("store").newest();
  const auto old_registry = record("registry").newest();

  caf::anon_send_exit(record("journal").newest(), caf::exit_reason::kill);

  // The registry held the dead journal's handle: its old instance is stopped.
  auto registry_down = await_down(old_registry);
  ASSERT_TRUE(registry_down) << "the old registry is still running";
  EXPECT_EQ(*registry_down, caf::error{caf::exit_reason::user_shutdown});

  ASSERT_TRUE(
      eventually([&] { return record("journal").starts() == 2 && record("registry").starts() == 2 && healthy(); }));
  EXPECT_EQ(record("store").starts(), 1);
  EXPECT_EQ(record("store").newest(), store);
  EXPECT_TRUE(answers_ping(store));
  EXPECT_TRUE(answers_ping(record("journal").newest()));
  EXPECT_TRUE(answers_ping(record("registry").newest()));
  EXPECT_EQ(start_order(), (std::vector<std::string>{"store", "journal", "registry", "journal", "registry"}));
  // The restart count is the child's own failures, not the restarts it was dragged into.
  EXPECT_EQ(child_status("store").restarts, 0);
  EXPECT_EQ(child_status("journal").restarts, 1);
  EXPECT_EQ(child_status("registry").restarts, 0);
}

TEST_F(supervisor_test, backoff_doubles_with_each_recent_restart) {
  const auto policy = fast_policy();  // 50 ms, doubling
  spawn_supervisor({child("journal")}, policy);
  ASSERT_EQ(state_of("journal"), "running");

  auto expected = policy.initial_backoff;
  for (int restart = 1; restart <= 3; ++restart, expected *= 2) {
    const auto killed_at = steady::now();
    caf::anon_send_exit(record("journal").newest(), caf::exit_reason::kill);
    ASSERT_TRUE(eventually([&] {
      return record("journal").starts() == restart + 1 && state_of("journal") == "running";
    })) << "restart "
        << restart;
    EXPECT_GE(record("journal").started_at(restart) - killed_at, expected) << "restart " << restart;
  }
  EXPECT_EQ(child_status("journal").restarts, 3);
}

TEST_F(supervisor_test, backoff_is_capped_at_max_backoff) {
  auto policy = fast_policy();
  policy.max_restarts = 10;
  policy.initial_backoff = 100ms;
  policy.max_backoff = 100ms;
  spawn_supervisor({child("journal")}, policy);

  // Uncapped, the 7th restart would wait 100 ms * 2^6 = 6.4 s.
  for (int restart = 1; restart <= 7; ++restart) {
    const auto killed_at = steady::now();
    caf::anon_send_exit(record("journal").newest(), caf::exit_reason::kill);
    ASSERT_TRUE(eventually([&] {
      return record("journal").starts() == restart + 1 && state_of("journal") == "running";
    })) << "restart "
        << restart;
    if (restart == 7) {
      EXPECT_LT(record("journal").started_at(restart) - killed_at, 3s);
    }
  }
}

TEST_F(supervisor_test, a_child_crashing_on_every_start_ends_failed_and_the_tree_unhealthy) {
  auto policy = fast_policy();
  policy.max_restarts = 2;
  policy.window = 10s;
  policy.initial_backoff = 20ms;
  spawn_supervisor({child("store"), child("journal", crashing_service)}, policy);

  ASSERT_TRUE(eventually([&] { return state_of("journal") == "failed"; }));
  auto report = status();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->healthy);
  const auto& journal = report->children.at(1);
  EXPECT_EQ(journal.restarts, 2);
  EXPECT_THAT(journal.last_error, HasSubstr("runtime_error"));
  // Failed means given up: the first start and two restarts, no more.
  EXPECT_EQ(record("journal").starts(), 3);
  EXPECT_EQ(report->children.at(0).state, "running");
  EXPECT_EQ(record("store").starts(), 1);
}

TEST_F(supervisor_test, a_child_that_exits_normally_is_restarted_like_a_crash) {
  // The supervisor restarts on every down message ("permanent" children): a
  // service of the engine that stops by itself is a fault, whatever its reason.
  spawn_supervisor({child("order_numbers")}, fast_policy());
  const auto old = record("order_numbers").newest();
  caf::anon_send(old, finish_atom::value);

  auto reason = await_down(old);
  ASSERT_TRUE(reason);
  EXPECT_FALSE(*reason) << "the child exited normally";
  ASSERT_TRUE(
      eventually([&] { return record("order_numbers").starts() == 2 && state_of("order_numbers") == "running"; }));
  auto c = child_status("order_numbers");
  EXPECT_EQ(c.restarts, 1);
  EXPECT_EQ(c.last_error, "exited normally");
  EXPECT_TRUE(answers_ping(record("order_numbers").newest()));
  EXPECT_TRUE(healthy());
}

TEST_F(supervisor_test, a_child_that_cannot_start_is_failed_and_the_children_after_it_are_not_started) {
  spawn_supervisor({child("store"), child_that_cannot_start("journal", 1), child("registry")}, fast_policy());

  auto report = status();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->healthy);
  EXPECT_EQ(report->children.at(0).state, "running");
  EXPECT_EQ(report->children.at(1).state, "failed");
  EXPECT_EQ(report->children.at(1).last_error, "database unreachable");
  EXPECT_EQ(report->children.at(2).state, "failed");
  EXPECT_THAT(report->children.at(2).last_error, HasSubstr("journal"));
  EXPECT_EQ(record("registry").starts(), 0);
}

TEST_F(supervisor_test, a_child_that_cannot_restart_leaves_no_child_after_it_reported_running) {
  spawn_supervisor({child("store"), child_that_cannot_start("journal", 2), child("registry")}, fast_policy());
  ASSERT_TRUE(healthy());
  const auto old_registry = record("registry").newest();

  caf::anon_send_exit(record("journal").newest(), caf::exit_reason::kill);

  ASSERT_TRUE(eventually([&] { return state_of("journal") == "failed"; }));
  EXPECT_TRUE(await_down(old_registry)) << "the registry depending on the journal is stopped";
  EXPECT_EQ(record("registry").starts(), 1);
  auto report = status();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->healthy);
  EXPECT_EQ(report->children.at(1).last_error, "database unreachable");
  EXPECT_EQ(report->children.at(2).state, "failed") << "the registry was stopped and not started again";
  EXPECT_THAT(report->children.at(2).last_error, HasSubstr("journal"));
}

TEST_F(supervisor_test, stopping_the_supervisor_stops_its_children) {
  spawn_supervisor({child("store"), child("journal"), child("registry")}, fast_policy());
  ASSERT_TRUE(healthy());
  const std::vector<caf::actor> children{record("store").newest(), record("journal").newest(),
                                         record("registry").newest()};

  caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);

  auto reasons = await_down(children);
  for (std::size_t i = 0; i < children.size(); ++i) {
    ASSERT_TRUE(reasons[i]) << "child " << i << " still running after its supervisor stopped";
    EXPECT_EQ(*reasons[i], caf::error{caf::exit_reason::user_shutdown}) << "child " << i;
  }
}

}  // namespace
