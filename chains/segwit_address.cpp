#include "chains/segwit_address.hpp"

#include "chains/bech32.hpp"

namespace chains {

namespace {

address_error describe(bech32_problem problem) {
  switch (problem) {
    case bech32_problem::bad_checksum:
      return make_address_error(address_problem::checksum,
                                "the address's checksum does not match: a character is wrong, missing or swapped");
    case bech32_problem::bad_character:
      return make_address_error(address_problem::format,
                                "the address has a character bech32 does not use (such as b, i, o or a space)");
    case bech32_problem::mixed_case:
      return make_address_error(address_problem::format, "the address mixes upper and lower case letters");
    case bech32_problem::too_long:
      return make_address_error(address_problem::format, "the address is longer than 90 characters");
    case bech32_problem::no_separator:
      return make_address_error(address_problem::format,
                                "the address has no prefix, '1' separator and checksum (bc1..., tb1...)");
    case bech32_problem::bad_padding:
      return make_address_error(address_problem::format, "the address's data does not end on a whole byte");
  }
  return make_address_error(address_problem::format, "the address is not bech32");
}

// The consensus limits of a witness program (BIP141, BIP350).
bool valid_program(int version, std::size_t size) {
  if (version < 0 || version > 16 || size < 2 || size > 40) return false;
  return version != 0 || size == 20 || size == 32;
}

}  // namespace

expected<segwit_address, address_error> decode_segwit_address(std::string_view text) {
  auto decoded = bech32_decode(text);
  if (!decoded) return describe(decoded.error());
  if (decoded->values.empty()) {
    return make_address_error(address_problem::format, "the address has no witness version");
  }
  const int version = decoded->values.front();
  if (version > 16) {
    return make_address_error(address_problem::format, "the address's witness version is above 16");
  }
  // BIP350: version 0 keeps bech32's checksum, every later version uses bech32m. The wrong
  // one is how a v0 address mistyped into a v1 one (or the reverse) is caught.
  const auto expected_variant = version == 0 ? bech32_variant::bech32 : bech32_variant::bech32m;
  if (decoded->variant != expected_variant) {
    return make_address_error(address_problem::checksum, version == 0
                                                             ? "a version 0 address needs a bech32 checksum"
                                                             : "a version 1 or later address needs a bech32m checksum");
  }
  auto program = convert_bits(bytes(decoded->values.begin() + 1, decoded->values.end()), 5, 8, false);
  if (!program) return describe(program.error());
  if (!valid_program(version, program->size())) {
    return make_address_error(address_problem::format, "the address's witness program has a length no version " +
                                                           std::to_string(version) + " address has");
  }
  return segwit_address{std::move(decoded->hrp), version, std::move(*program)};
}

expected<std::string, address_error> encode_segwit_address(std::string_view hrp, int version, const bytes& program) {
  if (!valid_program(version, program.size())) {
    return make_address_error(address_problem::format, "no segwit address has this version and program length");
  }
  bytes values{static_cast<std::uint8_t>(version)};
  const auto regrouped = convert_bits(program, 8, 5, true);
  values.insert(values.end(), regrouped->begin(), regrouped->end());
  auto text = bech32_encode(hrp, values, version == 0 ? bech32_variant::bech32 : bech32_variant::bech32m);
  // Decoding what was just encoded catches a human-readable part bech32 cannot carry
  // (upper case, a space), as the BIPs' reference encoder does.
  const auto check = decode_segwit_address(text);
  if (!check || check->hrp != hrp) {
    return make_address_error(address_problem::format, "the prefix cannot start a segwit address");
  }
  return text;
}

}  // namespace chains
