#include "assembly/service_tree.hpp"

#include <caf/actor_system.hpp>

#include <algorithm>
#include <chrono>

#include "actors/admin_access_actor.hpp"
#include "actors/bitcoin_chain_source.hpp"
#include "actors/chain_watcher.hpp"
#include "actors/clock.hpp"
#include "actors/cluster_heartbeat.hpp"
#include "actors/ethereum_chain_source.hpp"
#include "actors/journal.hpp"
#include "actors/mailer.hpp"
#include "actors/monero_chain_source.hpp"
#include "actors/monero_subaddresses.hpp"
#include "actors/number_allocator.hpp"
#include "actors/order_registry.hpp"
#include "actors/payment_matcher.hpp"
#include "actors/receiving_addresses.hpp"
#include "actors/retention.hpp"
#include "actors/service_directory.hpp"
#include "actors/singleton_guard.hpp"
#include "actors/store_pool.hpp"
#include "actors/timer_scheduler.hpp"
#include "actors/webhook_admin.hpp"
#include "actors/webhook_sender.hpp"
#include "assembly/receiving_accounts.hpp"
#include "assembly/settings.hpp"

namespace assembly {
namespace {

using actors::service_directory;
using actors::services;

/// A child that spawns with `spawn()` and publishes its handle with `publish`.
template <class Spawn, class Publish>
supervision::child_spec child(std::string name, std::shared_ptr<service_directory> directory, Spawn spawn,
                              Publish publish) {
  return {std::move(name), [directory, spawn, publish] {
            auto handle = spawn(directory->get());
            directory->update([&](services& s) { publish(s, handle); });
            return caf::actor_cast<caf::actor>(handle);
          }};
}

/// A per-shop singleton: its supervised child is the guard, which runs it
/// (spawned by `spawn`, published by `publish`) only while this node holds
/// its lease, and withdraws it (`withdraw`) when it stops here.
template <class Spawn, class Publish, class Withdraw>
supervision::child_spec singleton_child(caf::actor_system* sys, std::string name,
                                        std::shared_ptr<service_directory> directory,
                                        actors::singleton_guard_options guard, Spawn spawn, Publish publish,
                                        Withdraw withdraw) {
  actors::guarded_singleton singleton{name,
                                      [directory, spawn, publish] {
                                        auto handle = spawn(directory->get());
                                        directory->update([&](services& s) { publish(s, handle); });
                                        return caf::actor_cast<caf::actor>(handle);
                                      },
                                      [directory, withdraw] { directory->update([&](services& s) { withdraw(s); }); }};
  return {std::move(name), [sys, directory, guard, singleton] {
            auto handle = sys->spawn<caf::detached>(actors::singleton_guard_impl, guard, singleton);
            directory->update([&](services& s) { s.singleton_guards[singleton.name] = handle; });
            return caf::actor_cast<caf::actor>(handle);
          }};
}

}  // namespace

std::vector<supervision::child_spec> service_tree(caf::actor_system& system,
                                                  std::shared_ptr<service_directory> directory,
                                                  const config::engine_config& config, const std::string& runtime_url,
                                                  const domain::access_keys& keys,
                                                  std::shared_ptr<const sealing::vault> vault) {
  auto* sys = &system;
  const auto timeout = config.actors.ask_timeout;
  const auto url = runtime_url;
  const auto readers = static_cast<std::size_t>(config.database.pool_size);
  // Which event types webhook endpoints subscribe to: one cache per node,
  // read by the journal's writers, refreshed by the webhook actors.
  auto webhook_subscriptions = std::make_shared<persistence::webhook_subscriptions>();
  // The journal's writers' time on batches, which the mailer yields to.
  auto checkouts_load = std::make_shared<actors::journal_load>();
  const actors::journal_options journal{static_cast<std::size_t>(config.database.journal_max_batch),
                                        static_cast<std::size_t>(config.database.journal_writers),
                                        timeout,
                                        static_cast<std::size_t>(config.database.journal_max_queue),
                                        webhook_subscriptions,
                                        checkouts_load};
  const actors::webhook_sender_options webhook_sender{config.webhooks, url, vault, webhook_subscriptions};
  const actors::order_registry_options registry{
      config.actors.passivate_after, static_cast<std::size_t>(config.actors.max_live_orders), timeout,
      domain::timer_policy{config.timers.payment_reminder_after, config.timers.cancel_unpaid_after,
                           config.timers.review_request_after},
      webhook_subscriptions};
  actors::payment_matcher_options matcher{url, {}, config.payments.tolerance_bp, timeout};
  for (const auto& coin : config.payments.coins)
    matcher.policies[coin.code] =
        domain::matching_policy{coin.confirmations, config.payments.tolerance_bp, config.payments.quote_ttl};
  const actors::timer_scheduler_options scheduler{config.timers.poll_interval, config.timers.batch, config.timers.lease,
                                                  timeout};
  const actors::mailer_options mailer{
      config.mail, config.shop,   config.fulfillment.processing_time, config.mail.templates_dir, url,
      vault,       checkouts_load};
  const actors::retention_options retention{config.privacy.retain_customer_data_for, config.privacy.retention_interval,
                                            config.privacy.retain_analytics_for, timeout};
  actors::admin_policy admin;
  admin.issuer = config.shop.name;
  // Five looks per failover_after: a node is still live after missing a few
  // heartbeats, and a freed singleton is taken within a fifth of it.
  const auto cluster_beat = std::max(config.cluster.failover_after / 5, std::chrono::milliseconds{100});
  const actors::cluster_heartbeat_options heartbeat{config.cluster.node_name,
                                                    domain::to_unix_ms(actors::wall_clock_now()), cluster_beat,
                                                    config.cluster.failover_after, url};
  const actors::receiving_addresses_options addresses{url, receiving_accounts_from(config.payments)};
  const actors::singleton_guard_options guard{config.cluster.node_name, url, cluster_beat};

  // The node's order numbers: kept across restarts of their allocator.
  const auto numbers = std::make_shared<actors::number_stock>();

  std::vector<supervision::child_spec> tree{
      // Detached readers: every blocking read of the database.
      child(
          "store", directory,
          [=](const services&) { return sys->spawn(actors::store_router_impl, url, vault, readers); },
          [](services& s, actors::store_actor h) { s.store = h; }),
      // Group commit: every decision of every order.
      child(
          "journal", directory, [=](const services&) { return sys->spawn(actors::journal_impl, journal, url, vault); },
          [](services& s, actors::journal_actor h) { s.journal = h; }),
      child(
          "order_numbers", directory,
          [=](const services& s) { return sys->spawn(actors::number_allocator_impl, s.store, timeout, numbers); },
          [numbers](services& s, actors::number_allocator_actor h) {
            s.numbers = h;
            s.numbers_in_stock = numbers;
          }),
      // Per-order receiving addresses, each unique to its order in the database.
      child(
          "receiving_addresses", directory,
          [=](const services&) {
            return sys->spawn<caf::detached>(actors::receiving_addresses_impl, addresses);
          },
          [](services& s, actors::receiving_addresses_actor h) { s.addresses = h; }),
      // One actor per live order, spawned on demand, passivated when idle.
      child(
          "order_registry", directory,
          [=](const services& s) { return sys->spawn(actors::order_registry_impl, registry, s.journal, s.store); },
          [](services& s, actors::order_registry_actor h) { s.registry = h; }),
      // Every incoming payment: watchers, the CSV import, the admin.
      child(
          "payment_matcher", directory,
          [=](const services& s) {
            return sys->spawn<caf::detached>(actors::payment_matcher_impl, matcher, s.registry);
          },
          [](services& s, actors::payment_matcher_actor h) { s.matcher = h; }),
      // Durable timers: reminders, expiry, review requests.
      child(
          "timer_scheduler", directory,
          [=](const services& s) { return sys->spawn(actors::timer_scheduler_impl, scheduler, s.store, s.registry); },
          [](services& s, actors::timer_scheduler_actor h) { s.timers = h; }),
      // The email outbox.
      child(
          "mailer", directory,
          [=](const services&) { return sys->spawn<caf::detached>(actors::mailer_impl, mailer, keys); },
          [](services& s, actors::mailer_actor h) { s.mailer = h; }),
      // Signed webhooks: the owner's endpoints, and the deliveries to them.
      child(
          "webhook_admin", directory,
          [=](const services&) {
            return sys->spawn<caf::detached>(actors::webhook_admin_impl, url, vault, webhook_subscriptions);
          },
          [](services& s, actors::webhook_admin_actor h) { s.webhook_admin = h; }),
      child(
          "webhook_sender", directory,
          [=](const services&) { return sys->spawn<caf::detached>(actors::webhook_sender_impl, webhook_sender); },
          [](services& s, actors::webhook_sender_actor h) { s.webhook_sender = h; }),
      // This node in the cluster's list; the cluster as the database sees it.
      child(
          "cluster_heartbeat", directory,
          [=](const services&) { return sys->spawn<caf::detached>(actors::cluster_heartbeat_impl, heartbeat); },
          [](services& s, actors::cluster_heartbeat_actor h) { s.cluster = h; }),
      // Personal data kept no longer than the shop said (privacy.*); one node runs it.
      singleton_child(
          sys, "retention", directory, guard,
          [=](const services& s) { return sys->spawn(actors::retention_impl, retention, s.store, s.registry); },
          [](services& s, actors::retention_actor h) { s.retention = h; }, [](services& s) { s.retention = nullptr; }),
      // The back office's door: sessions, keys and the audit log; sign-ins apart.
      child(
          "admin_access", directory,
          [=](const services&) { return sys->spawn<caf::detached>(actors::admin_access_impl, url, vault, admin); },
          [](services& s, actors::admin_access_actor h) { s.admin_access = h; }),
      child(
          "admin_sign_in", directory,
          [=](const services&) { return sys->spawn<caf::detached>(actors::admin_access_impl, url, vault, admin); },
          [](services& s, actors::admin_access_actor h) { s.admin_sign_in = h; }),
  };
  // A chain watcher for every coin whose wallet or chain source the engine can see.
  // One node watches each coin (a singleton under its guard): two would hand
  // every payment to the matcher twice. `make_source` makes the coin's chain
  // source, anew each time the watcher starts.
  auto watch = [&](const config::coin_config& coin, auto make_source) {
    const actors::chain_watcher_options options{coin.code, coin.poll_interval, timeout};
    tree.push_back(singleton_child(
        sys, "watcher_" + coin.code, directory, guard,
        [=](const services& s) {
          return sys->spawn<caf::detached>(actors::chain_watcher_impl, options,
                                           std::shared_ptr<actors::chain_source>(make_source()), s.matcher,
                                           s.registry);
        },
        [code = coin.code](services& s, actors::chain_watcher_actor h) { s.watchers[code] = h; },
        [code = coin.code](services& s) { s.watchers.erase(code); }));
  };
  const std::chrono::milliseconds watch_addresses_for = config.payments.watch_addresses_for;
  for (const auto& coin : config.payments.coins) {
    if (!coin.esplora_url.empty()) {
      actors::bitcoin_source_options source;
      source.coin = coin.code;
      source.esplora.base_url = coin.esplora_url;
      source.database_url = url;
      source.watch_addresses_for = watch_addresses_for;
      watch(coin, [=] { return std::make_unique<actors::bitcoin_chain_source>(source); });
      continue;
    }
    if (const auto rpc_url = ethereum_rpc_url(config.payments, coin); !rpc_url.empty()) {
      actors::ethereum_source_options source;
      source.coin = coin.code;
      source.node = chains::rpc_endpoint{rpc_url};
      source.token_contract = coin.token_contract;
      source.database_url = url;
      source.watch_addresses_for = watch_addresses_for;
      watch(coin, [=] { return std::make_unique<actors::ethereum_chain_source>(source); });
      continue;
    }
    if (coin.wallet_rpc_url.empty()) continue;
    actors::monero_source_options source;
    source.coin = coin.code;
    source.wallet.base_url = coin.wallet_rpc_url;
    source.wallet.user = coin.wallet_rpc_user;
    source.wallet.password = coin.wallet_rpc_password;
    source.account_index = static_cast<std::uint32_t>(coin.account_index);
    source.confirmations_required = coin.confirmations;
    // Every node makes subaddresses for the orders placed on it.
    actors::monero_subaddresses_options maker{source.wallet, source.account_index};
    tree.push_back(child(
        "subaddresses_" + coin.code, directory,
        [=](const services&) { return sys->spawn<caf::detached>(actors::monero_subaddresses_impl, maker); },
        [code = coin.code](services& s, actors::subaddress_maker_actor h) { s.subaddress_makers[code] = h; }));
    watch(coin, [=] { return std::make_unique<actors::monero_chain_source>(source); });
  }
  return tree;
}

}  // namespace assembly
