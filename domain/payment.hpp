#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// Where a payment came from.
enum class payment_source { watcher, import, admin };
const char* to_string(payment_source) noexcept;
std::optional<payment_source> parse_payment_source(std::string_view);

/// What tied a payment to its order, strongest first.
enum class match_basis { assigned, address, memo, claimed_tx, amount };
const char* to_string(match_basis) noexcept;
std::optional<match_basis> parse_match_basis(std::string_view);

/// What the customer must pay, locked at checkout (or at a requote).
struct payment_quote {
  std::string method;
  std::string address;
  // True for a subaddress made for this order alone (it identifies the order);
  // false for the coin's static address, shared by every order of the coin.
  bool address_is_per_order = false;
  // Where a per-order address sits in the shop's account: the child index i of
  // <account>/0/i, or the Monero subaddress index; it finds the address in the
  // owner's wallet. None on the static address.
  std::optional<std::uint32_t> address_index;
  int confirmations_required = 0;  // payments.<coin>.confirmations when the quote was given
  int decimals = 0;                // of the coin: atomic units per coin = 10^decimals
  atomic_amount amount;
  std::string amount_display;  // "0.041230 XMR"
  std::optional<std::string> memo;
  std::string uri;
  timestamp expires_at;
};

/// USD -> coin at the configured rate, rounded UP to the method's quote
/// precision so the shop never receives less than the price.
atomic_amount quote_amount(const payment_method& method, cents total);

/// The quote for an order. With `order_address` (an address made for this order,
/// `address_index` its index in the shop's account) the amount is the price; on
/// the coin's static address it adds the order's quote_offset (domain/matcher.hpp),
/// so that pending orders of one coin ask for different amounts and a payment
/// without reference still finds its order.
payment_quote make_quote(const payment_method& method, cents total, const order_number& number, timestamp now,
                         duration ttl, std::optional<std::string> order_address = std::nullopt,
                         std::optional<std::uint32_t> address_index = std::nullopt);

/// 123 for "CCC-000123": the digits after the last '-', or 0 when there are none.
std::uint64_t order_sequence(const order_number& number);

/// Transaction ids compare trimmed and in lower case: wallets and explorers
/// print the same hex id in either case.
std::string normalize_txid(std::string_view txid);

/// How far short of `quoted` a payment may fall and still count as paid:
/// floor(quoted x bp / 10000), bp clamped to 0..10000 (payments.tolerance_percent x 100).
atomic_amount payment_tolerance(atomic_amount quoted, int tolerance_bp);

/// "0.02 XMR": every significant digit of an amount, for messages to people.
std::string describe_amount(atomic_amount amount, int decimals, const std::string& coin);

const payment_method* find_method(const std::vector<payment_method>& methods, std::string_view code);

}  // namespace domain
