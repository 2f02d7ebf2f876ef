#pragma once

// Which node runs a per-shop singleton (the retention run, a chain watcher):
// the one whose connection holds the singleton's session advisory lock.
// PostgreSQL frees a session lock the moment its connection ends, so a node
// that dies (kill -9, a lost network) frees its singletons without waiting
// for any lease to run out, and the next node to ask wins.
//
// The lease owns a connection of its own: the lock lives exactly as long as
// that session, which nothing else may use or reconnect behind its back.
// NOT thread-safe: one detached actor asks it.

#include <memory>
#include <string>

#include "persistence/connection.hpp"

namespace persistence {

class singleton_lease {
 public:
  /// Connects lazily: a database that is down at start-up is just a lease not held.
  singleton_lease(std::string url, std::string singleton, std::string node_name);

  /// Takes the lock if no session holds it; on winning, records this node as
  /// the holder (cluster_singletons) for the other nodes to show. True when
  /// this session holds it now. Connection trouble is "not held", with the
  /// reason in last_error().
  bool try_acquire();

  /// True while this session still holds the lock. On any doubt (the
  /// connection broke, the check failed) the connection is closed, so the
  /// lock is surely free for another node, and the answer is false.
  bool still_held();

  /// Unlocks and closes the session: the lock goes at once to whichever node
  /// asks next.
  void release();

  const std::string& last_error() const { return last_error_; }

 private:
  void drop(const std::exception& why);

  std::string url_;
  std::string singleton_;
  std::string node_name_;
  std::unique_ptr<connection> db_;
  std::string last_error_;
};

}  // namespace persistence
