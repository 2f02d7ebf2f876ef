#pragma once

// The tick an actor sends itself while it holds anything with a deadline: a
// CAF timeout per request would wake CAF's clock thread twice each (in CAF
// 0.17 a reply does not cancel its timeout), one tick every interval wakes it
// once, and only while something is outstanding. At most one tick is pending.

#include <chrono>

#include "actors/messages.hpp"

namespace actors {

class deadline_ticks {
 public:
  /// Sends the next tick in `every`, unless one is pending or nothing is
  /// `outstanding`. Call it after taking something with a deadline and after
  /// looking at the deadlines on a tick.
  template <class Self>
  void keep_going(Self* self, bool outstanding, std::chrono::milliseconds every) {
    if (pending_ || !outstanding) return;
    pending_ = true;
    self->delayed_send(self, every, tick_atom::value);
  }
  /// The pending tick has come: call it first thing on the tick.
  void arrived() { pending_ = false; }

 private:
  bool pending_ = false;
};

}  // namespace actors
