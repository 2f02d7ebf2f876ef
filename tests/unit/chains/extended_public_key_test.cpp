// BIP32 public derivation, against the public child keys of BIP32's test vectors 1 and 2:
// every step from a parent's xpub to a non-hardened child.

#include <gtest/gtest.h>

#include <string>

#include "chains/extended_public_key.hpp"

using namespace chains;

namespace {

struct public_step {
  const char* parent;  // the parent's ext pub
  std::uint32_t index;
  const char* child;  // the child's ext pub, as BIP32 lists it
};

// From BIP32, "Test Vectors": each chain whose last step is not hardened.
const public_step steps[] = {
    // Test vector 1: m/0H -> m/0H/1
    {"xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
     1,
     "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ"},
    // m/0H/1/2H -> m/0H/1/2H/2
    {"xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
     2,
     "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV"},
    // m/0H/1/2H/2 -> m/0H/1/2H/2/1000000000
    {"xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
     1000000000,
     "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy"},
    // Test vector 2: m -> m/0
    {"xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB",
     0,
     "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH"},
    // m/0/2147483647H -> m/0/2147483647H/1
    {"xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
     1,
     "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon"},
    // m/0/2147483647H/1/2147483646H -> m/0/2147483647H/1/2147483646H/2
    {"xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL",
     2,
     "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt"},
};

TEST(extended_public_key, derives_bip32s_public_children) {
  for (const auto& step : steps) {
    const auto parent = parse_extended_public_key(step.parent);
    ASSERT_TRUE(parent) << step.parent << ": " << parent.error().detail;
    EXPECT_EQ(to_string(*parent), step.parent) << "parsing and printing round-trip";
    const auto child = derive_public_child(*parent, step.index);
    ASSERT_TRUE(child) << child.error().detail;
    EXPECT_EQ(to_string(*child), step.child) << "index " << step.index;
    EXPECT_EQ(child->depth, parent->depth + 1);
    EXPECT_EQ(child->child_number, step.index);
  }
}

TEST(extended_public_key, a_hardened_child_cannot_be_derived_from_a_public_key) {
  const auto parent = parse_extended_public_key(steps[0].child);
  ASSERT_TRUE(parent);
  const auto child = derive_public_child(*parent, hardened_index + 2);
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error().problem, key_problem::unusable_index);
}

TEST(extended_public_key, whitespace_around_a_paste_is_ignored) {
  const auto key = parse_extended_public_key(std::string("  ") + steps[0].parent + "\n");
  ASSERT_TRUE(key);
  EXPECT_EQ(to_string(*key), steps[0].parent);
}

TEST(extended_public_key, a_typo_is_a_checksum_error_and_garbage_is_malformed) {
  std::string typo = steps[0].parent;
  typo[50] = typo[50] == 'a' ? 'b' : 'a';
  const auto mistyped = parse_extended_public_key(typo);
  ASSERT_FALSE(mistyped);
  EXPECT_EQ(mistyped.error().problem, key_problem::bad_checksum);

  for (const std::string text :
       {"", "xpub", "not a key at all", "0x1234", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"}) {
    const auto parsed = parse_extended_public_key(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().problem, key_problem::malformed) << text;
  }
}

// BIP32 test vector 5: extended public keys that must be rejected.
TEST(extended_public_key, bip32s_invalid_public_keys_are_refused) {
  const std::pair<const char*, key_problem> invalid[] = {
      // invalid pubkey prefix 04, and 01
      {"xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Txnt3siSujt9RCVYsx4qHZGc62TG4McvMGcAUjeuwZdduYEvF"
       "n",
       key_problem::invalid_point},
      {"xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6N8ZMMXctdiCjxTNq964yKkwrkBJJwpzZS4HS2fxvyYUA4q2Xe"
       "4",
       key_problem::invalid_point},
      // zero depth with non-zero index, and with a non-zero parent fingerprint
      {"xpub661MyMwAuDcm6CRQ5N4qiHKrJ39Xe1R1NyfouMKTTWcguwVcfrZJaNvhpebzGerh7gucBvzEQWRugZDuDXjNDRmXzSZe4c7mnTK97pTvGS"
       "8",
       key_problem::malformed},
      {"xpub661no6RGEX3uJkY4bNnPcw4URcQTrSibUZ4NqJEw5eBkv7ovTwgiT91XX27VbEXGENhYRCf7hyEbWrR3FewATdCEebj6znwMfQkhRYHRLp"
       "J",
       key_problem::malformed},
      // unknown extended key version
      {"DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHPmHJiEDXkTiJTVV9rHEBUem2mwVbbNfvT2MTcAqj3nesx8uBf"
       "9",
       key_problem::malformed},
      // "pubkey version / prvkey mismatch": xpub's version bytes around a private key.
      // It carries a secret, so it is refused as one.
      {"xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6LBpB85b3D2yc8sfvZU521AAwdZafEz7mnzBBsz4wKY5fTtTQB"
       "m",
       key_problem::secret_given},
  };
  for (const auto& [text, problem] : invalid) {
    const auto parsed = parse_extended_public_key(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().problem, problem) << text << ": " << parsed.error().detail;
  }
}

}  // namespace
