#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "actors/chain_source.hpp"
#include "chains/esplora_client.hpp"
#include "persistence/connection.hpp"
#include "persistence/receiving_address_store.hpp"

namespace actors {

struct bitcoin_source_options {
  std::string coin = "BTC";
  chains::esplora_endpoint esplora;
  std::string database_url;   // where the orders' addresses are read
  int max_addresses = 10000;  // watched at once, the newest orders first
  // An order's address is watched while it is pending and this long after checkout.
  std::chrono::milliseconds watch_addresses_for{std::chrono::hours{24 * 7}};
};

/// Bitcoin through an Esplora API, for the addresses of the coin's orders
/// (each order's own, derived from the shop's account key). Each reading: the
/// tip's height, then each address's transactions, a payment's confirmations
/// being tip - block height + 1. A payment awaiting confirmations that its
/// address no longer lists, and whose transaction the API no longer knows,
/// was replaced by fee or dropped: it is lost.
class bitcoin_chain_source final : public chain_source {
 public:
  explicit bitcoin_chain_source(bitcoin_source_options options);
  ~bitcoin_chain_source() override;

  const char* name() const override { return "the chain source"; }
  chain_reading read(const payment_ledger& ledger, domain::timestamp now) override;
  bool forgettable(const told_payment& told) const override;

 private:
  struct session;
  bitcoin_source_options options_;
  chains::esplora_client esplora_;
  std::unique_ptr<session> store_;  // connected on first use, again after a failure
  std::set<std::string> watched_;   // the addresses of the last reading
};

}  // namespace actors
