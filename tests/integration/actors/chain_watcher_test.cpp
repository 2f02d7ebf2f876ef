// The one watcher loop every coin runs, around a chain source written here:
// what the matcher is told (each change once), what is taken back from an
// order when a payment leaves the chain, the status while the source is down,
// and a ledger that holds only what is still in play. Real actor system; the
// matcher and the order registry are stand-ins that record what they are sent.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/chain_watcher.hpp"
#include "actors/payment_ledger.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;
using actors::chain_reading;
using actors::payment_ledger;
using actors::sighted_payment;
using actors::told_outcome;
using actors::told_payment;
using test_support::eventually;

sighted_payment payment(const std::string& txid, std::uint64_t confirmations, std::uint64_t block = 100,
                        const std::string& block_hash = "h100") {
  sighted_payment seen;
  seen.key = txid + "/addr";
  seen.confirmations = confirmations;
  seen.block = block;
  seen.block_hash = block_hash;
  seen.payment.coin = "ETH";
  seen.payment.txid = txid;
  seen.payment.amount = domain::atomic_amount{1000};
  seen.payment.confirmations = static_cast<int>(confirmations);
  seen.payment.to_address = "addr";
  return seen;
}

std::vector<std::string> keys_of(const std::vector<sighted_payment>& told) {
  std::vector<std::string> out;
  for (const auto& t : told) out.push_back(t.key);
  return out;
}

const domain::order_id order_a{"00000000-0000-4000-8000-00000000000a"};

// ---- the ledger ------------------------------------------------------------------

TEST(payment_ledger, a_payment_is_told_when_new_and_again_only_when_its_confirmations_change) {
  payment_ledger ledger;
  bool held = false;
  const auto first = ledger.to_tell({payment("t1", 0)}, held);
  ASSERT_EQ(keys_of(first), std::vector<std::string>{"t1/addr"});
  ledger.record(first[0], told_outcome::awaiting, order_a);
  EXPECT_TRUE(ledger.to_tell({payment("t1", 0)}, held).empty());
  const auto second = ledger.to_tell({payment("t1", 1)}, held);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].confirmations, 1u);
  ledger.record(second[0], told_outcome::counted, std::nullopt);
  // Counted: more confirmations change nothing for the matcher.
  EXPECT_TRUE(ledger.to_tell({payment("t1", 7)}, held).empty());
  EXPECT_FALSE(held);
  const auto& told = ledger.told().at("t1/addr");
  EXPECT_TRUE(told.settled);
  EXPECT_TRUE(told.counted);
  EXPECT_EQ(told.order, order_a);  // kept from when it awaited
}

TEST(payment_ledger, a_settled_payment_mined_again_in_another_block_moves_without_being_told_again) {
  payment_ledger ledger;
  bool held = false;
  ledger.record(payment("t1", 3), told_outcome::counted, order_a);
  EXPECT_TRUE(ledger.to_tell({payment("t1", 1, 105, "h105")}, held).empty());
  EXPECT_EQ(ledger.told().at("t1/addr").seen.block, 105u);
  EXPECT_EQ(ledger.told().at("t1/addr").seen.block_hash, "h105");
}

TEST(payment_ledger, a_lost_payment_waits_until_its_order_gave_it_back_then_counts_as_new) {
  payment_ledger ledger;
  bool held = false;
  ledger.record(payment("t1", 3), told_outcome::counted, order_a);
  const auto gone = ledger.lose("t1/addr");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->order, order_a);
  EXPECT_TRUE(gone->counted);
  // Mined again before its order took it back: held, not told.
  EXPECT_TRUE(ledger.to_tell({payment("t1", 1, 106, "h106")}, held).empty());
  EXPECT_TRUE(held);
  ledger.reversed("t1/addr");
  const auto again = ledger.to_tell({payment("t1", 1, 106, "h106")}, held);
  EXPECT_FALSE(held);
  EXPECT_EQ(keys_of(again), std::vector<std::string>{"t1/addr"});
}

TEST(payment_ledger, a_reversal_that_failed_is_followed_again_and_one_refused_is_forgotten) {
  payment_ledger ledger;
  ledger.record(payment("t1", 3), told_outcome::counted, order_a);
  ledger.record(payment("t2", 3), told_outcome::counted, order_a);
  ASSERT_TRUE(ledger.lose("t1/addr"));
  ASSERT_TRUE(ledger.lose("t2/addr"));
  ledger.reversal_failed("t1/addr");
  ledger.reversal_refused("t2/addr");
  EXPECT_EQ(ledger.told().count("t1/addr"), 1u);
  EXPECT_EQ(ledger.told().count("t2/addr"), 0u);
  EXPECT_FALSE(ledger.being_reversed("t1/addr"));
  EXPECT_FALSE(ledger.being_reversed("t2/addr"));
}

TEST(payment_ledger, an_exception_is_tied_to_no_order_and_leaving_the_chain_takes_nothing_back) {
  payment_ledger ledger;
  ledger.record(payment("t1", 0), told_outcome::awaiting, order_a);
  ledger.record(payment("t1", 3), told_outcome::exception, order_a);
  EXPECT_FALSE(ledger.told().at("t1/addr").order);
  EXPECT_FALSE(ledger.lose("t1/addr"));
  EXPECT_EQ(ledger.told().count("t1/addr"), 0u);
}

TEST(payment_ledger, a_duplicate_of_a_payment_awaited_for_an_order_is_counted_for_that_order) {
  payment_ledger ledger;
  ledger.record(payment("t1", 0), told_outcome::awaiting, order_a);
  ledger.record(payment("t1", 3), told_outcome::duplicate, std::nullopt);
  const auto& told = ledger.told().at("t1/addr");
  EXPECT_TRUE(told.settled);
  EXPECT_TRUE(told.counted);
  EXPECT_EQ(told.order, order_a);
  ledger.record(payment("t9", 3), told_outcome::duplicate, std::nullopt);
  EXPECT_FALSE(ledger.told().at("t9/addr").counted);
}

TEST(payment_ledger, forgetting_drops_only_settled_payments_the_source_says_cannot_matter) {
  payment_ledger ledger;
  ledger.record(payment("old", 90, 10), told_outcome::counted, order_a);
  ledger.record(payment("young", 2, 98), told_outcome::counted, order_a);
  ledger.record(payment("waiting", 0, 10), told_outcome::awaiting, order_a);
  const auto dropped = ledger.forget([](const told_payment& t) { return t.seen.block < 50; });
  EXPECT_EQ(dropped, 1u);
  EXPECT_EQ(ledger.told().count("old/addr"), 0u);
  EXPECT_EQ(ledger.told().count("young/addr"), 1u);
  EXPECT_EQ(ledger.told().count("waiting/addr"), 1u);  // unsettled: never forgotten
}

TEST(payment_ledger, one_payment_listed_twice_in_a_reading_is_told_once) {
  payment_ledger ledger;
  bool held = false;
  EXPECT_EQ(ledger.to_tell({payment("t1", 0), payment("t1", 0)}, held).size(), 1u);
}

// ---- the watcher loop --------------------------------------------------------------

/// A chain the test scripts: each reading is what `next` returns (it may throw).
class scripted_source final : public actors::chain_source {
 public:
  using script = std::function<chain_reading(const payment_ledger&)>;
  explicit scripted_source(script next) : next_(std::move(next)) {}
  /// Set before the watcher starts: which settled payments the source lets go of.
  void forget_when(std::function<bool(const told_payment&)> forget) { forget_ = std::move(forget); }
  const char* name() const override { return "the test chain"; }
  std::vector<told_payment> recall(domain::timestamp) override { return recalled_; }
  chain_reading read(const payment_ledger& ledger, domain::timestamp) override {
    std::lock_guard lock{mutex_};
    ++readings_;
    return next_(ledger);
  }
  void reading_taken(const payment_ledger&) override {
    std::lock_guard lock{mutex_};
    ++taken_;
  }
  bool forgettable(const told_payment& told) const override { return forget_ && forget_(told); }

  int readings() {
    std::lock_guard lock{mutex_};
    return readings_;
  }
  int taken() {
    std::lock_guard lock{mutex_};
    return taken_;
  }
  std::vector<told_payment> recalled_;

 private:
  std::mutex mutex_;
  script next_;
  std::function<bool(const told_payment&)> forget_;
  int readings_ = 0;
  int taken_ = 0;
};

/// What the stand-in matcher and registry were sent.
struct sent_log {
  std::mutex mutex;
  std::vector<std::vector<domain::incoming_payment>> batches;
  std::vector<actors::order_request> commands;
  std::size_t payments_told() {
    std::lock_guard lock{mutex};
    std::size_t n = 0;
    for (const auto& b : batches) n += b.size();
    return n;
  }
  std::vector<actors::order_request> commands_sent() {
    std::lock_guard lock{mutex};
    return commands;
  }
};

/// Awaiting below 2 confirmations (for order_a), counted from 2.
actors::payment_matcher_actor::behavior_type matcher_stand_in(std::shared_ptr<sent_log> log) {
  using namespace actors;
  return {
      [log](match_atom, std::vector<domain::incoming_payment> batch) {
        std::vector<payment_disposition> out;
        for (const auto& p : batch) {
          payment_disposition d;
          d.kind = p.confirmations >= 2 ? payment_disposition::matched : payment_disposition::awaiting;
          d.order = order_a;
          out.push_back(d);
        }
        std::lock_guard lock{log->mutex};
        log->batches.push_back(std::move(batch));
        return out;
      },
      [](verify_atom, domain::order_id, domain::verify_payment) -> caf::result<order_reply> {
        return caf::make_error(caf::sec::unexpected_message);
      },
      [](assign_atom, std::int64_t, domain::order_id, std::string) -> caf::result<persistence::exception_row> {
        return caf::make_error(caf::sec::unexpected_message);
      },
      [](dismiss_atom, std::int64_t, std::string, std::string) -> caf::result<persistence::exception_row> {
        return caf::make_error(caf::sec::unexpected_message);
      },
      [](list_atom, std::string) { return std::vector<persistence::exception_row>{}; },
      [](status_atom) { return matcher_stats{}; },
  };
}

actors::order_registry_actor::behavior_type registry_stand_in(std::shared_ptr<sent_log> log) {
  using namespace actors;
  return {
      [log](order_request request) {
        std::lock_guard lock{log->mutex};
        log->commands.push_back(std::move(request));
        return order_reply{};
      },
      [](get_atom, domain::order_id) -> caf::result<order_reply> {
        return caf::make_error(caf::sec::unexpected_message);
      },
      [](status_atom) { return registry_stats{}; },
      [](sweep_atom) {},
  };
}

class chain_watcher : public ::testing::Test {
 protected:
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  std::shared_ptr<sent_log> log_ = std::make_shared<sent_log>();

  actors::chain_watcher_actor start(std::shared_ptr<scripted_source> source) {
    auto matcher = sys_.spawn(matcher_stand_in, log_);
    auto registry = sys_.spawn(registry_stand_in, log_);
    actors::chain_watcher_options options{"ETH", 10ms, 2s};
    return sys_.spawn<caf::detached>(actors::chain_watcher_impl, options,
                                   std::shared_ptr<actors::chain_source>(std::move(source)), matcher, registry);
  }

  actors::watcher_stats status(const actors::chain_watcher_actor& watcher) {
    caf::scoped_actor self{sys_};
    actors::watcher_stats out;
    self->request(watcher, 5s, actors::status_atom::value)
        .receive([&](actors::watcher_stats& s) { out = s; }, [](caf::error&) {});
    return out;
  }

};

/// Stops the watcher, and waits until it stopped, before the test's locals
/// that its source reads go away.
struct stopped_at_end {
  caf::actor_system& sys;
  actors::chain_watcher_actor watcher;
  ~stopped_at_end() {
    caf::scoped_actor self{sys};
    self->send_exit(watcher, caf::exit_reason::user_shutdown);
    self->wait_for(watcher);
  }
};

TEST_F(chain_watcher, tells_each_change_once_and_takes_a_payment_that_left_the_chain_back_from_its_order) {
  std::mutex mutex;
  std::uint64_t confirmations = 0;
  bool gone = false;
  auto source = std::make_shared<scripted_source>([&](const payment_ledger& ledger) {
    std::lock_guard lock{mutex};
    chain_reading r;
    r.height = 100 + confirmations;
    if (gone) {
      if (ledger.told().count("t1/addr") > 0) r.lost.push_back("t1/addr");
    } else {
      r.sighted.push_back(payment("t1", confirmations));
    }
    return r;
  });
  auto watcher = start(source);
  const stopped_at_end stop{sys_, watcher};
  ASSERT_TRUE(eventually([&] { return log_->payments_told() == 1; }));
  // Polled again and again with nothing new: nothing more told.
  const int readings = source->readings();
  ASSERT_TRUE(eventually([&] { return source->readings() >= readings + 5; }));
  EXPECT_EQ(log_->payments_told(), 1u);
  {
    std::lock_guard lock{mutex};
    confirmations = 2;  // counted now
  }
  ASSERT_TRUE(eventually([&] { return log_->payments_told() == 2; }));
  {
    std::lock_guard lock{mutex};
    confirmations = 5;
  }
  const int after_count = source->readings();
  ASSERT_TRUE(eventually([&] { return source->readings() >= after_count + 5; }));
  EXPECT_EQ(log_->payments_told(), 2u) << "a counted payment is not told again for more confirmations";
  EXPECT_TRUE(log_->commands_sent().empty());
  {
    std::lock_guard lock{mutex};
    gone = true;
  }
  ASSERT_TRUE(eventually([&] { return !log_->commands_sent().empty(); }));
  const int after_loss = source->readings();
  ASSERT_TRUE(eventually([&] { return source->readings() >= after_loss + 5; }));
  const auto commands = log_->commands_sent();
  ASSERT_EQ(commands.size(), 1u) << "taken back once";
  EXPECT_EQ(commands[0].id, order_a);
  const auto* reverse = std::get_if<domain::reverse_payment>(&commands[0].command);
  ASSERT_NE(reverse, nullptr);
  EXPECT_EQ(reverse->txid, "t1");
  EXPECT_EQ(status(watcher).followed, 0u);
}

TEST_F(chain_watcher, a_source_that_cannot_be_read_shows_down_with_its_error_and_up_again_once_it_answers) {
  std::mutex mutex;
  bool down = true;
  auto source = std::make_shared<scripted_source>([&](const payment_ledger&) {
    std::lock_guard lock{mutex};
    if (down) throw std::runtime_error("connection refused");
    chain_reading r;
    r.height = 42;
    return r;
  });
  auto watcher = start(source);
  const stopped_at_end stop{sys_, watcher};
  ASSERT_TRUE(eventually([&] { return status(watcher).failures >= 3; }));
  auto s = status(watcher);
  EXPECT_FALSE(s.up);
  EXPECT_EQ(s.last_error, "connection refused");
  EXPECT_EQ(s.coin, "ETH");
  {
    std::lock_guard lock{mutex};
    down = false;
  }
  // Backoff doubles from 10 ms: the next try comes within a second or so.
  ASSERT_TRUE(eventually([&] { return status(watcher).up; }));
  s = status(watcher);
  EXPECT_EQ(s.height, 42u);
  EXPECT_GE(s.polls, 1u);
  EXPECT_GE(source->taken(), 1) << "a reading with nothing to tell is taken";
}

TEST_F(chain_watcher, follows_only_payments_still_in_play_however_many_it_has_seen) {
  std::mutex mutex;
  std::uint64_t tip = 100;
  // Every reading brings two new payments, each counted at once; the source
  // lists only the last 10 blocks and lets go of what lies below them.
  auto source = std::make_shared<scripted_source>([&](const payment_ledger&) {
    std::lock_guard lock{mutex};
    ++tip;
    chain_reading r;
    r.height = tip;
    for (std::uint64_t b = tip - 9; b <= tip; ++b)
      for (int k = 0; k < 2; ++k)
        r.sighted.push_back(payment("t" + std::to_string(b) + "_" + std::to_string(k), 3, b));
    return r;
  });
  source->forget_when([&](const told_payment& told) {
    std::lock_guard lock{mutex};
    return told.seen.block + 9 < tip;
  });
  auto matcher = sys_.spawn(matcher_stand_in, log_);
  auto registry = sys_.spawn(registry_stand_in, log_);
  actors::chain_watcher_options options{"ETH", 1ms, 2s};
  auto watcher = sys_.spawn<caf::detached>(actors::chain_watcher_impl, options,
                                           std::shared_ptr<actors::chain_source>(source), matcher, registry);
  const stopped_at_end stop{sys_, watcher};
  ASSERT_TRUE(eventually([&] { return source->readings() >= 300; }, 60s));
  const auto s = status(watcher);
  EXPECT_GE(log_->payments_told(), 500u);
  EXPECT_LE(s.followed, 22u) << "the ledger holds the listed window, not the history";
  // Every payment told exactly once: readings list each block ten times.
  std::lock_guard lock{log_->mutex};
  std::set<std::string> txids;
  std::size_t told = 0;
  for (const auto& b : log_->batches)
    for (const auto& p : b) {
      txids.insert(p.txid);
      ++told;
    }
  EXPECT_EQ(txids.size(), told);
}

TEST_F(chain_watcher, payments_recalled_at_start_are_taken_back_when_they_leave_the_chain_without_being_told_again) {
  std::mutex mutex;
  bool gone = false;
  auto source = std::make_shared<scripted_source>([&](const payment_ledger& ledger) {
    std::lock_guard lock{mutex};
    chain_reading r;
    r.height = 120;
    if (gone && ledger.told().count("t1/addr") > 0) r.lost.push_back("t1/addr");
    if (!gone) r.sighted.push_back(payment("t1", 20));  // seen again on a rescan
    return r;
  });
  told_payment recalled;
  recalled.seen = payment("t1", 20);
  recalled.settled = true;
  recalled.counted = true;
  recalled.order = order_a;
  source->recalled_.push_back(recalled);
  auto watcher = start(source);
  const stopped_at_end stop{sys_, watcher};
  ASSERT_TRUE(eventually([&] { return source->readings() >= 5; }));
  EXPECT_EQ(log_->payments_told(), 0u) << "a recalled payment is known: not told again";
  EXPECT_EQ(status(watcher).followed, 1u);
  {
    std::lock_guard lock{mutex};
    gone = true;
  }
  ASSERT_TRUE(eventually([&] { return log_->commands_sent().size() == 1; }));
  const auto commands = log_->commands_sent();
  EXPECT_EQ(commands[0].id, order_a);
  EXPECT_TRUE(std::holds_alternative<domain::reverse_payment>(commands[0].command));
}

}  // namespace
