#include "supervision/supervisor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace supervision {
namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

void start_from(self_ptr self, std::size_t first) {
  auto& children = self->state.children;
  // Stop the dependents first, newest first, so none outlives what it uses.
  for (std::size_t i = children.size(); i-- > first;) {
    auto& c = children[i];
    if (c.handle) {
      self->demonitor(c.handle.address());
      self->send_exit(c.handle, caf::exit_reason::user_shutdown);
      c.handle = nullptr;
    }
  }
  for (std::size_t i = first; i < children.size(); ++i) {
    auto& c = children[i];
    try {
      c.handle = c.spec.start();
      self->monitor(c.handle);
      c.status.state = "running";
    } catch (const std::exception& e) {
      c.status.state = "failed";
      c.status.last_error = e.what();
      spdlog::error("supervisor: {} could not start: {}", c.spec.name, e.what());
      // Those after it were stopped above (or never started) and depend on
      // it: the report must not call them running.
      for (std::size_t j = i + 1; j < children.size(); ++j) {
        children[j].status.state = "failed";
        children[j].status.last_error = "not started: " + c.spec.name + " could not start";
      }
      return;
    }
  }
}

}  // namespace

supervisor_state::~supervisor_state() {
  // Children go down with their supervisor: nothing keeps running unwatched.
  for (auto& c : children)
    if (c.handle) caf::anon_send_exit(c.handle, caf::exit_reason::user_shutdown);
}

supervisor_actor::behavior_type supervisor_impl(self_ptr self, std::vector<child_spec> specs,
                                                        restart_policy policy) {
  self->state.policy = policy;
  for (auto& spec : specs) {
    supervisor_state::child c;
    c.status.name = spec.name;
    c.spec = std::move(spec);
    self->state.children.push_back(std::move(c));
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& children = self->state.children;
    auto it = std::find_if(children.begin(), children.end(),
                           [&](const auto& c) { return c.handle && c.handle.address() == msg.source; });
    if (it == children.end()) return;
    auto& c = *it;
    c.handle = nullptr;
    // Service actors are meant to run forever: even a normal exit is restarted.
    c.status.last_error = msg.reason ? to_string(msg.reason) : "exited normally";
    const auto now = std::chrono::steady_clock::now();
    auto& recent = c.recent_restarts;
    recent.erase(
        std::remove_if(recent.begin(), recent.end(), [&](auto t) { return now - t > self->state.policy.window; }),
        recent.end());
    if (static_cast<int>(recent.size()) >= self->state.policy.max_restarts) {
      c.status.state = "failed";
      spdlog::critical("supervisor: {} failed {} times within {} ms; giving up ({})", c.spec.name, recent.size(),
                       self->state.policy.window.count(), c.status.last_error);
      return;
    }
    auto backoff = self->state.policy.initial_backoff * (1 << std::min<std::size_t>(recent.size(), 16));
    backoff = std::min(backoff, self->state.policy.max_backoff);
    recent.push_back(now);
    ++c.status.restarts;
    c.status.state = "restarting";
    spdlog::error("supervisor: {} stopped ({}); restarting in {} ms", c.spec.name, c.status.last_error,
                  backoff.count());
    self->delayed_send(self, backoff, restart_atom::value, c.spec.name);
  });
  start_from(self, 0);
  return {
      [self](status_atom) {
        health_report report;
        report.healthy = true;
        for (const auto& c : self->state.children) {
          report.children.push_back(c.status);
          report.healthy = report.healthy && c.status.state == "running";
        }
        return report;
      },
      [self](restart_atom, const std::string& name) {
        auto& children = self->state.children;
        auto it = std::find_if(children.begin(), children.end(), [&](const auto& c) { return c.spec.name == name; });
        // An earlier child's restart may have brought this one back already
        // (rest-for-one): a running child is not restarted twice.
        if (it != children.end() && !it->handle) start_from(self, static_cast<std::size_t>(it - children.begin()));
      },
  };
}

}  // namespace supervision
