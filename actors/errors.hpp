#pragma once

// Domain rejections travel between actors as caf::error values of the
// "domain" category, carrying the field and the sentence.

#include <caf/error.hpp>

#include "domain/error.hpp"

namespace actors {

caf::error to_caf_error(const domain::domain_error& e);

/// Our own errors come back as they left; CAF's (timeouts, a receiver that
/// died) become `unavailable`: the request can be retried.
domain::domain_error to_domain_error(const caf::error& e);

/// For actor_system_config::add_error_category.
std::string render_domain_error(std::uint8_t code, caf::atom_value category, const caf::message& context);

inline constexpr caf::atom_value domain_error_category = caf::atom("domain");

}  // namespace actors
