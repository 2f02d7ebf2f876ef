#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "persistence/cluster_membership.hpp"
#include "persistence/connection.hpp"

namespace actors {

struct cluster_heartbeat_options {
  std::string node_name;
  std::int64_t started_at_ms = 0;                   // this process's start, Unix ms
  std::chrono::milliseconds interval{2000};         // between heartbeats
  std::chrono::milliseconds failover_after{10000};  // a node silent this long is not live
  std::string database_url;
};

struct cluster_heartbeat_state {
  struct session {
    explicit session(const std::string& url) : db(url), membership(db) {}
    persistence::connection db;
    persistence::cluster_membership membership;
  };
  std::unique_ptr<session> store;  // connected on first use, again after a failure
  std::string last_error;
  static inline const char* name = "cluster_heartbeat";
};

/// This node's row in cluster_nodes, refreshed every `interval`, so that the
/// other nodes list it as live; and the cluster as the database sees it, for
/// /admin/api/system. A database that does not answer costs a missed beat,
/// never the actor. Detached: every call blocks on its own connection.
cluster_heartbeat_actor::behavior_type cluster_heartbeat_impl(
    cluster_heartbeat_actor::stateful_pointer<cluster_heartbeat_state> self, cluster_heartbeat_options options);

}  // namespace actors
