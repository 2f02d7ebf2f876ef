// Every JSON body the API reads, and what the engine does next with it: the
// input is parsed like http/route_support.cpp parse_body (an empty body is
// null), then handed to each request DTO of http/dto.hpp. An accepted
// checkout is priced from a catalog; an accepted command is decided on an
// order in each status, its events applied, stored the way the journal stores
// them and read back. An object's string members also serve as a query string
// for the query DTOs.
//
// Nothing is caught: dto.hpp promises that JSON of the wrong shape is a
// validation error, not an exception, and neither the order actor nor the
// journal catches what decide, apply or encode_event throw.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/checkout.hpp"
#include "domain/order.hpp"
#include "domain/order_json.hpp"
#include "domain/payment.hpp"
#include "http/dto.hpp"

namespace {

using nlohmann::json;
using namespace domain;

// 2026-11-26T11:16:46.123Z, the time every command carries here.
const timestamp t0 = from_unix_ms(1'795'691'806'123);

payment_method xmr() {
  payment_method m;
  m.code = "XMR";
  m.name = "Monero";
  m.decimals = 12;
  m.quote_decimals = 6;
  m.usd_rate_e8 = 16'235'000'000;
  m.address = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
  m.uri_scheme = "monero";
  m.memo = true;
  m.confirmations = 10;
  return m;
}

payment_method btc() {
  payment_method m;
  m.code = "BTC";
  m.name = "Bitcoin";
  m.decimals = 8;
  m.quote_decimals = 8;
  m.usd_rate_e8 = 9'712'345'000'000;
  m.address = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
  m.uri_scheme = "bitcoin";
  m.confirmations = 2;
  return m;
}

product item(const char* id, const char* name, std::int64_t price, int stock) {
  return product{sku{id}, name, std::string(name) + " cartridge", cents{price}, "/img/x.jpg", stock};
}

/// decide then apply; the fixture's own steps must be accepted.
order run(order state, const order_command& command) {
  auto decided = decide(state, command);
  if (!decided) std::abort();
  for (const auto& e : decided.value()) state = apply(std::move(state), e);
  return state;
}

struct fixture {
  fixture() {
    place_order c;
    c.id = order_id{"0f8fad5b-d9cb-469f-a165-70867728950e"};
    c.number = order_number{"CCC-000123"};
    c.customer = customer_ref{"c5a9e3f0-4a43-4f6c-9b1e-4c1f7f0a2d11"};
    c.lines = {order_line{sku{"HP-64XL-BLK"}, "HP 64XL Black", quantity{2}, cents{3499}, cents{6998}}};
    c.subtotal = cents{6998};
    c.shipping = cents{0};
    c.total = cents{6998};
    c.quote = make_quote(methods[0], c.total, c.number, t0, std::chrono::hours{1});
    c.checkout_fingerprint = "fp-1";
    c.at = t0;
    const order pending = run(order{}, c);
    const order cancelled = run(pending, cancel_order{"", actor_role::customer, t0});
    const order paid = run(pending, verify_payment{"tx-abc", c.quote.amount, t0});
    const order processing = run(paid, start_processing{t0});
    const order shipped = run(processing, ship_order{"UPS", "1Z999AA10123456784", "2026-12-01", t0});
    const order delivered = run(shipped, mark_delivered{t0});
    orders = {pending, cancelled, paid, processing, shipped, delivered};
  }

  const catalog products{{item("HP-64XL-BLK", "HP 64XL Black", 3499, 40), item("CANON-PG245", "Canon PG-245", 1999, 12),
                          item("HP-FUSER", "HP Fuser Kit", 18999, 0)}};
  const std::vector<payment_method> methods{xmr(), btc()};
  std::vector<order> orders;
};

const fixture& the_fixture() {
  static const fixture f;
  return f;
}

/// What the order actor and the journal do with an accepted command.
void execute(order_command command) {
  std::visit([](auto& c) { c.at = t0; }, command);
  for (const order& before : the_fixture().orders) {
    auto decided = decide(before, command);
    if (!decided) continue;
    order after = before;
    for (const auto& e : decided.value()) {
      after = apply(std::move(after), e);
      const std::string stored = encode_event(e).dump();
      // An event the journal cannot read back would make the order unloadable;
      // one PostgreSQL's jsonb refuses (a NUL) would fail its whole batch.
      if (!decode_event(event_type(e), json::parse(stored))) std::abort();
      if (stored.find("\\u0000") != std::string::npos) std::abort();
    }
    (void)customer_view(after).dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& f = the_fixture();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const json body = text.empty() ? json(nullptr) : json::parse(text, nullptr, false);
  if (body.is_discarded()) return 0;  // 400 malformed_json

  if (auto input = http::dto::checkout(body)) {
    (void)body.dump();  // the canonical request, for the retry fingerprint
    const auto& in = input.value();
    if (price_checkout(f.products, f.methods, shipping_policy{}, in)) {
      // The customer row goes to PostgreSQL text columns, in the batch of the order.
      for (const std::string* text :
           {&in.customer.name, &in.customer.email, &in.shipping.line1, &in.shipping.line2, &in.shipping.city,
            &in.shipping.region, &in.shipping.postal_code, &in.shipping.country})
        if (text->find('\0') != std::string::npos) std::abort();
    }
  }
  if (auto command = http::dto::admin_command(body)) {
    (void)body.value("type", "");  // the audit line
    execute(std::move(command.value()));
  }
  for (auto parse : {http::dto::customer_cancel, http::dto::payment_claim, http::dto::review, http::dto::requote}) {
    if (auto command = parse(body)) execute(std::move(command.value()));
  }
  (void)http::dto::analytics_event(body);
  (void)http::dto::exception_assignment(body);
  (void)http::dto::exception_dismissal(body);

  if (body.is_object()) {
    http::dto::query_params query;
    for (const auto& [key, value] : body.items()) {
      if (!value.is_string()) continue;
      query.emplace(key, value.get<std::string>());
      (void)http::dto::idempotency_key(value.get<std::string>());
    }
    (void)http::dto::order_filter(query);
    (void)http::dto::exception_status(query);
    (void)http::dto::kpi_range(query, from_unix_ms(1'795'651'200'000));  // 2026-11-26T00:00:00Z
  }
  return 0;
}
