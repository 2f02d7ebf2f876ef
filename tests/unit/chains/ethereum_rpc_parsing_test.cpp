// What the Ethereum watcher reads from a node: hex quantities, blocks, ERC-20
// Transfer logs and receipts, in the JSON shapes geth and anvil answer, and
// hostile replies refused as bad_reply without a crash or a wrapped amount.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chains/ethereum_rpc_client.hpp"

namespace {

using chains::parse_hex_quantity;
using chains::rpc_error;
using json = nlohmann::json;
using rep = domain::atomic_amount::rep;

std::string to_decimal(rep v) {
  return domain::atomic_amount{v}.to_string();
}

TEST(hex_quantity, reads_ethereum_quantities_up_to_128_bits_and_refuses_the_rest) {
  EXPECT_EQ(parse_hex_quantity("0x0"), rep{0});
  EXPECT_EQ(parse_hex_quantity("0x1a"), rep{26});
  EXPECT_EQ(parse_hex_quantity("0xDE0B6B3A7640000"), rep{1'000'000'000'000'000'000ULL});  // 1 ether in wei
  EXPECT_EQ(parse_hex_quantity("0x0001"), rep{1}) << "leading zeros some nodes send";
  const auto max = parse_hex_quantity("0xffffffffffffffffffffffffffffffff");
  ASSERT_TRUE(max);
  EXPECT_EQ(to_decimal(*max), "340282366920938463463374607431768211455");
  EXPECT_FALSE(parse_hex_quantity("0x100000000000000000000000000000000")) << "129 bits: refused, never cut";
  EXPECT_EQ(parse_hex_quantity("0x" + std::string(60, '0') + "ff"), rep{255});
  for (const char* bad : {"", "0x", "1a", "0X1a", "0x1g", "0x-1", " 0x1", "0x1 ", "x1"})
    EXPECT_FALSE(parse_hex_quantity(bad)) << bad;
}

TEST(hex_quantity, reads_a_uint256_word_only_when_it_is_32_bytes_and_fits) {
  EXPECT_EQ(chains::parse_uint256_word("0x" + std::string(58, '0') + "0f4240"), rep{1'000'000});
  EXPECT_FALSE(chains::parse_uint256_word("0x0f4240"));
  EXPECT_FALSE(chains::parse_uint256_word("0x1" + std::string(63, '0'))) << "2^252: no token amount is that large";
}

TEST(erc20, the_transfer_topic_is_keccak256_of_the_event_signature) {
  EXPECT_EQ(chains::erc20_transfer_topic(), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

const char* hash_a = "0x49c5b8b731f692192684bdb6943f8f1b6ec6305a8b08f654be073f5a8f8c0051";
const char* hash_b = "0x8A3C4B9F5D1E2F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8";

TEST(eth_block, reads_a_block_with_its_transactions_as_a_node_sends_it) {
  const json block = {
      {"number", "0x1b4"},
      {"hash", hash_a},
      {"timestamp", "0x6b12189f"},
      {"baseFeePerGas", "0x3b9aca00"},
      {"transactions",
       json::array({{{"hash", hash_b},
                     {"from", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"},
                     {"to", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
                     {"value", "0xde0b6b3a7640000"},
                     {"input", "0x"}},
                    {{"hash", hash_a}, {"to", nullptr}, {"value", "0x0"}, {"input", "0x6080"}}})}};
  const auto b = chains::parse_eth_block(block);
  EXPECT_EQ(b.number, 436u);
  EXPECT_EQ(b.hash, hash_a);
  EXPECT_EQ(b.timestamp, 0x6b12189f);
  ASSERT_EQ(b.transactions.size(), 2u);
  EXPECT_EQ(b.transactions[0].hash, "0x8a3c4b9f5d1e2f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8");
  EXPECT_EQ(b.transactions[0].to, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  EXPECT_EQ(b.transactions[0].value.to_string(), "1000000000000000000");
  EXPECT_EQ(b.transactions[1].to, "") << "a contract creation pays no address";
}

TEST(eth_block, refuses_hostile_shapes_as_bad_replies) {
  const json good = {{"number", "0x1"}, {"hash", hash_a}, {"timestamp", "0x1"}, {"transactions", json::array()}};
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"number", "1"},
           {"number", 1},
           {"hash", "0x1234"},
           {"timestamp", nullptr},
           {"transactions", json::array({hash_a})},  // hashes only: not asked with full transactions
           {"transactions", json::array({{{"hash", hash_a}, {"to", "0x12"}, {"value", "0x1"}}})},
           {"transactions", json::array({{{"hash", hash_a}, {"value", "0x1" + std::string(40, 'f')}}})},
       }) {
    json hostile = good;
    hostile[key] = value;
    try {
      chains::parse_eth_block(hostile);
      ADD_FAILURE() << "accepted " << hostile.dump();
    } catch (const rpc_error& e) {
      EXPECT_EQ(e.what_kind(), rpc_error::kind::bad_reply) << e.what();
    }
  }
  EXPECT_THROW(chains::parse_eth_block(json::array()), rpc_error);
  EXPECT_THROW(chains::parse_eth_block(json("block")), rpc_error);
  EXPECT_NO_THROW(chains::parse_eth_block(good));
}

json transfer_log(const std::string& to_topic, const std::string& data) {
  return {{"address", "0x5fbdb2315678afecb367f032d93f642f64180aa3"},
          {"topics", json::array({"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                                  "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266", to_topic})},
          {"data", data},
          {"blockNumber", "0x5"},
          {"blockHash", hash_a},
          {"transactionHash", hash_b},
          {"transactionIndex", "0x0"},
          {"logIndex", "0x2"},
          {"removed", false}};
}

TEST(transfer_log, reads_the_recipient_and_amount_of_an_erc20_transfer) {
  const auto log = chains::parse_transfer_log(
      transfer_log("0x00000000000000000000000070997970C51812dc3A010C7d01b50e0d17dc79C8",
                   "0x00000000000000000000000000000000000000000000000000000000004c4b40"));
  EXPECT_EQ(log.to, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  EXPECT_EQ(log.value.to_string(), "5000000");
  EXPECT_EQ(log.block_number, 5u);
  EXPECT_EQ(log.log_index, 2u);
  EXPECT_EQ(log.block_hash, hash_a);
  EXPECT_FALSE(log.removed);
}

TEST(transfer_log, refuses_a_log_that_is_not_a_transfer_to_an_address) {
  const std::string to = "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8";
  const std::string amount = "0x00000000000000000000000000000000000000000000000000000000004c4b40";
  std::vector<json> hostile{
      transfer_log("0xff0000000000000000000000" + to.substr(26), amount),  // dirty upper bytes: not an address
      transfer_log(to, "0x4c4b40"),                                         // not a 32-byte word
      transfer_log(to, "0x1" + std::string(63, '0')),                       // wider than 128 bits
  };
  json approval = transfer_log(to, amount);
  approval["topics"][0] = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
  hostile.push_back(approval);
  json two_topics = transfer_log(to, amount);
  two_topics["topics"].erase(2);
  hostile.push_back(two_topics);
  for (const auto& log : hostile) EXPECT_THROW(chains::parse_transfer_log(log), rpc_error) << log.dump();
}

TEST(eth_receipt, reads_where_and_whether_a_transaction_succeeded) {
  const json receipt = {{"transactionHash", hash_b}, {"blockHash", hash_a}, {"blockNumber", "0x10"}, {"status", "0x1"}};
  const auto r = chains::parse_eth_receipt(receipt);
  EXPECT_EQ(r.block_number, 16u);
  EXPECT_TRUE(r.succeeded);
  json failed = receipt;
  failed["status"] = "0x0";
  EXPECT_FALSE(chains::parse_eth_receipt(failed).succeeded);
  failed.erase("blockHash");
  EXPECT_THROW(chains::parse_eth_receipt(failed), rpc_error);
}

TEST(eth_address, is_normalized_to_lower_case_and_anything_else_refused) {
  EXPECT_EQ(chains::normalized_eth_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  EXPECT_FALSE(chains::normalized_eth_address("70997970C51812dc3A010C7d01b50e0d17dc79C8"));
  EXPECT_FALSE(chains::normalized_eth_address("0x70997970C51812dc3A010C7d01b50e0d17dc79"));
  EXPECT_FALSE(chains::normalized_eth_address("0x70997970C51812dc3A010C7d01b50e0d17dc79Cz"));
}

TEST(eth_node, is_named_in_errors_by_its_origin_without_the_api_key_in_its_path) {
  EXPECT_EQ(chains::url_origin("https://mainnet.infura.io/v3/0123456789abcdef"), "https://mainnet.infura.io");
  EXPECT_EQ(chains::url_origin("http://user:secret@127.0.0.1:8545/"), "http://127.0.0.1:8545");
  EXPECT_EQ(chains::url_origin("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
}

TEST(eth_node, a_node_that_is_not_listening_is_a_transport_error_naming_no_key) {
  chains::rpc_endpoint at{"http://127.0.0.1:9/v3/SECRETKEY", {}, {}, std::chrono::milliseconds{500}};
  chains::ethereum_rpc_client client{at};
  try {
    client.block_number();
    ADD_FAILURE() << "a closed port answered";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.what_kind(), rpc_error::kind::transport);
    EXPECT_EQ(std::string(e.what()).find("SECRETKEY"), std::string::npos) << e.what();
  }
}

}  // namespace
