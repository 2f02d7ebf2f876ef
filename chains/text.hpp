#pragma once

#include <cctype>
#include <string_view>

namespace chains {

/// Without the spaces, tabs and line breaks a paste brings along.
inline std::string_view trim_whitespace(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace chains
