#pragma once

// Personal text inside JSON documents the engine stores (event payloads, the
// read model's view, an email's payload) is sealed in place: the string at a
// personal path becomes {"$sealed": "<base64>"} under the customer's data key,
// bound to where it is stored (`context` plus the path). Nothing else in these
// documents is ever an object with a "$sealed" member, so a reader finds the
// sealed values without knowing the document's shape. Internal to persistence.

#include <string>
#include <string_view>
#include <vector>

#include "sealing/secret_key.hpp"

namespace persistence::detail {

/// `json_text` with the strings at `paths` (JSON pointers, e.g. "/review/text")
/// sealed; a path that is absent or not a string is left alone. With no key
/// (the customer was erased) each such string becomes null.
std::string seal_paths(const std::string& json_text, const std::vector<std::string>& paths,
                       const sealing::secret_key* key, const std::string& context);

/// Whether `json_text` may hold a sealed value (a cheap test before parsing).
bool may_hold_sealed_values(std::string_view json_text);

/// `json_text` with every sealed value opened; one that does not open (no key:
/// the customer was erased) becomes null.
std::string open_sealed_values(const std::string& json_text, const sealing::secret_key* key,
                               const std::string& context);

}  // namespace persistence::detail
