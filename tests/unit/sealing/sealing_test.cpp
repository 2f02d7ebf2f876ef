// The sealing layer: authenticated encryption bound to where a value lives,
// wrapped keys, the master key file and its rotation, the blind index.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "sealing/box.hpp"
#include "sealing/key_file.hpp"
#include "sealing/keyring.hpp"
#include "sealing/vault.hpp"
#include "support/temp_dir.hpp"

using namespace sealing;

namespace {

TEST(seal, a_sealed_value_opens_with_its_key_and_context_only) {
  const auto key = secret_key::random();
  const auto sealed = seal(key, "Ada Lovelace", "customers.name:1");
  // The whole name, not a fragment: three base64 letters such as "Ada" turn up in
  // random ciphertext about once in five thousand seals.
  EXPECT_EQ(sealed.find("Ada Lovelace"), std::string::npos);
  const auto raw = from_base64(sealed);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->find("Ada Lovelace"), std::string::npos);
  EXPECT_EQ(open(key, sealed, "customers.name:1"), "Ada Lovelace");
  EXPECT_EQ(open(key, sealed, "customers.name:2"), std::nullopt) << "moved to another row";
  EXPECT_EQ(open(key, sealed, "customers.email:1"), std::nullopt) << "moved to another column";
  EXPECT_EQ(open(secret_key::random(), sealed, "customers.name:1"), std::nullopt) << "another key";
}

TEST(seal, a_changed_or_truncated_value_does_not_open) {
  const auto key = secret_key::random();
  auto sealed = seal(key, "1 Euclid Ave", "c");
  auto raw = *from_base64(sealed);
  raw[raw.size() - 1] ^= 1;
  EXPECT_EQ(open(key, to_base64(raw), "c"), std::nullopt);
  EXPECT_EQ(open(key, sealed.substr(0, 20), "c"), std::nullopt);
  EXPECT_EQ(open(key, "not base64 !", "c"), std::nullopt);
  EXPECT_EQ(open(key, "", "c"), std::nullopt);
}

TEST(seal, the_same_text_seals_differently_each_time_and_empty_text_round_trips) {
  const auto key = secret_key::random();
  EXPECT_NE(seal(key, "same", "c"), seal(key, "same", "c"));
  EXPECT_EQ(open(key, seal(key, "", "c"), "c"), "");
}

TEST(derive, subkeys_differ_by_purpose_and_id_and_are_stable) {
  const auto root = secret_key::random();
  EXPECT_EQ(derive(root, 1, "blindidx"), derive(root, 1, "blindidx"));
  EXPECT_FALSE(derive(root, 1, "blindidx") == derive(root, 2, "blindidx"));
  EXPECT_FALSE(derive(root, 1, "blindidx") == derive(root, 1, "tokensig"));
  EXPECT_THROW(derive(root, 1, "short"), std::invalid_argument);
}

TEST(key_file, a_written_key_file_reads_back_private_and_whole) {
  test_support::temp_dir dir;
  const auto path = (dir.path() / "master.key").string();
  const auto a = secret_key::random(), b = secret_key::random();
  write_key_file(path, {a, b});
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto keys = read_key_file(path);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], a);
  EXPECT_EQ(keys[1], b);
}

TEST(key_file, a_missing_shared_empty_or_malformed_file_is_refused_with_the_reason) {
  test_support::temp_dir dir;
  const auto path = (dir.path() / "master.key").string();
  auto message_of = [&] {
    try {
      read_key_file(path);
    } catch (const key_file_error& e) {
      return std::string{e.what()};
    }
    return std::string{"(accepted)"};
  };
  EXPECT_NE(message_of().find("cannot read"), std::string::npos);
  auto write = [&](const std::string& text, mode_t mode) {
    std::ofstream{path} << text;
    ::chmod(path.c_str(), mode);
  };
  write(to_base64(std::string(32, 'k')) + "\n", 0644);
  EXPECT_NE(message_of().find("chmod 600"), std::string::npos);
  write("\n\n", 0600);
  EXPECT_NE(message_of().find("holds no key"), std::string::npos);
  write(to_base64(std::string(16, 'k')) + "\n", 0600);
  EXPECT_NE(message_of().find("line 1"), std::string::npos);
  write("hunter2\n", 0600);
  EXPECT_NE(message_of().find("not 32 bytes in base64"), std::string::npos);
  write("  " + to_base64(std::string(32, 'k')) + "  \r\n", 0600);
  EXPECT_EQ(message_of(), "(accepted)");
}

TEST(keyring, a_wrapped_key_unwraps_for_its_owner_with_the_master_key_that_wrapped_it) {
  const auto master = secret_key::random();
  keyring ring{std::vector<secret_key>{master}};
  const auto data = secret_key::random();
  const auto wrapped = ring.wrap(data, "customer:1");
  EXPECT_EQ(keyring::key_id_of(wrapped), key_id(master));
  EXPECT_EQ(ring.unwrap(wrapped, "customer:1"), data);
  EXPECT_EQ(ring.unwrap(wrapped, "customer:2"), std::nullopt);
  keyring stranger{std::vector<secret_key>{secret_key::random()}};
  EXPECT_EQ(stranger.unwrap(wrapped, "customer:1"), std::nullopt);
  EXPECT_EQ(ring.unwrap("no key id here", "customer:1"), std::nullopt);
}

TEST(keyring, during_a_rotation_the_new_key_wraps_and_both_unwrap) {
  const auto old_key = secret_key::random(), new_key = secret_key::random();
  keyring before{std::vector<secret_key>{old_key}};
  keyring during{std::vector<secret_key>{new_key, old_key}};
  const auto data = secret_key::random();
  const auto old_wrap = before.wrap(data, "o");
  const auto new_wrap = during.wrap(data, "o");
  EXPECT_EQ(keyring::key_id_of(new_wrap), key_id(new_key));
  EXPECT_EQ(during.unwrap(old_wrap, "o"), data);
  EXPECT_EQ(during.unwrap(new_wrap, "o"), data);
  EXPECT_EQ(before.unwrap(new_wrap, "o"), std::nullopt);
}

TEST(keyring, rewrap_moves_a_key_under_the_current_master_key_for_the_same_owner_only) {
  const auto old_key = secret_key::random(), new_key = secret_key::random();
  keyring before{std::vector<secret_key>{old_key}};
  keyring during{std::vector<secret_key>{new_key, old_key}};
  keyring after{std::vector<secret_key>{new_key}};
  const auto data = secret_key::random();
  const auto rewrapped = during.rewrap(before.wrap(data, "customer:1"), "customer:1");
  ASSERT_TRUE(rewrapped);
  EXPECT_EQ(keyring::key_id_of(*rewrapped), key_id(new_key));
  EXPECT_EQ(after.unwrap(*rewrapped, "customer:1"), data) << "opens without the old key";
  EXPECT_EQ(after.unwrap(*rewrapped, "customer:2"), std::nullopt);
  EXPECT_EQ(during.rewrap(before.wrap(data, "customer:1"), "customer:2"), std::nullopt);
  EXPECT_EQ(after.rewrap(before.wrap(data, "customer:1"), "customer:1"), std::nullopt) << "the old key is gone";
}

TEST(keyring, a_keyring_read_from_a_file_sees_the_file_replaced_within_seconds) {
  test_support::temp_dir dir;
  const auto path = (dir.path() / "master.key").string();
  const auto first = secret_key::random(), second = secret_key::random();
  write_key_file(path, {first});
  keyring ring{path};
  EXPECT_EQ(ring.current_key_id(), key_id(first));
  std::this_thread::sleep_for(std::chrono::milliseconds{20});
  write_key_file(path, {second, first});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (ring.current_key_id() != key_id(second) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  EXPECT_EQ(ring.current_key_id(), key_id(second));
}

TEST(vault, the_blind_index_ignores_case_and_spaces_and_depends_on_the_root_key) {
  auto master = std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()});
  const auto root = secret_key::random();
  vault v{master, root};
  EXPECT_EQ(v.email_index("Ada@Example.com "), v.email_index("ada@example.com"));
  EXPECT_NE(v.email_index("ada@example.com"), v.email_index("bob@example.com"));
  // A keyed hash, encoded: the address is not in it. (Not "no 'ada' in it":
  // three given letters turn up in a random encoding about once in 6,000 keys.)
  EXPECT_EQ(v.email_index("ada@example.com").find("ada@example.com"), std::string::npos);
  EXPECT_EQ(v.email_index("ada@example.com").find("example"), std::string::npos);
  vault other{master, secret_key::random()};
  EXPECT_NE(other.email_index("ada@example.com"), v.email_index("ada@example.com"));
  EXPECT_EQ(vault(master, root).token_secret(), v.token_secret()) << "stable across restarts";
  EXPECT_NE(other.token_secret(), v.token_secret());
}

TEST(vault, the_token_secret_survives_a_master_key_rotation) {
  const auto root = secret_key::random();
  vault before{std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()}), root};
  vault after{std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()}), root};
  EXPECT_EQ(before.token_secret(), after.token_secret());
  EXPECT_EQ(before.email_index("a@b.c"), after.email_index("a@b.c"));
}

TEST(vault, a_totp_secret_opens_for_its_own_account_under_the_same_root_key_only_and_survives_a_rotation) {
  const auto root = secret_key::random();
  vault before{std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()}), root};
  vault after{std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()}), root};
  vault stranger{std::make_shared<const keyring>(std::vector<secret_key>{secret_key::random()}), secret_key::random()};
  const std::string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const auto sealed = before.seal_totp_secret(secret, "ada@example.com");
  EXPECT_EQ(sealed.find(secret), std::string::npos);
  EXPECT_EQ(before.open_totp_secret(sealed, "ada@example.com"), secret);
  EXPECT_EQ(after.open_totp_secret(sealed, "ada@example.com"), secret) << "another master key, the same root key";
  EXPECT_EQ(before.open_totp_secret(sealed, "bob@example.com"), std::nullopt) << "copied to another account";
  EXPECT_EQ(stranger.open_totp_secret(sealed, "ada@example.com"), std::nullopt);
}

}  // namespace
