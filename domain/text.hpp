#pragma once

// What a person may type into a field the engine stores and shows: the one
// rule for control characters, shared by the web layer and the domain.

#include <string_view>

namespace domain {

enum class line_breaks { refused, allowed };

/// A C0 control character or DEL in `text`. With line_breaks::allowed, tab, CR
/// and LF are text (multi-line notes and messages); PostgreSQL cannot store a
/// NUL either way, and none of the others belongs in anything a person typed.
bool has_control_character(std::string_view text, line_breaks breaks);

}  // namespace domain
