#pragma once

// A one-dimensional text[] in PostgreSQL's binary form (what array_recv
// reads), sent as a binary parameter: each text arrives as its bytes, with no
// quoting to add here and none for the server to take apart. The journal
// sends its documents this way, beside the JSON rows they belong to
// (migration 028).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace persistence {

class text_array {
 public:
  /// Adds an element; empty text is added as NULL.
  void push_back(std::string_view text);
  std::size_t size() const { return size_; }
  /// The array's bytes; the builder is left empty.
  std::string take();

 private:
  std::string elements_;
  std::size_t size_ = 0;
  bool has_null_ = false;
};

}  // namespace persistence
