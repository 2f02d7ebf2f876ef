#include "actors/store_pool.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "actors/errors.hpp"
#include "persistence/analytics_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/journal_store.hpp"
#include "persistence/order_reads.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/privacy_store.hpp"
#include "persistence/shared_state.hpp"
#include "persistence/timer_store.hpp"

namespace actors {
namespace {

caf::error unavailable(const std::exception& e) {
  spdlog::warn("store: {}", e.what());
  return to_caf_error(domain::make_error(domain::error_code::unavailable, "the database is unavailable"));
}

/// One connection and the repositories a reader serves from it. Its customer
/// reads are the back office's (the order list, search and view); an order's
/// recovery reads its own customer's key on its own path (load_events).
struct reader_session {
  reader_session(const std::string& url, std::shared_ptr<const sealing::vault> vault)
      : db(url), journal(db, vault), orders(db, vault, persistence::customer_reader::admin), outbox(db, vault) {}
  persistence::connection db;
  persistence::journal_store journal;
  persistence::order_reads orders;
  persistence::outbox_store outbox;
  persistence::shared_state shared{db};
  persistence::timer_store timers{db};
  persistence::privacy_store privacy{db};
  persistence::analytics_store analytics{db};
};

using router_ptr = store_actor::stateful_pointer<store_router_state>;
using events = std::vector<persistence::stored_event>;

// How long the router waits for a reader's batch before failing its loads
// (each asker's own timeout is shorter; this only frees the batch's slot).
constexpr std::chrono::seconds load_batch_timeout{30};

/// Sends waiting loads to the readers, one batch per reader at most.
void dispatch_loads(router_ptr self) {
  auto& st = self->state;
  const auto slots = std::max<std::size_t>(st.readers.size(), 1);
  while (!st.waiting_loads.empty() && st.loads_in_flight < slots) {
    const auto n = std::min(st.waiting_loads.size(), max_load_batch);
    auto batch = std::make_shared<std::vector<store_router_state::waiting_load>>(
        std::make_move_iterator(st.waiting_loads.begin()), std::make_move_iterator(st.waiting_loads.begin() + n));
    st.waiting_loads.erase(st.waiting_loads.begin(), st.waiting_loads.begin() + n);
    std::vector<domain::order_id> ids;
    ids.reserve(n);
    for (const auto& load : *batch) ids.push_back(load.id);
    ++st.loads_in_flight;
    const auto reader = st.readers[st.next++ % st.readers.size()];
    self->request(reader, load_batch_timeout, load_atom::value, std::move(ids))
        .then(
            [self, batch](std::vector<events>& lists) {
              --self->state.loads_in_flight;
              for (std::size_t i = 0; i < batch->size(); ++i)
                (*batch)[i].promise.deliver(i < lists.size() ? std::move(lists[i]) : events{});
              dispatch_loads(self);
            },
            [self, batch](caf::error& err) {
              --self->state.loads_in_flight;
              for (auto& load : *batch) load.promise.deliver(err);
              dispatch_loads(self);
            });
  }
}

}  // namespace

store_actor::behavior_type store_reader_impl(store_actor::pointer self, std::string url,
                                             std::shared_ptr<const sealing::vault> vault) {
  auto store = std::make_shared<std::unique_ptr<reader_session>>();
  // Runs `f` on a connected store; on failure drops the connection so the
  // next call reconnects, and answers `unavailable`.
  auto with_store = [store, url, vault](auto f) -> decltype(f(std::declval<reader_session&>())) {
    try {
      if (!*store) *store = std::make_unique<reader_session>(url, vault);
      return f(**store);
    } catch (const persistence::invalid_cursor& e) {
      return to_caf_error(domain::make_error(domain::error_code::validation, e.what(), "cursor"));
    } catch (const std::exception& e) {
      store->reset();
      return unavailable(e);
    }
  };
  return {
      [with_store](load_atom, const domain::order_id& id) -> caf::result<events> {
        return with_store([&](reader_session& s) -> caf::result<events> { return s.journal.load_events(id.value()); });
      },
      [with_store](load_atom, const std::vector<domain::order_id>& ids) -> caf::result<std::vector<events>> {
        return with_store([&](reader_session& s) -> caf::result<std::vector<events>> {
          std::vector<std::string> order_ids;
          order_ids.reserve(ids.size());
          for (const auto& id : ids) order_ids.push_back(id.value());
          return s.journal.load_events_of(order_ids);
        });
      },
      [with_store](list_atom, const persistence::order_filter& filter) -> caf::result<persistence::order_page> {
        return with_store(
            [&](reader_session& s) -> caf::result<persistence::order_page> { return s.orders.list_orders(filter); });
      },
      [with_store](refunds_atom, const std::vector<std::string>& states,
                   const persistence::order_filter& page) -> caf::result<persistence::order_page> {
        return with_store([&](reader_session& s) -> caf::result<persistence::order_page> {
          return s.orders.list_refunds(states, page);
        });
      },
      [with_store](customer_atom, const std::string& ref) -> caf::result<std::optional<persistence::customer_row>> {
        return with_store([&](reader_session& s) -> caf::result<std::optional<persistence::customer_row>> {
          return s.orders.find_customer(ref);
        });
      },
      [with_store](owner_atom, const std::string& ref) -> caf::result<std::string> {
        return with_store([&](reader_session& s) -> caf::result<std::string> {
          return s.privacy.order_of_customer(ref).value_or("");
        });
      },
      [with_store](erasures_atom, int limit) -> caf::result<std::vector<persistence::erasure_request_row>> {
        return with_store([&](reader_session& s) -> caf::result<std::vector<persistence::erasure_request_row>> {
          return s.privacy.erasure_requests(limit);
        });
      },
      [with_store](retention_atom, std::int64_t before, std::int64_t after_ms, const std::string& after_id,
                   int limit) -> caf::result<std::vector<persistence::retention_candidate>> {
        return with_store([&](reader_session& s) -> caf::result<std::vector<persistence::retention_candidate>> {
          return s.privacy.orders_past_retention(before, after_ms, after_id, limit);
        });
      },
      [with_store](fold_atom, std::int64_t before) -> caf::result<std::int64_t> {
        return with_store(
            [&](reader_session& s) -> caf::result<std::int64_t> { return s.privacy.fold_analytics_before(before); });
      },
      [with_store](block_atom) -> caf::result<std::int64_t> {
        return with_store(
            [&](reader_session& s) -> caf::result<std::int64_t> { return s.shared.next_order_number_block(); });
      },
      [with_store](claim_atom, int limit, std::int64_t lease_ms) -> caf::result<std::vector<persistence::due_timer>> {
        return with_store([&](reader_session& s) -> caf::result<std::vector<persistence::due_timer>> {
          return s.timers.claim_due_timers(limit, std::chrono::milliseconds{lease_ms});
        });
      },
      [with_store](release_atom, const std::vector<persistence::due_timer>& timers) -> caf::result<bool> {
        return with_store([&](reader_session& s) -> caf::result<bool> {
          s.timers.release_timers(timers);
          return true;
        });
      },
      [with_store](dead_atom, int limit) -> caf::result<std::vector<persistence::outbox_entry>> {
        return with_store([&](reader_session& s) -> caf::result<std::vector<persistence::outbox_entry>> {
          return s.outbox.dead_mail(limit);
        });
      },
      [with_store](retry_atom, std::int64_t id) -> caf::result<bool> {
        return with_store([&](reader_session& s) -> caf::result<bool> { return s.outbox.retry_mail(id); });
      },
      [with_store](event_atom, const std::string& type, std::int64_t at_ms) -> caf::result<bool> {
        return with_store([&](reader_session& s) -> caf::result<bool> {
          s.analytics.count_event(type, at_ms);
          return true;
        });
      },
      [with_store](kpi_atom, std::int64_t from_ms, std::int64_t to_ms) -> caf::result<persistence::kpi_inputs> {
        return with_store([&](reader_session& s) -> caf::result<persistence::kpi_inputs> {
          return s.analytics.kpi_inputs_between(from_ms, to_ms);
        });
      },
      [with_store](metrics_atom) -> caf::result<persistence::metrics_snapshot> {
        return with_store(
            [&](reader_session& s) -> caf::result<persistence::metrics_snapshot> { return s.analytics.metrics(); });
      },
      [store, url, vault](ping_atom) -> caf::result<bool> {
        try {
          if (!*store) *store = std::make_unique<reader_session>(url, vault);
          if ((*store)->db.ping()) return true;
        } catch (const std::exception&) {
        }
        store->reset();
        return false;
      },
  };
}

store_actor::behavior_type store_router_impl(store_actor::stateful_pointer<store_router_state> self,
                                             std::string database_url, std::shared_ptr<const sealing::vault> vault,
                                             std::size_t readers) {
  for (std::size_t i = 0; i < std::max<std::size_t>(readers, 1); ++i)
    self->state.readers.push_back(self->spawn<caf::detached + caf::linked>(store_reader_impl, database_url, vault));
  auto pick = [self]() -> store_actor {
    auto& st = self->state;
    return st.readers[st.next++ % st.readers.size()];
  };
  return {
      [self](load_atom, domain::order_id& id) -> caf::result<events> {
        auto promise = self->make_response_promise<events>();
        self->state.waiting_loads.push_back({std::move(id), promise});
        dispatch_loads(self);
        return promise;
      },
      [self, pick](load_atom a, std::vector<domain::order_id>& ids) {
        return self->delegate(pick(), a, std::move(ids));
      },
      [self, pick](list_atom a, persistence::order_filter& f) { return self->delegate(pick(), a, std::move(f)); },
      [self, pick](refunds_atom a, std::vector<std::string>& states, persistence::order_filter& f) {
        return self->delegate(pick(), a, std::move(states), std::move(f));
      },
      [self, pick](customer_atom a, std::string& ref) { return self->delegate(pick(), a, std::move(ref)); },
      [self, pick](owner_atom a, std::string& ref) { return self->delegate(pick(), a, std::move(ref)); },
      [self, pick](erasures_atom a, int limit) { return self->delegate(pick(), a, limit); },
      [self, pick](retention_atom a, std::int64_t before, std::int64_t after_ms, std::string& after_id, int limit) {
        return self->delegate(pick(), a, before, after_ms, std::move(after_id), limit);
      },
      [self, pick](fold_atom a, std::int64_t before) { return self->delegate(pick(), a, before); },
      [self, pick](block_atom a) { return self->delegate(pick(), a); },
      [self, pick](claim_atom a, int limit, std::int64_t lease) { return self->delegate(pick(), a, limit, lease); },
      [self, pick](release_atom a, std::vector<persistence::due_timer>& t) {
        return self->delegate(pick(), a, std::move(t));
      },
      [self, pick](dead_atom a, int limit) { return self->delegate(pick(), a, limit); },
      [self, pick](retry_atom a, std::int64_t id) { return self->delegate(pick(), a, id); },
      [self, pick](event_atom a, std::string& type, std::int64_t at) {
        return self->delegate(pick(), a, std::move(type), at);
      },
      [self, pick](kpi_atom a, std::int64_t from, std::int64_t to) { return self->delegate(pick(), a, from, to); },
      [self, pick](metrics_atom a) { return self->delegate(pick(), a); },
      [self, pick](ping_atom a) { return self->delegate(pick(), a); },
  };
}

}  // namespace actors
