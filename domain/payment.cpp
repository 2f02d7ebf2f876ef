#include "domain/payment.hpp"

#include <algorithm>
#include <cctype>

#include "domain/matcher.hpp"
#include "domain/money.hpp"

namespace domain {

atomic_amount quote_amount(const payment_method& method, cents total) {
  using rep = atomic_amount::rep;
  // amount = total_usd / rate = (cents / 100) / (rate_e8 / 1e8) coins
  //        = cents * 1e6 * 10^decimals / rate_e8 atomic units.
  const rep numerator = static_cast<rep>(total.value) * pow10(6) * pow10(method.decimals);
  const rep rate = static_cast<rep>(method.usd_rate_e8);
  rep amount = (numerator + rate - 1) / rate;
  const rep step = pow10(method.decimals - method.quote_decimals);
  amount = (amount + step - 1) / step * step;
  return atomic_amount{amount};
}

namespace {

std::string payment_uri(const payment_method& m, atomic_amount amount, const std::optional<std::string>& memo) {
  const std::string coins = format_coin(amount, m.decimals, m.quote_decimals);
  if (m.uri_scheme == "monero") {
    std::string uri = "monero:" + m.address + "?tx_amount=" + coins;
    if (memo) uri += "&tx_description=" + *memo;
    return uri;
  }
  if (m.uri_scheme == "bitcoin") {  // BIP 21
    std::string uri = "bitcoin:" + m.address + "?amount=" + coins;
    if (memo) uri += "&message=" + *memo;
    return uri;
  }
  if (m.uri_scheme == "ethereum") {  // EIP-681: native value in wei, tokens via transfer()
    if (!m.token_contract.empty())
      return "ethereum:" + m.token_contract + "/transfer?address=" + m.address + "&uint256=" + amount.to_string();
    return "ethereum:" + m.address + "?value=" + amount.to_string();
  }
  return m.uri_scheme + ":" + m.address + "?amount=" + coins;
}

}  // namespace

payment_quote make_quote(const payment_method& method, cents total, const order_number& number, timestamp now,
                         duration ttl, std::optional<std::string> order_address,
                         std::optional<std::uint32_t> address_index) {
  payment_quote q;
  q.method = method.code;
  q.address_is_per_order = order_address.has_value();
  if (order_address) q.address_index = address_index;
  q.address = order_address ? *order_address : method.address;
  q.confirmations_required = method.confirmations;
  q.decimals = method.decimals;
  q.amount = quote_amount(method, total);
  if (!q.address_is_per_order)
    q.amount = atomic_amount{q.amount.value() + quote_offset(method, order_sequence(number)).value()};
  q.amount_display = format_coin(q.amount, method.decimals, method.quote_decimals) + " " + method.code;
  if (method.memo) q.memo = number.value();
  payment_method to{method};
  to.address = q.address;
  q.uri = payment_uri(to, q.amount, q.memo);
  q.expires_at = now + ttl;
  return q;
}

std::uint64_t order_sequence(const order_number& number) {
  const std::string& s = number.value();
  const auto dash = s.rfind('-');
  const std::string digits = dash == std::string::npos ? s : s.substr(dash + 1);
  if (digits.empty() || digits.size() > 18) return 0;
  std::uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::string normalize_txid(std::string_view txid) {
  const auto first = txid.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = txid.find_last_not_of(" \t\r\n");
  std::string out;
  for (char c : txid.substr(first, last - first + 1))
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

const char* to_string(payment_source s) noexcept {
  switch (s) {
    case payment_source::watcher:
      return "watcher";
    case payment_source::import:
      return "import";
    case payment_source::admin:
      return "admin";
  }
  return "unknown";
}

std::optional<payment_source> parse_payment_source(std::string_view s) {
  for (auto source : {payment_source::watcher, payment_source::import, payment_source::admin})
    if (s == to_string(source)) return source;
  return std::nullopt;
}

const char* to_string(match_basis b) noexcept {
  switch (b) {
    case match_basis::assigned:
      return "assigned";
    case match_basis::address:
      return "address";
    case match_basis::memo:
      return "memo";
    case match_basis::claimed_tx:
      return "claimed_tx";
    case match_basis::amount:
      return "amount";
  }
  return "unknown";
}

std::optional<match_basis> parse_match_basis(std::string_view s) {
  for (auto b :
       {match_basis::assigned, match_basis::address, match_basis::memo, match_basis::claimed_tx, match_basis::amount})
    if (s == to_string(b)) return b;
  return std::nullopt;
}

atomic_amount payment_tolerance(atomic_amount quoted, int tolerance_bp) {
  using rep = atomic_amount::rep;
  const rep bp = static_cast<rep>(std::clamp(tolerance_bp, 0, 10'000));
  const rep q = quoted.value();
  return atomic_amount{q / 10'000 * bp + q % 10'000 * bp / 10'000};  // exact, and no overflow of the product
}

std::string describe_amount(atomic_amount amount, int decimals, const std::string& coin) {
  std::string text = format_coin(amount, decimals, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text + " " + coin;
}

const payment_method* find_method(const std::vector<payment_method>& methods, std::string_view code) {
  for (const auto& m : methods)
    if (m.code == code) return &m;
  return nullptr;
}

}  // namespace domain
