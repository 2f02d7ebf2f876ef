// The journal's promise to those who append: every append it takes is
// answered, even when the journal stops with appends queued or in a writer's
// hands. Order actors wait on the journal without a CAF timeout of their own
// (in CAF 0.17 a request that awaits its reply lets no other message in, not
// even an exit), so an append left unanswered would hold its order for ever.
// And its batching: what arrives while a batch is in flight waits for the
// next one, unless a full batch waits.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/ask.hpp"
#include "actors/journal.hpp"
#include "actors/order_registry.hpp"
#include "support/eventually.hpp"
#include "unit/domain/order_fixtures.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A "database" that takes connections and never says a word: a writer that
// connects to it is stuck in libpq until the test closes the sockets.
class silent_database {
 public:
  silent_database() : acceptor_{io_, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}} {
    thread_ = std::thread{[this] {
      for (;;) {
        tcp::socket peer{io_};
        boost::system::error_code ec;
        acceptor_.accept(peer, ec);
        if (ec) return;  // closed: the test is over
        std::lock_guard lock{mutex_};
        peers_.push_back(std::move(peer));
        ++connections_;
      }
    }};
  }
  ~silent_database() {
    boost::system::error_code ec;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept; closing alone does not
    acceptor_.close(ec);
    thread_.join();
    for (auto& peer : peers_) peer.close(ec);
  }
  std::string url() const {
    return "postgresql://ccc@127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/ccc";
  }
  int connections() const { return connections_; }

 private:
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::mutex mutex_;
  std::vector<tcp::socket> peers_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// Stops an actor when the test leaves its scope, by whatever way: the actor
// system waits for every actor before the test can end.
struct stopped_at_exit {
  caf::actor actor;
  ~stopped_at_exit() { caf::anon_send_exit(actor, caf::exit_reason::kill); }
};

using outcome = std::future<caf::error>;

// Appends one item and hands back what the journal answered: no error for an
// outcome, else the error.
outcome append(caf::actor_system& sys, const actors::journal_actor& journal, std::chrono::seconds patience) {
  auto answer = std::make_shared<std::promise<caf::error>>();
  auto future = answer->get_future();
  persistence::append_item item;
  item.events.push_back(
      persistence::stored_event{"00000000-0000-4000-8000-000000000001", 1, "order_placed", "{}", 0, {}});
  actors::ask_within(
      sys, patience, journal, [answer](persistence::append_outcome) { answer->set_value(caf::error{}); },
      [answer](const caf::error& e) { answer->set_value(e); }, actors::append_atom::value, std::move(item));
  return future;
}

actors::journal_stats status_of(caf::actor_system& sys, const actors::journal_actor& journal) {
  caf::scoped_actor self{sys};
  actors::journal_stats stats;
  self->request(journal, 10s, actors::status_atom::value)
      .receive([&](const actors::journal_stats& s) { stats = s; },
               [&](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
  return stats;
}

TEST(journal, a_second_writer_starts_only_while_a_full_batch_waits_behind_the_first) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  {
    silent_database database;
    actors::journal_options options;
    options.writers = 2;
    options.max_batch = 2;
    options.ask_timeout = 120s;
    const auto journal = sys.spawn(actors::journal_impl, options, database.url(), nullptr);
    const stopped_at_exit stop_journal{caf::actor_cast<caf::actor>(journal)};
    std::vector<outcome> answers;
    answers.push_back(append(sys, journal, 60s));
    ASSERT_TRUE(test_support::eventually([&] { return database.connections() == 1; })) << "the first batch went out";

    answers.push_back(append(sys, journal, 60s));
    ASSERT_TRUE(test_support::eventually([&] { return status_of(sys, journal).queued == 1; }));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(database.connections(), 1) << "one append waiting started a second batch beside the first";
    EXPECT_EQ(status_of(sys, journal).batches, 1u);

    answers.push_back(append(sys, journal, 60s));
    EXPECT_TRUE(test_support::eventually([&] { return database.connections() == 2; }))
        << "a full batch waiting did not start the second writer";
    const auto stats = status_of(sys, journal);
    EXPECT_EQ(stats.batches, 2u);
    EXPECT_EQ(stats.queued, 0u);
    EXPECT_EQ(stats.largest_batch, 2u);
    caf::anon_send_exit(journal, caf::exit_reason::kill);
    for (auto& answer : answers) EXPECT_EQ(answer.wait_for(10s), std::future_status::ready);
  }
}

TEST(journal, appends_queued_or_in_a_writers_hands_are_answered_unavailable_when_it_stops) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  {
    silent_database database;  // hangs up before the actor system waits for the writer
    actors::journal_options options;
    options.writers = 1;
    options.ask_timeout = 120s;  // the writer's own timeout must not be what answers
    const auto journal = sys.spawn(actors::journal_impl, options, database.url(), nullptr);
    const stopped_at_exit stop_journal{caf::actor_cast<caf::actor>(journal)};

    auto in_flight = append(sys, journal, 60s);
    ASSERT_TRUE(test_support::eventually([&] { return database.connections() == 1; }))
        << "the writer took the first append";
    auto queued = append(sys, journal, 60s);
    ASSERT_EQ(queued.wait_for(200ms), std::future_status::timeout) << "the second append waits behind the first";

    caf::anon_send_exit(journal, caf::exit_reason::kill);
    for (auto* answer : {&in_flight, &queued}) {
      ASSERT_EQ(answer->wait_for(10s), std::future_status::ready) << "an append the journal held was never answered";
      const auto error = answer->get();
      ASSERT_TRUE(error) << "an append the journal could not store was answered as stored";
      EXPECT_EQ(error.category(), actors::domain_error_category)
          << "answered by the journal: " << caf::to_string(error);
      EXPECT_EQ(actors::to_domain_error(error).code, domain::error_code::unavailable) << caf::to_string(error);
    }
  }
}

TEST(journal, a_batch_a_writer_holds_past_its_deadline_is_answered_with_a_timeout) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  {
    silent_database database;
    actors::journal_options options;
    options.writers = 1;
    options.ask_timeout = 600ms;
    const auto journal = sys.spawn(actors::journal_impl, options, database.url(), nullptr);
    const stopped_at_exit stop_journal{caf::actor_cast<caf::actor>(journal)};

    const auto asked = std::chrono::steady_clock::now();
    auto stuck = append(sys, journal, 60s);
    ASSERT_TRUE(test_support::eventually([&] { return database.connections() == 1; })) << "the writer took the append";
    ASSERT_EQ(stuck.wait_for(300ms), std::future_status::timeout) << "answered before its deadline";
    ASSERT_EQ(stuck.wait_for(10s), std::future_status::ready) << "a batch held past its deadline was never answered";
    const auto waited = std::chrono::steady_clock::now() - asked;
    const auto error = stuck.get();
    EXPECT_EQ(error, caf::make_error(caf::sec::request_timeout)) << caf::to_string(error);
    EXPECT_LT(waited, options.ask_timeout + 2s) << "answered long after its deadline";
  }
}
// Stands in for the store: every order it is asked for has no events yet.
caf::behavior empty_store(caf::event_based_actor*) {
  return {[](actors::load_atom, const domain::order_id&) { return std::vector<persistence::stored_event>{}; }};
}

TEST(journal, an_order_placed_while_the_journal_stops_is_refused_and_its_actor_answers_again) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  const auto store = sys.spawn(empty_store);
  const stopped_at_exit stop_store{store};
  {
    silent_database database;
    actors::journal_options options;
    options.writers = 1;
    options.ask_timeout = 120s;
    const auto journal = sys.spawn(actors::journal_impl, options, database.url(), nullptr);
    const stopped_at_exit stop_journal{caf::actor_cast<caf::actor>(journal)};
    actors::order_registry_options registry_options;
    registry_options.ask_timeout = 120s;
    const auto registry =
        sys.spawn(actors::order_registry_impl, registry_options, journal, caf::actor_cast<actors::store_actor>(store));
    const stopped_at_exit stop_registry{caf::actor_cast<caf::actor>(registry)};

    actors::order_request place;
    place.id = domain_test::sample_id();
    place.command = domain_test::sample_place();
    auto placed = std::make_shared<std::promise<caf::error>>();
    actors::ask_within(
        sys, 60s, registry, [placed](actors::order_reply&) { placed->set_value(caf::error{}); },
        [placed](const caf::error& e) { placed->set_value(e); }, place);
    ASSERT_TRUE(test_support::eventually([&] { return database.connections() == 1; }))
        << "the order's append reached a writer";

    caf::anon_send_exit(journal, caf::exit_reason::kill);
    auto refused = placed->get_future();
    ASSERT_EQ(refused.wait_for(10s), std::future_status::ready) << "the order actor was left waiting on the journal";
    const auto error = refused.get();
    ASSERT_TRUE(error) << "an order the journal never stored was acknowledged";
    EXPECT_EQ(actors::to_domain_error(error).code, domain::error_code::unavailable) << caf::to_string(error);

    // The order actor is free again: asked for its order, it loads it afresh
    // and answers (no such order: nothing was stored).
    auto asked = std::make_shared<std::promise<caf::error>>();
    actors::ask_within(
        sys, 60s, registry, [asked](actors::order_reply&) { asked->set_value(caf::error{}); },
        [asked](const caf::error& e) { asked->set_value(e); }, actors::get_atom::value, place.id);
    auto answer = asked->get_future();
    ASSERT_EQ(answer.wait_for(10s), std::future_status::ready) << "the order actor answers nothing";
    EXPECT_EQ(actors::to_domain_error(answer.get()).code, domain::error_code::not_found);
  }
}

}  // namespace
