#pragma once

// Builders shared by the domain tests: a price list, the coins the shop takes,
// and an order walked through decide/apply into each status, the way the order
// actor would.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/checkout.hpp"
#include "domain/order.hpp"
#include "domain/payment.hpp"

namespace domain_test {

using namespace domain;

// 2026-11-26T11:16:46.123Z
inline timestamp t0() {
  return from_unix_ms(1'795'691'806'123);
}
inline timestamp minutes_after_t0(int minutes) {
  return t0() + std::chrono::minutes{minutes};
}

inline payment_method xmr() {
  payment_method m;
  m.code = "XMR";
  m.name = "Monero";
  m.decimals = 12;
  m.quote_decimals = 6;
  m.usd_rate_e8 = 16'235'000'000;  // $162.35
  m.address = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
  m.uri_scheme = "monero";
  m.memo = true;
  m.confirmations = 10;
  return m;
}

inline payment_method btc() {
  payment_method m;
  m.code = "BTC";
  m.name = "Bitcoin";
  m.decimals = 8;
  m.quote_decimals = 8;
  m.usd_rate_e8 = 9'712'345'000'000;  // $97,123.45
  m.address = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
  m.uri_scheme = "bitcoin";
  m.confirmations = 2;
  return m;
}

inline payment_method eth() {
  payment_method m;
  m.code = "ETH";
  m.name = "Ether";
  m.decimals = 18;
  m.quote_decimals = 6;
  m.usd_rate_e8 = 345'678'000'000;  // $3,456.78
  m.address = "0x52908400098527886E0F7030069857D2E4169EE7";
  m.uri_scheme = "ethereum";
  m.confirmations = 12;
  return m;
}

inline payment_method usdc() {
  payment_method m;
  m.code = "USDC";
  m.name = "USD Coin";
  m.decimals = 6;
  m.quote_decimals = 6;
  m.usd_rate_e8 = 100'000'000;  // $1.00
  m.address = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";
  m.uri_scheme = "ethereum";
  m.token_contract = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
  m.confirmations = 12;
  return m;
}

inline std::vector<payment_method> all_methods() {
  return {xmr(), btc(), eth(), usdc()};
}

inline product make_product(const std::string& id, const std::string& name, std::int64_t price_cents, int stock) {
  return product{sku{id}, name, name + " cartridge", cents{price_cents}, "/img/" + id + ".jpg", stock};
}

inline catalog shop_catalog() {
  return catalog{{
      make_product("HP-64XL-BLK", "HP 64XL Black", 3499, 40), make_product("CANON-PG245", "Canon PG-245", 1999, 12),
      make_product("EPSON-202", "Epson 202 Cyan", 2500, 7),
      make_product("BROTHER-TN760", "Brother TN-760 Toner", 4999, 3),
      make_product("HP-FUSER", "HP Fuser Kit", 18999, 0),  // sold out
  }};
}

inline const order_id& sample_id() {
  static const order_id id{"0f8fad5b-d9cb-469f-a165-70867728950e"};
  return id;
}

/// What checkout hands the order: 2 x HP 64XL = $69.98, free shipping, paid in XMR.
inline place_order sample_place(const order_id& id = sample_id(), std::string fingerprint = "fp-1") {
  place_order c;
  c.id = id;
  c.number = order_number{"CCC-000123"};
  c.customer = customer_ref{"c5a9e3f0-4a43-4f6c-9b1e-4c1f7f0a2d11"};
  c.lines = {order_line{sku{"HP-64XL-BLK"}, "HP 64XL Black", quantity{2}, cents{3499}, cents{6998}}};
  c.subtotal = cents{6998};
  c.shipping = cents{0};
  c.total = cents{6998};
  c.quote = make_quote(xmr(), c.total, c.number, t0(), std::chrono::hours{1});
  c.checkout_fingerprint = std::move(fingerprint);
  c.at = t0();
  return c;
}

/// The event that placing `c` records.
inline order_placed placed_event(const place_order& c) {
  return order_placed{
      c.id, c.number, c.customer, c.lines, c.subtotal, c.shipping, c.total, c.quote, c.checkout_fingerprint, c.at};
}

/// The exact quote of sample_place: $69.98 is 0.431045 XMR, plus the offset of
/// order 123 on XMR's static address (123 mod 62 slots = 61 steps of 0.000001).
inline atomic_amount sample_quote_amount() {
  return atomic_amount{431'106'000'000ULL};
}

inline ship_order sample_ship(std::string carrier = "UPS", timestamp at = minutes_after_t0(300)) {
  return ship_order{std::move(carrier), "1Z999AA10123456784", "2026-12-01", at};
}

/// decide, then apply what it decided; a test failure (not a crash) when the
/// command is refused, so that a broken builder names the step.
inline order run(order state, const order_command& command) {
  auto decided = decide(state, command);
  if (!decided) {
    ADD_FAILURE() << "command refused: " << to_string(decided.error().code) << " " << decided.error().field << ": "
                  << decided.error().detail;
    return state;
  }
  for (const auto& e : decided.value()) state = domain::apply(std::move(state), e);
  return state;
}

/// Every event of a decision, applied.
inline order apply_all(order o, const result<std::vector<order_event>>& decided) {
  EXPECT_TRUE(decided) << (decided ? "" : decided.error().detail);
  if (decided)
    for (const auto& e : decided.value()) o = domain::apply(std::move(o), e);
  return o;
}

/// A payment a chain watcher saw to the order's own address.
inline record_payment watched(std::string txid, atomic_amount amount, int confirmations, timestamp at) {
  record_payment c;
  c.txid = std::move(txid);
  c.amount = amount;
  c.confirmations = confirmations;
  c.source = payment_source::watcher;
  c.basis = match_basis::address;
  c.received_at = at;
  c.at = at;
  return c;
}

/// An order that exists and is in `status`, reached through the normal path.
inline order order_in(order_status status) {
  order o = run(order{}, sample_place());
  if (status == order_status::pending) return o;
  if (status == order_status::cancelled) return run(o, cancel_order{"", actor_role::customer, minutes_after_t0(5)});
  o = run(o, verify_payment{"tx-abc", sample_quote_amount(), minutes_after_t0(20)});
  if (status == order_status::paid) return o;
  o = run(o, start_processing{minutes_after_t0(60)});
  if (status == order_status::processing) return o;
  o = run(o, sample_ship());
  if (status == order_status::shipped) return o;
  return run(o, mark_delivered{minutes_after_t0(3 * 24 * 60)});
}

inline const std::vector<order_status>& all_statuses() {
  static const std::vector<order_status> s{order_status::pending, order_status::paid,      order_status::processing,
                                           order_status::shipped, order_status::delivered, order_status::cancelled};
  return s;
}

}  // namespace domain_test
