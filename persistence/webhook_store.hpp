#pragma once

// Webhook endpoints and their deliveries. Deliveries are written with the
// decision that journaled their event (journal_store); here they are claimed
// with a lease (FOR UPDATE SKIP LOCKED, so several nodes share them and each
// attempt goes out once), settled as delivered or failed (tried again later
// until webhooks.give_up_after, then failed for good), listed and redelivered.
// An endpoint's secret is sealed on the way in and opened only for the sender.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace persistence {

struct webhook_endpoint_row {
  std::string id;  // a UUID, chosen by the caller (the secret is sealed for it)
  std::string url;
  std::vector<std::string> events;  // event types, or "*"
  bool include_personal_data = false;
  bool enabled = true;
  std::int64_t created_at_ms = 0;
  std::string created_by;
};

struct webhook_delivery_row {
  std::string id;  // the webhook-id header, the same for every attempt
  std::string endpoint_id;
  std::string url;
  std::string secret;  // opened for the sender only; empty in listings
  std::string order_id;
  std::int64_t event_seq = 0;
  std::string event_type;
  std::string payload_json;            // as stored: never any personal data
  bool include_personal_data = false;  // its endpoint opted in (claimed deliveries only)
  std::string state;                   // pending, delivered, failed
  int attempts = 0;                    // failed attempts so far
  int last_status = 0;
  std::string last_error;
  std::int64_t created_at_ms = 0;
};

class webhook_store {
 public:
  webhook_store(connection& db, std::shared_ptr<const sealing::vault> vault);

  /// Stores an endpoint with its secret sealed for its id.
  void add_endpoint(const webhook_endpoint_row& endpoint, const std::string& secret);
  /// Every endpoint, oldest first; never a secret.
  std::vector<webhook_endpoint_row> endpoints();
  /// Deletes an endpoint and its deliveries; false if there is none with this id.
  bool delete_endpoint(const std::string& id);
  /// The event types enabled endpoints subscribe to ("*" for all), for webhook_subscriptions.
  std::vector<std::string> subscribed_types();

  /// Due deliveries leased to the caller for `lease`, each with its endpoint's
  /// URL and opened secret; of each order's pending deliveries to an endpoint
  /// only the earliest event, so a receiver sees an order's events in order.
  /// Endpoints in `busy` (ids) are passed over: this node is sending to them.
  std::vector<webhook_delivery_row> claim_deliveries(int limit, std::chrono::milliseconds lease,
                                                     const std::vector<std::string>& busy = {});
  /// Gives back the lease of claimed deliveries this node will not send now,
  /// so that any node may claim them again at once.
  void release(const std::vector<std::string>& ids);
  /// The customer behind each of the deliveries `ids`, opened, by delivery
  /// id, for the endpoints that opted in to personal data. Read on the
  /// webhook path (migration 018): a delivery that is not pending or whose
  /// endpoint did not opt in is absent; an erased customer is `erased` with
  /// empty fields.
  std::map<std::string, customer_row> customers_of(const std::vector<std::string>& ids);
  /// The deliveries `ids` were accepted by their receivers.
  void mark_delivered(const std::vector<std::string>& ids, int status);
  /// Records a failed attempt (`status` 0 when no HTTP answer came); the next
  /// one after `retry_in`, unless that is past `give_up_after` since the first
  /// attempt (or the redelivery): then the delivery is failed. True when failed.
  bool mark_failed(const std::string& id, int status, const std::string& error, std::chrono::milliseconds retry_in,
                   std::chrono::milliseconds give_up_after);
  /// Deliveries in `state`, newest first, without secrets.
  std::vector<webhook_delivery_row> deliveries(const std::string& state, int limit);
  /// A failed delivery goes out again, under the same webhook-id, with a
  /// fresh give-up window; false if there is no failed delivery with this id.
  bool redeliver(const std::string& id);

 private:
  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
};

}  // namespace persistence
