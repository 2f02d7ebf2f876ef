#include "http/views.hpp"

#include "domain/order_json.hpp"
#include "domain/time.hpp"

namespace http::views {

using nlohmann::json;

namespace {

std::string rfc3339(domain::timestamp at) {
  return domain::format_rfc3339(at);
}

template <class T>
json optional(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json watcher(const app::watcher_report& w) {
  if (!w.answering) return {{"state", "not_answering"}, {"last_error", w.last_error}};
  return {{"coin", w.coin},
          {"state", w.up ? "up" : "down"},
          {"last_error", w.last_error},
          {"height", w.height},
          {"last_poll_at", w.last_poll ? rfc3339(*w.last_poll) : ""},
          {"polls", w.polls},
          {"failures", w.failures},
          {"transfers_sent", w.transfers_sent},
          {"addresses", w.addresses},
          {"followed", w.followed}};
}

}  // namespace

json product(const domain::product& p) {
  return {{"sku", p.id.value()},          {"name", p.name},           {"description", p.description},
          {"price_cents", p.price.value}, {"image_url", p.image_url}, {"in_stock", p.in_stock()}};
}

json payment_methods(const std::vector<domain::payment_method>& methods) {
  json out = json::array();
  for (const auto& m : methods)
    out.push_back({{"code", m.code},
                   {"name", m.name},
                   {"decimals", m.decimals},
                   {"confirmations_required", m.confirmations},
                   {"verification", m.verification}});
  return out;
}

json shipping_policy(const domain::shipping_policy& policy) {
  return {{"flat_cents", policy.flat.value}, {"free_from_cents", policy.free_from.value}};
}

std::string placed_order_body(const app::placed_order& placed) {
  // The view just stored with the order, when the engine hands it over, gets
  // the token as one more member: rendering the view again for every checkout
  // cost as much as storing it (docs/PERFORMANCE.md, "The view once, and whole call stacks").
  const auto& stored = placed.view_json;
  if (stored.size() > 2 && stored.front() == '{' && stored.back() == '}')
    return stored.substr(0, stored.size() - 1) + ",\"access_token\":" + json(placed.access_token).dump() + '}';
  json view = domain::customer_view(placed.order);
  view["access_token"] = placed.access_token;
  return view.dump(-1, ' ', false, json::error_handler_t::replace);
}

json order_page(const app::order_page& page) {
  json orders = json::array();
  for (const auto& o : page.orders)
    orders.push_back({{"id", o.id},
                      {"number", o.number},
                      {"status", o.status},
                      {"payment_method", o.payment_method},
                      {"total_cents", o.total_cents},
                      {"created_at", rfc3339(o.created_at)},
                      {"updated_at", rfc3339(o.updated_at)}});
  return {{"orders", orders}, {"next_cursor", optional(page.next_cursor)}};
}

json refund_page(const app::refund_page& page) {
  json refunds = json::array();
  for (const auto& r : page.refunds)
    refunds.push_back({{"order_id", r.order.id},
                       {"order_number", r.order.number},
                       {"status", r.order.status},
                       {"payment_method", r.order.payment_method},
                       {"decimals", r.decimals},
                       {"state", r.state},
                       {"due_atomic", r.due_atomic},
                       {"refunded_atomic", r.refunded_atomic},
                       {"outstanding_atomic", r.outstanding_atomic},
                       {"created_at", rfc3339(r.order.created_at)},
                       {"updated_at", rfc3339(r.order.updated_at)}});
  return {{"refunds", refunds}, {"next_cursor", optional(page.next_cursor)}};
}

json admin_order(const app::admin_order_details& d) {
  json view = domain::customer_view(d.order);
  if (d.customer && d.customer->erased) {
    view["customer"] = {{"ref", d.customer->ref},
                        {"erased", true},
                        {"erased_at", d.customer->erased_at ? json(rfc3339(*d.customer->erased_at)) : json(nullptr)},
                        {"name", nullptr},
                        {"email", nullptr}};
    view["shipping"] = nullptr;
  } else if (d.customer) {
    view["customer"] = {{"ref", d.customer->ref},
                        {"erased", false},
                        {"name", d.customer->details.name},
                        {"email", d.customer->details.email}};
    view["shipping"] = d.customer->shipping ? domain::shipping_json(*d.customer->shipping) : json(nullptr);
  } else {
    view["customer"] = nullptr;  // erased
  }
  view["notes"] = d.order.notes;
  view["payment_claims"] = d.order.claimed_tx_ids;
  view["payments"] = domain::payments_view(d.order);
  json events = json::array();
  for (const auto& e : d.events) {
    auto data = json::parse(e.data_json, nullptr, false);
    events.push_back({{"seq", e.seq},
                      {"type", e.type},
                      {"at", rfc3339(e.at)},
                      {"data", data.is_discarded() ? json(nullptr) : data}});
  }
  view["events"] = std::move(events);
  return view;
}

json dead_mail(const std::vector<app::dead_message>& messages) {
  json out = json::array();
  for (const auto& m : messages)
    out.push_back({{"id", m.id},
                   {"order_id", m.order_id},
                   {"kind", m.kind},
                   {"attempts", m.attempts},
                   {"last_error", m.last_error},
                   {"status", m.status},
                   {"created_at", rfc3339(m.created_at)}});
  return {{"messages", out}};
}

json payment_exception(const app::payment_exception& x) {
  json out = {{"id", x.id},
              {"coin", x.coin},
              {"txid", x.txid},
              {"amount_atomic", x.amount_atomic},
              {"received_at", rfc3339(x.received_at)},
              {"memo", x.memo.empty() ? json(nullptr) : json(x.memo)},
              {"reason", x.reason},
              {"source", x.source},
              {"status", x.status},
              {"order_id", x.order_id.empty() ? json(nullptr) : json(x.order_id)},
              {"created_at", rfc3339(x.created_at)}};
  if (x.status != "open") {
    out["resolved_at"] = rfc3339(x.resolved_at);
    out["resolved_by"] = x.resolved_by;
    out["resolution"] = x.resolution;
  }
  return out;
}

json payment_exceptions(const std::vector<app::payment_exception>& list) {
  json out = json::array();
  for (const auto& x : list) out.push_back(payment_exception(x));
  return {{"exceptions", out}};
}

json import_summary(const app::import_summary& summary) {
  json rejected = json::array();
  for (const auto& row : summary.rejected) rejected.push_back({{"line", row.line}, {"reason", row.reason}});
  return {{"processed", summary.processed},
          {"matched", summary.matched},
          {"exceptions", summary.exceptions},
          {"duplicates", summary.duplicates},
          {"rejected", rejected}};
}

json kpis(const domain::kpi_report& r, const std::string& from, const std::string& to) {
  json daily = json::array();
  for (const auto& d : r.daily)
    daily.push_back({{"date", d.date},
                     {"orders", d.orders},
                     {"revenue_cents", d.revenue_cents},
                     {"refunded_cents", d.refunded_cents}});
  return {{"from", from},
          {"to", to},
          {"checkouts_started", r.checkouts_started},
          {"orders", r.orders},
          {"completion_rate", optional(r.completion_rate)},
          {"payment_success_rate", optional(r.payment_success_rate)},
          {"processing_time",
           {{"median_hours", optional(r.processing_time.median_hours)},
            {"p90_hours", optional(r.processing_time.p90_hours)},
            {"count", r.processing_time.count}}},
          {"review_rate", optional(r.review_rate)},
          {"average_order_value_cents", optional(r.average_order_value_cents)},
          {"revenue_cents", r.revenue_cents},
          {"refunded_cents", r.refunded_cents},
          {"daily", daily}};
}

json readiness(const app::readiness& r) {
  const bool ready = r.database && r.supervision;
  return {{"status", ready ? "ready" : "not_ready"}, {"database", r.database}, {"supervision", r.supervision}};
}

json system_report(const app::system_report& report) {
  json out = json::object();
  if (const auto& s = report.supervisor) {
    json children = json::array();
    for (const auto& c : s->children)
      children.push_back(
          {{"name", c.name}, {"state", c.state}, {"restarts", c.restarts}, {"last_error", c.last_error}});
    out["supervisor"] = {{"healthy", s->healthy}, {"strategy", s->strategy}, {"children", children}};
  }
  if (const auto& a = report.order_actors)
    out["order_actors"] = {
        {"live", a->live}, {"spawned", a->spawned}, {"passivated", a->passivated}, {"crashed", a->crashed}};
  if (const auto& j = report.journal)
    out["journal"] = {{"queued", j->queued},
                      {"batches", j->batches},
                      {"appends", j->appends},
                      {"conflicts", j->conflicts},
                      {"largest_batch", j->largest_batch},
                      {"refused", j->refused}};
  if (const auto& t = report.timers)
    out["timers"] = {
        {"claimed", t->claimed}, {"delivered", t->delivered}, {"failed", t->failed}, {"in_flight", t->in_flight}};
  if (const auto& p = report.payments)
    out["payments"] = {{"seen", p->seen},
                       {"matched", p->matched},
                       {"awaiting", p->awaiting},
                       {"exceptions", p->exceptions},
                       {"duplicates", p->duplicates}};
  if (const auto& r = report.retention) {
    auto when = [](const std::optional<domain::timestamp>& t) { return t ? json(rfc3339(*t)) : json(nullptr); };
    const auto seconds = [](domain::duration d) { return d.count() / 1000; };
    out["retention"] = {{"retain_customer_data_for_seconds", seconds(r->retain_customer_data_for)},
                        {"retain_analytics_for_seconds", seconds(r->retain_analytics_for)},
                        {"last_run_at", when(r->last_run)},
                        {"next_run_at", when(r->next_run)},
                        {"runs", r->runs},
                        {"customers_erased", r->customers_erased},
                        {"kept_money_owed", r->money_owed},
                        {"failed", r->failed},
                        {"analytics_days_folded", r->analytics_days_folded},
                        {"last_error", r->last_error}};
  }
  if (const auto& ws = report.watchers) {
    out["watchers"] = json::array();
    for (const auto& w : *ws) out["watchers"].push_back(watcher(w));
  }
  if (const auto& c = report.cluster) {
    json nodes = json::array();
    for (const auto& n : c->live_nodes)
      nodes.push_back(
          {{"name", n.name}, {"started_at", rfc3339(n.started_at)}, {"last_seen_at", rfc3339(n.last_seen)}});
    json singletons = json::array();
    for (const auto& h : c->singletons)
      singletons.push_back({{"name", h.singleton},
                            {"node", h.node},
                            {"since", rfc3339(h.since)},
                            {"node_live", h.node_live},
                            {"here", h.node_live && h.node == c->node}});
    out["cluster"] = {{"node", c->node},
                      {"started_at", rfc3339(c->started_at)},
                      {"live_nodes", nodes},
                      {"singletons", singletons},
                      {"last_error", c->last_error}};
  }
  if (report.error) out["error"] = *report.error;
  return out;
}

json erasure_receipt(const app::erasure_receipt& receipt) {
  return {{"ref", receipt.ref}, {"erased_at", rfc3339(receipt.erased_at)}};
}

json erasure_requests(const std::vector<app::erasure_request>& requests) {
  json list = json::array();
  for (const auto& r : requests)
    list.push_back({{"order_id", r.order_id},
                    {"order_number", r.order_number},
                    {"customer_ref", r.customer_ref},
                    {"requested_at", rfc3339(r.requested_at)},
                    {"status", r.erased_at ? "done" : "open"},
                    {"erased_at", r.erased_at ? json(rfc3339(*r.erased_at)) : json(nullptr)}});
  return {{"requests", list}};
}

}  // namespace http::views
