#pragma once

// 32 secret bytes: a master key, the shop's root key, a customer's data key.
// Wiped from memory when it goes out of scope; never printed.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace sealing {

inline constexpr std::size_t key_size = 32;

class secret_key {
 public:
  /// Fresh from the system's generator.
  static secret_key random();
  /// Exactly key_size raw bytes, else nullopt.
  static std::optional<secret_key> from_bytes(std::string_view raw);

  secret_key(const secret_key&) = default;
  secret_key& operator=(const secret_key&) = default;
  ~secret_key();

  const unsigned char* data() const { return bytes_.data(); }
  friend bool operator==(const secret_key& a, const secret_key& b);

 private:
  secret_key() = default;
  std::array<unsigned char, key_size> bytes_{};
};

}  // namespace sealing
