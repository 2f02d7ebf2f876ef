#pragma once

// The supervisor's own message protocol: whoever asks about the health of
// the tree, or wants a child restarted, speaks this and nothing else. The
// supervisor knows its children only as caf::actor handles.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <string>
#include <vector>

namespace supervision {

/// What the supervisor knows about one of its children.
struct child_status {
  std::string name;
  std::string state;  // "running", "restarting", "failed"
  int restarts = 0;
  std::string last_error;
};

struct health_report {
  bool healthy = false;
  std::vector<child_status> children;
};

// CAF 0.17 atoms are values: an actor that spells "status" elsewhere sends
// the very same type.
using status_atom = caf::atom_constant<caf::atom("status")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;

/// Restarts its children with backoff and reports their health.
using supervisor_actor =
    caf::typed_actor<caf::replies_to<status_atom>::with<health_report>, caf::reacts_to<restart_atom, std::string>>;

}  // namespace supervision

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(supervision::health_report)
