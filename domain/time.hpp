#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/strong_types.hpp"

namespace domain {

/// "2026-11-26T11:16:46.123Z" (UTC, milliseconds).
std::string format_rfc3339(timestamp t);

/// Accepts RFC 3339 with `Z` or a numeric offset and optional fraction.
std::optional<timestamp> parse_rfc3339(std::string_view text);

/// A calendar date "YYYY-MM-DD" that exists (no 2026-02-30).
bool is_calendar_date(std::string_view text);

}  // namespace domain
