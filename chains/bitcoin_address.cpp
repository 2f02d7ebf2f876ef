#include "chains/bitcoin_address.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "chains/base58.hpp"
#include "chains/digests.hpp"
#include "chains/segwit_address.hpp"

namespace chains {

namespace {

constexpr bitcoin_network all_networks[] = {bitcoin_network::mainnet, bitcoin_network::testnet,
                                            bitcoin_network::regtest};

std::string expected_forms(bitcoin_network network) {
  const auto& p = parameters_of(network);
  return network == bitcoin_network::mainnet
             ? "this shop takes mainnet addresses (bc1..., 1..., 3...)"
             : std::string("this shop takes ") + p.name + " addresses (" + p.segwit_hrp + "1..., m..., n..., 2...)";
}

address_error wrong_network(const char* found, bitcoin_network network) {
  return make_address_error(address_problem::network,
                            std::string("a ") + found + " address; " + expected_forms(network));
}

// The network whose segwit prefix ("bc1", "tb1", "bcrt1") starts the text, in any case.
std::optional<bitcoin_network> segwit_network_of(std::string_view text) {
  for (const auto network : all_networks) {
    const std::string_view prefix = parameters_of(network).segwit_hrp;
    if (text.size() <= prefix.size() || text[prefix.size()] != '1') continue;
    const bool same = std::equal(prefix.begin(), prefix.end(), text.begin(), [](char wanted, char given) {
      return wanted == std::tolower(static_cast<unsigned char>(given));
    });
    if (same) return network;
  }
  return std::nullopt;
}

expected<bitcoin_address, address_error> parse_segwit(std::string_view text, bitcoin_network found,
                                                      bitcoin_network network) {
  auto decoded = decode_segwit_address(text);
  if (!decoded) return decoded.error();
  // After the checksum: a mistyped address is a typo first, whatever its prefix says.
  // Testnet and regtest share base58 versions but not segwit prefixes.
  if (found != network) return wrong_network(parameters_of(found).name, network);
  bitcoin_address out{std::string(text), bitcoin_address_type::p2wpkh, std::move(decoded->program)};
  for (auto& c : out.text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (decoded->version == 0) {
    out.type = out.program.size() == 20 ? bitcoin_address_type::p2wpkh : bitcoin_address_type::p2wsh;
    return out;
  }
  if (decoded->version == 1 && out.program.size() == 32) {
    out.type = bitcoin_address_type::p2tr;
    return out;
  }
  return make_address_error(address_problem::format,
                            "witness version " + std::to_string(decoded->version) + " with a " +
                                std::to_string(out.program.size()) +
                                "-byte program is not in use yet: coins sent there could be taken by anyone");
}

expected<bitcoin_address, address_error> parse_base58(std::string_view text, bitcoin_network network) {
  auto decoded = base58check_decode(text);
  if (!decoded) {
    if (decoded.error() == base58_problem::bad_checksum) {
      return make_address_error(address_problem::checksum,
                                "the address's checksum does not match: a character is wrong, missing or swapped");
    }
    return make_address_error(address_problem::format, "not a Bitcoin address: " + expected_forms(network));
  }
  constexpr std::size_t hash_size = 20;
  if (decoded->size() != 1 + hash_size) {
    return make_address_error(address_problem::format, "not a Bitcoin address: it decodes to " +
                                                           std::to_string(decoded->size()) + " bytes instead of 21");
  }
  const auto version = decoded->front();
  const auto& wanted = parameters_of(network);
  bitcoin_address out{std::string(text), bitcoin_address_type::p2pkh, bytes(decoded->begin() + 1, decoded->end())};
  if (version == wanted.p2pkh_version) return out;
  if (version == wanted.p2sh_version) {
    out.type = bitcoin_address_type::p2sh;
    return out;
  }
  for (const auto other : all_networks) {
    const auto& p = parameters_of(other);
    if (version == p.p2pkh_version || version == p.p2sh_version) return wrong_network(p.name, network);
  }
  return make_address_error(address_problem::format,
                            "not a Bitcoin address (its version byte is another coin's): " + expected_forms(network));
}

}  // namespace

expected<bitcoin_address, address_error> parse_bitcoin_address(std::string_view text, bitcoin_network network) {
  if (text.empty()) return make_address_error(address_problem::format, "the address is empty");
  if (const auto found = segwit_network_of(text)) return parse_segwit(text, *found, network);
  return parse_base58(text, network);
}

std::string p2wpkh_address(const compressed_public_key& key, bitcoin_network network) {
  const auto program = hash160(key);
  // A 20-byte version 0 program always encodes: the result cannot be an error.
  return *encode_segwit_address(parameters_of(network).segwit_hrp, 0, bytes(program.begin(), program.end()));
}

}  // namespace chains
