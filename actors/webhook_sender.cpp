#include "actors/webhook_sender.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "actors/clock.hpp"
#include "domain/order_json.hpp"
#include "domain/webhook.hpp"
#include "net/webhook_post.hpp"
#include "persistence/connection.hpp"
#include "persistence/webhook_store.hpp"

namespace actors {
namespace {

/// A few threads of the sender's own that run the work handed to them, in
/// turn. The destructor lets each finish what it is running, drops what has
/// not started and joins them.
class sender_threads {
 public:
  explicit sender_threads(int count) {
    for (int i = 0; i < std::max(count, 1); ++i) threads_.emplace_back([this] { run(); });
  }
  ~sender_threads() {
    {
      std::lock_guard<std::mutex> lock{mutex_};
      stopping_ = true;
      work_.clear();
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  sender_threads(const sender_threads&) = delete;
  sender_threads& operator=(const sender_threads&) = delete;

  void post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock{mutex_};
      work_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock{mutex_};
        ready_.wait(lock, [this] { return stopping_ || !work_.empty(); });
        if (stopping_) return;
        job = std::move(work_.front());
        work_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> work_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// One delivery as a sender thread sends it: the claimed row (secret
/// included) and the body, which for an endpoint that opted in carries the
/// customer's personal data, in memory only.
struct outgoing {
  persistence::webhook_delivery_row delivery;
  std::string body;
};

/// One attempt; the error is "" when the receiver took it (2xx). Runs on a
/// sender thread: pure but for the POST.
net::webhook_answer attempt(const config::webhooks_config& settings, const outgoing& o) {
  const auto& d = o.delivery;
  const bool allow_private = settings.allow_private_targets;
  // Checked again on every attempt: the setting may have changed since the
  // endpoint was registered.
  const auto target = domain::check_webhook_target(d.url, allow_private);
  if (!target) return {0, target.error().detail};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(wall_clock_now().time_since_epoch()).count();
  const auto signature = domain::webhook_signature(d.secret, d.id, now, o.body);
  if (!signature) return {0, "the endpoint's secret cannot be opened with this shop's keys"};
  net::webhook_request request;
  request.url = d.url;
  request.body = o.body;
  request.timeout = settings.timeout;
  request.headers = {{"content-type", "application/json"},
                     {"webhook-id", d.id},
                     {"webhook-timestamp", std::to_string(now)},
                     {"webhook-signature", *signature}};
  if (!allow_private)
    request.may_connect = [](const std::string& address) { return !domain::is_private_address(address); };
  return net::post_webhook(request);
}

/// A sender thread's work: one endpoint's deliveries, one after the other
/// (each of another order), each outcome sent back to be recorded as soon as
/// its POST ends.
void send_group(const config::webhooks_config& settings, const std::vector<outgoing>& group,
                const webhook_sender_actor& sender, const std::atomic<bool>& stopping) {
  for (std::size_t i = 0; i < group.size(); ++i) {
    // Shutting down: the rest stay leased until the lease runs out, then any
    // node sends them.
    if (stopping.load()) return;
    const auto answer = attempt(settings, group[i]);
    webhook_attempt outcome;
    outcome.delivery = group[i].delivery;
    outcome.delivery.secret.clear();  // the secret stays on this thread
    outcome.status = answer.status;
    outcome.error = answer.error;
    outcome.last_of_group = i + 1 == group.size();
    caf::anon_send(sender, std::move(outcome));
  }
}

std::optional<domain::webhook_customer> customer_facts(const persistence::customer_row& row) {
  domain::webhook_customer out;
  if (row.erased) {
    out.erased = true;
    return out;
  }
  out.name = row.name;
  out.email = row.email;
  out.shipping = domain::parse_shipping_json(row.shipping_json);
  return out;
}

struct sender_core {
  explicit sender_core(webhook_sender_options o) : options(std::move(o)), pool(options.webhooks.senders) {}
  // The sender threads finish the POST they are in (at most webhooks.timeout)
  // and start no other; `pool`, declared last, is joined first.
  ~sender_core() { stopping->store(true); }
  sender_core(const sender_core&) = delete;
  sender_core& operator=(const sender_core&) = delete;

  webhook_sender_options options;
  struct session {
    session(const std::string& url, const std::shared_ptr<const sealing::vault>& vault) : db(url), hooks(db, vault) {}
    persistence::connection db;
    persistence::webhook_store hooks;
  };
  std::unique_ptr<session> store;
  webhook_sender_stats stats;
  std::set<std::string> in_flight;  // endpoints a sender thread is working for
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
  sender_threads pool;

  session& db() {
    if (!store) store = std::make_unique<session>(options.database_url, options.vault);
    return *store;
  }

  // Long enough for a sender thread to go through a whole batch to one
  // endpoint whose every attempt runs into the timeout.
  std::chrono::milliseconds lease() const {
    return options.webhooks.timeout * (options.webhooks.batch + 1) + std::chrono::seconds{30};
  }

  /// Records an attempt, after its POST.
  void settle(const webhook_attempt& a) {
    const auto& d = a.delivery;
    try {
      if (a.error.empty()) {
        db().hooks.mark_delivered({d.id}, a.status);
        ++stats.delivered;
        return;
      }
      const auto wait =
          domain::webhook_backoff(d.attempts + 1, options.webhooks.retry_after, options.webhooks.retry_max);
      spdlog::warn("webhooks: {} of order {} to endpoint {} not delivered (attempt {}): {}", d.event_type, d.order_id,
                   d.endpoint_id, d.attempts + 1, a.error);
      if (db().hooks.mark_failed(d.id, a.status, a.error, wait, options.webhooks.give_up_after)) {
        ++stats.given_up;
        spdlog::error("webhooks: delivery {} to endpoint {} failed after {} attempt(s)", d.id, d.endpoint_id,
                      d.attempts + 1);
      } else {
        ++stats.retried;
      }
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the delivery is tried again, under the same webhook-id
      spdlog::warn("webhooks: could not record delivery {}: {}", d.id, e.what());
    }
  }

  /// The bodies of `due`: as stored, and with the customer's personal data
  /// for the endpoints that opted in, read and opened now. Throws when the
  /// database does not answer.
  std::vector<outgoing> bodies_of(std::vector<persistence::webhook_delivery_row> due) {
    std::vector<std::string> opted_in;
    for (const auto& d : due)
      if (d.include_personal_data) opted_in.push_back(d.id);
    const auto customers = db().hooks.customers_of(opted_in);
    std::vector<outgoing> out;
    for (auto& d : due) {
      outgoing o;
      if (d.include_personal_data) {
        const auto found = customers.find(d.id);
        auto payload = nlohmann::json::parse(d.payload_json);
        o.body = domain::with_personal_data(std::move(payload),
                                            found == customers.end() ? std::nullopt : customer_facts(found->second))
                     .dump();
      } else {
        o.body = d.payload_json;
      }
      o.delivery = std::move(d);
      out.push_back(std::move(o));
    }
    return out;
  }

  /// Claims what is due for endpoints no sender thread is working for, and
  /// hands each endpoint's deliveries to a free thread; what finds no free
  /// thread is given back. True when a full batch went out to threads (look
  /// again at once).
  bool dispatch(const webhook_sender_actor& self) {
    const auto senders = static_cast<std::size_t>(std::max(options.webhooks.senders, 1));
    if (in_flight.size() >= senders) return false;
    const auto free = senders - in_flight.size();
    std::vector<persistence::webhook_delivery_row> due;
    std::vector<outgoing> ready;
    std::vector<std::string> released;
    try {
      due = db().hooks.claim_deliveries(options.webhooks.batch, lease(), {in_flight.begin(), in_flight.end()});
      // By endpoint, in the order claimed (the longest due first).
      std::vector<std::string> endpoints;
      std::vector<persistence::webhook_delivery_row> kept;
      for (auto& d : due) {
        if (std::find(endpoints.begin(), endpoints.end(), d.endpoint_id) == endpoints.end())
          endpoints.push_back(d.endpoint_id);
        const auto rank =
            static_cast<std::size_t>(std::find(endpoints.begin(), endpoints.end(), d.endpoint_id) - endpoints.begin());
        if (rank < free)
          kept.push_back(d);
        else
          released.push_back(d.id);
      }
      db().hooks.release(released);
      ready = bodies_of(std::move(kept));
    } catch (const std::exception& e) {
      store.reset();  // what was claimed waits for its lease to run out
      spdlog::warn("webhooks: cannot read the deliveries: {}", e.what());
      return false;
    }
    std::map<std::string, std::vector<outgoing>> groups;
    for (auto& o : ready) groups[o.delivery.endpoint_id].push_back(std::move(o));
    for (auto& [endpoint, group] : groups) {
      in_flight.insert(endpoint);
      pool.post([settings = options.webhooks, group = std::move(group), self, stopping = stopping] {
        send_group(settings, group, self, *stopping);
      });
    }
    return released.empty() && static_cast<int>(due.size()) >= options.webhooks.batch;
  }

  /// A look at the deliveries, and the endpoints other nodes added.
  bool run_once(const webhook_sender_actor& self) {
    try {
      options.subscriptions->replace(db().hooks.subscribed_types());
    } catch (const std::exception& e) {
      store.reset();
      spdlog::warn("webhooks: cannot read the endpoints: {}", e.what());
      return false;
    }
    return dispatch(self);
  }
};

}  // namespace

webhook_sender_actor::behavior_type webhook_sender_impl(webhook_sender_actor::pointer self,
                                                        webhook_sender_options options) {
  auto core = std::make_shared<sender_core>(std::move(options));
  self->send(self, tick_atom::value);
  auto handle = caf::actor_cast<webhook_sender_actor>(self);
  return {
      [self, core, handle](tick_atom) {
        if (core->run_once(handle))
          self->send(self, tick_atom::value);
        else
          self->delayed_send(self, core->options.webhooks.poll_interval, tick_atom::value);
      },
      [core, handle](webhook_attempt& outcome) {
        core->settle(outcome);
        if (!outcome.last_of_group) return;
        // The endpoint is free: its orders' next events (freed by the
        // deliveries just recorded) and whatever else is due go out now.
        core->in_flight.erase(outcome.delivery.endpoint_id);
        core->dispatch(handle);
      },
      [core](status_atom) {
        auto stats = core->stats;
        stats.in_flight = core->in_flight.size();
        return stats;
      },
  };
}

}  // namespace actors
