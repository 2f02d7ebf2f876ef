#include "domain/payment.hpp"

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
                         duration ttl) {
  payment_quote q;
  q.method = method.code;
  q.address = method.address;
  q.amount = quote_amount(method, total);
  q.amount_display = format_coin(q.amount, method.decimals, method.quote_decimals) + " " + method.code;
  if (method.memo) q.memo = number.value();
  q.uri = payment_uri(method, q.amount, q.memo);
  q.expires_at = now + ttl;
  return q;
}

const payment_method* find_method(const std::vector<payment_method>& methods, std::string_view code) {
  for (const auto& m : methods)
    if (m.code == code) return &m;
  return nullptr;
}

}  // namespace domain
