#pragma once

#include <algorithm>
#include <chrono>

namespace actors {

// A chain source that stays down is asked less and less often, at most this seldom.
inline constexpr std::chrono::milliseconds max_watcher_backoff{30000};

/// The delay before a watcher's next poll after `failures_in_a_row` failed
/// ones: the poll interval, doubled per further failure, up to max_watcher_backoff.
inline std::chrono::milliseconds watcher_backoff(std::chrono::milliseconds poll, int failures_in_a_row) {
  auto delay = poll;
  for (int i = 1; i < failures_in_a_row && delay < max_watcher_backoff; ++i) delay *= 2;
  return std::min(delay, std::max(poll, max_watcher_backoff));
}

}  // namespace actors
