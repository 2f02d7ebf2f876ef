#include "chains/ethereum_receiving_account.hpp"

#include <string>

#include "chains/account_level.hpp"
#include "chains/digests.hpp"
#include "chains/ethereum_address.hpp"

namespace chains {

expected<ethereum_receiving_account, key_error> ethereum_receiving_account::from_public_key(std::string_view text) {
  auto account = parse_extended_public_key(text);
  if (!account) return account.error();
  if (account->version != key_version::xpub) {
    return make_key_error(key_problem::wrong_kind, std::string("a ") + to_string(account->version) +
                                                       " is a Bitcoin key; an Ethereum account's key is an xpub "
                                                       "(m/44'/60'/0')");
  }
  if (auto wrong = check_account_level(*account, "m/44'/60'/0'")) return *wrong;
  auto receive_chain = derive_public_child(*account, 0);
  if (!receive_chain) return receive_chain.error();
  return ethereum_receiving_account(*receive_chain, to_hex(hash160(account->key)));
}

expected<receiving_address, key_error> ethereum_receiving_account::address_at(std::uint32_t index) const {
  auto child = derive_public_child(receive_chain_, index);
  if (!child) return child.error();
  // A derived key is a valid point, so it always uncompresses.
  const auto full_key = uncompress(child->key);
  if (!full_key) return make_key_error(key_problem::invalid_point, "the derived key is not a point on secp256k1");
  return receiving_address{ethereum_address_of(*full_key).text, index};
}

}  // namespace chains
