#pragma once

// What the engine does once, before any actor runs: check the email templates,
// bring the schema up to date, load the catalog (seeding it first when
// configured), and fetch the secret that every node shares. Blocking, on the
// main thread.

#include "config/config.hpp"
#include "domain/access.hpp"
#include "domain/catalog.hpp"

namespace assembly {

struct prepared_shop {
  domain::catalog catalog;
  domain::access_keys keys{""};
};

/// Throws std::runtime_error with a message fit for an operator.
prepared_shop prepare_shop(const config::engine_config& config);

}  // namespace assembly
