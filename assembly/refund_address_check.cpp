#include "assembly/refund_address_check.hpp"

#include <map>

#include "chains/monero_address.hpp"
#include "chains/refund_address.hpp"

namespace assembly {

domain::refund_address_check refund_address_check_from(const config::payments_config& payments) {
  struct coin_network {
    bool monero = false;
    std::string name;  // as configured: Bitcoin's or Monero's network
    chains::bitcoin_network bitcoin = chains::bitcoin_network::mainnet;
  };
  std::map<std::string, coin_network> networks;
  for (const auto& coin : payments.coins)
    networks[coin.code] = {coin.uri_scheme == "monero", coin.network,
                           chains::parse_bitcoin_network(coin.network).value_or(chains::bitcoin_network::mainnet)};
  return [networks = std::move(networks)](const std::string& coin,
                                          const std::string& text) -> domain::result<std::string> {
    const auto network = networks.find(coin);
    if (network == networks.end())
      return domain::make_error(domain::error_code::validation, "the shop does not take " + coin, "address");
    auto checked = network->second.monero ? chains::check_monero_address(text, network->second.name)
                                          : chains::check_refund_address(coin, text, network->second.bitcoin);
    if (checked) return std::move(*checked);
    const auto& e = checked.error();
    if (e.problem == chains::address_problem::unsupported_coin)
      return domain::make_error(domain::error_code::validation,
                                "Refund addresses for " + coin +
                                    " cannot be checked here: write to the shop with the address instead",
                                "address");
    return domain::make_error(domain::error_code::validation,
                              std::string{"Refund address is not a valid "} + coin + " address (" +
                                  chains::to_string(e.problem) + "): " + e.detail,
                              "address");
  };
}

}  // namespace assembly
