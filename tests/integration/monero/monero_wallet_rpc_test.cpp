// chains::monero_wallet_rpc against real processes: monerod --regtest and
// monero-wallet-rpc with the shop's view-only wallet behind a digest login.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "chains/monero_wallet_rpc.hpp"
#include "integration/monero/shared_network.hpp"

namespace {

using chains::monero_transfer;
using chains::monero_wallet_rpc;
using chains::rpc_error;
using domain::atomic_amount;

std::vector<monero_transfer> of_tx(const std::vector<monero_transfer>& all, const std::string& txid) {
  std::vector<monero_transfer> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const auto& t) { return t.txid == txid; });
  return out;
}

class monero_wallet : public monero_test::with_network {};

TEST_F(monero_wallet, create_address_gives_a_new_subaddress_with_the_next_index_each_time) {
  monero_wallet_rpc shop{net().shop()};
  const auto first = shop.create_address(0, "order CCC-000001");
  const auto second = shop.create_address(0, "order CCC-000002");

  EXPECT_GE(first.address_index, 1u) << "index 0 is the primary address";
  EXPECT_EQ(second.address_index, first.address_index + 1);
  EXPECT_NE(first.address, second.address);
  EXPECT_NE(first.address, net().shop_address());
  // Regtest uses mainnet prefixes: subaddresses start with 8, primary addresses with 4.
  EXPECT_EQ(first.address.front(), '8');
  EXPECT_EQ(second.address.size(), net().shop_address().size());
}

TEST_F(monero_wallet, a_payment_is_in_the_pool_first_then_mined_with_one_confirmation_per_block) {
  monero_wallet_rpc shop{net().shop()};
  const auto sub = shop.create_address(0, "order");
  const std::uint64_t amount = 1'234'567'890'123;  // 1.234567890123 XMR: every digit counts

  const auto sent = net().pay(sub.address, amount);
  EXPECT_EQ(of_tx(shop.get_transfers(0, false, true), sent.txid).size(), 1u)
      << "get_transfers with pool=true asks the daemon's pool itself, no refresh needed";
  shop.refresh();
  const auto pooled = of_tx(shop.get_transfers(0, true, true), sent.txid);
  ASSERT_EQ(pooled.size(), 1u);
  EXPECT_TRUE(pooled[0].in_pool);
  EXPECT_EQ(pooled[0].height, 0u);
  EXPECT_EQ(pooled[0].confirmations, 0u);
  EXPECT_EQ(pooled[0].amount, atomic_amount{amount});
  EXPECT_EQ(pooled[0].subaddr_index, sub.address_index);
  EXPECT_EQ(pooled[0].address, sub.address);
  EXPECT_EQ(pooled[0].unlock_time, 0u);
  EXPECT_FALSE(pooled[0].double_spend_seen);
  EXPECT_TRUE(pooled[0].payment_id.empty());
  EXPECT_GT(pooled[0].timestamp_unix, 1'500'000'000u);
  EXPECT_TRUE(of_tx(shop.get_transfers(0, true, false), sent.txid).empty()) << "not mined yet";

  const auto height = net().mine(1);
  EXPECT_GE(shop.refresh(), 1u);
  const auto mined = of_tx(shop.get_transfers(0, true, true), sent.txid);
  ASSERT_EQ(mined.size(), 1u) << "once mined it leaves the pool list";
  EXPECT_FALSE(mined[0].in_pool);
  EXPECT_EQ(mined[0].height, height - 1);
  EXPECT_EQ(mined[0].confirmations, 1u);
  EXPECT_EQ(mined[0].amount, atomic_amount{amount});
  EXPECT_EQ(mined[0].subaddr_index, sub.address_index);
  EXPECT_EQ(mined[0].address, sub.address);

  net().mine(1);
  shop.refresh();
  const auto twice = of_tx(shop.get_transfers(0, true, false), sent.txid);
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0].confirmations, 2u);
}

TEST_F(monero_wallet, one_transaction_paying_two_subaddresses_gives_one_entry_per_subaddress) {
  monero_wallet_rpc shop{net().shop()};
  const auto a = shop.create_address(0, "order a");
  const auto b = shop.create_address(0, "order b");

  const auto sent = net().pay_many({{a.address, 1'000'000'000'000}, {b.address, 2'500'000'000'000}});
  shop.refresh();
  auto pooled = of_tx(shop.get_transfers(0, false, true), sent.txid);
  ASSERT_EQ(pooled.size(), 2u);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& x, const auto& y) { return x.subaddr_index < y.subaddr_index; });
  EXPECT_EQ(pooled[0].subaddr_index, a.address_index);
  EXPECT_EQ(pooled[0].amount, atomic_amount{1'000'000'000'000});
  EXPECT_EQ(pooled[1].subaddr_index, b.address_index);
  EXPECT_EQ(pooled[1].amount, atomic_amount{2'500'000'000'000});

  net().mine(1);
  shop.refresh();
  EXPECT_EQ(of_tx(shop.get_transfers(0, true, false), sent.txid).size(), 2u);
}

TEST_F(monero_wallet, min_height_keeps_transfers_mined_at_that_height_and_above_and_every_pool_entry) {
  monero_wallet_rpc shop{net().shop()};
  const auto sub = shop.create_address(0, "order");
  const auto mined_tx = net().pay(sub.address, 3'000'000'000);
  const auto height = net().mine(1) - 1;  // the block holding mined_tx
  const auto pooled_tx = net().pay(sub.address, 4'000'000'000);
  shop.refresh();

  const auto from_its_block = shop.get_transfers(0, true, true, height);
  EXPECT_EQ(of_tx(from_its_block, mined_tx.txid).size(), 1u);
  EXPECT_EQ(of_tx(from_its_block, pooled_tx.txid).size(), 1u);

  const auto after_its_block = shop.get_transfers(0, true, true, height + 1);
  EXPECT_TRUE(of_tx(after_its_block, mined_tx.txid).empty());
  EXPECT_EQ(of_tx(after_its_block, pooled_tx.txid).size(), 1u) << "pool entries ignore min_height";

  // Clear the pool for the tests after this one.
  net().mine(1);
}

TEST_F(monero_wallet, get_height_is_the_daemon_height_after_a_refresh) {
  monero_wallet_rpc shop{net().shop()};
  // No check of the height before the refresh: wallet-rpc also refreshes by itself every 20 s.
  const auto height = net().mine(3);
  shop.refresh();
  EXPECT_EQ(shop.get_height(), height);
  EXPECT_EQ(shop.get_height(), net().daemon_height());
}

TEST_F(monero_wallet, a_payment_with_an_unlock_time_says_so) {
  monero_wallet_rpc shop{net().shop()};
  const auto sub = shop.create_address(0, "order");
  const std::uint64_t unlock_at = net().daemon_height() + 1000;
  const auto sent = net().pay(sub.address, 5'000'000'000, unlock_at);
  net().mine(1);
  shop.refresh();
  const auto found = of_tx(shop.get_transfers(0, true, false), sent.txid);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].unlock_time, unlock_at);
}

TEST_F(monero_wallet, the_shop_wallet_is_view_only) {
  auto& rpc = net().shop_rpc();
  try {
    rpc.call("query_key", {{"key_type", "spend_key"}});
    FAIL() << "a view-only wallet handed out a spend key";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.what_kind(), rpc_error::kind::rpc);
    EXPECT_EQ(e.rpc_code(), -29);
    EXPECT_NE(std::string{e.what()}.find("watch-only"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rpc.call("query_key", {{"key_type", "view_key"}}).at("key"), net().shop_view_key());
  EXPECT_EQ(rpc.call("get_address", {{"account_index", 0}}).at("address"), net().shop_address());
}

TEST_F(monero_wallet, a_wrong_password_is_refused_with_401) {
  auto endpoint = net().shop();
  endpoint.password = "not-the-password";
  monero_wallet_rpc shop{endpoint};
  try {
    shop.get_height();
    FAIL() << "the wallet-rpc accepted a wrong password";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.what_kind(), rpc_error::kind::http_status);
    EXPECT_EQ(e.http_status(), 401);
    const std::string message = e.what();
    EXPECT_NE(message.find("401"), std::string::npos) << message;
    EXPECT_NE(message.find("get_height"), std::string::npos) << message;
    EXPECT_EQ(message.find("not-the-password"), std::string::npos) << "never log the password: " << message;
  }
}

TEST_F(monero_wallet, no_login_is_refused_with_401) {
  auto endpoint = net().shop();
  endpoint.user.clear();
  endpoint.password.clear();
  monero_wallet_rpc shop{endpoint};
  try {
    shop.create_address(0, "nobody");
    FAIL() << "the wallet-rpc accepted a call without a login";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_NE(std::string{e.what()}.find("401"), std::string::npos) << e.what();
  }
}

TEST_F(monero_wallet, one_client_serves_several_threads) {
  monero_wallet_rpc shop{net().shop()};
  std::vector<std::uint32_t> indices(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < indices.size(); ++i)
    threads.emplace_back([&, i] { indices[i] = shop.create_address(0, "parallel").address_index; });
  for (auto& t : threads) t.join();
  std::sort(indices.begin(), indices.end());
  EXPECT_EQ(std::adjacent_find(indices.begin(), indices.end()), indices.end()) << "an index was handed out twice";
  EXPECT_EQ(indices.back() - indices.front(), indices.size() - 1);
}

TEST_F(monero_wallet, a_subaddress_once_returned_is_never_handed_out_again_even_after_a_crash) {
  monero_wallet_rpc shop{net().shop()};
  const auto given = shop.create_address(0, "order before the crash");

  net().kill_shop_wallet_rpc();
  EXPECT_THROW(shop.get_height(), rpc_error) << "nothing listens while it is down";
  net().restart_shop_wallet_rpc();

  const auto next = shop.create_address(0, "order after the crash");
  EXPECT_EQ(next.address_index, given.address_index + 1);
  EXPECT_NE(next.address, given.address);
}

}  // namespace
