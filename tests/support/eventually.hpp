#pragma once

// Waiting for what happens in the background (restarts, timers, mail,
// readiness) without sleeping a fixed time: poll until it holds.

#include <chrono>
#include <thread>

namespace test_support {

/// Polls `condition` until it holds or `limit` passes; true when it held. The
/// limit is generous: a loaded machine must not make a test fail.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds{20}) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return condition();
}

}  // namespace test_support
