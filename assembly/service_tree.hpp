#pragma once

// The supervised services of one engine node, in start order: each may use
// the ones above it (the supervisor restarts a failed one together with
// everything below it).

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/access.hpp"
#include "sealing/vault.hpp"
#include "supervision/supervisor.hpp"

namespace caf {
class actor_system;
}

namespace actors {
class service_directory;
}

namespace assembly {

/// Each child publishes its handle to `directory` whenever it (re)starts.
/// Every child connects with `runtime_url` (the least-privileged ccc_app),
/// never with config.database.url (the owner).
std::vector<supervision::child_spec> service_tree(caf::actor_system& system,
                                                  std::shared_ptr<actors::service_directory> directory,
                                                  const config::engine_config& config, const std::string& runtime_url,
                                                  const domain::access_keys& keys,
                                                  std::shared_ptr<const sealing::vault> vault);

}  // namespace assembly
