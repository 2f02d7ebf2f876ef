#include "domain/money.hpp"

#include <algorithm>

namespace domain {

atomic_amount::rep pow10(int n) {
  atomic_amount::rep r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

std::optional<atomic_amount> atomic_amount::parse(std::string_view digits) {
  if (digits.empty() || digits.size() > 38) return std::nullopt;
  rep v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<rep>(c - '0');
  }
  return atomic_amount{v};
}

std::string atomic_amount::to_string() const {
  if (value_ == 0) return "0";
  std::string out;
  for (rep v = value_; v != 0; v /= 10) out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  std::reverse(out.begin(), out.end());
  return out;
}

std::string format_usd(cents amount) {
  const bool negative = amount.value < 0;
  const std::int64_t abs = negative ? -amount.value : amount.value;
  std::string fraction = std::to_string(abs % 100);
  if (fraction.size() < 2) fraction.insert(0, "0");
  return (negative ? "-$" : "$") + std::to_string(abs / 100) + "." + fraction;
}

std::string format_coin(atomic_amount amount, int decimals, int shown_decimals) {
  std::string digits = amount.to_string();
  if (static_cast<int>(digits.size()) <= decimals)
    digits.insert(0, static_cast<std::size_t>(decimals + 1) - digits.size(), '0');
  const std::size_t point = digits.size() - static_cast<std::size_t>(decimals);
  std::string out = digits.substr(0, point);
  if (shown_decimals > 0) out += "." + digits.substr(point, static_cast<std::size_t>(shown_decimals));
  return out;
}

std::optional<atomic_amount> parse_coin(std::string_view text, int decimals) {
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (whole.empty() || (point != std::string_view::npos && fraction.empty())) return std::nullopt;
  if (static_cast<int>(fraction.size()) > decimals) return std::nullopt;
  std::string digits{whole};
  digits += fraction;
  digits.append(static_cast<std::size_t>(decimals) - fraction.size(), '0');
  // Leading zeros would otherwise count against the 38-digit limit.
  const auto first = digits.find_first_not_of('0');
  return atomic_amount::parse(first == std::string::npos ? "0" : digits.substr(first));
}

}  // namespace domain
