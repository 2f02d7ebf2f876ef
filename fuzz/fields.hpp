#pragma once

// Cuts one fuzz input into the several strings a target needs. Fields are
// separated by a byte that the seeds never need inside a field, so that a
// seed file stays readable text and the fuzzer can still move a separator.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fuzz {

/// At most `max` fields; the last one takes the rest of the input, separators included.
inline std::vector<std::string_view> split_fields(const std::uint8_t* data, std::size_t size, char separator,
                                                  std::size_t max) {
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    const auto at = rest.find(separator);
    if (at == std::string_view::npos) break;
    out.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  out.push_back(rest);
  return out;
}

}  // namespace fuzz
