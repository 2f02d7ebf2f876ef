#pragma once

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/deadline_ticks.hpp"
#include "actors/interfaces.hpp"
#include "actors/journal_inbox.hpp"
#include "actors/journal_load.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "sealing/vault.hpp"

namespace actors {

struct journal_options {
  std::size_t max_batch = 256;
  // Batches in flight at most, each on its own writer connection. A second
  // one starts only while a full batch (max_batch) waits behind the first, or
  // the first has been in flight past ask_timeout (journal_inbox).
  std::size_t writers = 2;
  // Every append is answered within this, stored or not (a timeout then).
  std::chrono::milliseconds ask_timeout{5000};
  // Appends waiting at most; one more is refused at once (`unavailable`)
  // rather than queued behind a database that cannot keep up.
  std::size_t max_queue = 20000;
  // Which event types webhook endpoints subscribe to; null: every batch asks the table.
  std::shared_ptr<const persistence::webhook_subscriptions> webhooks;
  // Where the writers add up their time on batches, for the mailer to yield
  // to checkouts by (mail/pacing.hpp); null: not measured.
  std::shared_ptr<journal_load> load;
};

/// How often the journal looks for appends held past their deadline while it
/// holds any: an append a stuck writer holds is answered up to this much late.
constexpr std::chrono::milliseconds journal_deadline_tick{50};

struct journal_state {
  using append_promise = caf::typed_response_promise<persistence::append_outcome>;
  /// An append not answered yet. The journal keeps its deadline itself,
  /// checked by a tick (deadline_ticks), rather than give a request a CAF
  /// timeout, which would also deliver a stale timeout to the journal later.
  struct awaiting {
    append_promise promise;
    std::chrono::steady_clock::time_point deadline;
  };
  // What waits for a writer, shared with the writers' threads.
  std::shared_ptr<journal_inbox> inbox;
  std::vector<journal_writer_actor> writers;
  // Every append taken and not yet answered, by ticket: in arrival order, so
  // in deadline order too.
  std::map<journal_inbox::ticket, awaiting> unanswered;
  journal_inbox::ticket next_ticket = 0;
  deadline_ticks ticks;
  std::uint64_t conflicts = 0;
  std::uint64_t refused = 0;
  static inline const char* name = "journal";

  journal_state() = default;
  journal_state(const journal_state&) = delete;
  journal_state& operator=(const journal_state&) = delete;
  /// Answers every append still waiting or in a writer's hands with
  /// `unavailable`, whatever stopped the journal: order actors wait on it
  /// without a timeout of their own (in CAF 0.17 a request that awaits its
  /// reply lets no other message in, not even an exit), so an append left
  /// unanswered would hold its order actor for ever. Whether an append in a
  /// writer's hands committed is not known; the order actor reloads before its
  /// next command.
  ~journal_state();
};

/// Group commit: appends that arrive while a batch is being committed wait in
/// the inbox and all go out together in the next one, which the writer takes
/// itself as its call returns, so throughput grows with load instead of paying
/// one commit per order. Spawns `options.writers` detached writers linked to
/// itself.
journal_actor::behavior_type journal_impl(journal_actor::stateful_pointer<journal_state> self, journal_options options,
                                          std::string database_url, std::shared_ptr<const sealing::vault> vault);

/// A detached actor owning one database connection: woken by the journal, it
/// writes batches from the inbox until none is for it, and sends each batch's
/// outcomes to `journal`; adds its time on each batch to `load` (if any).
journal_writer_actor::behavior_type journal_writer_impl(
    journal_writer_actor::pointer self, std::string database_url, std::shared_ptr<const sealing::vault> vault,
    std::shared_ptr<const persistence::webhook_subscriptions> webhooks, std::shared_ptr<journal_inbox> inbox,
    std::shared_ptr<journal_load> load, std::size_t index, journal_actor journal);

}  // namespace actors
