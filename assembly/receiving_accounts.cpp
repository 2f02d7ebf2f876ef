#include "assembly/receiving_accounts.hpp"

#include <memory>

#include "chains/bitcoin_receiving_account.hpp"
#include "chains/ethereum_receiving_account.hpp"
#include "chains/secret_screen.hpp"

namespace assembly {
namespace {

[[noreturn]] void refuse(const config::coin_config& coin, const chains::key_error& error) {
  // The key's value is hidden by config_error (payments.*.xpub is secret) and
  // chains' details never quote the text: nothing of a pasted secret is printed.
  const std::string why = error.problem == chains::key_problem::secret_given
                              ? std::string(error.detail) + " (never a private key or seed: this shop keeps no hot wallet)"
                              : error.detail;
  throw config::config_error("payments." + coin.code + ".xpub", coin.xpub, why);
}

template <class Account>
actors::derived_account derived(std::string space, const Account& account) {
  auto shared = std::make_shared<const Account>(account);
  return actors::derived_account{std::move(space), account.account_id(),
                                 [shared](std::uint32_t index) -> std::optional<std::string> {
                                   auto address = shared->address_at(index);
                                   if (!address) return std::nullopt;
                                   return address->text;
                                 }};
}

actors::derived_account ethereum_account(const config::coin_config& coin, const std::string& space) {
  auto account = chains::ethereum_receiving_account::from_public_key(coin.xpub);
  if (!account) refuse(coin, account.error());
  return derived(space, *account);
}

}  // namespace

std::map<std::string, actors::derived_account> receiving_accounts_from(const config::payments_config& payments) {
  std::map<std::string, actors::derived_account> out;
  const config::coin_config* ether = nullptr;
  for (const auto& coin : payments.coins)
    if (coin.uri_scheme == "ethereum" && coin.token_contract.empty() && !coin.xpub.empty()) ether = &coin;
  for (const auto& coin : payments.coins) {
    // Whatever the coin, a secret is named as such, before any other complaint.
    if (!coin.xpub.empty() && chains::looks_like_a_secret(coin.xpub))
      refuse(coin, chains::make_key_error(chains::key_problem::secret_given, chains::secret_refused_detail));
    if (coin.uri_scheme == "bitcoin") {
      if (coin.xpub.empty()) {
        if (!coin.esplora_url.empty())
          throw config::config_error("payments." + coin.code + ".esplora_url", coin.esplora_url,
                                     "needs payments." + coin.code +
                                         ".xpub: the watcher looks for payments to the orders' own addresses");
        continue;
      }
      const auto network = chains::parse_bitcoin_network(coin.network);
      if (!network) throw config::config_error("payments." + coin.code + ".network", coin.network, "unknown network");
      auto account = chains::bitcoin_receiving_account::from_public_key(coin.xpub, *network);
      if (!account) refuse(coin, account.error());
      out.emplace(coin.code, derived(coin.code, *account));
    } else if (coin.uri_scheme == "ethereum") {
      if (!coin.xpub.empty()) {
        // A token on the native coin's own key draws from the native coin's
        // indexes: index i is one address, and two orders must not share it.
        const bool same_as_ether = ether && ether != &coin && ether->xpub == coin.xpub;
        out.emplace(coin.code, ethereum_account(coin, same_as_ether ? ether->code : coin.code));
      } else if (!coin.token_contract.empty() && ether) {
        out.emplace(coin.code, ethereum_account(*ether, ether->code));
      } else if (!coin.rpc_url.empty()) {
        throw config::config_error("payments." + coin.code + ".rpc_url", coin.rpc_url,
                                   "needs payments." + coin.code +
                                       ".xpub: the watcher looks for payments to the orders' own addresses");
      }
    } else if (!coin.xpub.empty()) {
      throw config::config_error("payments." + coin.code + ".xpub", coin.xpub,
                                 "addresses from an account key exist for Bitcoin and Ethereum (uri_scheme \"bitcoin\" "
                                 "or \"ethereum\"); Monero's come from its wallet (wallet_rpc_url)");
    }
  }
  return out;
}

}  // namespace assembly
