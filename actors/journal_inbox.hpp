#pragma once

// What waits for the journal's writers. The journal fills it; each writer's
// thread takes its next batch from it the moment its call to the database
// returns. Handing each batch over by message instead cost a round trip
// through the journal between two batches, and the journal's CAF worker may
// be napping (the scheduler's moderate phase is not woken by a message from
// another thread): 220-260 µs of every 1.3 ms batch at concurrency 8
// (docs/PERFORMANCE.md, "A writer that takes its next batch itself").
//
// One batch is in flight at a time, carrying all that waits, unless a full
// batch waits behind it or the writer holding it has been busy longer than
// the journal's deadline (stuck on the database): then an idle writer starts
// beside it. Thread-safe; the lock is held only to move items in or out.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "persistence/rows.hpp"

namespace actors {

class journal_inbox {
 public:
  using clock = std::chrono::steady_clock;
  using ticket = std::uint64_t;

  struct batch {
    std::vector<ticket> tickets;
    std::vector<persistence::append_item> items;
  };

  struct counts {
    std::uint64_t batches = 0;
    std::uint64_t appends = 0;
    std::size_t largest_batch = 0;
    std::size_t waiting = 0;
  };

  /// `stuck_after`: a writer busy for longer is taken to be stuck on the
  /// database, and no longer holds back the others.
  journal_inbox(std::size_t max_batch, std::size_t writers, clock::duration stuck_after);

  /// Adds an append. Returns the writer to wake when one should start now (it
  /// is then counted busy: wake it once).
  std::optional<std::size_t> put(ticket t, persistence::append_item item, clock::time_point now);

  /// The writer to wake for what waits, if any should start now (asked again
  /// as time passes: a busy writer may have become stuck).
  std::optional<std::size_t> writer_to_wake(clock::time_point now);

  /// Writer `writer`'s next batch, or nothing: then it is idle until woken.
  std::optional<batch> take(std::size_t writer, clock::time_point now);

  /// Takes back an append no writer has taken yet; false when one has.
  /// Tickets must be put in increasing order (the journal numbers them as
  /// they arrive): the oldest, which is what expires, is found at once.
  bool withdraw(ticket t);

  /// The journal stopped: what waits is dropped (its appends were answered
  /// `unavailable`) and no writer takes anything any more.
  void close();

  counts totals() const;

 private:
  struct waiting_append {
    ticket t;
    persistence::append_item item;
  };
  struct writer_state {
    bool busy = false;
    clock::time_point busy_since{};
  };

  // All three with the lock held.
  bool another_writer_active(std::size_t except, clock::time_point now) const;
  bool waits_for_the_batch_in_flight(std::size_t writer, clock::time_point now) const;
  std::optional<std::size_t> wake_locked(clock::time_point now);

  const std::size_t max_batch_;
  const clock::duration stuck_after_;
  mutable std::mutex mutex_;
  std::deque<waiting_append> waiting_;
  std::vector<writer_state> writers_;
  counts counts_;
  bool closed_ = false;
};

}  // namespace actors
