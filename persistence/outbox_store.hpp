#pragma once

// The email outbox: rows written with the decision that owes the email
// (journal_store), claimed here with a lease like the timers, settled as
// sent, failed (retried later), dead, or uncertain (its sender died mid-send).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace persistence {

class outbox_store {
 public:
  /// Opens the personal texts of claimed messages with `vault`'s keys.
  outbox_store(connection& db, std::shared_ptr<const sealing::vault> vault);

  /// Due messages, half the newest and half the oldest, leased to the
  /// caller; personal texts opened (null once the customer was erased).
  std::vector<outbox_entry> claim_outbox(int limit, std::chrono::milliseconds lease);
  /// The messages `ids` are handed to the SMTP server next. Should the caller
  /// die before mark_sent, they become 'uncertain' once their lease runs out,
  /// never sent again by themselves.
  void mark_sending(const std::vector<std::int64_t>& ids);
  /// The messages `ids` went out (one statement for a batch).
  void mark_sent(const std::vector<std::int64_t>& ids);
  /// Records a failed attempt; returns true when the message is now dead.
  bool mark_failed(std::int64_t id, const std::string& error, std::chrono::milliseconds retry_in, int max_attempts);
  /// Dead and uncertain messages (`status` tells which), newest first.
  std::vector<outbox_entry> dead_mail(int limit);
  /// A dead or uncertain message goes back to pending with fresh attempts;
  /// false if it is neither.
  bool retry_mail(std::int64_t id);

  /// One more email to each recipient (a keyed hash, never the address; one
  /// entry per email, so a recipient may repeat) in the hour of `at_ms`; returns,
  /// for each entry in order, how many emails in that hour it makes.
  std::vector<int> count_recipients(const std::vector<std::string>& recipient_keys, std::int64_t at_ms);
  /// Settles a message without sending it (over its recipient's cap).
  void mark_suppressed(std::int64_t id, const std::string& reason);
  /// Settles a message without sending it: its customer was erased.
  void mark_dropped(std::int64_t id, const std::string& reason);
  /// Drops the counts of hours that no longer matter.
  void prune_recipient_counts(std::int64_t now_ms);

 private:
  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
};

}  // namespace persistence
