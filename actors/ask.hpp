#pragma once

// Asking actors from outside any actor: the application face's calls come from
// Beast's threads, which must never wait. Each ask spawns a short-lived actor
// that sends the request and hands the reply (or the error) to a callback.

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "actors/errors.hpp"
#include "domain/error.hpp"

namespace actors {

/// Sends `xs...` to `target` and calls `on_value` with the reply or `on_error`
/// with the error (also when there is no target, or it does not answer within
/// `timeout`). The calling thread never waits.
template <class Handle, class OnValue, class OnError, class... Ts>
void ask_within(caf::actor_system& system, std::chrono::milliseconds timeout, Handle target, OnValue on_value,
                OnError on_error, Ts... xs) {
  if (!target) {
    on_error(caf::make_error(caf::sec::invalid_argument));
    return;
  }
  system.spawn([=](caf::event_based_actor* self) mutable {
    self->request(target, timeout, xs...).then(on_value, [on_error](caf::error& e) mutable { on_error(e); });
  });
}

/// A caf::error as the domain result the application face answers with.
template <class T>
domain::result<T> failure(const caf::error& e) {
  return domain::result<T>{to_domain_error(e)};
}

/// One asynchronous step of a sequence: it calls `next` once it is finished
/// (answered or failed), or never, to end the sequence early.
using step = std::function<void(std::function<void()> next)>;

/// Runs `steps` one after the other, then `done`. The step in flight holds the
/// runner; the runner holds itself only weakly, so it is freed once the last
/// step has answered (or a step ended the sequence).
inline void run_in_turn(std::vector<step> steps, std::function<void()> done) {
  auto all = std::make_shared<std::vector<step>>(std::move(steps));
  auto run = std::make_shared<std::function<void(std::size_t)>>();
  *run = [all, done = std::move(done), weak = std::weak_ptr<std::function<void(std::size_t)>>(run)](std::size_t i) {
    if (i == all->size()) return done();
    (*all)[i]([runner = weak.lock(), i] { (*runner)(i + 1); });
  };
  (*run)(0);
}

}  // namespace actors
