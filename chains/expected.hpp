#pragma once

#include "domain/expected.hpp"

namespace chains {

/// The chains layer's errors (`key_error`, `address_error`) are its own: the
/// caller must tell their codes apart, e.g. start-up exits 2 on
/// `key_problem::secret_given`.
using domain::expected;

}  // namespace chains
