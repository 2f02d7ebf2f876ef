#include "actors/payment_matcher.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "domain/overloaded.hpp"

namespace actors {
namespace {

using domain::atomic_amount;
using disposition = payment_disposition;

caf::error refusal(domain::error_code code, std::string detail, std::string field = {}) {
  return to_caf_error(domain::make_error(code, std::move(detail), std::move(field)));
}

caf::error unavailable(const std::exception& e) {
  spdlog::warn("payment matcher: {}", e.what());
  return refusal(domain::error_code::unavailable, "the database is unavailable");
}

persistence::payment_store& connected(payment_matcher_state& state, const std::string& url) {
  if (!state.store) state.store = std::make_unique<payment_matcher_state::session>(url);
  return state.store->payments;
}

domain::matching_policy policy_for(const payment_matcher_options& options, const std::string& coin) {
  auto it = options.policies.find(coin);
  return it == options.policies.end() ? domain::matching_policy{} : it->second;
}

/// The largest outstanding amount that `amount` still pays within the
/// tolerance: outstanding - tolerance <= amount, with tolerance taken from the
/// outstanding amount (exact for an order with nothing paid yet).
atomic_amount max_outstanding_paid_by(atomic_amount amount, int tolerance_bp) {
  using rep = atomic_amount::rep;
  const rep bp = static_cast<rep>(std::clamp(tolerance_bp, 0, 9'999));
  return atomic_amount{amount.value() / (10'000 - bp) * 10'000 +
                       amount.value() % (10'000 - bp) * 10'000 / (10'000 - bp) + 1};
}

domain::candidate_order to_candidate(const persistence::payment_candidate_row& row) {
  domain::candidate_order c;
  c.id = domain::order_id{row.id};
  c.number = domain::order_number{row.number};
  c.status = domain::parse_status(row.status).value_or(domain::order_status::cancelled);
  c.receiving_address = row.payment_address;
  c.address_is_per_order = !row.payment_address.empty();
  c.quoted = atomic_amount::parse(row.quote_atomic).value_or(atomic_amount{});
  const auto outstanding = atomic_amount::parse(row.outstanding_atomic).value_or(atomic_amount{});
  c.received =
      c.status == domain::order_status::pending && outstanding < c.quoted ? c.quoted - outstanding : atomic_amount{};
  c.quoted_at = domain::from_unix_ms(row.quoted_at_ms);
  c.expires_at = domain::from_unix_ms(row.expires_at_ms);
  if (!row.claimed_txid.empty()) c.claimed_tx_ids.push_back(row.claimed_txid);
  return c;
}

domain::candidate_order to_candidate(const domain::order& o) {
  domain::candidate_order c;
  c.id = o.id;
  c.number = o.number;
  c.status = o.status;
  c.receiving_address = o.quote.address;
  c.address_is_per_order = o.quote.address_is_per_order;
  c.quoted = o.quote.amount;
  c.received = o.received;
  c.quoted_at = o.quoted_at;
  c.expires_at = o.quote.expires_at;
  c.claimed_tx_ids = o.claimed_tx_ids;
  return c;
}

domain::record_payment to_command(const domain::incoming_payment& p, domain::match_basis basis, int tolerance_bp,
                                  domain::timestamp now) {
  domain::record_payment c;
  c.txid = p.txid;
  c.amount = p.amount;
  c.confirmations = p.confirmations;
  c.source = p.source;
  c.basis = basis;
  c.tolerance_bp = tolerance_bp;
  c.accept_late = basis == domain::match_basis::assigned;
  c.received_at = std::min(p.received_at, now);
  c.at = now;
  return c;
}

persistence::exception_row to_exception(const domain::incoming_payment& p, domain::exception_reason reason,
                                        const std::optional<domain::order_id>& order, domain::timestamp now) {
  persistence::exception_row x;
  x.coin = p.coin;
  x.txid = p.txid;
  x.amount_atomic = p.amount.to_string();
  x.received_at_ms = domain::to_unix_ms(std::min(p.received_at, now));
  x.memo = p.memo.value_or("");
  x.reason = domain::to_string(reason);
  x.source = domain::to_string(p.source);
  if (order) x.order_id = order->value();
  x.created_at_ms = domain::to_unix_ms(now);
  return x;
}

/// An order that refused the payment the matcher tied to it (it changed since
/// the read model was read): the payment is an exception all the same.
domain::exception_reason reason_for_refusal(const domain::domain_error& e, domain::order_status seen) {
  if (e.code == domain::error_code::quote_expired) return domain::exception_reason::quote_expired;
  if (seen == domain::order_status::cancelled) return domain::exception_reason::order_cancelled;
  return domain::exception_reason::order_not_pending;
}

/// One batch on its way: the dispositions so far, the exceptions to list, and
/// how many orders have yet to answer.
struct batch_progress {
  std::vector<domain::incoming_payment> payments;
  std::vector<disposition> out;
  std::vector<std::pair<std::size_t, persistence::exception_row>> exceptions;
  std::size_t waiting = 0;
  caf::typed_response_promise<std::vector<disposition>> promise;
};

}  // namespace

payment_matcher_actor::behavior_type payment_matcher_impl(
    payment_matcher_actor::stateful_pointer<payment_matcher_state> self, payment_matcher_options options,
    order_registry_actor registry) {
  const auto timeout = options.ask_timeout;

  // Lists the batch's exceptions in one transaction and answers.
  // Lists the exceptions gathered so far in one transaction.
  auto record_exceptions = [self, options](batch_progress& batch) {
    if (batch.exceptions.empty()) return;
    std::vector<persistence::exception_row> rows;
    for (const auto& [index, row] : batch.exceptions) rows.push_back(row);
    try {
      const auto ids = connected(self->state, options.database_url).record_exceptions(rows);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        auto& d = batch.out[batch.exceptions[k].first];
        d.exception_id = ids[k];
        if (ids[k] == 0) d.kind = disposition::duplicate;  // counted meanwhile, by another node
      }
    } catch (const std::exception& e) {
      self->state.store.reset();
      for (const auto& [index, row] : batch.exceptions) batch.out[index].kind = disposition::failed;
      spdlog::warn("payment matcher: exceptions not recorded, the payments will be matched again: {}", e.what());
    }
    batch.exceptions.clear();
  };

  // Lists what is left (orders that refused) and answers.
  auto finish = [self, record_exceptions](std::shared_ptr<batch_progress> batch) {
    auto& stats = self->state.stats;
    record_exceptions(*batch);
    for (const auto& d : batch->out) {
      ++stats.payments;
      if (d.kind == disposition::matched) ++stats.matched;
      if (d.kind == disposition::awaiting) ++stats.awaiting;
      if (d.kind == disposition::exception) ++stats.exceptions;
      if (d.kind == disposition::duplicate) ++stats.duplicates;
    }
    batch->promise.deliver(std::move(batch->out));
  };

  return {
      [self, options, registry, timeout, finish, record_exceptions](
          match_atom, std::vector<domain::incoming_payment> payments) -> caf::result<std::vector<disposition>> {
        const auto now = wall_clock_now();
        for (auto& p : payments) p.txid = domain::normalize_txid(p.txid);
        std::set<persistence::payment_key> counted;
        std::vector<std::vector<domain::candidate_order>> candidates(payments.size());
        try {
          auto& store = connected(self->state, options.database_url);
          std::vector<persistence::payment_key> keys;
          for (const auto& p : payments) keys.push_back({p.coin, p.txid});
          for (auto& k : store.counted_payments(keys)) counted.insert(std::move(k));
          // Candidates only for payments not counted before: a re-imported file
          // costs one query per chunk.
          std::vector<persistence::payment_lookup> lookups;
          std::vector<std::size_t> looked_up;  // lookups[k] is for payments[looked_up[k]]
          for (std::size_t i = 0; i < payments.size(); ++i) {
            const auto& p = payments[i];
            if (counted.count({p.coin, p.txid}) > 0) continue;
            looked_up.push_back(i);
            const auto policy = policy_for(options, p.coin);
            persistence::payment_lookup l;
            l.coin = p.coin;
            l.txid = p.txid;
            l.amount_atomic = p.amount.to_string();
            l.max_amount_atomic = max_outstanding_paid_by(p.amount, policy.tolerance_bp).to_string();
            l.address = p.to_address.value_or("");
            if (p.memo) l.memo = std::string{*p.memo};
            l.received_at_ms = domain::to_unix_ms(std::min(p.received_at, now));
            lookups.push_back(std::move(l));
          }
          for (const auto& row : store.payment_candidates(lookups)) {
            auto& list = candidates.at(looked_up.at(row.lookup));
            auto same = std::find_if(list.begin(), list.end(),
                                     [&](const domain::candidate_order& c) { return c.id.value() == row.id; });
            if (same == list.end())
              list.push_back(to_candidate(row));
            else if (!row.claimed_txid.empty())
              same->claimed_tx_ids.push_back(row.claimed_txid);
          }
        } catch (const std::exception& e) {
          self->state.store.reset();
          return unavailable(e);
        }

        auto batch = std::make_shared<batch_progress>();
        batch->out.resize(payments.size());
        batch->promise = self->make_response_promise<std::vector<disposition>>();
        // Earlier payments of this batch count towards the orders they matched.
        std::map<std::string, atomic_amount::rep> received_in_batch;
        std::vector<std::pair<std::size_t, domain::record_payment>> commands;
        std::vector<domain::order_id> command_orders;
        std::vector<domain::order_status> command_seen_status;
        for (std::size_t i = 0; i < payments.size(); ++i) {
          const auto& p = payments[i];
          const persistence::payment_key key{p.coin, p.txid};
          auto& cands = candidates[i];
          for (auto& c : cands)
            if (auto it = received_in_batch.find(c.id.value()); it != received_in_batch.end())
              c.received = atomic_amount{c.received.value() + it->second};
          const auto policy = policy_for(options, p.coin);
          const auto result = domain::match_payment(p, counted.count(key) > 0, cands, policy, now);
          auto& d = batch->out[i];
          auto status_of = [&](const domain::order_id& id) {
            for (const auto& c : cands)
              if (c.id == id) return c.status;
            return domain::order_status::pending;
          };
          std::visit(domain::overloaded{
                         [&](const domain::duplicate_payment&) { d.kind = disposition::duplicate; },
                         [&](const domain::awaiting_confirmations& a) {
                           d.kind = disposition::awaiting;
                           d.order = a.order;
                           if (a.order) {
                             commands.emplace_back(
                                 i, to_command(p, domain::match_basis::address, policy.tolerance_bp, now));
                             command_orders.push_back(*a.order);
                             command_seen_status.push_back(status_of(*a.order));
                           }
                         },
                         [&](const domain::payment_matched& m) {
                           d.kind = disposition::matched;
                           d.order = m.order;
                           d.reason = domain::to_string(m.outcome);
                           counted.insert(key);
                           received_in_batch[m.order.value()] += p.amount.value();
                           commands.emplace_back(i, to_command(p, m.basis, policy.tolerance_bp, now));
                           command_orders.push_back(m.order);
                           command_seen_status.push_back(status_of(m.order));
                         },
                         [&](const domain::payment_exception& x) {
                           d.kind = disposition::exception;
                           d.order = x.order;
                           d.reason = domain::to_string(x.reason);
                           counted.insert(key);
                           batch->exceptions.emplace_back(i, to_exception(p, x.reason, x.order, now));
                         },
                     },
                     result);
        }
        batch->payments = std::move(payments);
        batch->waiting = commands.size();
        if (commands.empty()) {
          finish(batch);
          return batch->promise;
        }
        for (std::size_t k = 0; k < commands.size(); ++k) {
          const std::size_t index = commands[k].first;
          const auto seen_status = command_seen_status[k];
          order_request req{command_orders[k], std::move(commands[k].second), std::nullopt, std::nullopt};
          auto settle = [batch, finish]() {
            if (--batch->waiting == 0) finish(batch);
          };
          self->request(registry, timeout, std::move(req))
              .await([settle](order_reply&) { settle(); },
                     [batch, index, seen_status, settle, now](caf::error& err) {
                       auto& d = batch->out[index];
                       const auto e = to_domain_error(err);
                       if (e.code == domain::error_code::unavailable || d.kind == disposition::awaiting) {
                         // Not recorded: the payment is seen again and matched then.
                         if (d.kind == disposition::matched) d.kind = disposition::failed;
                       } else {
                         const auto reason = reason_for_refusal(e, seen_status);
                         d.kind = disposition::exception;
                         d.reason = domain::to_string(reason);
                         batch->exceptions.emplace_back(index,
                                                        to_exception(batch->payments[index], reason, d.order, now));
                       }
                       settle();
                     });
        }
        // The exceptions found by matching are listed while the orders journal their
        // payments: two transactions on two connections, side by side.
        record_exceptions(*batch);
        return batch->promise;
      },
      [self, options, registry, timeout](verify_atom, domain::order_id id,
                                         domain::verify_payment command) -> caf::result<order_reply> {
        auto promise = self->make_response_promise<order_reply>();
        command.tolerance_bp = options.tolerance_bp;
        self->request(registry, timeout, get_atom::value, id)
            .await(
                [self, options, registry, timeout, promise, id, command](order_reply& current) mutable {
                  const std::string txid = domain::normalize_txid(command.tx_id);
                  if (!txid.empty() && !current.order.has_payment(txid, true)) {
                    try {
                      auto& store = connected(self->state, options.database_url);
                      if (!store.counted_payments({{current.order.quote.method, txid}}).empty()) {
                        promise.deliver(refusal(domain::error_code::duplicate_payment,
                                                "transaction " + txid +
                                                    " was counted already, for another order or as a payment "
                                                    "exception (see /admin/api/payments/exceptions)",
                                                "tx_id"));
                        return;
                      }
                    } catch (const std::exception& e) {
                      self->state.store.reset();
                      promise.deliver(unavailable(e));
                      return;
                    }
                  }
                  order_request req{id, command, std::nullopt, std::nullopt};
                  self->request(registry, timeout, std::move(req))
                      .await([promise](order_reply& r) mutable { promise.deliver(std::move(r)); },
                             [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
                },
                [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
        return promise;
      },
      [self, options, registry, timeout](assign_atom, std::int64_t exception_id, domain::order_id order,
                                         std::string by) -> caf::result<persistence::exception_row> {
        std::optional<persistence::exception_row> found;
        try {
          found = connected(self->state, options.database_url).find_exception(exception_id);
        } catch (const std::exception& e) {
          self->state.store.reset();
          return unavailable(e);
        }
        if (!found) return refusal(domain::error_code::not_found, "no such payment exception");
        const persistence::exception_row x = *found;
        if (x.status != "open")
          return refusal(domain::error_code::invalid_transition, "this payment exception is " + x.status + " already");
        if (x.reason == domain::to_string(domain::exception_reason::underpaid_expired))
          return refusal(domain::error_code::invalid_transition,
                         "this part payment is counted for its order already: verify the rest as a payment of the "
                         "order, or dismiss this once it is settled with the customer");
        auto promise = self->make_response_promise<persistence::exception_row>();
        self->request(registry, timeout, get_atom::value, order)
            .await(
                [self, options, registry, timeout, promise, x, order, by](order_reply& current) mutable {
                  const auto& o = current.order;
                  if (o.quote.method != x.coin) {
                    promise.deliver(refusal(
                        domain::error_code::validation,
                        "order " + o.number.value() + " is paid in " + o.quote.method + ", the payment is " + x.coin,
                        "order_id"));
                    return;
                  }
                  const auto now = wall_clock_now();
                  domain::incoming_payment p;
                  p.coin = x.coin;
                  p.txid = x.txid;
                  p.amount = atomic_amount::parse(x.amount_atomic).value_or(atomic_amount{});
                  p.received_at = domain::from_unix_ms(x.received_at_ms);
                  p.confirmations = o.quote.confirmations_required;
                  if (!x.memo.empty()) p.memo = x.memo;
                  p.source = domain::parse_payment_source(x.source).value_or(domain::payment_source::admin);
                  p.assigned_order = order;
                  auto policy = policy_for(options, x.coin);
                  policy.confirmations_required = o.quote.confirmations_required;
                  const auto result = domain::match_payment(p, false, {to_candidate(o)}, policy, now);
                  const auto* matched = std::get_if<domain::payment_matched>(&result);
                  if (!matched) {
                    const auto* why = std::get_if<domain::payment_exception>(&result);
                    promise.deliver(refusal(domain::error_code::invalid_transition,
                                            "order " + o.number.value() + " cannot take this payment: " +
                                                (why ? domain::to_string(why->reason) : "not confirmed")));
                    return;
                  }
                  order_request req{order, to_command(p, matched->basis, policy.tolerance_bp, now), std::nullopt,
                                    std::nullopt};
                  const std::string number = o.number.value();
                  self->request(registry, timeout, std::move(req))
                      .await(
                          [self, options, promise, x, order, by, number](order_reply&) mutable {
                            try {
                              auto& store = connected(self->state, options.database_url);
                              store.close_exception(x.id, "resolved", order.value(), "assigned to " + number, by,
                                                    domain::to_unix_ms(wall_clock_now()));
                              promise.deliver(*store.find_exception(x.id));
                            } catch (const std::exception& e) {
                              self->state.store.reset();
                              promise.deliver(unavailable(e));
                            }
                          },
                          [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
                },
                [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
        return promise;
      },
      [self, options](dismiss_atom, std::int64_t exception_id, std::string reason,
                      std::string by) -> caf::result<persistence::exception_row> {
        try {
          auto& store = connected(self->state, options.database_url);
          const bool closed =
              store.close_exception(exception_id, "dismissed", "", reason, by, domain::to_unix_ms(wall_clock_now()));
          auto row = store.find_exception(exception_id);
          if (!row) return refusal(domain::error_code::not_found, "no such payment exception");
          if (!closed)
            return refusal(domain::error_code::invalid_transition,
                           "this payment exception is " + row->status + " already");
          return *row;
        } catch (const std::exception& e) {
          self->state.store.reset();
          return unavailable(e);
        }
      },
      [self, options](list_atom, const std::string& status) -> caf::result<std::vector<persistence::exception_row>> {
        try {
          return connected(self->state, options.database_url).list_exceptions(status, 500);
        } catch (const std::exception& e) {
          self->state.store.reset();
          return unavailable(e);
        }
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
