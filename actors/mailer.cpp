#include "actors/mailer.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "mail/mime.hpp"
#include "mail/pacing.hpp"
#include "mail/renderer.hpp"
#include "mail/send_batch.hpp"
#include "mail/transport.hpp"
#include "actors/mail_model.hpp"
#include "persistence/connection.hpp"
#include "persistence/order_reads.hpp"
#include "persistence/outbox_store.hpp"

namespace actors {
namespace {

std::unique_ptr<mail::transport> make_transport(const config::mail_config& c) {
  if (c.smtp_url.empty()) {
    spdlog::info("mail: no mail.smtp_url; writing messages as .eml files to {}", c.drop_dir);
    return mail::make_file_drop_transport(c.drop_dir);
  }
  mail::smtp_options o;
  o.url = c.smtp_url;
  o.username = c.username;
  o.password = c.password;
  o.starttls = c.starttls;
  o.timeout = c.timeout;
  return mail::make_smtp_transport(o);
}

std::string mail_domain(const std::string& from) {
  const auto address = mail::address_of(from);
  const auto at = address.find('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

/// How many messages each sender delivers between two records of what went
/// out: one commit per group, and at most one group sent twice after a crash.
constexpr std::size_t messages_per_sender_and_group = 4;

/// The customer's personal data was erased: there is nobody to write to.
struct customer_erased {};

struct mailer_core {
  mailer_options options;
  domain::access_keys keys;
  mail::renderer renderer;
  std::unique_ptr<mail::transport> transport;
  struct session {
    session(const std::string& url, const std::shared_ptr<const sealing::vault>& vault)
        : db(url), orders(db, vault, persistence::customer_reader::mailer), outbox(db, vault) {}
    persistence::connection db;
    persistence::order_reads orders;
    persistence::outbox_store outbox;
  };
  std::unique_ptr<session> store;
  mail::pacing pacing;
  mailer_stats stats;
  std::chrono::steady_clock::time_point last_prune{};
  std::chrono::steady_clock::time_point last_held_back_note{};
  bool priority_lowered = false;

  session& db() {
    if (!store) store = std::make_unique<session>(options.database_url, options.vault);
    return *store;
  }

  std::chrono::milliseconds backoff(int failed_attempts) const {
    auto wait = options.mail.retry_after;
    for (int i = 0; i < failed_attempts && wait < options.mail.retry_max; ++i) wait *= 2;
    return std::min(wait, options.mail.retry_max);
  }

  /// What each claimed message's order and customer are, by order id.
  using subjects = std::map<std::string, persistence::order_with_customer>;

  /// The customer address `entry` goes to ("" for the shop's own address,
  /// which is never capped). Throws customer_erased, or send_error when its
  /// order is not there.
  std::string recipient_of(const persistence::outbox_entry& entry, const subjects& read) const {
    const auto found = read.find(entry.order_id);
    if (found == read.end()) throw mail::send_error("order " + entry.order_id + " not found", false);
    const auto& customer = found->second.customer;
    if (!customer || customer->erased || customer->email.empty()) throw customer_erased{};
    return entry.kind == "new_order_admin" ? std::string{} : customer->email;
  }

  /// The message rendered and encoded, for an entry recipient_of accepted.
  /// Reads only: the senders call it from their threads at once.
  mail::outgoing compose(const persistence::outbox_entry& entry, const subjects& read) const {
    const auto& subject = read.at(entry.order_id);
    const auto& customer = *subject.customer;
    const auto payload = nlohmann::json::parse(entry.payload_json, nullptr, false);
    mail_context ctx{options.shop, options.processing_time, keys.token_for(domain::order_id{entry.order_id})};
    const auto data =
        mail_data(subject.order, customer, payload.is_discarded() ? nlohmann::json::object() : payload, ctx);
    const auto content = renderer.render(entry.kind, data);
    mail::message m;
    m.message_id =
        "<outbox-" + std::to_string(entry.id) + "." + entry.order_id + "@" + mail_domain(options.mail.from) + ">";
    m.from = options.mail.from;
    m.to = {entry.kind == "new_order_admin" ? options.mail.admin_address : customer.name + " <" + customer.email + ">"};
    m.subject = content.subject;
    m.text = content.text;
    m.html = content.html;
    auto mime = mail::to_mime(m, wall_clock_now());
    return {std::move(m), std::move(mime)};
  }

  /// A claimed message that may go out, and the customer address it goes to.
  struct ready_message {
    const persistence::outbox_entry* entry;
    std::string customer_address;  ///< "" for the shop's own address, which is never capped
  };

  /// The message when it may go out, or nothing when it cannot (its customer
  /// erased, its order gone), which is then settled here.
  std::optional<ready_message> prepare(const persistence::outbox_entry& entry, const subjects& read) {
    try {
      return ready_message{&entry, recipient_of(entry, read)};
    } catch (const customer_erased&) {
      drop(entry);
    } catch (const mail::send_error& e) {
      failed(entry, e);
    }
    return std::nullopt;
  }

  /// Anyone can make the shop write to any address by checking out with it: no
  /// customer address gets more than mail.max_per_recipient_per_hour emails an
  /// hour (0: no cap). Counted per attempt, by a keyed hash of the address, for
  /// the whole batch in one statement. What is over the cap is settled as
  /// suppressed; the rest is returned.
  std::vector<ready_message> within_recipient_caps(std::vector<ready_message> batch) {
    const int cap = options.mail.max_per_recipient_per_hour;
    if (cap <= 0) return batch;
    std::vector<std::size_t> capped;  // positions in batch of the emails to customers
    std::vector<std::string> recipient_keys;
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (!batch[i].customer_address.empty()) {
        capped.push_back(i);
        recipient_keys.push_back(keys.recipient_key(batch[i].customer_address));
      }
    std::vector<int> counts;
    try {
      counts = db().outbox.count_recipients(recipient_keys, domain::to_unix_ms(wall_clock_now()));
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the batch is tried again
      spdlog::warn("mail: cannot count the recipients of {} message(s): {}", recipient_keys.size(), e.what());
      return {};
    }
    std::vector<bool> over(batch.size(), false);
    for (std::size_t k = 0; k < capped.size(); ++k) over[capped[k]] = counts[k] > cap;
    std::vector<ready_message> within;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (over[i])
        suppress(*batch[i].entry);
      else
        within.push_back(std::move(batch[i]));
    }
    return within;
  }

  void suppress(const persistence::outbox_entry& entry) {
    try {
      db().outbox.mark_suppressed(entry.id, "recipient_cap: over mail.max_per_recipient_per_hour");
      ++stats.suppressed;
      // Not the address: logs carry no personal data.
      spdlog::warn("mail: {} #{} for order {} not sent: its recipient had its emails for this hour", entry.kind,
                   entry.id, entry.order_id);
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the message is counted again
      spdlog::warn("mail: could not suppress #{}: {}", entry.id, e.what());
    }
  }

  /// A permanent refusal (5xx, no such order) will not get better: dead at once.
  void failed(const persistence::outbox_entry& entry, const mail::send_error& e) {
    fail(entry, e.what(), e.transient() ? options.mail.max_attempts : entry.attempts + 1);
  }

  void drop(const persistence::outbox_entry& entry) {
    spdlog::info("mail: {} #{} for order {} dropped: its customer was erased", entry.kind, entry.id, entry.order_id);
    try {
      db().outbox.mark_dropped(entry.id, "the customer's personal data was erased");
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out, and the next attempt drops it again
      spdlog::warn("mail: could not drop #{}: {}", entry.id, e.what());
    }
  }

  void fail(const persistence::outbox_entry& entry, const std::string& error, int max_attempts) {
    ++stats.failed;
    // Not the customer's address: logs carry no personal data.
    spdlog::warn("mail: {} #{} for order {} not delivered (attempt {}): {}", entry.kind, entry.id, entry.order_id,
                 entry.attempts + 1, error);
    try {
      if (db().outbox.mark_failed(entry.id, error, backoff(entry.attempts), max_attempts)) {
        ++stats.dead;
        spdlog::error("mail: {} #{} for order {} is dead after {} attempt(s)", entry.kind, entry.id, entry.order_id,
                      entry.attempts + 1);
      }
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the message is tried again
      spdlog::warn("mail: could not record the failure of #{}: {}", entry.id, e.what());
    }
  }

  /// One look at the outbox; true when the batch was full (look again now).
  bool run_once() {
    std::vector<persistence::outbox_entry> due;
    try {
      due = db().outbox.claim_outbox(options.mail.batch, options.mail.lease);
    } catch (const std::exception& e) {
      store.reset();
      spdlog::warn("mail: cannot read the outbox: {}", e.what());
      return false;
    }
    // One read for the whole batch, one count of its recipients, one write
    // per group of sends, marked before and recorded after: a message costs
    // no round trip of its own unless it fails or is capped. mail.senders
    // threads render and send at once, each over its own conversation and at
    // mail.niceness; the database is touched from this thread only.
    subjects read;
    try {
      read = db().orders.find_for_mail(due);
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the batch is tried again
      spdlog::warn("mail: cannot read the orders of {} message(s): {}", due.size(), e.what());
      return false;
    }
    std::vector<ready_message> ready;
    for (const auto& entry : due)
      if (auto message = prepare(entry, read)) ready.push_back(std::move(*message));
    ready = within_recipient_caps(std::move(ready));
    // A few at a time, each group marked as being sent first: a node killed
    // mid-batch leaves at most one group whose fate nobody knows, settled as
    // uncertain for the admin rather than sent twice (outbox_store).
    const std::size_t group = static_cast<std::size_t>(options.mail.senders) * messages_per_sender_and_group;
    for (std::size_t first = 0; first < ready.size(); first += group) {
      const std::size_t last = std::min(ready.size(), first + group);
      if (!mark_sending(ready, first, last)) break;
      const auto group_start = std::chrono::steady_clock::now();
      const auto writing_before = writers_time(group_start);
      const auto outcomes = mail::send_batch(
          *transport, last - first, [&](std::size_t i) { return compose(*ready[first + i].entry, read); },
          mail::sender_threads{options.mail.senders, options.mail.niceness});
      std::vector<std::int64_t> sent;
      for (std::size_t i = first; i < last; ++i) {
        if (const auto& outcome = outcomes[i - first])
          failed(*ready[i].entry, *outcome);
        else
          sent.push_back(ready[i].entry->id);
      }
      settle_sent(sent);
      hold_back_while_busy(last - first, writing_before, group_start);
    }
    prune_recipient_counts();
    return static_cast<int>(due.size()) >= options.mail.batch;
  }

  /// False when the mark could not be written: then nothing of the group is
  /// sent, and the lease brings it back.
  bool mark_sending(const std::vector<ready_message>& ready, std::size_t first, std::size_t last) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = first; i < last; ++i) ids.push_back(ready[i].entry->id);
    try {
      db().outbox.mark_sending(ids);
      return true;
    } catch (const std::exception& e) {
      store.reset();
      spdlog::warn("mail: could not mark {} message(s) as being sent: {}", ids.size(), e.what());
      return false;
    }
  }

  void settle_sent(const std::vector<std::int64_t>& sent) {
    if (sent.empty()) return;
    try {
      db().outbox.mark_sent(sent);
      stats.sent += sent.size();
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and these become uncertain: the admin decides
      spdlog::warn("mail: could not record {} message(s) as sent: {}", sent.size(), e.what());
    }
  }

  journal_load::clock::duration writers_time(journal_load::clock::time_point now) const {
    return options.checkouts_load ? options.checkouts_load->writing_until(now) : journal_load::clock::duration::zero();
  }

  /// Waits out what mail.rate_while_busy leaves of a group of `count` that
  /// went out from `group_start`, the journal's writers having spent
  /// `writing_before` on batches by then. Blocks only this actor's own thread
  /// (detached), for a group's worth of the rate at most.
  void hold_back_while_busy(std::size_t count, journal_load::clock::duration writing_before,
                            std::chrono::steady_clock::time_point group_start) {
    const auto now = std::chrono::steady_clock::now();
    const auto wait = pacing.wait_after(count, writers_time(now) - writing_before, group_start, now);
    if (wait <= std::chrono::steady_clock::duration::zero()) return;
    ++stats.groups_held_back;
    if (now - last_held_back_note >= std::chrono::minutes{1}) {
      last_held_back_note = now;
      spdlog::info(
          "mail: checkouts keep the database busy; sending at most {} messages a second until they ease "
          "(mail.rate_while_busy)",
          options.mail.rate_while_busy);
    }
    std::this_thread::sleep_for(wait);
  }

  void prune_recipient_counts() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_prune < std::chrono::minutes{1}) return;
    last_prune = now;
    try {
      db().outbox.prune_recipient_counts(domain::to_unix_ms(wall_clock_now()));
    } catch (const std::exception& e) {
      store.reset();
      spdlog::warn("mail: cannot prune the recipient counts: {}", e.what());
    }
  }
};

}  // namespace

mailer_actor::behavior_type mailer_impl(mailer_actor::pointer self, mailer_options options, domain::access_keys keys) {
  // Templates are checked here, at start: a broken template stops start-up
  // (through the supervisor), not the first customer's email.
  auto core = std::make_shared<mailer_core>(mailer_core{options,
                                                        keys,
                                                        mail::renderer{options.templates_dir},
                                                        make_transport(options.mail),
                                                        nullptr,
                                                        mail::pacing{options.mail.rate_while_busy},
                                                        {}});
  self->send(self, tick_atom::value);
  return {
      [self, core](tick_atom) {
        // The mailer's own thread reads and settles what its senders send: it
        // yields the cores to customers' requests as they do. A detached
        // actor's thread is its own, so this touches no other actor.
        if (!core->priority_lowered) {
          mail::lower_this_threads_priority(core->options.mail.niceness);
          core->priority_lowered = true;
        }
        if (core->run_once())
          self->send(self, tick_atom::value);
        else
          self->delayed_send(self, core->options.mail.poll_interval, tick_atom::value);
      },
      [core](status_atom) { return core->stats; },
  };
}

}  // namespace actors
