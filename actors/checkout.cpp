// Checkout: price the cart from the catalog, take an order number (and, where
// the coin has an account key or a wallet's watcher, a receiving address of the
// order's own, unique to it in the database), then place
// the order through its actor with the customer's row and the idempotency
// record, all committed with the order_placed event.

#include <caf/send.hpp>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "actors/ask.hpp"
#include "actors/clock.hpp"
#include "actors/engine.hpp"
#include "actors/number_allocator.hpp"
#include "actors/service_directory.hpp"

namespace actors {
namespace {

// How long checkout waits for a wallet to make an order's subaddress before it
// falls back to the static address.
constexpr std::chrono::milliseconds address_timeout{3000};
// Subaddresses asked of a wallet for one order before checkout gives up on them.
constexpr int max_subaddress_tries = 5;

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

/// Asks the wallet for a subaddress and claims it for the order in the
/// database. A wallet rebuilt from its keys numbers subaddresses from 1 again:
/// an index another order holds is skipped (the wallet's next one is asked),
/// a few times, before checkout settles for the static address.
template <class Place, class FallBack>
void claim_subaddress(caf::actor_system& system, subaddress_maker_actor wallet, receiving_addresses_actor addresses,
                      std::string coin, std::string account, domain::order_id id, std::string number, Place place,
                      FallBack fall_back, int tries_left = max_subaddress_tries) {
  auto* sys = &system;
  ask_within(
      system, address_timeout, wallet,
      [sys, wallet, addresses, coin, account, id, number, place, fall_back,
       tries_left](persistence::reserved_address& made) mutable {
        ask_within(
            *sys, address_timeout, addresses,
            [sys, wallet, addresses, coin, account, id, number, place, fall_back,
             tries_left](persistence::claimed_address& claimed) mutable {
              if (claimed.outcome != persistence::claimed_address::taken) return place(number, claimed.address);
              if (tries_left <= 1) return fall_back(number, "every subaddress the wallet offered is another order's");
              spdlog::warn("checkout {}: the wallet offered {} subaddress {}, which another order holds; asking again",
                           number, coin, claimed.address.index);
              claim_subaddress(*sys, wallet, addresses, coin, account, id, number, place, fall_back, tries_left - 1);
            },
            [fall_back, number](const caf::error& e) mutable { fall_back(number, to_string(e)); }, claim_atom::value,
            coin, account, made.index, made.address, id);
      },
      // The wallet is down: checkout goes on without it.
      [fall_back, number](const caf::error& e) mutable { fall_back(number, to_string(e)); }, address_atom::value,
      number);
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
  // Places the order once its receiving address is known: one of its own
  // where the coin has an account key or a watcher's wallet, else the coin's
  // static address.
  auto place = [system, timeout, services, req, priced = std::move(priced.value()), method, ttl, at, fingerprint, token,
                done, fail](const std::string& number,
                            std::optional<persistence::reserved_address> own_address) mutable {
    const domain::order_number num{number};
    std::optional<std::string> address;
    std::optional<std::uint32_t> index;
    if (own_address) {
      address = std::move(own_address->address);
      index = own_address->index;
    }
    req.command = domain::place_order{req.id,
                                      num,
                                      domain::customer_ref{req.customer->ref},
                                      priced.lines,
                                      priced.subtotal,
                                      priced.shipping,
                                      priced.total,
                                      domain::make_quote(method, priced.total, num, at, ttl, address, index),
                                      fingerprint,
                                      at};
    ask_within(
        *system, timeout, services.registry,
        [done, token](order_reply& reply) {
          done(app::placed_order{std::move(reply.order), token, std::move(reply.view_json)});
        },
        fail, std::move(req));
  };
  const bool derived = settings_.derived_address_coins.count(method.code) > 0;
  auto found = services.subaddress_makers.find(method.code);
  const subaddress_maker_actor wallet =
      found == services.subaddress_makers.end() || derived ? subaddress_maker_actor{} : found->second;
  const auto account = settings_.wallet_accounts.find(method.code);
  const std::string wallet_account = account == settings_.wallet_accounts.end() ? std::string{} : account->second;
  const receiving_addresses_actor addresses = services.addresses;
  // The static address and the order's offset, which the matcher recognises by
  // amount (or memo), when no address of the order's own can be had.
  auto fall_back = [place](const std::string& number, const std::string& why) mutable {
    spdlog::warn("checkout {}: no address of its own ({}), using the static address", number, why);
    place(number, std::nullopt);
  };
  auto with_number = [system, place, fall_back, derived, wallet, wallet_account, addresses, id,
                      code = method.code](std::string number) mutable {
    if (derived && addresses) {
      // A retried checkout (same Idempotency-Key, same order id) gets its address again.
      ask_within(
          *system, address_timeout, addresses,
          [place, number](persistence::reserved_address& own) mutable { place(number, std::move(own)); },
          [fall_back, number](const caf::error& e) mutable { fall_back(number, to_string(e)); }, address_atom::value,
          code, id);
      return;
    }
    if (!wallet || !addresses) return place(number, std::nullopt);
    claim_subaddress(*system, wallet, addresses, code, wallet_account, id, number, place, fall_back);
  };
  // A number from the node's stock, on this thread; the allocator is asked
  // only to refill it, or for a number when the stock is empty.
  if (auto taken = services.numbers_in_stock ? services.numbers_in_stock->take() : std::nullopt) {
    if (taken->running_low && services.numbers) caf::anon_send(services.numbers, prefetch_atom::value);
    with_number(format_order_number(taken->number));
    return;
  }
  ask_within(system_, timeout, services.numbers, std::move(with_number), fail, next_atom::value);
}

}  // namespace actors
