#include "persistence/text_array.hpp"

#include <limits>
#include <stdexcept>

namespace persistence {

namespace {

// PostgreSQL's type oid of text (pg_type.dat): array_recv refuses elements
// of another type than the parameter's.
constexpr std::int32_t text_oid = 25;

void put_int32(std::string& out, std::int32_t value) {
  const auto bits = static_cast<std::uint32_t>(value);  // network byte order
  out.push_back(static_cast<char>(bits >> 24));
  out.push_back(static_cast<char>(bits >> 16));
  out.push_back(static_cast<char>(bits >> 8));
  out.push_back(static_cast<char>(bits));
}

}  // namespace

void text_array::push_back(std::string_view text) {
  if (size_ == static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("text_array: too many elements");
  ++size_;
  if (text.empty()) {
    has_null_ = true;
    put_int32(elements_, -1);
    return;
  }
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("text_array: element too long");
  put_int32(elements_, static_cast<std::int32_t>(text.size()));
  elements_.append(text);
}

std::string text_array::take() {
  std::string out;
  out.reserve(20 + elements_.size());
  // An empty array has no dimensions.
  put_int32(out, size_ == 0 ? 0 : 1);
  put_int32(out, has_null_ ? 1 : 0);
  put_int32(out, text_oid);
  if (size_ > 0) {
    put_int32(out, static_cast<std::int32_t>(size_));
    put_int32(out, 1);  // lower bound
  }
  out += elements_;
  elements_.clear();
  size_ = 0;
  has_null_ = false;
  return out;
}

}  // namespace persistence
