#pragma once

// What every chain watcher does around a poll, whatever its chain source: the
// backoff while the source is down, and the status /admin/api/system shows.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "domain/strong_types.hpp"

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

/// A poll that reached its source: up, at `height`, watching `addresses`.
inline void record_poll_reached(watcher_stats& stats, int& failures_in_a_row, std::uint64_t height,
                                std::uint64_t addresses, domain::timestamp now) {
  stats.up = true;
  stats.height = height;
  stats.addresses = addresses;
  stats.last_poll_ms = domain::to_unix_ms(now);
  ++stats.polls;
  failures_in_a_row = 0;
}

/// A poll that failed: down with `error`, logged once per outage (`source`
/// names what could not be read: "the wallet", "the Ethereum node").
inline void record_poll_failed(watcher_stats& stats, int& failures_in_a_row, const std::string& source,
                               const std::string& error) {
  if (stats.up || failures_in_a_row == 0) spdlog::warn("{} watcher: {} cannot be read: {}", stats.coin, source, error);
  stats.up = false;
  stats.last_error = error;
  ++stats.failures;
  ++failures_in_a_row;
}

/// The matcher did not answer a poll's batch: it is told again next poll.
inline void log_matcher_refusal(const std::string& coin, std::size_t count, const caf::error& e) {
  spdlog::warn("{} watcher: the matcher did not take {} payment(s): {}", coin, count, to_string(e));
}

}  // namespace actors
