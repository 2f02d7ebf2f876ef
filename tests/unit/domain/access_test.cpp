// Capabilities derived from the engine's secret: access tokens, the order an
// Idempotency-Key names, and request fingerprints.

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "domain/access.hpp"

namespace domain_test {
namespace {

using namespace domain;

const order_id order_a{"0f8fad5b-d9cb-469f-a165-70867728950e"};
const order_id order_b{"7c9e6679-7425-40de-944b-e07fc1f90ae7"};

bool is_base64url(const std::string& s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

// Tokens already sent in emails must keep opening their orders: the token is
// standard HMAC-SHA256, checked against `openssl dgst -sha256 -hmac`.
TEST(access_token, is_the_standard_hmac_sha256_of_the_order_under_the_secret) {
  const order_id order{"0b8e6c1e-9d2a-4c53-8f0e-3a1d2b4c5e6f"};
  EXPECT_EQ(access_keys{"engine-secret"}.token_for(order), "lySJcWKYB2R7p5Ofgwl6P80oJubP-3yq4lZ2WsvgVzM");
  EXPECT_EQ(access_keys{"engine-secret"}.fingerprint("{}"),
            "409a96d7a4439befdfad8df5a77970c54936da6e396188f92a380c706eb1905d");
  EXPECT_EQ(access_keys{""}.token_for(order_id{"x"}), "x350ssQ3BQJOJTd_E4m0tCzXIbqgK0gcKj-Z2sKffeo");
}

TEST(access_token, is_43_url_safe_characters) {
  const std::string token = access_keys{"engine-secret"}.token_for(order_a);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_TRUE(is_base64url(token)) << token;
}

TEST(access_token, is_stable_for_an_order_across_restarts_and_nodes) {
  // Two instances with the same secret stand for two nodes, or one node before and after a restart.
  EXPECT_EQ(access_keys{"engine-secret"}.token_for(order_a), access_keys{"engine-secret"}.token_for(order_a));
}

TEST(access_token, differs_across_orders_and_secrets) {
  const access_keys keys{"engine-secret"};
  EXPECT_NE(keys.token_for(order_a), keys.token_for(order_b));
  EXPECT_NE(keys.token_for(order_a), access_keys{"another-secret"}.token_for(order_a));
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) tokens.insert(keys.token_for(order_id{"order-" + std::to_string(i)}));
  EXPECT_EQ(tokens.size(), 1000u);
}

TEST(access_token, matches_only_the_exact_token_of_that_order) {
  const access_keys keys{"engine-secret"};
  const std::string token = keys.token_for(order_a);
  EXPECT_TRUE(keys.token_matches(order_a, token));

  EXPECT_FALSE(keys.token_matches(order_b, token)) << "another order's token";
  EXPECT_FALSE(keys.token_matches(order_a, keys.token_for(order_b)));
  EXPECT_FALSE(keys.token_matches(order_a, access_keys{"another-secret"}.token_for(order_a)));
  EXPECT_FALSE(keys.token_matches(order_a, ""));
  EXPECT_FALSE(keys.token_matches(order_a, token.substr(0, 42))) << "one character short";
  EXPECT_FALSE(keys.token_matches(order_a, token.substr(0, 8))) << "a prefix";
  EXPECT_FALSE(keys.token_matches(order_a, token + "A")) << "one character long";
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string wrong = token;
    wrong[i] = wrong[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(keys.token_matches(order_a, wrong)) << "changed at " << i;
  }
}

TEST(idempotency_key, names_the_same_order_every_time) {
  const access_keys keys{"engine-secret"};
  const order_id first = keys.order_for_idempotency_key("checkout-3f1c2b");
  EXPECT_EQ(keys.order_for_idempotency_key("checkout-3f1c2b"), first);
  EXPECT_EQ(access_keys{"engine-secret"}.order_for_idempotency_key("checkout-3f1c2b"), first);
}

TEST(idempotency_key, gives_a_canonical_uuid) {
  const access_keys keys{"engine-secret"};
  for (const char* key :
       {"checkout-3f1c2b", "", "ü", "a very long key ................................................"}) {
    const order_id id = keys.order_for_idempotency_key(key);
    EXPECT_TRUE(is_uuid(id.value())) << id.value();
    EXPECT_EQ(id.value()[14], '8') << "RFC 9562 version 8: " << id.value();
    EXPECT_NE(std::string("89ab").find(id.value()[19]), std::string::npos) << "RFC 9562 variant: " << id.value();
  }
}

TEST(idempotency_key, distinct_keys_name_distinct_orders) {
  const access_keys keys{"engine-secret"};
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(keys.order_for_idempotency_key("key-" + std::to_string(i)).value());
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_NE(keys.order_for_idempotency_key("abc"), keys.order_for_idempotency_key("ABC"));
  EXPECT_NE(keys.order_for_idempotency_key("abc"), access_keys{"another-secret"}.order_for_idempotency_key("abc"));
}

TEST(idempotency_key, order_id_is_not_the_access_token) {
  const access_keys keys{"engine-secret"};
  const order_id id = keys.order_for_idempotency_key("k");
  EXPECT_EQ(keys.token_for(id).find(id.value()), std::string::npos);
  EXPECT_FALSE(keys.token_matches(id, id.value()));
}

TEST(fingerprint, tells_a_retry_from_a_different_request) {
  const access_keys keys{"engine-secret"};
  const std::string request = R"({"items":[{"sku":"HP-64XL-BLK","quantity":2}],"payment_method":"XMR"})";
  EXPECT_EQ(keys.fingerprint(request), keys.fingerprint(request));
  EXPECT_NE(keys.fingerprint(request),
            keys.fingerprint(R"({"items":[{"sku":"HP-64XL-BLK","quantity":3}],"payment_method":"XMR"})"));
  EXPECT_NE(keys.fingerprint(request), keys.fingerprint(""));
  EXPECT_NE(keys.fingerprint(request), access_keys{"another-secret"}.fingerprint(request));
}

TEST(fingerprint, reveals_nothing_of_the_request) {
  const std::string fp = access_keys{"engine-secret"}.fingerprint("ada@example.com");
  EXPECT_EQ(fp.size(), 64u);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef"), std::string::npos) << fp;
  EXPECT_EQ(fp.find("ada"), std::string::npos);
}

TEST(uuid_bytes, reads_back_what_format_uuid_wrote_in_either_case_and_nothing_else) {
  const unsigned char bytes[16] = {0x0f, 0x8f, 0xad, 0x5b, 0xd9, 0xcb, 0x46, 0x9f,
                                   0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95, 0x0e};
  const auto text = format_uuid(bytes, 4);
  ASSERT_EQ(text, "0f8fad5b-d9cb-469f-a165-70867728950e");
  const auto read = uuid_bytes(text);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(std::equal(read->begin(), read->end(), std::begin(bytes)));
  EXPECT_EQ(uuid_bytes("0F8FAD5B-D9CB-469F-A165-70867728950E"), read);
  for (const char* bad : {"", "0f8fad5bd9cb469fa16570867728950e", "0f8fad5b-d9cb-469f-a165-70867728950",
                          "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5b-d9cb-469f-a165_70867728950e",
                          "0f8fad5g-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469fa-165-70867728950e"})
    EXPECT_EQ(uuid_bytes(bad), std::nullopt) << bad;
}

TEST(is_uuid, accepts_canonical_lower_case_uuids_only) {
  EXPECT_TRUE(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
  for (const char* bad : {"", "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5bd9cb469fa16570867728950e",
                          "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0",
                          "0f8fad5b-d9cb-469f-a165_70867728950e", "0f8fad5g-d9cb-469f-a165-70867728950e",
                          "{0f8fad5b-d9cb-469f-a165-70867728950e}", "0f8fad5b-d9cb-469fa-165-70867728950e",
                          "../../../etc/passwd-0000-0000-000000"})
    EXPECT_FALSE(is_uuid(bad)) << bad;
}

TEST(format_uuid, stamps_version_and_variant) {
  unsigned char ones[16];
  unsigned char zeros[16] = {};
  for (auto& b : ones) b = 0xff;
  EXPECT_EQ(format_uuid(ones, 4), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_EQ(format_uuid(zeros, 8), "00000000-0000-8000-8000-000000000000");
  const unsigned char counting[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  EXPECT_EQ(format_uuid(counting, 8), "00112233-4455-8677-8899-aabbccddeeff");
  EXPECT_TRUE(is_uuid(format_uuid(counting, 8)));
}

}  // namespace
}  // namespace domain_test
