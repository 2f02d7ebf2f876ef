#include "chains/bitcoin_receiving_account.hpp"

#include <string>

#include "chains/account_level.hpp"
#include "chains/digests.hpp"
#include "chains/bitcoin_address.hpp"

namespace chains {

expected<bitcoin_receiving_account, key_error> bitcoin_receiving_account::from_public_key(std::string_view text,
                                                                                          bitcoin_network network) {
  auto account = parse_extended_public_key(text);
  if (!account) return account.error();
  const auto& p = parameters_of(network);
  const bool on_mainnet = network == bitcoin_network::mainnet;
  const auto segwit_key = on_mainnet ? key_version::zpub : key_version::vpub;
  const auto other_segwit_key = on_mainnet ? key_version::vpub : key_version::zpub;
  if (account->version == other_segwit_key) {
    return make_key_error(key_problem::wrong_network, std::string("a ") + to_string(account->version) +
                                                          " is for another network; the shop runs on " + p.name +
                                                          ": paste the account's " + p.bip84_key_name);
  }
  if (account->version != segwit_key) {
    // The version bytes are the only place an account key says which addresses its
    // wallet shows; an xpub's wallet may show legacy 1... addresses for the same keys.
    return make_key_error(key_problem::wrong_kind, std::string("a ") + to_string(account->version) +
                                                       " does not say its addresses are native segwit; paste the "
                                                       "account's " +
                                                       p.bip84_key_name + " (BIP84)");
  }
  if (auto wrong = check_account_level(*account, on_mainnet ? "m/84'/0'/0'" : "m/84'/1'/0'")) return *wrong;
  auto receive_chain = derive_public_child(*account, 0);
  if (!receive_chain) return receive_chain.error();
  return bitcoin_receiving_account(*receive_chain, network, to_hex(hash160(account->key)));
}

expected<receiving_address, key_error> bitcoin_receiving_account::address_at(std::uint32_t index) const {
  auto child = derive_public_child(receive_chain_, index);
  if (!child) return child.error();
  return receiving_address{p2wpkh_address(child->key, network_), index};
}

}  // namespace chains
