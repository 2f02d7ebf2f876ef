#include "http/metrics_text.hpp"

#include <sstream>

namespace http {
namespace {

/// Prometheus text, one metric family at a time.
class prometheus_writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }
  template <class T>
  void sample(const char* name, T value, const std::string& labels = {}) {
    out_ << name;
    if (!labels.empty()) out_ << '{' << labels << '}';
    out_ << ' ' << value << '\n';
  }
  template <class T>
  void gauge(const char* name, const char* help, T value) {
    family(name, "gauge", help);
    sample(name, value);
  }
  template <class T>
  void counter(const char* name, const char* help, T value) {
    family(name, "counter", help);
    sample(name, value);
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace

std::string prometheus_text(const app::engine_metrics& m) {
  prometheus_writer text;
  if (const auto& d = m.database) {
    text.family("ccc_orders", "gauge", "Orders by status (read model).");
    for (const auto& [status, n] : d->orders_by_status) text.sample("ccc_orders", n, "status=\"" + status + "\"");
    text.gauge("ccc_outbox_pending", "Emails waiting to be sent.", d->outbox_pending);
    text.gauge("ccc_outbox_dead", "Emails that failed every attempt.", d->outbox_dead);
    text.gauge("ccc_timers_due", "Timers due now and not yet delivered.", d->timers_due);
    text.gauge("ccc_payment_exceptions_open", "Payment exceptions waiting for the admin.", d->payment_exceptions_open);
    text.family("ccc_mail_suppressed_total", "counter", "Emails not sent, by why.");
    text.sample("ccc_mail_suppressed_total", d->mail_suppressed, "reason=\"recipient_cap\"");
    text.gauge("ccc_webhooks_due", "Webhook deliveries whose next attempt is due now (all nodes).", d->webhooks_due);
  }
  if (const auto& r = m.order_actors) {
    text.gauge("ccc_order_actors_live", "Order actors in memory.", r->live);
    text.counter("ccc_order_actors_spawned_total", "Order actors started.", r->spawned);
    text.counter("ccc_order_actors_passivated_total", "Idle order actors retired.", r->passivated);
    text.counter("ccc_order_actors_crashed_total", "Order actors that failed.", r->crashed);
  }
  if (const auto& j = m.journal) {
    text.counter("ccc_journal_batches_total", "Group-commit transactions.", j->batches);
    text.counter("ccc_journal_appends_total", "Decisions journaled (the mean batch size is appends / batches).",
                 j->appends);
    text.counter("ccc_journal_conflicts_total", "Appends that lost to another writer.", j->conflicts);
    text.gauge("ccc_journal_largest_batch", "The largest batch so far.", j->largest_batch);
    text.gauge("ccc_journal_queued", "Decisions waiting for the next batch.", j->queued);
    text.counter("ccc_journal_refused_total", "Decisions refused because the journal's queue was full.", j->refused);
  }
  if (const auto& p = m.payments) {
    text.family("ccc_payments_total", "counter", "Incoming payments by what the matcher made of them.");
    text.sample("ccc_payments_total", p->matched, "outcome=\"matched\"");
    text.sample("ccc_payments_total", p->awaiting, "outcome=\"awaiting\"");
    text.sample("ccc_payments_total", p->exceptions, "outcome=\"exception\"");
    text.sample("ccc_payments_total", p->duplicates, "outcome=\"duplicate\"");
  }
  if (const auto& w = m.webhooks) {
    // This node's attempts, by how they ended: the sum is every attempt it made.
    text.family("ccc_webhook_attempts_total", "counter",
                "Webhook delivery attempts by this node, by outcome: delivered (2xx), retried (failed, tried again), "
                "given_up (failed for good).");
    text.sample("ccc_webhook_attempts_total", w->delivered, "outcome=\"delivered\"");
    text.sample("ccc_webhook_attempts_total", w->retried, "outcome=\"retried\"");
    text.sample("ccc_webhook_attempts_total", w->given_up, "outcome=\"given_up\"");
  }
  for (const auto& w : m.watchers) {
    const std::string labels = "coin=\"" + w.coin + "\"";
    text.family("ccc_watcher_up", "gauge", "1 when the last poll reached the wallet.");
    text.sample("ccc_watcher_up", w.up ? 1 : 0, labels);
    text.family("ccc_watcher_height", "gauge", "The wallet's height at the last good poll.");
    text.sample("ccc_watcher_height", w.height, labels);
  }
  // The node's name as a label: Prometheus's own `instance` is an address,
  // and the dashboards and logs speak of nodes by name.
  const std::string node = "node=\"" + m.node + "\"";
  text.family("ccc_node_info", "gauge", "1, labelled with this node's name (cluster.node_name).");
  text.sample("ccc_node_info", 1, node);
  if (!m.singletons.empty()) {
    text.family("ccc_singleton_running", "gauge",
                "1 for a per-shop singleton this node runs now, 0 for one another node runs.");
    for (const auto& [name, here] : m.singletons)
      text.sample("ccc_singleton_running", here ? 1 : 0, node + ",singleton=\"" + name + "\"");
  }
  text.family("ccc_source_up", "gauge", "0 for a part of the engine that did not answer this scrape.");
  for (const auto& source : m.missing) text.sample("ccc_source_up", 0, "source=\"" + source + "\"");
  return text.str();
}

}  // namespace http
