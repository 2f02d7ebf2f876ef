#pragma once

// The calls of the Esplora HTTP API (Blockstream's esplora/electrs, mempool.space)
// that the Bitcoin watcher needs, typed. Blocking: call from a detached actor or a
// thread of its own. Every call throws esplora_error when the server cannot be
// reached or answers something else than the API's JSON.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/strong_types.hpp"

namespace chains {

struct esplora_endpoint {
  std::string base_url;  ///< "https://mempool.space/api", "http://127.0.0.1:3002"; no trailing slash needed
  std::chrono::milliseconds timeout{5000};          ///< a whole call
  std::chrono::milliseconds connect_timeout{2000};  ///< the TCP connect alone, capped by `timeout`
};

class esplora_error : public std::runtime_error {
 public:
  explicit esplora_error(const std::string& message, long http_status = 0)
      : std::runtime_error(message), http_status_(http_status) {}
  /// The HTTP status when there was a reply, else 0.
  long http_status() const noexcept { return http_status_; }

 private:
  long http_status_;
};

/// Where a transaction stands: in the mempool, or in a block of the best chain.
struct esplora_tx_status {
  bool confirmed = false;
  std::uint64_t block_height = 0;  ///< when confirmed
  std::int64_t block_time = 0;     ///< Unix seconds, when confirmed
};

/// One output of a transaction: what it pays to which address.
struct esplora_output {
  std::uint32_t n = 0;                ///< its index in the transaction (vout)
  std::string address;                ///< scriptpubkey_address; empty for a script without one (OP_RETURN)
  domain::atomic_amount value;        ///< satoshi
};

struct esplora_transaction {
  std::string txid;  ///< lower-case hex
  std::vector<esplora_output> outputs;
  esplora_tx_status status;
};

class esplora_client {
 public:
  /// Lazy: nothing is contacted before the first call.
  explicit esplora_client(esplora_endpoint endpoint);
  ~esplora_client();
  esplora_client(const esplora_client&) = delete;
  esplora_client& operator=(const esplora_client&) = delete;

  /// GET /blocks/tip/height: the height of the best chain's last block.
  std::uint64_t tip_height();

  /// GET /address/{address}/txs: the address's transactions, newest first: those in
  /// the mempool, then its newest confirmed ones (Esplora sends up to 50 + 25).
  std::vector<esplora_transaction> address_transactions(const std::string& address);

  /// GET /address/{address}/txs/mempool: its unconfirmed transactions only.
  std::vector<esplora_transaction> address_mempool(const std::string& address);

  /// GET /tx/{txid}/status; nullopt when the server knows no such transaction
  /// (404: never seen, or dropped from the mempool, or replaced by another
  /// spending the same coins).
  std::optional<esplora_tx_status> transaction_status(const std::string& txid);

  /// Whether the server knows the transaction, in the mempool or the chain (GET
  /// /tx/{txid}: 404 once it was dropped or replaced). Esplora answers /status
  /// of an unknown transaction as unconfirmed, so this is how a vanished one shows.
  bool transaction_known(const std::string& txid);

  const esplora_endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  struct connection;
  /// The body of a 200 answer to GET base_url + path; nullopt for a 404.
  std::optional<std::string> get(const std::string& path);

  esplora_endpoint endpoint_;
  std::unique_ptr<connection> connection_;
};

/// Parses one transaction in Esplora's JSON shape; throws esplora_error.
esplora_transaction parse_esplora_transaction(const std::string& json_text);

}  // namespace chains
