#pragma once

// How fast the mailer may send while customers keep the engine busy. Mail can
// wait a few seconds and a checkout cannot: even at the lowest scheduling
// priority a mailer sending flat out took a quarter of the checkouts a
// machine could take, through the database, the caches and the cores' shared
// resources rather than the cores' time (docs/PERFORMANCE.md, "Mail that
// waits for a burst to pass"). So while the database writer is busy with
// customers' decisions for at least half the time, mail goes at
// `rate_while_busy` messages a second at most, and at full speed again as soon
// as it is not. The backlog drains after the burst; the newest mail still
// goes first in each claim.

#include <chrono>
#include <cstddef>

namespace mail {

class pacing {
 public:
  using clock = std::chrono::steady_clock;

  /// The writer's share of a group's time from which mail is held back.
  static constexpr double busy_share = 0.5;

  /// `rate_while_busy`: messages a second at most while the writer is busy; 0
  /// never holds mail back.
  explicit pacing(int rate_while_busy) : rate_while_busy_(rate_while_busy) {}

  /// How long to wait after a group of `sent` messages that went out from
  /// `group_start` to `now`, during which the writer was busy for `writing`:
  /// nothing unless it was busy for at least busy_share of that time; else
  /// what is left of `sent` / rate_while_busy seconds since group_start.
  clock::duration wait_after(std::size_t sent, clock::duration writing, clock::time_point group_start,
                             clock::time_point now) const;

 private:
  int rate_while_busy_;
};

}  // namespace mail
