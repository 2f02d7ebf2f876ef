#include "assembly/settings.hpp"

namespace assembly {
namespace {

const config::coin_config* ether_of(const config::payments_config& payments) {
  for (const auto& c : payments.coins)
    if (c.uri_scheme == "ethereum" && c.token_contract.empty()) return &c;
  return nullptr;
}

// An Ethereum coin's orders get addresses of their own: its xpub, or a token's
// share of Ether's (assembly/receiving_accounts.cpp).
bool has_account_key(const config::payments_config& payments, const config::coin_config& coin) {
  if (!coin.xpub.empty()) return true;
  const auto* ether = ether_of(payments);
  return !coin.token_contract.empty() && ether && !ether->xpub.empty();
}

}  // namespace

std::string ethereum_rpc_url(const config::payments_config& payments, const config::coin_config& coin) {
  if (coin.uri_scheme != "ethereum") return {};
  if (!coin.rpc_url.empty() || coin.token_contract.empty()) return coin.rpc_url;
  const auto* ether = ether_of(payments);
  return ether ? ether->rpc_url : std::string{};
}


std::vector<domain::payment_method> payment_methods_from(const config::payments_config& payments) {
  std::vector<domain::payment_method> out;
  for (const auto& c : payments.coins) {
    domain::payment_method m;
    m.code = c.code;
    m.name = c.name;
    m.decimals = c.decimals;
    m.quote_decimals = c.quote_decimals;
    m.usd_rate_e8 = c.usd_rate_e8;
    m.address = c.address;
    m.uri_scheme = c.uri_scheme;
    m.token_contract = c.token_contract;
    m.memo = c.memo;
    m.confirmations = c.confirmations;
    // A watcher sees the coin's payments: a Monero wallet, Bitcoin's Esplora or
    // an Ethereum node (both on the orders' own addresses, so with an account key).
    const bool watched = !c.wallet_rpc_url.empty() || (!c.esplora_url.empty() && !c.xpub.empty()) ||
                         (!ethereum_rpc_url(payments, c).empty() && has_account_key(payments, c));
    m.verification = watched ? "automatic" : "manual";
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace assembly
