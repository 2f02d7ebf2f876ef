#include "persistence/webhook_subscriptions.hpp"

namespace persistence {

bool webhook_subscriptions::wants(const std::string& event_type) const {
  std::lock_guard<std::mutex> lock{mutex_};
  return !known_ || all_ || types_.count(event_type) > 0;
}

void webhook_subscriptions::replace(const std::vector<std::string>& types) {
  std::lock_guard<std::mutex> lock{mutex_};
  known_ = true;
  all_ = false;
  types_.clear();
  for (const auto& t : types) {
    if (t == "*") all_ = true;
    types_.insert(t);
  }
}

}  // namespace persistence
