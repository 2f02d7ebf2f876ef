#pragma once

// Asking actors from outside any actor: the application face's calls come from
// Beast's threads, which must never wait. An ask goes to a bridge of the ask
// pool (ask_pool.hpp), which sends the request and hands the reply (or the
// error) to a callback; without a pool (tests, start-up) it spawns a
// short-lived actor that does the same.

#include <caf/actor_system.hpp>
#include <caf/detail/type_traits.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "actors/ask_pool.hpp"
#include "actors/errors.hpp"
#include "domain/error.hpp"

namespace actors {

namespace detail {

// The callbacks of one ask sent by a bridge. The bridge's record of the ask
// owns them; the reply handlers only look them up, so an ask that timed out
// frees its callbacks (and what they hold, such as an HTTP session) even if
// its reply never comes.
template <class OnValue, class OnError>
struct pending_ask {
  OnValue on_value;
  OnError on_error;
};

// The reply handler CAF sees has the asker's own argument list (CAF 0.17
// matches a reply to a handler by its signature), and passes the reply on
// only while the ask is outstanding: not after its deadline passed.
template <class Pending, class Args>
struct reply_if_outstanding;

template <class Pending, class... Ts>
struct reply_if_outstanding<Pending, caf::detail::type_list<Ts...>> {
  std::weak_ptr<Pending> pending;
  ask_bridge* bridge;
  std::uint64_t id;
  void operator()(Ts... xs) {
    if (auto p = pending.lock()) {
      bridge->state.settle(id);
      p->on_value(std::forward<Ts>(xs)...);
    }
  }
};

template <class OnValue, class OnError, class Handle, class... Ts>
void ask_through_bridge(ask_bridge* self, std::chrono::milliseconds timeout, const Handle& target, OnValue on_value,
                        OnError on_error, const Ts&... xs) {
  using pending_type = pending_ask<OnValue, OnError>;
  auto pending = std::make_shared<pending_type>(pending_type{std::move(on_value), std::move(on_error)});
  std::weak_ptr<pending_type> weak = pending;
  const auto id =
      self->state.expect(timeout, [pending] { pending->on_error(caf::make_error(caf::sec::request_timeout)); });
  using args = typename caf::detail::get_callable_trait<OnValue>::arg_types;
  self->request(target, caf::infinite, xs...)
      .then(reply_if_outstanding<pending_type, args>{weak, self, id}, [weak, self, id](caf::error& e) {
        if (auto p = weak.lock()) {
          self->state.settle(id);
          p->on_error(e);
        }
      });
}

}  // namespace detail

/// Sends `xs...` to `target` and calls `on_value` with the reply or `on_error`
/// with the error (also when there is no target, or it does not answer within
/// `timeout`: with the pool, up to ask_tick later). The calling thread never
/// waits.
template <class Handle, class OnValue, class OnError, class... Ts>
void ask_within(caf::actor_system& system, std::chrono::milliseconds timeout, Handle target, OnValue on_value,
                OnError on_error, Ts... xs) {
  if (!target) {
    on_error(caf::make_error(caf::sec::invalid_argument));
    return;
  }
  if (auto bridge = next_ask_bridge(system)) {
    caf::anon_send(bridge, ask_job{[=](ask_bridge* self) {
                     detail::ask_through_bridge(self, timeout, target, on_value, on_error, xs...);
                   }});
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
