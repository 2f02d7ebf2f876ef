// The admin's secrets: argon2id password hashes, TOTP codes as every
// authenticator app computes them (RFC 6238's own test vectors), tokens,
// digests and recovery codes.

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "identity/password.hpp"
#include "identity/terminal_qr.hpp"
#include "identity/tokens.hpp"
#include "identity/totp.hpp"

namespace {

// RFC 6238, appendix B: the SHA-1 seed "12345678901234567890" in base32.
const std::string rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

TEST(totp, codes_are_the_last_six_digits_of_rfc_6238s_test_vectors) {
  EXPECT_EQ(identity::totp_code(rfc_secret, 59), "287082");          // 94287082
  EXPECT_EQ(identity::totp_code(rfc_secret, 1111111109), "081804");  // 07081804
  EXPECT_EQ(identity::totp_code(rfc_secret, 1234567890), "005924");  // 89005924
  EXPECT_EQ(identity::totp_code(rfc_secret, 2000000000), "279037");  // 69279037
}

TEST(totp, a_code_is_accepted_one_step_either_side_and_names_its_own_step) {
  const std::string code = identity::totp_code(rfc_secret, 1111111109);  // step 37037036
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code, 1111111109), 37037036);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code, 1111111109 + 30), 37037036);  // the phone is slow
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code, 1111111109 - 30), 37037036);  // the phone is fast
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code, 1111111109 + 60), std::nullopt);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code, 1111111109 - 60), std::nullopt);
}

TEST(totp, anything_but_six_digits_of_the_right_code_is_refused) {
  const std::int64_t now = 1234567890;
  const std::string code = identity::totp_code(rfc_secret, now);
  std::string wrong = code;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, wrong, now), std::nullopt);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, "", now), std::nullopt);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, code + "0", now), std::nullopt);
  EXPECT_EQ(identity::totp_step_of(rfc_secret, "12 456", now), std::nullopt);
  EXPECT_EQ(identity::totp_step_of("not base32!", code, now), std::nullopt);
}

TEST(totp, new_secrets_are_160_bit_base32_and_differ) {
  const auto a = identity::new_totp_secret();
  const auto b = identity::new_totp_secret();
  EXPECT_EQ(a.size(), 32u);  // 20 bytes
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos) << a;
  EXPECT_EQ(identity::totp_step_of(a, identity::totp_code(a, 1700000000), 1700000000), 1700000000 / 30);
}

TEST(totp, the_uri_names_issuer_and_account_escaped) {
  EXPECT_EQ(identity::otpauth_uri("Cleveland Cartridge Co", "ada@example.com", "ABC"),
            "otpauth://totp/Cleveland%20Cartridge%20Co:ada@example.com?secret=ABC&issuer=Cleveland%20Cartridge%20Co"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(password, the_hash_is_argon2id_salted_and_matches_only_its_password) {
  const auto hash = identity::hash_password("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(identity::password_matches(hash, "correct horse battery staple"));
  EXPECT_FALSE(identity::password_matches(hash, "correct horse battery stapl"));
  EXPECT_FALSE(identity::password_matches(hash, ""));
  EXPECT_NE(identity::hash_password("correct horse battery staple"), hash);  // a fresh salt each time
  EXPECT_FALSE(identity::password_matches("not a hash", "correct horse battery staple"));
}

TEST(password, short_or_monotonous_passwords_are_weak_and_long_varied_ones_are_not) {
  EXPECT_NE(identity::password_weakness("short1!"), "");
  EXPECT_NE(identity::password_weakness("aaaaaaaaaaaaaaaa"), "");
  EXPECT_NE(identity::password_weakness(std::string(2000, 'x') + "abcdefg"), "");
  EXPECT_EQ(identity::password_weakness("correct horse battery staple"), "");
}

TEST(tokens, random_tokens_are_url_safe_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = identity::random_token(32);
    EXPECT_EQ(t.size(), 43u);  // 256 bits in base64url without padding
    EXPECT_EQ(t.find_first_of("+/="), std::string::npos) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(tokens, the_digest_is_sha256_hex) {
  EXPECT_EQ(identity::digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(identity::same_secret("abc", "abc"));
  EXPECT_FALSE(identity::same_secret("abc", "abd"));
  EXPECT_FALSE(identity::same_secret("abc", "abcd"));
}

TEST(tokens, ten_distinct_recovery_codes_that_survive_being_retyped) {
  const auto codes = identity::new_recovery_codes(10);
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
  for (const auto& code : codes) {
    EXPECT_EQ(code.size(), 11u);
    EXPECT_EQ(code[5], '-');
    std::string typed = code.substr(0, 5) + " " + code.substr(6);
    for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(identity::normalise_recovery_code(typed), code);
  }
}

TEST(terminal_qr, draws_a_square_of_equal_lines) {
  const auto qr = identity::terminal_qr("otpauth://totp/Shop:ada@example.com?secret=ABC");
  std::istringstream lines{qr};
  std::string line;
  std::set<std::size_t> widths;
  int rows = 0;
  while (std::getline(lines, line)) {
    std::size_t characters = 0;  // UTF-8: count every byte that starts a character
    for (unsigned char c : line) characters += (c & 0xC0) != 0x80;
    widths.insert(characters);
    ++rows;
  }
  EXPECT_EQ(widths.size(), 1u);
  EXPECT_GT(rows, 10);
}

}  // namespace
