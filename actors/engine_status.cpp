// What the operator and the admin see of the engine itself: GET /metrics,
// GET /readyz and GET /admin/api/system, gathered from the services one ask
// after the other into the application face's plain structs.

#include "actors/admin_views.hpp"
#include "actors/ask.hpp"
#include "actors/engine.hpp"
#include "actors/service_directory.hpp"

namespace actors {
namespace {

app::order_actor_counts counts_of(const registry_stats& r) {
  return {r.live_orders, r.spawned, r.passivated, r.crashed};
}

app::journal_counts counts_of(const journal_stats& j) {
  return {j.queued, j.batches, j.appends, j.conflicts, j.largest_batch, j.refused};
}

app::timer_counts counts_of(const timer_stats& t) {
  return {t.claimed, t.delivered, t.failed, t.in_flight};
}

app::retention_report report_of(const retention_stats& r) {
  app::retention_report out;
  out.retain_customer_data_for = domain::duration{r.retain_customer_data_for_ms};
  out.retain_analytics_for = domain::duration{r.retain_analytics_for_ms};
  if (r.last_run_ms > 0) out.last_run = domain::from_unix_ms(r.last_run_ms);
  if (r.next_run_ms > 0) out.next_run = domain::from_unix_ms(r.next_run_ms);
  out.runs = r.runs;
  out.customers_erased = r.customers_erased;
  out.money_owed = r.money_owed;
  out.failed = r.failed;
  out.analytics_days_folded = r.analytics_days_folded;
  out.last_error = r.last_error;
  return out;
}

app::payment_counts counts_of(const matcher_stats& m) {
  return {m.payments, m.matched, m.awaiting, m.exceptions, m.duplicates};
}

app::webhook_counts counts_of(const webhook_sender_stats& w) {
  return {w.delivered, w.retried, w.given_up};
}

app::watcher_report report_of(const watcher_stats& st) {
  app::watcher_report w;
  w.answering = true;
  w.coin = st.coin;
  w.up = st.up;
  w.last_error = st.last_error;
  w.height = st.height;
  if (st.last_poll_ms > 0) w.last_poll = domain::from_unix_ms(st.last_poll_ms);
  w.polls = st.polls;
  w.failures = st.failures;
  w.transfers_sent = st.transfers_sent;
  w.addresses = st.addresses;
  w.followed = st.followed;
  return w;
}

app::cluster_report report_of(const cluster_view& v) {
  app::cluster_report out;
  out.node = v.node_name;
  out.started_at = domain::from_unix_ms(v.started_at_ms);
  for (const auto& n : v.live_nodes)
    out.live_nodes.push_back({n.name, domain::from_unix_ms(n.started_at_ms), domain::from_unix_ms(n.last_seen_ms)});
  for (const auto& h : v.singletons)
    out.singletons.push_back({h.singleton, h.node_name, domain::from_unix_ms(h.acquired_at_ms), h.node_live});
  out.last_error = v.last_error;
  return out;
}

app::supervision_report report_of(const supervision::health_report& h) {
  app::supervision_report out{h.healthy, "rest_for_one", {}};
  for (const auto& c : h.children) out.children.push_back({c.name, c.state, c.restarts, c.last_error});
  return out;
}

/// Asks one service (`request`, by default its status) and stores the answer in
/// the report; on an error calls `failed` with the error and the sequence goes
/// on (or not) as `failed` decides.
template <class Handle, class Answer, class Store, class Failed, class Request = status_atom>
step status_step(caf::actor_system* system, std::chrono::milliseconds timeout, Handle target, Store store,
                 Failed failed, Request request = status_atom::value) {
  return [=](std::function<void()> next) {
    ask_within(
        *system, timeout, target,
        [store, next](Answer& answer) {
          store(answer);
          next();
        },
        [failed, next](const caf::error& e) { failed(e, next); }, request);
  };
}

}  // namespace

void engine::engine_metrics(std::function<void(app::engine_metrics)> done) {
  // Each source answers in turn; one that does not answer in time is left out
  // and named, so a scrape never fails as a whole.
  auto out = std::make_shared<app::engine_metrics>();
  auto* system = &system_;
  const auto timeout = settings_.ask_timeout;
  const auto s = services_->get();
  auto skip = [out](const char* source) {
    return [out, source](const caf::error&, const std::function<void()>& next) {
      out->missing.push_back(source);
      next();
    };
  };
  std::vector<step> steps;
  steps.push_back(status_step<store_actor, persistence::metrics_snapshot>(
      system, timeout, s.store, [out](persistence::metrics_snapshot& m) { out->database = queue_view(m); },
      skip("database"), metrics_atom::value));
  steps.push_back(status_step<order_registry_actor, registry_stats>(
      system, timeout, s.registry, [out](registry_stats& r) { out->order_actors = counts_of(r); },
      skip("order_registry")));
  steps.push_back(status_step<journal_actor, journal_stats>(
      system, timeout, s.journal, [out](journal_stats& j) { out->journal = counts_of(j); }, skip("journal")));
  steps.push_back(status_step<payment_matcher_actor, matcher_stats>(
      system, timeout, s.matcher, [out](matcher_stats& m) { out->payments = counts_of(m); }, skip("payment_matcher")));
  if (s.webhook_sender)
    steps.push_back(status_step<webhook_sender_actor, webhook_sender_stats>(
        system, timeout, s.webhook_sender, [out](webhook_sender_stats& w) { out->webhooks = counts_of(w); },
        skip("webhook_sender")));
  for (const auto& [coin, watcher] : s.watchers)
    steps.push_back(status_step<chain_watcher_actor, watcher_stats>(
        system, timeout, watcher, [out](watcher_stats& w) { out->watchers.push_back(report_of(w)); }, skip("watcher")));
  out->node = settings_.node_name;
  for (const auto& [name, guard] : s.singleton_guards)
    steps.push_back(status_step<singleton_guard_actor, bool>(
        system, timeout, guard, [out, name = name](bool here) { out->singletons.emplace_back(name, here); },
        skip("singleton_guard")));
  run_in_turn(std::move(steps), [out, done] { done(std::move(*out)); });
}

void engine::check_readiness(std::function<void(app::readiness)> done) {
  auto* system = &system_;
  const auto timeout = settings_.ask_timeout;
  const auto s = services_->get();
  ask_within(
      system_, timeout, s.store,
      [system, timeout, s, done](bool database) {
        ask_within(
            *system, timeout, s.supervisor,
            [database, done](supervision::health_report& h) {
              done(app::readiness{database, h.healthy});
            },
            [database, done](const caf::error&) {
              done(app::readiness{database, false});
            },
            status_atom::value);
      },
      [done](const caf::error&) {
        done(app::readiness{false, false});
      },
      ping_atom::value);
}

void engine::system_status(std::function<void(app::system_report)> done) {
  auto report = std::make_shared<app::system_report>();
  auto* system = &system_;
  const auto timeout = settings_.ask_timeout;
  const auto s = services_->get();
  // The first section that does not answer ends the report with its error.
  auto stop = [report, done](const caf::error& e, const std::function<void()>&) {
    report->error = to_string(e);
    done(std::move(*report));
  };
  std::vector<step> steps{
      status_step<supervisor_actor, supervision::health_report>(
          system, timeout, s.supervisor, [report](supervision::health_report& h) { report->supervisor = report_of(h); },
          stop),
      status_step<order_registry_actor, registry_stats>(
          system, timeout, s.registry, [report](registry_stats& r) { report->order_actors = counts_of(r); }, stop),
      status_step<journal_actor, journal_stats>(
          system, timeout, s.journal, [report](journal_stats& j) { report->journal = counts_of(j); }, stop),
      status_step<timer_scheduler_actor, timer_stats>(
          system, timeout, s.timers, [report](timer_stats& t) { report->timers = counts_of(t); }, stop),
      status_step<payment_matcher_actor, matcher_stats>(
          system, timeout, s.matcher, [report](matcher_stats& m) { report->payments = counts_of(m); }, stop),
  };
  // The retention run is on this node only while it holds its lease; the
  // cluster section names the node that runs it.
  if (s.retention)
    steps.push_back(status_step<retention_actor, retention_stats>(
        system, timeout, s.retention, [report](retention_stats& r) { report->retention = report_of(r); }, stop));
  // A watcher that does not answer is shown as such; the report still completes.
  steps.push_back([report](std::function<void()> next) {
    report->watchers.emplace();
    next();
  });
  for (const auto& [coin, watcher] : s.watchers)
    steps.push_back(status_step<chain_watcher_actor, watcher_stats>(
        system, timeout, watcher, [report](watcher_stats& w) { report->watchers->push_back(report_of(w)); },
        [report](const caf::error& e, const std::function<void()>& next) {
          app::watcher_report silent;
          silent.last_error = to_string(e);
          report->watchers->push_back(silent);
          next();
        }));
  steps.push_back(status_step<cluster_heartbeat_actor, cluster_view>(
      system, timeout, s.cluster, [report](cluster_view& v) { report->cluster = report_of(v); },
      [report, node = settings_.node_name](const caf::error& e, const std::function<void()>& next) {
        app::cluster_report silent;
        silent.node = node;
        silent.last_error = to_string(e);
        report->cluster = silent;
        next();
      }));
  run_in_turn(std::move(steps), [report, done] { done(std::move(*report)); });
}

}  // namespace actors
