// The encodings and hashes under the addresses: Keccak-256, base58check, bech32 and
// bech32m, segwit addresses. Vectors from BIP173 and BIP350 (valid and invalid).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chains/base58.hpp"
#include "chains/bech32.hpp"
#include "chains/bytes.hpp"
#include "chains/digests.hpp"
#include "chains/keccak.hpp"
#include "chains/segwit_address.hpp"

using namespace chains;

namespace {

std::string keccak_hex(const std::string& text) {
  return to_hex(keccak256(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

bytes from_hex(const std::string& hex) {
  bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

TEST(keccak256, is_ethereums_keccak_not_sha3) {
  EXPECT_EQ(keccak_hex(""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  // SHA3-256("") would be a7ffc6f8...; the function selector of transfer() is Keccak's.
  EXPECT_EQ(keccak_hex("transfer(address,uint256)").substr(0, 8), "a9059cbb");
}

TEST(hashes, sha256_and_hash160_have_their_known_values) {
  EXPECT_EQ(to_hex(sha256(nullptr, 0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // HASH160 of the generator point G, compressed: the program of a well-known address.
  const auto g = from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_EQ(to_hex(hash160(g.data(), g.size())), "751e76e8199196d454941c45d1b3a323f1433bd6");
}

TEST(base58check, round_trips_and_names_a_typo_apart_from_garbage) {
  const bytes payload{0x00, 0x75, 0x1e, 0x76, 0xe8, 0x19, 0x91, 0x96, 0xd4, 0x54, 0x94,
                      0x1c, 0x45, 0xd1, 0xb3, 0xa3, 0x23, 0xf1, 0x43, 0x3b, 0xd6};
  const auto text = base58check_encode(payload);
  EXPECT_EQ(text, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");  // P2PKH of G's compressed key
  ASSERT_TRUE(base58check_decode(text));
  EXPECT_EQ(*base58check_decode(text), payload);

  EXPECT_EQ(base58check_decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ").error(), base58_problem::bad_checksum);
  EXPECT_EQ(base58check_decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0").error(), base58_problem::not_base58);
  EXPECT_EQ(base58check_decode("").error(), base58_problem::not_base58);
  EXPECT_EQ(base58check_decode("111").error(), base58_problem::too_short);
  EXPECT_EQ(base58check_decode(std::string(1000, '2')).error(), base58_problem::not_base58) << "far too long";
}

// BIP173 and BIP350, "Test vectors": each valid string decodes with its variant, and
// flipping one data character breaks it.
TEST(bech32, valid_vectors_decode_with_their_variant) {
  const std::vector<std::string> bech32 = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
      "?1ezyfcl",
  };
  const std::vector<std::string> bech32m = {
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
  };
  const std::vector<std::pair<std::vector<std::string>, bech32_variant>> cases = {{bech32, bech32_variant::bech32},
                                                                                  {bech32m, bech32_variant::bech32m}};
  for (const auto& [texts, variant] : cases) {
    for (auto text : texts) {
      const auto decoded = bech32_decode(text);
      ASSERT_TRUE(decoded) << text;
      EXPECT_EQ(decoded->variant, variant) << text;
      // Re-encoding gives the same text (lower case).
      std::string lower = text;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_EQ(bech32_encode(decoded->hrp, decoded->values, variant), lower);
      const auto separator = text.rfind('1');
      text[separator + 1] = static_cast<char>(text[separator + 1] ^ 1);
      EXPECT_FALSE(bech32_decode(text)) << text << " has a character changed";
    }
  }
}

TEST(bech32, invalid_vectors_do_not_decode) {
  const std::vector<std::pair<std::string, bech32_problem>> invalid = {
      // BIP173
      {" 1nwldj5", bech32_problem::bad_character},  // HRP character out of range
      {"\x7f"
       "1axkwrx",
       bech32_problem::bad_character},
      {"\x80"
       "1eym55h",
       bech32_problem::bad_character},
      {"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
       bech32_problem::too_long},
      {"pzry9x0s0muk", bech32_problem::no_separator},
      {"1pzry9x0s0muk", bech32_problem::no_separator},  // empty HRP
      {"x1b4n0q5v", bech32_problem::bad_character},     // invalid data character
      {"li1dgmt3", bech32_problem::no_separator},       // checksum too short
      {"de1lg7wt\xff", bech32_problem::bad_character},  // invalid character in checksum
      {"A1G7SGD8", bech32_problem::bad_checksum},       // checksum of the upper-case HRP
      {"10a06t8", bech32_problem::no_separator},        // empty HRP
      {"1qzzfhee", bech32_problem::no_separator},       // empty HRP
      // BIP350
      {" 1xj0phk", bech32_problem::bad_character},
      {"\x7f"
       "1g6xzxy",
       bech32_problem::bad_character},
      {"\x80"
       "1vctc34",
       bech32_problem::bad_character},
      {"an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
       bech32_problem::too_long},
      {"qyrz8wqd2c9m", bech32_problem::no_separator},
      {"1qyrz8wqd2c9m", bech32_problem::no_separator},
      {"y1b0jsk6g", bech32_problem::bad_character},
      {"lt1igcx5c0", bech32_problem::bad_character},
      {"in1muywd", bech32_problem::no_separator},
      {"mm1crxm3i", bech32_problem::bad_character},
      {"au1s5cgom", bech32_problem::bad_character},
      {"M1VUXWEZ", bech32_problem::bad_checksum},
      {"16plkw9", bech32_problem::no_separator},
      {"1p2gdwpf", bech32_problem::no_separator},
  };
  for (const auto& [text, problem] : invalid) {
    const auto decoded = bech32_decode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error(), problem) << text;
  }
}

bytes script_pubkey(const segwit_address& address) {
  bytes script{static_cast<std::uint8_t>(address.version == 0 ? 0 : 0x50 + address.version),
               static_cast<std::uint8_t>(address.program.size())};
  script.insert(script.end(), address.program.begin(), address.program.end());
  return script;
}

TEST(segwit_address, valid_vectors_decode_to_their_script_and_encode_back) {
  const std::vector<std::pair<std::string, std::string>> valid = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
       "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
       "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"BC1SW50QGDZ25J", "6002751e"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
       "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
       "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
       "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
  };
  for (const auto& [text, script] : valid) {
    const auto decoded = decode_segwit_address(text);
    ASSERT_TRUE(decoded) << text << ": " << decoded.error().detail;
    EXPECT_EQ(to_hex(script_pubkey(*decoded)), script) << text;
    std::string lower = text;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto encoded = encode_segwit_address(decoded->hrp, decoded->version, decoded->program);
    ASSERT_TRUE(encoded) << text;
    EXPECT_EQ(*encoded, lower);
  }
}

TEST(segwit_address, invalid_vectors_are_refused_with_the_right_problem) {
  const std::vector<std::pair<std::string, address_problem>> invalid = {
      // An unknown HRP is valid bech32: chains/bitcoin_address.cpp refuses it (tested there).
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", address_problem::checksum},  // bech32 for v1
      {"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", address_problem::checksum},  // bech32 for v2
      {"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", address_problem::checksum},  // bech32, v16
      {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", address_problem::checksum},                      // bech32m for v0
      {"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", address_problem::checksum},  // bech32m, v0
      {"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", address_problem::format},    // bad character
      {"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", address_problem::format},    // version 17
      {"bc1pw5dgrnzv", address_problem::format},                                                      // 1-byte program
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", address_problem::format},  // 41
      {"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", address_problem::format},                            // 16 bytes for v0
      {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", address_problem::format},  // mixed case
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
       address_problem::format},                                                                    // > 4 padding bits
      {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", address_problem::format},  // non-zero padding
      {"bc1gmk9yu", address_problem::format},                                                       // empty data
  };
  for (const auto& [text, problem] : invalid) {
    const auto decoded = decode_segwit_address(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().problem, problem) << text << ": " << decoded.error().detail;
  }
}

TEST(segwit_address, encoding_refuses_what_no_address_can_be) {
  // BIP350's INVALID_ADDRESS_ENC: (hrp, version, program length)
  EXPECT_FALSE(encode_segwit_address("BC", 0, bytes(20)));
  EXPECT_FALSE(encode_segwit_address("bc", 0, bytes(21)));
  EXPECT_FALSE(encode_segwit_address("bc", 17, bytes(32)));
  EXPECT_FALSE(encode_segwit_address("bc", 1, bytes(1)));
  EXPECT_FALSE(encode_segwit_address("bc", 16, bytes(41)));
}

}  // namespace
