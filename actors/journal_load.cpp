#include "actors/journal_load.hpp"

namespace actors {

void journal_load::batch_started(clock::time_point at) {
  const std::lock_guard lock{mutex_};
  ++in_progress_;
  started_sum_ += at.time_since_epoch();
}

void journal_load::batch_finished(clock::time_point started, clock::time_point at) {
  const std::lock_guard lock{mutex_};
  --in_progress_;
  started_sum_ -= started.time_since_epoch();
  finished_ += at - started;
}

journal_load::clock::duration journal_load::writing_until(clock::time_point now) const {
  const std::lock_guard lock{mutex_};
  // Each batch in progress counts now - its start: summed, n * now - the starts.
  return finished_ + static_cast<clock::rep>(in_progress_) * now.time_since_epoch() - started_sum_;
}

}  // namespace actors
