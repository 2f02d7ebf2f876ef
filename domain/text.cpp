#include "domain/text.hpp"

#include <algorithm>

namespace domain {

bool has_control_character(std::string_view text, line_breaks breaks) {
  return std::any_of(text.begin(), text.end(), [breaks](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (breaks == line_breaks::allowed && (c == '\t' || c == '\n' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace domain
