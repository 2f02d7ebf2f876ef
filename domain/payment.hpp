#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/strong_types.hpp"

namespace domain {

/// A coin the shop accepts, as the owner configured it.
struct payment_method {
  std::string code;              // "XMR"
  std::string name;              // "Monero"
  int decimals = 0;              // atomic units per coin = 10^decimals
  int quote_decimals = 0;        // quotes are rounded up to this many decimals
  std::int64_t usd_rate_e8 = 0;  // USD per whole coin x 1e8
  std::string address;           // static receiving address
  std::string uri_scheme;        // "monero", "bitcoin", "ethereum"
  std::string token_contract;    // ERC-20 contract for tokens (USDC); empty for native coins
  bool memo = false;             // the order number travels as a memo / description
  int confirmations = 0;
  std::string verification = "manual";  // "manual" until a chain watcher exists for the coin
};

/// What the customer must pay, locked at checkout.
struct payment_quote {
  std::string method;
  std::string address;
  atomic_amount amount;
  std::string amount_display;  // "0.041230 XMR"
  std::optional<std::string> memo;
  std::string uri;
  timestamp expires_at;
};

/// USD -> coin at the configured rate, rounded UP to the method's quote
/// precision so the shop never receives less than the price.
atomic_amount quote_amount(const payment_method& method, cents total);

payment_quote make_quote(const payment_method& method, cents total, const order_number& number, timestamp now,
                         duration ttl);

const payment_method* find_method(const std::vector<payment_method>& methods, std::string_view code);

}  // namespace domain
