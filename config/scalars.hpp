#pragma once

// Scalar parsers shared by the loader (config.cpp); the public ones
// (parse_duration, format_duration, parse_rate_e8) are declared in config.hpp.

#include <cstdint>
#include <optional>
#include <string_view>

namespace config {

/// A decimal integer with an optional sign, nothing else; nullopt when out of range.
std::optional<std::int64_t> parse_int(std::string_view s);

}  // namespace config
