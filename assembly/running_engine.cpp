#include "assembly/running_engine.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "actors/admin_gateway.hpp"
#include "actors/ask_pool.hpp"
#include "actors/webhook_gateway.hpp"
#include "actors/engine.hpp"
#include "actors/errors.hpp"
#include "actors/service_directory.hpp"
#include "assembly/receiving_accounts.hpp"
#include "assembly/refund_address_check.hpp"
#include "assembly/service_tree.hpp"
#include "assembly/settings.hpp"
#include "assembly/startup.hpp"
#include "supervision/supervisor.hpp"

namespace assembly {
namespace {

class caf_settings : public caf::actor_system_config {
 public:
  caf_settings() {
    add_error_category(actors::domain_error_category, actors::render_domain_error);
    // The shutdown path waits for actors; a silent CAF log keeps stderr ours.
    set("logger.console", caf::atom("none"));
    // An idle worker polls its queue and steals from the others before it
    // sleeps on a condition variable. CAF's moderate phase naps 50 µs between
    // polls and steals every fifth: on a machine the database shares, the
    // naps' wake-ups were the engine's largest cost per checkout (a sixth of
    // its CPU). Napping 200 µs and stealing at every poll finds stolen work as
    // soon (every 200 µs rather than 250) with a quarter of the wake-ups:
    // 12-25 % less engine CPU per checkout and as many checkouts per second
    // or more under load; a lone client waits 0.14 ms longer, as a sleeping
    // worker wakes later (docs/PERFORMANCE.md, "The scheduler's naps").
    set("work-stealing.moderate-sleep-duration", caf::timespan{std::chrono::microseconds{200}});
    set("work-stealing.moderate-steal-interval", std::int64_t{1});
    // One worker per core. CAF's default is at least four; on two cores the
    // two extra workers only nap, steal and hand work across threads: 11-19 %
    // of the engine's CPU per checkout, for as many checkouts per second
    // (docs/PERFORMANCE.md, "Batches that carry all that waits, and one worker
    // per core").
    set("scheduler.max-threads", static_cast<std::size_t>(std::max(1u, std::thread::hardware_concurrency())));
  }
};

}  // namespace

struct running_engine::parts {
  caf_settings caf_config;
  caf::actor_system system{caf_config};
  std::shared_ptr<actors::service_directory> directory = std::make_shared<actors::service_directory>();
  supervision::supervisor_actor supervisor;
  std::unique_ptr<actors::engine> shop;
  std::unique_ptr<actors::admin_gateway> access;
  std::unique_ptr<actors::webhook_gateway> webhooks;
};

running_engine::running_engine(const config::engine_config& config) : parts_(std::make_unique<parts>()) {
  // 1. What must hold before any actor runs: templates, schema, catalog, secret.
  auto prepared = prepare_shop(config);

  // 2. The supervised services. The supervisor starts its children in its own
  //    first step; once it answers, every handle is published.
  auto& p = *parts_;
  p.supervisor =
      p.system.spawn(supervision::supervisor_impl,
                     service_tree(p.system, p.directory, config, prepared.runtime_url, prepared.keys, prepared.vault),
                     supervision::restart_policy{});
  p.directory->update([&](actors::services& s) { s.supervisor = p.supervisor; });
  caf::scoped_actor waiter{p.system};
  waiter->request(p.supervisor, caf::infinite, supervision::status_atom::value)
      .receive([](supervision::health_report&) {}, [](caf::error& e) { throw std::runtime_error(to_string(e)); });
  // Each singleton guard answers after its first try for the lease: a node
  // alone serves with its singletons running (a watcher's subaddresses at the
  // first checkout), as if there were no cluster.
  for (const auto& [name, guard] : p.directory->get().singleton_guards)
    waiter->request(guard, config.actors.ask_timeout, actors::status_atom::value)
        .receive(
            [&, singleton = name](bool here) {
              if (!here) spdlog::info("cluster: {} runs on another node", singleton);
            },
            [&, singleton = name](caf::error& e) {
              spdlog::warn("cluster: no answer from the lease of {}: {}", singleton, to_string(e));
            });
  caf::anon_send(p.directory->get().numbers, actors::prefetch_atom::value);

  // 3. The application face the web layer calls, and the actors that ask on
  //    its behalf.
  actors::start_ask_pool(p.system);
  actors::engine_settings settings;
  settings.node_name = config.cluster.node_name;
  settings.catalog = std::make_shared<const domain::catalog>(std::move(prepared.catalog));
  settings.methods = payment_methods_from(config.payments);
  settings.keys = std::move(prepared.keys);
  settings.quote_ttl = config.payments.quote_ttl;
  settings.check_refund_address = refund_address_check_from(config.payments);
  settings.ask_timeout = config.actors.ask_timeout;
  for (const auto& [code, account] : receiving_accounts_from(config.payments)) settings.derived_address_coins.insert(code);
  for (const auto& coin : config.payments.coins)
    if (!coin.wallet_rpc_url.empty()) settings.wallet_accounts[coin.code] = std::to_string(coin.account_index);
  settings.matcher_gate =
      std::make_shared<actors::admission_gate>(static_cast<std::size_t>(config.payments.matcher_max_queue));
  p.shop = std::make_unique<actors::engine>(p.system, p.directory, std::move(settings));
  p.access = std::make_unique<actors::admin_gateway>(p.system, p.directory, config.actors.ask_timeout);
  p.webhooks = std::make_unique<actors::webhook_gateway>(p.system, p.directory, config.actors.ask_timeout,
                                                         config.webhooks.allow_private_targets);
}

running_engine::~running_engine() {
  stop();
}

app::shop_service& running_engine::shop() {
  return *parts_->shop;
}

app::admin_access& running_engine::access() {
  return *parts_->access;
}

app::webhook_admin& running_engine::webhooks() {
  return *parts_->webhooks;
}

void running_engine::stop() {
  if (!parts_ || !parts_->supervisor) return;
  caf::anon_send_exit(parts_->supervisor, caf::exit_reason::user_shutdown);
  actors::stop_ask_pool(parts_->system);
  parts_->supervisor = nullptr;
  parts_->directory->update([](actors::services& s) { s.supervisor = nullptr; });
  // Detached writers finish the batch in hand before they read the exit.
  parts_->system.await_all_actors_done();
}

}  // namespace assembly
