#include "mail/send_batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

namespace mail {

// On Linux, PRIO_PROCESS with a thread's id sets that thread's niceness alone.
void lower_this_threads_priority(int niceness) {
  if (niceness <= 0) return;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), niceness) != 0) {
    static std::atomic<bool> told{false};
    if (!told.exchange(true)) spdlog::warn("mail: could not lower a mail thread's priority (niceness {})", niceness);
  }
}

std::vector<send_outcome> send_batch(transport& transport, std::size_t count,
                                     const std::function<outgoing(std::size_t)>& compose, sender_threads senders) {
  std::vector<send_outcome> outcomes(count);
  std::atomic<std::size_t> next{0};
  // Each sender takes the next message not yet taken, so a slow conversation
  // holds up no other.
  const auto work = [&] {
    lower_this_threads_priority(senders.niceness);
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        const auto message = compose(i);
        transport.send(message.m, message.mime);
      } catch (const send_error& e) {
        outcomes[i] = e;
      } catch (const std::exception& e) {
        outcomes[i] = send_error(e.what(), true);
      }
    }
  };
  const auto threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(senders.count, 1)), count);
  std::vector<std::thread> running;
  running.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) running.emplace_back(work);
  for (auto& t : running) t.join();
  return outcomes;
}

}  // namespace mail
