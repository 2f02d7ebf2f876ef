#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace domain {

/// A value with a name: `order_id` and `sku` are both strings, but a function
/// taking `(order_id, sku)` cannot be called with the two swapped.
template <class Tag, class T>
class strong {
 public:
  strong() = default;
  explicit strong(T value) : value_(std::move(value)) {}
  const T& value() const noexcept { return value_; }
  friend bool operator==(const strong& a, const strong& b) { return a.value_ == b.value_; }
  friend bool operator!=(const strong& a, const strong& b) { return a.value_ != b.value_; }
  friend bool operator<(const strong& a, const strong& b) { return a.value_ < b.value_; }

 private:
  T value_{};
};

using order_id = strong<struct order_id_tag, std::string>;          // canonical lower-case UUID
using customer_ref = strong<struct customer_ref_tag, std::string>;  // opaque UUID, no PII
using sku = strong<struct sku_tag, std::string>;
using order_number = strong<struct order_number_tag, std::string>;  // "CCC-000123"

/// US dollars in integer cents (no floating point near money).
struct cents {
  std::int64_t value = 0;
  constexpr cents() = default;
  constexpr explicit cents(std::int64_t v) : value(v) {}
  friend constexpr cents operator+(cents a, cents b) { return cents{a.value + b.value}; }
  friend constexpr bool operator==(cents a, cents b) { return a.value == b.value; }
  friend constexpr bool operator!=(cents a, cents b) { return a.value != b.value; }
  friend constexpr bool operator<(cents a, cents b) { return a.value < b.value; }
  friend constexpr bool operator>=(cents a, cents b) { return a.value >= b.value; }
};

struct quantity {
  int value = 0;
  constexpr quantity() = default;
  constexpr explicit quantity(int v) : value(v) {}
  friend constexpr bool operator==(quantity a, quantity b) { return a.value == b.value; }
};

constexpr cents operator*(cents price, quantity q) {
  return cents{price.value * q.value};
}

/// A crypto amount in the coin's smallest unit (piconero, satoshi, wei).
/// 128 bits: an order of a few thousand dollars in wei overflows 64 bits.
class atomic_amount {
 public:
  using rep = unsigned __int128;
  constexpr atomic_amount() = default;
  constexpr explicit atomic_amount(rep v) : value_(v) {}
  constexpr rep value() const noexcept { return value_; }
  /// Decimal digits only, no sign, no separators; nullopt when not a number or too big.
  static std::optional<atomic_amount> parse(std::string_view digits);
  std::string to_string() const;
  friend constexpr bool operator==(atomic_amount a, atomic_amount b) { return a.value_ == b.value_; }
  friend constexpr bool operator!=(atomic_amount a, atomic_amount b) { return a.value_ != b.value_; }
  friend constexpr bool operator<(atomic_amount a, atomic_amount b) { return a.value_ < b.value_; }
  friend constexpr bool operator>(atomic_amount a, atomic_amount b) { return a.value_ > b.value_; }
  friend constexpr atomic_amount operator-(atomic_amount a, atomic_amount b) {
    return atomic_amount{a.value_ - b.value_};
  }

 private:
  rep value_ = 0;
};

/// Wall-clock time with millisecond precision. The domain never reads a clock:
/// every command carries its time.
using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using duration = std::chrono::milliseconds;

inline timestamp from_unix_ms(std::int64_t ms) {
  return timestamp{duration{ms}};
}
inline std::int64_t to_unix_ms(timestamp t) {
  return t.time_since_epoch().count();
}

}  // namespace domain
