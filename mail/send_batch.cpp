#include "mail/send_batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace mail {

std::vector<send_outcome> send_batch(transport& transport, std::size_t count,
                                     const std::function<outgoing(std::size_t)>& compose, int senders) {
  std::vector<send_outcome> outcomes(count);
  std::atomic<std::size_t> next{0};
  // Each sender takes the next message not yet taken, so a slow conversation
  // holds up no other.
  const auto work = [&] {
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
  const auto helpers = std::min<std::size_t>(static_cast<std::size_t>(std::max(senders, 1)), count);
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < helpers; ++i) others.emplace_back(work);
  work();
  for (auto& t : others) t.join();
  return outcomes;
}

}  // namespace mail
