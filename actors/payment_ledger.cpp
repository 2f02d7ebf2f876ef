#include "actors/payment_ledger.hpp"

namespace actors {

std::vector<sighted_payment> payment_ledger::to_tell(std::vector<sighted_payment> sighted, bool& held) {
  held = false;
  std::vector<sighted_payment> out;
  std::set<std::string> taken;  // a source listing one payment twice tells it once
  for (auto& seen : sighted) {
    if (!taken.insert(seen.key).second) continue;
    if (reversing_.count(seen.key) > 0) {
      held = true;
      continue;
    }
    const auto told = told_.find(seen.key);
    if (told == told_.end()) {
      out.push_back(std::move(seen));
      continue;
    }
    auto& was = told->second;
    const bool moved = was.seen.block_hash != seen.block_hash || was.seen.block != seen.block;
    if (was.settled) {
      // Mined again in another block: what was settled stays settled, watched where it is now.
      if (moved) {
        was.seen.block = seen.block;
        was.seen.block_hash = seen.block_hash;
      }
      continue;
    }
    if (!moved && was.seen.confirmations == seen.confirmations) continue;
    out.push_back(std::move(seen));
  }
  return out;
}

void payment_ledger::record(const sighted_payment& seen, told_outcome outcome,
                            const std::optional<domain::order_id>& order) {
  auto& told = told_[seen.key];
  const auto previous_order = told.order;
  told.seen = seen;
  told.settled = outcome != told_outcome::awaiting;
  switch (outcome) {
    case told_outcome::awaiting:
    case told_outcome::counted:
      told.order = order ? order : previous_order;
      told.counted = outcome == told_outcome::counted;
      break;
    case told_outcome::duplicate:
      // Counted meanwhile (another node, after a restart): for the order it
      // awaited, if it awaited one, so that leaving the chain reverses it there.
      told.order = previous_order;
      told.counted = previous_order.has_value();
      break;
    case told_outcome::exception:
      // An exception names an order only as a hint: nothing is taken back from it.
      told.order.reset();
      told.counted = false;
      break;
  }
}

std::optional<told_payment> payment_ledger::lose(const std::string& key) {
  const auto told = told_.find(key);
  if (told == told_.end()) return std::nullopt;
  told_payment gone = std::move(told->second);
  told_.erase(told);
  if (!gone.order) return std::nullopt;
  reversing_[key] = gone;
  return gone;
}

void payment_ledger::reversed(const std::string& key) { reversing_.erase(key); }

void payment_ledger::reversal_failed(const std::string& key) {
  const auto waiting = reversing_.find(key);
  if (waiting == reversing_.end()) return;
  told_.emplace(key, std::move(waiting->second));
  reversing_.erase(waiting);
}

void payment_ledger::reversal_refused(const std::string& key) { reversing_.erase(key); }

void payment_ledger::recall(const std::vector<told_payment>& told) {
  for (const auto& t : told) told_.emplace(t.seen.key, t);
}

std::size_t payment_ledger::forget(const std::function<bool(const told_payment&)>& forgettable) {
  std::size_t dropped = 0;
  for (auto it = told_.begin(); it != told_.end();) {
    if (it->second.settled && forgettable(it->second)) {
      it = told_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

}  // namespace actors
