#pragma once

// Sending a batch of messages over several SMTP conversations at once: one
// conversation waits on the network most of its time, so a few side by side
// multiply what one mailer delivers.

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

/// Sends every message over `transport`, at most `senders` at a time (the calling
/// thread is one of them). Blocking. The outcomes are in the order of `batch`; an
/// exception other than send_error counts as a transient failure.
std::vector<send_outcome> send_batch(transport& transport, const std::vector<outgoing>& batch, int senders);

}  // namespace mail
