#include "actors/order_records.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "domain/kpi.hpp"
#include "domain/order_json.hpp"
#include "domain/webhook.hpp"
#include "persistence/webhook_subscriptions.hpp"

namespace actors {

persistence::append_item make_append_item(const domain::order& before, const std::vector<domain::order_event>& events,
                                          const domain::order& after, domain::timestamp recorded_at,
                                          const domain::timer_policy& timers,
                                          const persistence::webhook_subscriptions* webhooks) {
  persistence::append_item item;
  std::int64_t seq = before.version;
  for (const auto& e : events) {
    const char* type = domain::event_type(e);
    item.events.push_back(persistence::stored_event{after.id.value(), ++seq, type, domain::encode_event(e).dump(),
                                                    domain::to_unix_ms(recorded_at), domain::personal_paths(type)});
    if (std::holds_alternative<domain::personal_data_erased>(e)) item.erases_customer = true;
  }
  // Each event as a webhook tells it, with the status the order had right
  // after it (an item of several events passes through states); none for a
  // type no endpoint wants, the common case of a shop without webhooks. The
  // journal asks the same question again when it writes the deliveries.
  std::optional<domain::order> passing;  // only a decision of several events needs to replay them
  if (events.size() > 1) passing = before;
  for (std::size_t k = 0; k < events.size(); ++k) {
    if (passing) passing = domain::apply(std::move(*passing), events[k]);
    const auto& stored = item.events[k];
    if (webhooks && !webhooks->wants(stored.type)) continue;
    const auto status = passing ? passing->status : after.status;
    const auto payload = domain::webhook_payload({after.id.value(), after.number.value(), stored.seq, stored.type,
                                                  domain::to_string(status), stored.recorded_at_ms});
    item.webhook_events.push_back({stored.seq, stored.type, payload.dump(), stored.recorded_at_ms});
  }
  auto& row = item.read_model;
  row.id = after.id.value();
  row.number = after.number.value();
  row.status = domain::to_string(after.status);
  row.customer_ref = after.customer.value();
  row.payment_method = after.quote.method;
  row.total_cents = after.total.value;
  row.created_at_ms = domain::to_unix_ms(after.created_at);
  row.updated_at_ms = domain::to_unix_ms(after.updated_at);
  row.version = after.version;
  row.view_json = domain::customer_view(after).dump();
  row.personal_paths = domain::view_personal_paths(after);
  const auto ms_or_zero = [](const std::optional<domain::timestamp>& t) { return t ? domain::to_unix_ms(*t) : 0; };
  row.closed_at_ms = ms_or_zero(domain::closed_at(after, timers));
  row.erasure_requested_at_ms = ms_or_zero(after.erasure_requested_at);
  row.customer_erased_at_ms = ms_or_zero(after.customer_erased_at);
  if (after.quote.address_is_per_order) row.payment_address = after.quote.address;
  row.quote_atomic = after.quote.amount.to_string();
  const bool owing = after.status == domain::order_status::pending && after.received < after.quote.amount;
  row.outstanding_atomic = owing ? (after.quote.amount - after.received).to_string() : "0";
  row.quoted_at_ms = domain::to_unix_ms(after.quoted_at);
  row.quote_expires_at_ms = domain::to_unix_ms(after.quote.expires_at);
  if (const auto refund = after.refund_progress()) row.refund_state = domain::to_string(*refund);
  row.refund_due_atomic = after.refund_due().to_string();
  row.refunded_atomic = after.refunded.to_string();
  row.refund_outstanding_atomic = after.refund_outstanding().to_string();
  const domain::kpi_order counted = domain::kpi_order_of(after);
  row.kpi.paid = counted.paid;
  if (const auto processing = domain::processing_time_of(counted)) row.kpi.processing_ms = processing->count();
  row.kpi.delivered = counted.delivered;
  row.kpi.reviewed = counted.reviewed;
  row.kpi.refunded_cents = domain::refunded_revenue(counted).value;
  for (const auto& e : events)
    if (const auto* counted = std::get_if<domain::payment_received>(&e))
      item.payments.push_back({counted->coin, counted->txid, counted->amount.to_string(),
                               domain::to_string(counted->source), domain::to_unix_ms(counted->received_at),
                               domain::to_unix_ms(counted->at)});
  for (const auto& e : events)
    if (const auto* reversed = std::get_if<domain::payment_reversed>(&e))
      item.payments_reversed.push_back({reversed->coin, reversed->txid});
  const auto follow_ups = domain::follow_ups_of(events, timers);
  for (const auto& t : follow_ups.timers_set)
    item.timers_set.push_back({domain::to_string(t.kind), domain::to_unix_ms(t.due)});
  for (const auto& kind : follow_ups.timers_cleared) item.timers_cleared.push_back(domain::to_string(kind));
  for (const auto& mail : follow_ups.emails) {
    nlohmann::json payload = nlohmann::json::object();
    std::vector<std::string> personal;
    if (!mail.message.empty()) {
      payload["message"] = mail.message;
      personal.emplace_back("/message");
    }
    if (mail.refund) {
      // The amounts as the mail was owed: a later refund must not change
      // what an earlier email says was sent.
      auto& refund = payload["refund"];
      refund = {{"amount_atomic", mail.refund->amount.to_string()},
                {"still_due_atomic", mail.refund->still_due.to_string()},
                {"txid", mail.refund->txid}};
      if (!mail.refund->address.empty()) {
        refund["address"] = mail.refund->address;
        personal.emplace_back("/refund/address");
      }
    }
    item.outbox.push_back(
        {domain::to_string(mail.kind), payload.dump(), domain::to_unix_ms(recorded_at), std::move(personal)});
  }
  item.settles_underpayment = before.underpayment_expired && !before.payment && after.payment;
  for (const auto& raised : follow_ups.exceptions) {
    persistence::exception_row x;
    x.coin = raised.coin;
    x.txid = raised.txid;
    x.amount_atomic = raised.amount.to_string();
    x.reason = raised.reason;
    x.created_at_ms = domain::to_unix_ms(recorded_at);
    item.exceptions.push_back(std::move(x));
  }
  return item;
}

domain::order recover(const std::vector<persistence::stored_event>& stored) {
  domain::order o;
  for (const auto& s : stored) {
    if (s.seq != o.version + 1)
      throw std::runtime_error("order " + s.order_id + ": event seq " + std::to_string(s.seq) + " follows " +
                               std::to_string(o.version));
    auto payload = nlohmann::json::parse(s.payload_json, nullptr, false);
    // A personal text whose customer was erased comes back as null.
    if (payload.is_object())
      for (const auto& path : domain::personal_paths(s.type)) {
        const nlohmann::json::json_pointer pointer{path};
        if (payload.contains(pointer) && payload.at(pointer).is_null()) payload.at(pointer) = domain::erased_text;
      }
    auto event = payload.is_discarded() ? std::nullopt : domain::decode_event(s.type, payload);
    if (!event)
      throw std::runtime_error("order " + s.order_id + ": cannot read event " + std::to_string(s.seq) + " (" + s.type +
                               ")");
    o = domain::apply(std::move(o), *event);
  }
  return o;
}

}  // namespace actors
