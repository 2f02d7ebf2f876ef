// What an owner pastes as an account key and a customer types as a refund address
// (chains/): the text to parse_extended_public_key, to both receiving accounts on each
// network, to check_refund_address for each coin, and to bech32_decode. Beyond "no
// crash": nothing throws; a text that looks like a secret is refused as one, with the
// fixed sentence; no error repeats a key-shaped text; what parses prints back as it was given
// (keys, bech32) and an accepted address checks again to itself.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "chains/bech32.hpp"
#include "chains/bitcoin_receiving_account.hpp"
#include "chains/ethereum_receiving_account.hpp"
#include "chains/extended_public_key.hpp"
#include "chains/refund_address.hpp"
#include "chains/secret_screen.hpp"
#include "chains/text.hpp"

namespace {

void check(bool promise) {
  if (!promise) std::abort();
}

// A message is English words and small numbers: none holds 16 letters and digits in a
// row, so one that contains such an input (a key's or an address's shape) repeated it.
void check_not_echoed(std::string_view text, const std::string& detail) {
  const bool key_shaped = text.size() >= 16 && std::all_of(text.begin(), text.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) != 0;
                          });
  if (key_shaped) check(detail.find(text) == std::string::npos);
}

void check_key_error(std::string_view text, bool secret, const chains::key_error& error) {
  if (secret) {
    check(error.problem == chains::key_problem::secret_given);
    check(error.detail == chains::secret_refused_detail);
  }
  check_not_echoed(text, error.detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool secret = chains::looks_like_a_secret(text);

  const auto key = chains::parse_extended_public_key(text);
  if (key) {
    check(!secret);
    check(chains::to_string(*key) == chains::trim_whitespace(text));
  } else {
    check_key_error(text, secret, key.error());
  }
  for (const auto network :
       {chains::bitcoin_network::mainnet, chains::bitcoin_network::testnet, chains::bitcoin_network::regtest}) {
    const auto account = chains::bitcoin_receiving_account::from_public_key(text, network);
    if (account) {
      check(account->address_at(0) && account->address_at(0x7fffffff));
    } else {
      check_key_error(text, secret, account.error());
    }
    for (const std::string_view coin : {"BTC", "ETH", "USDC"}) {
      const auto address = chains::check_refund_address(coin, text, network);
      if (!address) {
        check_not_echoed(text, address.error().detail);
        continue;
      }
      const auto again = chains::check_refund_address(coin, *address, network);
      check(again && *again == *address);
    }
  }
  const auto ethereum = chains::ethereum_receiving_account::from_public_key(text);
  if (ethereum) {
    check(static_cast<bool>(ethereum->address_at(0)));
  } else {
    check_key_error(text, secret, ethereum.error());
  }

  const auto bech32 = chains::bech32_decode(text);
  if (bech32) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    check(chains::bech32_encode(bech32->hrp, bech32->values, bech32->variant) == lower);
  }
  return 0;
}
