#pragma once

// What the engine does once, before it serves: bring the schema up to date,
// load the catalog (seeding it first when configured), and fetch the secret
// that every node shares. Blocking, on the main thread, before any actor runs.

#include <string>

#include "config/config.hpp"
#include "domain/access.hpp"
#include "domain/catalog.hpp"

namespace supervision {

struct boot_result {
  domain::catalog catalog;
  domain::access_keys keys{""};
};

/// Throws std::runtime_error with a message fit for an operator.
boot_result bootstrap(const config::engine_config& config);

}  // namespace supervision
