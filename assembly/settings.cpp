#include "assembly/settings.hpp"

namespace assembly {

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
    // A watcher sees the coin's payments: a Monero wallet, or Bitcoin's Esplora (on the orders' own addresses).
    const bool watched = !c.wallet_rpc_url.empty() || (!c.esplora_url.empty() && !c.xpub.empty());
    m.verification = watched ? "automatic" : "manual";
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace assembly
