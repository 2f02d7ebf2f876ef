#pragma once

// The current handles of the supervised services. The supervisor replaces a
// service's handle when it restarts it; the application face reads the
// handles per request, so a restarted service is reached at once.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/number_stock.hpp"

namespace actors {

struct services {
  supervisor_actor supervisor;
  store_actor store;
  journal_actor journal;
  number_allocator_actor numbers;
  std::shared_ptr<number_stock> numbers_in_stock;  // kept filled by `numbers`, taken from without asking it
  order_registry_actor registry;
  payment_matcher_actor matcher;
  timer_scheduler_actor timers;
  mailer_actor mailer;
  retention_actor retention;  // null while another node holds the retention lease
  cluster_heartbeat_actor cluster;
  std::map<std::string, singleton_guard_actor> singleton_guards;  // by singleton name
  admin_access_actor admin_access;                                // sessions, keys, the audit log
  admin_access_actor admin_sign_in;                               // sign-ins only: a slow hash each
  receiving_addresses_actor addresses;                  // per-order receiving addresses, unique in the database
  webhook_sender_actor webhook_sender;                  // delivers due webhooks
  webhook_admin_actor webhook_admin;                    // the owner's endpoints and the delivery lists
  std::map<std::string, chain_watcher_actor> watchers;  // by coin code; only those whose lease this node holds
  std::map<std::string, subaddress_maker_actor> subaddress_makers;  // by coin code; on every node
};

class service_directory {
 public:
  services get() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return current_;
  }
  template <class F>
  void update(F f) {
    std::lock_guard<std::mutex> lock{mutex_};
    f(current_);
  }

 private:
  mutable std::mutex mutex_;
  services current_;
};

}  // namespace actors
