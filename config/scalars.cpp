// The scalar values a setting can hold, as text: integers, durations ("15m",
// "24h", "7d") and exchange rates read exactly as fixed-point decimals.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/scalars.hpp"

namespace config {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct unit {
  std::string_view suffix;
  std::int64_t ms;
};

// Longest suffix first so that "ms" is not read as "m".
constexpr unit units[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
};

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view digits = s.front() == '-' ? s.substr(1) : s;
  if (!all_digits(digits)) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<duration> parse_duration(std::string_view text) {
  std::size_t digits_end = 0;
  while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9') ++digits_end;
  const std::string_view number = text.substr(0, digits_end);
  const std::string_view suffix = text.substr(digits_end);
  if (number.empty()) return std::nullopt;
  std::int64_t count = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
  if (ec != std::errc{} || end != number.data() + number.size()) return std::nullopt;
  if (suffix.empty()) {
    // A bare number has no unit; only zero means the same in every unit.
    if (count == 0) return duration{0};
    return std::nullopt;
  }
  for (const unit& u : units) {
    if (suffix == u.suffix) {
      if (count > std::numeric_limits<std::int64_t>::max() / u.ms) return std::nullopt;
      return duration{count * u.ms};
    }
  }
  return std::nullopt;
}

std::string format_duration(duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0";
  if (ms < 0) {
    if (ms == std::numeric_limits<std::int64_t>::min()) return std::to_string(ms) + "ms";
    return "-" + format_duration(duration{-ms});
  }
  for (auto it = std::rbegin(units); it != std::rend(units); ++it) {
    if (ms % it->ms == 0) return std::to_string(ms / it->ms) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";  // unreachable: every count is a whole number of ms
}

std::optional<std::int64_t> parse_rate_e8(std::string_view text) {
  constexpr std::int64_t scale = 100'000'000;
  constexpr std::size_t max_fraction_digits = 8;
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (!all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && !all_digits(fraction)) return std::nullopt;
  if (fraction.size() > max_fraction_digits) return std::nullopt;

  std::int64_t whole_value = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), whole_value);
  if (ec != std::errc{} || end != whole.data() + whole.size()) return std::nullopt;
  if (whole_value > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;

  std::int64_t fraction_value = 0;
  for (std::size_t i = 0; i < max_fraction_digits; ++i) {
    fraction_value = fraction_value * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const std::int64_t whole_scaled = whole_value * scale;
  if (whole_scaled > std::numeric_limits<std::int64_t>::max() - fraction_value) return std::nullopt;
  const std::int64_t rate = whole_scaled + fraction_value;
  if (rate <= 0) return std::nullopt;
  return rate;
}

}  // namespace config
