#pragma once

// Sending a batch of messages over several SMTP conversations at once: one
// conversation waits on the network most of its time, so a few side by side
// multiply what one mailer delivers. Each sender also composes the messages it
// sends, so rendering runs on as many threads. Mail is work that can wait a few
// seconds and a customer's request is not: the senders may run at a lower
// scheduling priority, so that on a busy machine checkouts take the cores first
// and mail takes what they leave.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mail/transport.hpp"

namespace mail {

struct outgoing {
  message m;
  std::string mime;  ///< to_mime(m, ...)
};

/// What became of one message: nothing when it went out, else why not.
using send_outcome = std::optional<send_error>;

/// Sets the calling thread's scheduling niceness (0..19; 0 leaves it alone).
/// Raising it needs no privilege and cannot be undone without one: call it on a
/// thread that only ever does mail. A failure is logged once and leaves the
/// thread at its priority.
void lower_this_threads_priority(int niceness);

struct sender_threads {
  int count = 4;     ///< conversations at once, at least 1
  int niceness = 0;  ///< each sender thread's scheduling niceness, 0 (as the caller) to 19 (yields to all else)
};

/// Composes message i with `compose(i)` and sends it over `transport`, for i in
/// [0, count), at most `senders.count` at a time, each on a thread of its own
/// at `senders.niceness` (the calling thread only waits, and keeps its own
/// priority); `compose` is called from several threads at once. Blocking. The
/// outcomes are in the order of i; an exception other than send_error, from
/// `compose` or the transport, counts as a transient failure.
std::vector<send_outcome> send_batch(transport& transport, std::size_t count,
                                     const std::function<outgoing(std::size_t)>& compose, sender_threads senders);

}  // namespace mail
