#pragma once

// The configuration as each part of the engine takes it: config/ speaks in
// settings, the domain in payment methods, each actor in its own options.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/payment.hpp"

namespace assembly {

/// Each configured coin as the storefront offers it and the domain quotes it.
std::vector<domain::payment_method> payment_methods_from(const config::payments_config& payments);

/// The Ethereum node that watches `coin`: its own rpc_url, or, for a token
/// left empty, the Ether coin's (the token lives on Ether's chain). Empty: none.
std::string ethereum_rpc_url(const config::payments_config& payments, const config::coin_config& coin);

}  // namespace assembly
