#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/strong_types.hpp"

namespace domain {

/// "$34.99"
std::string format_usd(cents amount);

/// The atomic amount as a decimal in the coin's unit with exactly `shown_decimals`
/// digits after the point: (41230000000, 12, 6) -> "0.041230". Digits beyond
/// `shown_decimals` are dropped, so callers show only amounts they rounded.
std::string format_coin(atomic_amount amount, int decimals, int shown_decimals);

/// "0.041230000000" in a coin with `decimals` decimals -> atomic units, exactly.
/// nullopt for anything but digits with one optional point, or more decimals
/// than the coin has.
std::optional<atomic_amount> parse_coin(std::string_view text, int decimals);

/// 10^n as an atomic amount (n <= 38).
atomic_amount::rep pow10(int n);

}  // namespace domain
