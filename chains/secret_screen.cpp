#include "chains/secret_screen.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "chains/base58.hpp"
#include "chains/text.hpp"

namespace chains {

namespace {

// SLIP-132's prefixes of extended private keys: the four characters their version bytes
// make in base58, for every script type and network.
constexpr std::array<std::string_view, 10> private_key_prefixes = {"xprv", "yprv", "zprv", "Yprv", "Zprv",
                                                                   "tprv", "uprv", "vprv", "Uprv", "Vprv"};
// An extended key in base58 is 111 characters; some slack for a lost or doubled one.
constexpr std::size_t extended_key_min = 100, extended_key_max = 120;

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// A word of a seed phrase: letters only. Bytes above 127 count as letters so that the
// non-English BIP39 word lists (UTF-8) are recognised too.
bool is_word(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalpha(u) != 0;
  });
}

bool is_seed_phrase(std::string_view text) {
  constexpr int shortest_seed = 12;  // BIP39's and Electrum's
  int words = 0;
  while (!text.empty()) {
    const auto end = std::find_if(text.begin(), text.end(), is_space) - text.begin();
    if (is_word(text.substr(0, end))) ++words;
    text.remove_prefix(end);
    text = trim_whitespace(text);
  }
  return words >= shortest_seed;
}

bool is_raw_private_key(std::string_view text) {
  if (text.size() == 66 && (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X")) text.remove_prefix(2);
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool has_private_prefix(std::string_view text) {
  return text.size() >= extended_key_min && text.size() <= extended_key_max &&
         std::find(private_key_prefixes.begin(), private_key_prefixes.end(), text.substr(0, 4)) !=
             private_key_prefixes.end();
}

// WIF: 0x80 (mainnet) or 0xef (testnet), 32 key bytes, and 0x01 when the public key is
// compressed. In base58 that is 51 characters starting 5 or 9, or 52 starting K, L or c.
bool has_wif_shape(std::string_view text) {
  if (!is_base58(text)) return false;
  if (text.size() == 51) return text.front() == '5' || text.front() == '9';
  if (text.size() == 52) return text.front() == 'K' || text.front() == 'L' || text.front() == 'c';
  return false;
}

// BIP38: an encrypted private key, still a secret (its passphrase is often weak).
bool is_bip38(std::string_view text) {
  return text.size() == 58 && text.substr(0, 2) == "6P" && is_base58(text);
}

// What the checksummed bytes say, for shapes the text alone does not give away.
bool decodes_to_a_secret(std::string_view text) {
  const auto payload = base58check_decode(text);
  if (!payload) return false;
  const auto& p = *payload;
  // A WIF key of any coin: a version byte and 32 key bytes, maybe the compression flag.
  if (p.size() == 33 || (p.size() == 34 && p.back() == 0x01)) return true;
  // BIP32: the 33 key bytes at offset 45 start with 0x00 for a private key (0x02 or 0x03
  // for a public one), whatever the version bytes claim.
  constexpr std::size_t extended_key_size = 78, key_data_offset = 45;
  return p.size() == extended_key_size && p[key_data_offset] == 0x00;
}

}  // namespace

bool looks_like_a_secret(std::string_view text) {
  text = trim_whitespace(text);
  if (is_seed_phrase(text) || is_raw_private_key(text)) return true;
  // Electrum exports a WIF key behind its script type: "p2wpkh:KxZ...".
  if (const auto colon = text.find(':'); colon != std::string_view::npos) text.remove_prefix(colon + 1);
  return has_private_prefix(text) || has_wif_shape(text) || is_bip38(text) || decodes_to_a_secret(text);
}

}  // namespace chains
