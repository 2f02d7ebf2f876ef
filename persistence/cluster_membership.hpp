#pragma once

// The nodes sharing this database: each one's heartbeat, and what the other
// nodes see of the cluster (who is live, who holds which singleton).
// Liveness is judged on the database's clock, so the nodes' clocks need not agree.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/connection.hpp"

namespace persistence {

struct cluster_node_row {
  std::string name;
  std::int64_t started_at_ms = 0;
  std::int64_t last_seen_ms = 0;
};

struct singleton_holder_row {
  std::string singleton;
  std::string node_name;
  std::int64_t acquired_at_ms = 0;
  bool node_live = false;  // the holder's heartbeat is recent: it still runs it
};

class cluster_membership {
 public:
  explicit cluster_membership(connection& db);

  /// This node is up: its row's last_seen is now (the database's now).
  void heartbeat(const std::string& node_name, std::int64_t started_at_ms);

  /// Nodes seen within `within`, by name.
  std::vector<cluster_node_row> live_nodes(std::chrono::milliseconds within);

  /// Every singleton's last holder, by singleton; `node_live` as live_nodes judges it.
  std::vector<singleton_holder_row> singleton_holders(std::chrono::milliseconds within);

 private:
  connection& db_;
};

}  // namespace persistence
