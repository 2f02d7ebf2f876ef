#pragma once

// Sending a batch of messages over several SMTP conversations at once: one
// conversation waits on the network most of its time, so a few side by side
// multiply what one mailer delivers. Each sender also composes the messages it
// sends, so rendering runs on as many threads.

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

/// Composes message i with `compose(i)` and sends it over `transport`, for i in
/// [0, count), at most `senders` at a time (the calling thread is one of them);
/// `compose` is called from several threads at once. Blocking. The outcomes are
/// in the order of i; an exception other than send_error, from `compose` or the
/// transport, counts as a transient failure.
std::vector<send_outcome> send_batch(transport& transport, std::size_t count,
                                     const std::function<outgoing(std::size_t)>& compose, int senders);

}  // namespace mail
