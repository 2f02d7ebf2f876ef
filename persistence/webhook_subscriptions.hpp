#pragma once

// Which event types some enabled webhook endpoint subscribes to, cached for
// the journal: a batch none of whose events is subscribed skips the
// webhook statement, so checkout pays nothing while no endpoint wants it.
// Refreshed from webhook_endpoints by the webhook sender every poll (so an
// endpoint registered on another node is seen within webhooks.poll_interval)
// and at once on the node that changed an endpoint. Thread-safe.

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace persistence {

class webhook_subscriptions {
 public:
  /// Until the first refresh every type counts as subscribed: the statement
  /// then decides from the table itself.
  bool wants(const std::string& event_type) const;
  /// The types enabled endpoints subscribe to ("*" for all).
  void replace(const std::vector<std::string>& types);

 private:
  mutable std::mutex mutex_;
  bool known_ = false;
  bool all_ = false;
  std::set<std::string> types_;
};

}  // namespace persistence
