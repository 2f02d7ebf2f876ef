#pragma once

// Backpressure in front of a service: at most `limit` requests outstanding
// to it at once, and a caller beyond that is refused at once rather than
// queued. The service's mailbox then never holds more than the limit (plus
// the callers that already wait one request at a time, like the watchers).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "domain/error.hpp"

namespace actors {

class admission_gate : public std::enable_shared_from_this<admission_gate> {
 public:
  explicit admission_gate(std::size_t limit) : limit_(limit) {}

  /// A ticket that holds one place until it is destroyed (keep it in the
  /// reply's callbacks); nullptr when every place is taken.
  std::shared_ptr<const void> enter() {
    std::size_t now = outstanding_.load();
    do {
      if (now >= limit_) {
        ++refused_;
        return nullptr;
      }
    } while (!outstanding_.compare_exchange_weak(now, now + 1));
    return std::shared_ptr<const void>(this, [self = shared_from_this()](const void*) { --self->outstanding_; });
  }

  std::size_t outstanding() const { return outstanding_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> outstanding_{0};
  std::atomic<std::uint64_t> refused_{0};
};

/// Lets the call that will answer through `done` in, or answers it at once
/// with `unavailable` (503) and returns false. Admitted, `done` holds the
/// place until it is destroyed, after it has answered.
template <class T>
bool admit(admission_gate& gate, std::function<void(domain::result<T>)>& done) {
  auto ticket = gate.enter();
  if (!ticket) {
    done(domain::result<T>{domain::make_error(domain::error_code::unavailable, "payments are busy; retry in a moment")});
    return false;
  }
  done = [inner = std::move(done), ticket](domain::result<T> r) { inner(std::move(r)); };
  return true;
}

}  // namespace actors
