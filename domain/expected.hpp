#pragma once

#include <utility>
#include <variant>

namespace domain {

/// A value, or the error that kept it from being made (std::expected before
/// C++23). `domain::result` is the one with a domain_error; other layers
/// (chains/) carry errors of their own whose codes their callers tell apart.
template <class T, class E>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(E error) : v_(std::in_place_index<1>, std::move(error)) {}
  explicit operator bool() const noexcept { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const E& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace domain
