// Checkout: price the cart from the catalog, take an order number (and, where
// a chain watcher runs, a receiving address of the order's own), then place
// the order through its actor with the customer's row and the idempotency
// record, all committed with the order_placed event.

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "actors/ask.hpp"
#include "actors/clock.hpp"
#include "actors/engine.hpp"
#include "actors/service_directory.hpp"

namespace actors {
namespace {

// How long checkout waits for a wallet to make an order's subaddress before it
// falls back to the static address.
constexpr std::chrono::milliseconds address_timeout{3000};

std::string random_uuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness available");
  return domain::format_uuid(bytes, 4);
}

persistence::customer_row customer_row_of(const domain::checkout_input& input, domain::timestamp at) {
  const auto& s = input.shipping;
  return persistence::customer_row{random_uuid(), input.customer.name, input.customer.email,
                                   nlohmann::json{{"line1", s.line1},
                                                  {"line2", s.line2},
                                                  {"city", s.city},
                                                  {"region", s.region},
                                                  {"postal_code", s.postal_code},
                                                  {"country", s.country}}
                                       .dump(),
                                   domain::to_unix_ms(at)};
}

}  // namespace

void engine::place_order(app::checkout_request request, app::callback<app::placed_order> done) {
  auto priced = domain::price_checkout(*settings_.catalog, settings_.methods, settings_.shipping, request.input);
  if (!priced) {
    done(priced.error());
    return;
  }
  const auto at = wall_clock_now();
  const bool keyed = !request.idempotency_key.empty();
  const domain::order_id id =
      keyed ? settings_.keys.order_for_idempotency_key(request.idempotency_key) : domain::order_id{random_uuid()};
  order_request req;
  req.id = id;
  req.customer = customer_row_of(request.input, at);
  const auto fingerprint = settings_.keys.fingerprint(request.canonical_request);
  if (keyed)
    req.idempotency =
        persistence::idempotency_row{request.idempotency_key, fingerprint, id.value(), domain::to_unix_ms(at)};
  const domain::payment_method method = *priced->method;
  const auto ttl = settings_.quote_ttl;
  const auto timeout = settings_.ask_timeout;
  const auto services = services_->get();
  auto token = settings_.keys.token_for(id);
  auto* system = &system_;
  auto fail = [done](const caf::error& e) { done(failure<app::placed_order>(e)); };
  // Places the order once its receiving address is known: a subaddress of its
  // own where a watcher runs, else the coin's static address.
  auto place = [system, timeout, services, req, priced = std::move(priced.value()), method, ttl, at, fingerprint, token,
                done, fail](const std::string& number, std::optional<std::string> own_address) mutable {
    const domain::order_number num{number};
    req.command = domain::place_order{req.id,
                                      num,
                                      domain::customer_ref{req.customer->ref},
                                      priced.lines,
                                      priced.subtotal,
                                      priced.shipping,
                                      priced.total,
                                      domain::make_quote(method, priced.total, num, at, ttl, std::move(own_address)),
                                      fingerprint,
                                      at};
    ask_within(
        *system, timeout, services.registry,
        [done, token](order_reply& reply) {
          done(app::placed_order{std::move(reply.order), token});
        },
        fail, std::move(req));
  };
  auto found = services.watchers.find(method.code);
  const chain_watcher_actor watcher = found == services.watchers.end() ? chain_watcher_actor{} : found->second;
  ask_within(
      system_, timeout, services.numbers,
      [system, place, watcher](std::string& number) mutable {
        if (!watcher) return place(number, std::nullopt);
        // A retried checkout (same Idempotency-Key) gets its existing order and
        // leaves this subaddress unused: harmless, and simpler than asking first.
        ask_within(
            *system, address_timeout, watcher,
            [place, number](std::string& address) mutable { place(number, std::move(address)); },
            [place, number](const caf::error& e) mutable {
              // The wallet is down: checkout goes on with the static address and the
              // order's offset, which the matcher recognises by amount (or memo).
              spdlog::warn("checkout {}: no subaddress ({}), using the static address", number, to_string(e));
              place(number, std::nullopt);
            },
            address_atom::value, number);
      },
      fail, next_atom::value);
}

}  // namespace actors
