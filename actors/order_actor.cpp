#include "actors/order_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.hpp"
#include "actors/order_records.hpp"

namespace actors {
namespace {

using self_ptr = order_actor::stateful_pointer<order_state>;
using promise = caf::typed_response_promise<order_reply>;

// A conflict means another writer (another node) appended first. Reloading
// and deciding again converges unless the order is being hammered from
// several nodes at once; then the client gets a retryable 409.
constexpr int max_conflict_retries = 5;

struct context {
  domain::order_id id;
  order_actor_options options;
  journal_actor journal;
  store_actor store;
};

/// Loads the order's events and continues with `then`; other messages wait
/// (await) so that no command is decided on a stale state.
template <class F>
void reload(self_ptr self, const std::shared_ptr<const context>& ctx, promise rp, F then) {
  self->request(ctx->store, ctx->options.ask_timeout, load_atom::value, ctx->id)
      .await(
          [self, rp, then](std::vector<persistence::stored_event>& events) mutable {
            try {
              self->state.order = recover(events);
            } catch (const std::exception& e) {
              // A journal we cannot read is a bug or corruption: this order
              // stops (the registry counts the crash and the next request
              // tries again from its events) rather than decide on a guess.
              spdlog::error("{}", e.what());
              rp.deliver(to_caf_error(
                  domain::make_error(domain::error_code::internal, "the order's history could not be read")));
              self->quit(caf::sec::runtime_error);
              return;
            }
            self->state.in_sync = true;
            then();
          },
          [self, rp](caf::error& err) mutable {
            // Whatever the state held is not known to be current any more.
            self->state.in_sync = false;
            rp.deliver(to_caf_error(
                domain::make_error(domain::error_code::unavailable, "the order could not be loaded; please retry")));
          });
}

void decide_and_append(self_ptr self, std::shared_ptr<const context> ctx, order_request req, promise rp, int attempt) {
  auto& current = self->state.order;
  auto decision = domain::decide(current, req.command);
  if (!decision) {
    rp.deliver(to_caf_error(decision.error()));
    return;
  }
  if (decision->empty()) {  // nothing changes: an idempotent retry
    rp.deliver(order_reply{current, {}});  // nothing stored: no view at hand
    return;
  }
  domain::order next = current;
  for (const auto& e : *decision) next = domain::apply(std::move(next), e);
  auto item = make_append_item(current, *decision, next, domain::event_time(decision->front()), ctx->options.timers,
                               ctx->options.webhooks.get());
  // Side rows only ever go with the order's first event.
  if (current.version == 0) {
    item.customer = req.customer;
    item.idempotency = req.idempotency;
  }
  auto view = item.read_model.view_json;  // the reply's, before the journal seals its copy
  // No CAF timeout: in CAF 0.17 a reply does not cancel one, so each would
  // wake the clock thread twice and later deliver a stale timeout to this
  // actor. The journal always answers: an append not written within its
  // ask_timeout is answered with a timeout, and whatever stops the journal
  // answers every append it holds (journal_state).
  self->request(ctx->journal, caf::infinite, append_atom::value, std::move(item))
      .await(
          [self, ctx, req, rp, attempt, next, view = std::move(view)](persistence::append_outcome outcome) mutable {
            if (outcome == persistence::append_outcome::committed) {
              // Stored: only now does the actor's state move and the caller hear of it.
              self->state.order = std::move(next);
              rp.deliver(order_reply{self->state.order, std::move(view)});
              return;
            }
            if (attempt >= max_conflict_retries) {
              self->state.in_sync = false;
              rp.deliver(to_caf_error(domain::make_error(domain::error_code::conflict,
                                                         "the order was changed concurrently; please retry")));
              return;
            }
            reload(self, ctx, rp, [self, ctx, req, rp, attempt]() mutable {
              decide_and_append(self, ctx, std::move(req), rp, attempt + 1);
            });
          },
          [self, rp](caf::error& err) mutable {
            // The batch may or may not have committed: resync before the next command.
            self->state.in_sync = false;
            spdlog::warn("order {}: journal append failed: {}", self->state.order.id.value(), to_string(err));
            rp.deliver(to_caf_error(
                domain::make_error(domain::error_code::unavailable, "the order could not be saved; please retry")));
          });
}

void handle(self_ptr self, std::shared_ptr<const context> ctx, order_request req, promise rp, int attempt) {
  if (self->state.in_sync) {
    decide_and_append(self, std::move(ctx), std::move(req), rp, attempt);
    return;
  }
  reload(self, ctx, rp,
         [self, ctx, req, rp, attempt]() mutable { decide_and_append(self, ctx, std::move(req), rp, attempt); });
}

}  // namespace

order_actor::behavior_type order_actor_impl(self_ptr self, domain::order_id id, order_actor_options options,
                                            journal_actor journal, store_actor store) {
  auto ctx = std::make_shared<const context>(context{id, options, std::move(journal), std::move(store)});
  self->state.order.id = id;
  self->state.in_sync = options.assume_new;
  return {
      [self, ctx](order_request& req) -> caf::result<order_reply> {
        auto rp = self->make_response_promise<order_reply>();
        handle(self, ctx, std::move(req), rp, 0);
        return rp;
      },
      [self, ctx](get_atom) -> caf::result<order_reply> {
        auto rp = self->make_response_promise<order_reply>();
        auto reply = [self, rp]() mutable {
          if (!self->state.order.exists())
            rp.deliver(to_caf_error(domain::make_error(domain::error_code::not_found, "no such order")));
          else
            rp.deliver(order_reply{self->state.order, {}});
        };
        if (self->state.in_sync)
          reply();
        else
          reload(self, ctx, rp, reply);
        return rp;
      },
      [self](passivate_atom) { self->quit(); },
  };
}

}  // namespace actors
