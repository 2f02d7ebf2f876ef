#pragma once

// How long the journal's writers have spent writing customers' decisions since
// start, the batch each is in counted up to now. Work that can wait (mail)
// reads it to see how busy checkouts keep the database and yields to them
// (mail/pacing.hpp). A batch stuck on a lock counts as it goes, not once it
// ends: mail yields to a writer for as long as the writer is held. Thread-safe:
// the writers start and finish batches on their threads, readers read on
// theirs; the lock is held for a few additions.

#include <chrono>
#include <cstddef>
#include <mutex>

namespace actors {

class journal_load {
 public:
  using clock = std::chrono::steady_clock;

  /// A writer started a batch at `at`.
  void batch_started(clock::time_point at);

  /// A writer finished the batch it started at `started`, at `at`.
  void batch_finished(clock::time_point started, clock::time_point at);

  /// The writers' time on batches up to `now`; two writers side by side count twice.
  clock::duration writing_until(clock::time_point now) const;

 private:
  mutable std::mutex mutex_;
  clock::duration finished_{};
  std::size_t in_progress_ = 0;
  clock::duration started_sum_{};  ///< the start times of the batches in progress, summed since the clock's epoch
};

}  // namespace actors
