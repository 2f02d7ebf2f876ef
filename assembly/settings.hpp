#pragma once

// The configuration as each part of the engine takes it: config/ speaks in
// settings, the domain in payment methods, each actor in its own options.

#include <vector>

#include "config/config.hpp"
#include "domain/payment.hpp"

namespace assembly {

/// Each configured coin as the storefront offers it and the domain quotes it.
std::vector<domain::payment_method> payment_methods_from(const config::payments_config& payments);

}  // namespace assembly
