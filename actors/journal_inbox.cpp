#include "actors/journal_inbox.hpp"

#include <algorithm>
#include <utility>

namespace actors {

journal_inbox::journal_inbox(std::size_t max_batch, std::size_t writers, clock::duration stuck_after)
    : max_batch_(std::max<std::size_t>(max_batch, 1)),
      stuck_after_(stuck_after),
      writers_(std::max<std::size_t>(writers, 1)) {}

bool journal_inbox::another_writer_active(std::size_t except, clock::time_point now) const {
  for (std::size_t w = 0; w < writers_.size(); ++w)
    if (w != except && writers_[w].busy && now - writers_[w].busy_since < stuck_after_) return true;
  return false;
}

bool journal_inbox::waits_for_the_batch_in_flight(std::size_t writer, clock::time_point now) const {
  // What arrives while a batch is in flight waits for the next one: one batch
  // carrying all that waits costs the database far less per append than two
  // splitting it. A full batch waiting, or a writer stuck, starts another.
  return another_writer_active(writer, now) && waiting_.size() < max_batch_;
}

std::optional<std::size_t> journal_inbox::wake_locked(clock::time_point now) {
  if (waiting_.empty()) return std::nullopt;
  const auto idle = std::find_if(writers_.begin(), writers_.end(), [](const writer_state& w) { return !w.busy; });
  if (idle == writers_.end()) return std::nullopt;
  const auto index = static_cast<std::size_t>(idle - writers_.begin());
  if (waits_for_the_batch_in_flight(index, now)) return std::nullopt;
  idle->busy = true;
  idle->busy_since = now;
  return index;
}

std::optional<std::size_t> journal_inbox::put(ticket t, persistence::append_item item, clock::time_point now) {
  std::lock_guard lock{mutex_};
  waiting_.push_back({t, std::move(item)});
  return wake_locked(now);
}

std::optional<std::size_t> journal_inbox::writer_to_wake(clock::time_point now) {
  std::lock_guard lock{mutex_};
  return wake_locked(now);
}

std::optional<journal_inbox::batch> journal_inbox::take(std::size_t writer, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto& self = writers_.at(writer);
  if (closed_ || waiting_.empty() || waits_for_the_batch_in_flight(writer, now)) {
    self.busy = false;
    return std::nullopt;
  }
  self.busy = true;
  self.busy_since = now;
  const std::size_t n = std::min(max_batch_, waiting_.size());
  batch out;
  out.tickets.reserve(n);
  out.items.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.tickets.push_back(waiting_.front().t);
    out.items.push_back(std::move(waiting_.front().item));
    waiting_.pop_front();
  }
  ++counts_.batches;
  counts_.appends += n;
  counts_.largest_batch = std::max(counts_.largest_batch, n);
  return out;
}

bool journal_inbox::withdraw(ticket t) {
  std::lock_guard lock{mutex_};
  const auto found = std::lower_bound(waiting_.begin(), waiting_.end(), t,
                                      [](const waiting_append& w, ticket wanted) { return w.t < wanted; });
  if (found == waiting_.end() || found->t != t) return false;
  waiting_.erase(found);
  return true;
}

void journal_inbox::close() {
  std::lock_guard lock{mutex_};
  closed_ = true;
  waiting_.clear();
}

journal_inbox::counts journal_inbox::totals() const {
  std::lock_guard lock{mutex_};
  auto c = counts_;
  c.waiting = waiting_.size();
  return c;
}

}  // namespace actors
