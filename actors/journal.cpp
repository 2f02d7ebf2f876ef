#include "actors/journal.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "actors/errors.hpp"
#include "persistence/connection.hpp"
#include "persistence/journal_store.hpp"

namespace actors {
namespace {

using self_ptr = journal_actor::stateful_pointer<journal_state>;

void flush(self_ptr self, const journal_options& options);

caf::error journal_stopped() {
  return to_caf_error(domain::make_error(domain::error_code::unavailable, "the journal stopped; please retry"));
}

/// Hands the batch's outcomes to those who asked and its writer back to the
/// pool. A batch already answered at its deadline is not there any more: its
/// late outcome is dropped, and its writer went back to the pool then.
template <class Answer>
void settle(self_ptr self, const journal_options& options, std::uint64_t batch, Answer answer) {
  auto& st = self->state;
  const auto found = st.in_flight.find(batch);
  if (found == st.in_flight.end()) return;
  auto settled = std::move(found->second);
  st.in_flight.erase(found);
  for (std::size_t i = 0; i < settled.promises.size(); ++i) answer(settled.promises[i], i);
  st.idle_writers.push_back(std::move(settled.writer));
  flush(self, options);
}

/// Answers the batches a writer has held past their deadline with a timeout,
/// as a CAF timeout on the request did: a writer stuck on the database must
/// not hold its appends, and through them their order actors, for ever.
void expire_overdue(self_ptr self, const journal_options& options) {
  auto& st = self->state;
  st.ticks.arrived();
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> overdue;
  for (const auto& [number, batch] : st.in_flight)
    if (batch.deadline <= now) overdue.push_back(number);
  for (const auto number : overdue)
    settle(self, options, number, [](journal_state::append_promise& p, std::size_t) {
      p.deliver(caf::make_error(caf::sec::request_timeout));
    });
  st.ticks.keep_going(self, !st.in_flight.empty(), journal_deadline_tick);
}

void flush(self_ptr self, const journal_options& options) {
  auto& st = self->state;
  while (!st.queue.empty() && !st.idle_writers.empty()) {
    // While a batch is in flight, what arrives waits for the next one: one
    // batch carrying all that waits costs the database far less per append
    // than two splitting it. Another writer starts beside it only when a
    // full batch waits, i.e. when one writer can no longer keep up.
    if (!st.in_flight.empty() && st.queue.size() < options.max_batch) break;
    auto writer = st.idle_writers.back();
    st.idle_writers.pop_back();
    const std::size_t n = std::min(options.max_batch, st.queue.size());
    std::vector<persistence::append_item> batch;
    std::vector<journal_state::append_promise> promises;
    batch.reserve(n);
    promises.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(st.queue.front().item));
      promises.push_back(std::move(st.queue.front().promise));
      st.queue.pop_front();
    }
    ++st.stats.batches;
    st.stats.appends += n;
    st.stats.largest_batch = std::max(st.stats.largest_batch, n);
    const auto number = st.next_batch++;
    st.in_flight.emplace(number,
                         journal_state::batch_in_flight{std::move(promises), writer,
                                                        std::chrono::steady_clock::now() + options.ask_timeout});
    st.ticks.keep_going(self, true, journal_deadline_tick);
    self->request(writer, caf::infinite, append_atom::value, std::move(batch))
        .then(
            [self, options, number](std::vector<persistence::append_outcome>& outcomes) {
              settle(self, options, number, [&](journal_state::append_promise& p, std::size_t i) {
                if (outcomes[i] == persistence::append_outcome::conflict) ++self->state.stats.conflicts;
                p.deliver(outcomes[i]);
              });
            },
            [self, options, number](caf::error& err) {
              settle(self, options, number, [&](journal_state::append_promise& p, std::size_t) { p.deliver(err); });
            });
  }
}

}  // namespace

journal_state::~journal_state() {
  for (auto& waiting : queue) waiting.promise.deliver(journal_stopped());
  for (auto& [number, batch] : in_flight)
    for (auto& p : batch.promises) p.deliver(journal_stopped());
}

journal_actor::behavior_type journal_impl(self_ptr self, journal_options options, std::string database_url,
                                          std::shared_ptr<const sealing::vault> vault) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options.writers, 1); ++i)
    self->state.idle_writers.push_back(
        self->spawn<caf::detached + caf::linked>(journal_writer_impl, database_url, vault, options.webhooks));
  return {
      [self, options](append_atom, persistence::append_item& item) -> caf::result<persistence::append_outcome> {
        if (self->state.queue.size() >= options.max_queue) {
          ++self->state.stats.refused;
          return to_caf_error(
              domain::make_error(domain::error_code::unavailable, "the journal is full: the database is behind"));
        }
        auto rp = self->make_response_promise<persistence::append_outcome>();
        self->state.queue.push_back(journal_state::pending{std::move(item), rp});
        flush(self, options);
        return rp;
      },
      [self, options](tick_atom) { expire_overdue(self, options); },
      [self](status_atom) {
        auto stats = self->state.stats;
        stats.queued = self->state.queue.size();
        return stats;
      },
  };
}

namespace {

struct writer_session {
  writer_session(const std::string& url, std::shared_ptr<const sealing::vault> vault,
                 std::shared_ptr<const persistence::webhook_subscriptions> webhooks)
      : db(url), journal(db, std::move(vault), std::move(webhooks)) {}
  persistence::connection db;
  persistence::journal_store journal;
};

}  // namespace

journal_writer_actor::behavior_type journal_writer_impl(
    journal_writer_actor::pointer self, std::string url, std::shared_ptr<const sealing::vault> vault,
    std::shared_ptr<const persistence::webhook_subscriptions> webhooks) {
  // Connected lazily and again after a failure, so that a database that is
  // down at start-up or restarts later costs failed requests, not the actor.
  auto store = std::make_shared<std::unique_ptr<writer_session>>();
  return {
      [store, url, vault, webhooks](
          append_atom,
          std::vector<persistence::append_item>& batch) -> caf::result<std::vector<persistence::append_outcome>> {
        try {
          if (!*store) *store = std::make_unique<writer_session>(url, vault, webhooks);
          return (*store)->journal.append_batch(batch);
        } catch (const std::exception& e) {
          spdlog::error("journal: batch of {} not stored: {}", batch.size(), e.what());
          store->reset();
          return to_caf_error(domain::make_error(domain::error_code::unavailable, "the database is unavailable"));
        }
      },
  };
}

}  // namespace actors
