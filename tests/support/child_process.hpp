#pragma once

// Ending a helper process a test started (a fake chain source, a webhook
// receiver): SIGTERM, then wait for it, so it is gone when this returns.

#include <signal.h>
#include <sys/wait.h>

namespace test_support {

/// Stops the child `pid` (nothing when it is not positive) and sets it to -1.
inline void stop_child(pid_t& pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  pid = -1;
}

}  // namespace test_support
