#include "actors/engine.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <sstream>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "actors/interfaces.hpp"
#include "actors/journal.hpp"
#include "actors/number_allocator.hpp"
#include "actors/order_registry.hpp"
#include "actors/payment_matcher.hpp"
#include "actors/store_pool.hpp"
#include "actors/mailer.hpp"
#include "actors/monero_watcher.hpp"
#include "actors/timer_scheduler.hpp"
#include "domain/kpi.hpp"
#include "domain/time.hpp"
#include "domain/wallet_csv.hpp"
#include "supervision/supervisor.hpp"

namespace actors {

std::vector<domain::payment_method> payment_methods_from(const config::payments_config& payments) {
  std::vector<domain::payment_method> out;
  for (const auto& c : payments.coins) {
    domain::payment_method m;
    m.code = c.code;
    m.name = c.name;
    m.decimals = c.decimals;
    m.quote_decimals = c.quote_decimals;
    m.usd_rate_e8 = c.usd_rate_e8;
    m.address = c.address;
    m.uri_scheme = c.uri_scheme;
    m.token_contract = c.token_contract;
    m.memo = c.memo;
    m.confirmations = c.confirmations;
    m.verification = c.wallet_rpc_url.empty() ? "manual" : "automatic";
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

std::string random_uuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness available");
  return domain::format_uuid(bytes, 4);
}

/// The current handles of the supervised services. The supervisor replaces
/// them on a restart; callers read them per request.
struct services {
  store_actor store;
  journal_actor journal;
  number_allocator_actor numbers;
  order_registry_actor registry;
  payment_matcher_actor matcher;
  timer_scheduler_actor timers;
  mailer_actor mailer;
  std::map<std::string, chain_watcher_actor> watchers;  // by coin code
};

class service_directory {
 public:
  services get() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return current_;
  }
  template <class F>
  void update(F f) {
    std::lock_guard<std::mutex> lock{mutex_};
    f(current_);
  }

 private:
  mutable std::mutex mutex_;
  services current_;
};

class engine_config_for_caf : public caf::actor_system_config {
 public:
  engine_config_for_caf() {
    add_error_category(domain_error_category, render_domain_error);
    // The shutdown path waits for actors; a silent CAF log keeps stderr ours.
    set("logger.console", caf::atom("none"));
  }
};

/// One asynchronous step of a sequence: it calls `next` once it is finished
/// (answered or failed), or never, to end the sequence early.
using step = std::function<void(std::function<void()> next)>;

/// Runs `steps` one after the other, then `done`. The step in flight holds the
/// runner; the runner holds itself only weakly, so it is freed once the last
/// step has answered (or a step ended the sequence).
void run_in_turn(std::vector<step> steps, std::function<void()> done) {
  auto all = std::make_shared<std::vector<step>>(std::move(steps));
  auto run = std::make_shared<std::function<void(std::size_t)>>();
  *run = [all, done = std::move(done), weak = std::weak_ptr<std::function<void(std::size_t)>>(run)](std::size_t i) {
    if (i == all->size()) return done();
    (*all)[i]([runner = weak.lock(), i] { (*runner)(i + 1); });
  };
  (*run)(0);
}

// How long checkout waits for a wallet to make an order's subaddress before it
// falls back to the static address.
constexpr std::chrono::milliseconds address_timeout{3000};

template <class T>
domain::result<T> failure(const caf::error& e) {
  return domain::result<T>{to_domain_error(e)};
}

}  // namespace

struct engine::impl {
  config::engine_config config;
  std::shared_ptr<const domain::catalog> products;
  std::vector<domain::payment_method> methods;
  domain::access_keys keys;
  domain::shipping_policy shipping;
  engine_config_for_caf caf_config;
  caf::actor_system system{caf_config};
  std::shared_ptr<service_directory> directory = std::make_shared<service_directory>();
  supervisor_actor supervisor;

  impl(const config::engine_config& cfg, domain::catalog c, domain::access_keys k)
      : config(cfg),
        products(std::make_shared<const domain::catalog>(std::move(c))),
        methods(payment_methods_from(cfg.payments)),
        keys(std::move(k)) {}

  std::chrono::milliseconds ask_timeout() const { return config.actors.ask_timeout; }

  void start() {
    auto& sys = system;
    auto dir = directory;
    const auto url = config.database.url;
    const auto pool = static_cast<std::size_t>(config.database.pool_size);
    journal_options journal{static_cast<std::size_t>(config.database.journal_max_batch),
                            static_cast<std::size_t>(config.database.journal_writers), ask_timeout()};
    const domain::timer_policy timer_policy{config.timers.payment_reminder_after, config.timers.cancel_unpaid_after,
                                            config.timers.review_request_after};
    order_registry_options registry{config.actors.passivate_after, ask_timeout(), timer_policy};
    mailer_options mailer{config.mail, config.shop, config.fulfillment.processing_time, config.mail.templates_dir,
                          config.database.url};
    timer_scheduler_options scheduler{config.timers.poll_interval, config.timers.batch, config.timers.lease,
                                      ask_timeout()};
    payment_matcher_options matcher{config.database.url, {}, config.payments.tolerance_bp, ask_timeout()};
    for (const auto& coin : config.payments.coins)
      matcher.policies[coin.code] =
          domain::matching_policy{coin.confirmations, config.payments.tolerance_bp, config.payments.quote_ttl};
    const auto timeout = ask_timeout();
    std::vector<supervision::child_spec> children{
        {"store",
         [&sys, dir, url, pool] {
           auto h = sys.spawn(store_router_impl, url, pool);
           dir->update([&](services& s) { s.store = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"journal",
         [&sys, dir, url, journal] {
           auto h = sys.spawn(journal_impl, journal, url);
           dir->update([&](services& s) { s.journal = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"order_numbers",
         [&sys, dir, timeout] {
           auto h = sys.spawn(number_allocator_impl, dir->get().store, timeout);
           dir->update([&](services& s) { s.numbers = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"order_registry",
         [&sys, dir, registry] {
           auto s = dir->get();
           auto h = sys.spawn(order_registry_impl, registry, s.journal, s.store);
           dir->update([&](services& x) { x.registry = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"payment_matcher",
         [&sys, dir, matcher] {
           auto h = sys.spawn<caf::detached>(payment_matcher_impl, matcher, dir->get().registry);
           dir->update([&](services& x) { x.matcher = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"timer_scheduler",
         [&sys, dir, scheduler] {
           auto s = dir->get();
           auto h = sys.spawn(timer_scheduler_impl, scheduler, s.store, s.registry);
           dir->update([&](services& x) { x.timers = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
        {"mailer",
         [&sys, dir, mailer, keys = keys] {
           auto h = sys.spawn<caf::detached>(mailer_impl, mailer, keys);
           dir->update([&](services& x) { x.mailer = h; });
           return caf::actor_cast<caf::actor>(h);
         }},
    };
    for (const auto& coin : config.payments.coins) {
      if (coin.wallet_rpc_url.empty()) continue;
      monero_watcher_options watcher;
      watcher.coin = coin.code;
      watcher.wallet.base_url = coin.wallet_rpc_url;
      watcher.wallet.user = coin.wallet_rpc_user;
      watcher.wallet.password = coin.wallet_rpc_password;
      watcher.account_index = static_cast<std::uint32_t>(coin.account_index);
      watcher.confirmations_required = coin.confirmations;
      watcher.poll_interval = coin.poll_interval;
      watcher.ask_timeout = timeout;
      children.push_back({"watcher_" + coin.code, [&sys, dir, watcher] {
                            auto h = sys.spawn<caf::detached>(monero_watcher_impl, watcher, dir->get().matcher);
                            dir->update([&](services& x) { x.watchers[watcher.coin] = h; });
                            return caf::actor_cast<caf::actor>(h);
                          }});
    }
    supervisor = sys.spawn(supervision::supervisor_impl, std::move(children), supervision::restart_policy{});
    // The supervisor starts its children in its own first step; once it
    // answers, every handle is published and requests can flow.
    caf::scoped_actor waiter{sys};
    waiter->request(supervisor, caf::infinite, status_atom::value)
        .receive([](health_report&) {}, [](caf::error& e) { throw std::runtime_error(to_string(e)); });
    caf::anon_send(dir->get().numbers, prefetch_atom::value);
  }

  /// Sends `msg` to `target` from a short-lived actor and hands the reply (or
  /// the error) to the callbacks. The caller's thread never waits.
  template <class Handle, class OnValue, class OnError, class... Ts>
  void ask(Handle target, OnValue on_value, OnError on_error, Ts... xs) {
    ask_within(ask_timeout(), target, on_value, on_error, xs...);
  }

  /// Adds each chain watcher's state to the report, one after the other. A
  /// watcher that does not answer is shown as such; the report still completes.
  void report_watchers(services s, std::shared_ptr<nlohmann::json> report, std::function<void(std::string)> done) {
    (*report)["watchers"] = nlohmann::json::array();
    std::vector<step> steps;
    for (const auto& [coin, watcher] : s.watchers)
      steps.push_back([this, w = watcher, report](std::function<void()> next) {
        ask(
            w,
            [report, next](watcher_stats& st) {
              (*report)["watchers"].push_back(
                  {{"coin", st.coin},
                   {"state", st.up ? "up" : "down"},
                   {"last_error", st.last_error},
                   {"height", st.height},
                   {"last_poll_at",
                    st.last_poll_ms > 0 ? domain::format_rfc3339(domain::from_unix_ms(st.last_poll_ms)) : ""},
                   {"polls", st.polls},
                   {"failures", st.failures},
                   {"transfers_sent", st.transfers_sent},
                   {"addresses", st.addresses}});
              next();
            },
            [report, next](const caf::error& e) {
              (*report)["watchers"].push_back({{"state", "not_answering"}, {"last_error", to_string(e)}});
              next();
            },
            status_atom::value);
      });
    run_in_turn(std::move(steps), [report, done] { done(report->dump()); });
  }

  template <class Handle, class OnValue, class OnError, class... Ts>
  void ask_within(std::chrono::milliseconds timeout, Handle target, OnValue on_value, OnError on_error, Ts... xs) {
    if (!target) {
      on_error(caf::make_error(caf::sec::invalid_argument));
      return;
    }
    system.spawn([=](caf::event_based_actor* self) mutable {
      self->request(target, timeout, xs...).then(on_value, [on_error](caf::error& e) mutable { on_error(e); });
    });
  }
};

engine::engine(const config::engine_config& config, domain::catalog products, domain::access_keys keys)
    : impl_(std::make_unique<impl>(config, std::move(products), std::move(keys))) {
  impl_->start();
}

engine::~engine() {
  stop();
}

void engine::stop() {
  if (!impl_ || !impl_->supervisor) return;
  caf::anon_send_exit(impl_->supervisor, caf::exit_reason::user_shutdown);
  impl_->supervisor = nullptr;
  // Detached writers finish the batch in hand before they read the exit.
  impl_->system.await_all_actors_done();
}

std::shared_ptr<const domain::catalog> engine::catalog() const {
  return impl_->products;
}

const std::vector<domain::payment_method>& engine::payment_methods() const {
  return impl_->methods;
}

bool engine::token_matches(const domain::order_id& id, std::string_view token) const {
  return impl_->keys.token_matches(id, token);
}

void engine::place_order(http::checkout_request request, http::callback<http::placed_order> done) {
  auto priced = domain::price_checkout(*impl_->products, impl_->methods, impl_->shipping, request.input);
  if (!priced) {
    done(priced.error());
    return;
  }
  const auto at = wall_clock_now();
  const bool keyed = !request.idempotency_key.empty();
  const domain::order_id id =
      keyed ? impl_->keys.order_for_idempotency_key(request.idempotency_key) : domain::order_id{random_uuid()};
  order_request req;
  req.id = id;
  const auto fingerprint = impl_->keys.fingerprint(request.canonical_request);
  const auto& input = request.input;
  persistence::customer_row customer{random_uuid(), input.customer.name, input.customer.email,
                                     nlohmann::json{{"line1", input.shipping.line1},
                                                    {"line2", input.shipping.line2},
                                                    {"city", input.shipping.city},
                                                    {"region", input.shipping.region},
                                                    {"postal_code", input.shipping.postal_code},
                                                    {"country", input.shipping.country}}
                                         .dump(),
                                     domain::to_unix_ms(at)};
  if (keyed)
    req.idempotency =
        persistence::idempotency_row{request.idempotency_key, fingerprint, id.value(), domain::to_unix_ms(at)};
  const domain::payment_method method = *priced->method;
  const auto ttl = impl_->config.payments.quote_ttl;
  const auto services = impl_->directory->get();
  auto token = impl_->keys.token_for(id);
  auto* self_impl = impl_.get();
  auto fail = [done](const caf::error& e) { done(failure<http::placed_order>(e)); };
  // Places the order once its receiving address is known: a subaddress of its
  // own where a watcher runs, else the coin's static address.
  auto place = [self_impl, services, req, customer, priced = std::move(priced.value()), method, ttl, at, fingerprint,
                token, done, fail](const std::string& number, std::optional<std::string> own_address) mutable {
    const domain::order_number num{number};
    req.customer = customer;
    req.command = domain::place_order{req.id,
                                      num,
                                      domain::customer_ref{customer.ref},
                                      priced.lines,
                                      priced.subtotal,
                                      priced.shipping,
                                      priced.total,
                                      domain::make_quote(method, priced.total, num, at, ttl, std::move(own_address)),
                                      fingerprint,
                                      at};
    self_impl->ask(
        services.registry,
        [done, token](order_reply& reply) {
          done(http::placed_order{std::move(reply.order), token});
        },
        fail, std::move(req));
  };
  auto watcher = services.watchers.find(method.code);
  impl_->ask(
      services.numbers,
      [self_impl, place, watcher = watcher == services.watchers.end() ? chain_watcher_actor{} : watcher->second](
          std::string& number) mutable {
        if (!watcher) return place(number, std::nullopt);
        // A retried checkout (same Idempotency-Key) gets its existing order and
        // leaves this subaddress unused: harmless, and simpler than asking first.
        self_impl->ask_within(
            address_timeout, watcher,
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

void engine::get_order(domain::order_id id, http::callback<domain::order> done) {
  impl_->ask(
      impl_->directory->get().registry, [done](order_reply& r) { done(std::move(r.order)); },
      [done](const caf::error& e) { done(failure<domain::order>(e)); }, get_atom::value, std::move(id));
}

void engine::execute(domain::order_id id, domain::order_command command, http::callback<domain::order> done) {
  const auto at = wall_clock_now();
  std::visit([at](auto& c) { c.at = at; }, command);
  if (auto* requote = std::get_if<domain::requote_order>(&command)) {
    requote->methods = impl_->methods;
    requote->ttl = impl_->config.payments.quote_ttl;
  }
  auto on_reply = [done](order_reply& r) { done(std::move(r.order)); };
  auto on_error = [done](const caf::error& e) { done(failure<domain::order>(e)); };
  // The admin's payment goes through the matcher, which counts a tx id once across orders.
  if (auto* verify = std::get_if<domain::verify_payment>(&command)) {
    impl_->ask(impl_->directory->get().matcher, on_reply, on_error, verify_atom::value, std::move(id), *verify);
    return;
  }
  order_request req{std::move(id), std::move(command), std::nullopt, std::nullopt};
  impl_->ask(impl_->directory->get().registry, on_reply, on_error, std::move(req));
}

void engine::payment_exceptions(std::string status, http::callback<std::vector<persistence::exception_row>> done) {
  using rows = std::vector<persistence::exception_row>;
  impl_->ask(
      impl_->directory->get().matcher, [done](rows& r) { done(std::move(r)); },
      [done](const caf::error& e) { done(failure<rows>(e)); }, list_atom::value, std::move(status));
}

void engine::assign_exception(std::int64_t id, domain::order_id order, std::string by,
                              http::callback<persistence::exception_row> done) {
  impl_->ask(
      impl_->directory->get().matcher, [done](persistence::exception_row& r) { done(std::move(r)); },
      [done](const caf::error& e) { done(failure<persistence::exception_row>(e)); }, assign_atom::value, id,
      std::move(order), std::move(by));
}

void engine::dismiss_exception(std::int64_t id, std::string reason, std::string by,
                               http::callback<persistence::exception_row> done) {
  impl_->ask(
      impl_->directory->get().matcher, [done](persistence::exception_row& r) { done(std::move(r)); },
      [done](const caf::error& e) { done(failure<persistence::exception_row>(e)); }, dismiss_atom::value, id,
      std::move(reason), std::move(by));
}

namespace {

/// A wallet import on its way through the matcher, one chunk at a time.
struct import_run {
  std::vector<domain::incoming_payment> payments;
  std::vector<int> lines;  // of each payment, for rows the matcher could not record
  http::import_summary summary;
  http::callback<http::import_summary> done;
};

// Big enough that the matcher's two lookups amortise, small enough that the
// orders' commands of one chunk fit well within one ask.
constexpr std::size_t import_chunk = 2000;
constexpr std::chrono::seconds import_chunk_timeout{120};

}  // namespace

void engine::import_payments(std::string csv, http::callback<http::import_summary> done) {
  auto parsed = domain::parse_wallet_csv(csv, impl_->methods);
  if (!parsed) {
    done(parsed.error());
    return;
  }
  auto run = std::make_shared<import_run>();
  run->done = std::move(done);
  auto& file = parsed.value();
  run->summary.processed = static_cast<int>(file.rows.size() + file.duplicates.size() + file.rejected.size());
  run->summary.duplicates = static_cast<int>(file.duplicates.size());
  for (const auto& r : file.rejected) run->summary.rejected.push_back({r.line, r.reason});
  for (auto& row : file.rows) {
    domain::incoming_payment p;
    p.coin = row.coin;
    p.txid = std::move(row.txid);
    p.amount = row.amount;
    p.received_at = row.received_at;
    // A wallet's export lists what it has: counted as confirmed.
    const auto* method = domain::find_method(impl_->methods, row.coin);
    p.confirmations = method ? method->confirmations : 0;
    if (!row.memo.empty()) p.memo = std::move(row.memo);
    p.source = domain::payment_source::import;
    run->payments.push_back(std::move(p));
    run->lines.push_back(row.line);
  }
  auto* self_impl = impl_.get();
  std::vector<step> chunks;
  for (std::size_t first = 0; first < run->payments.size(); first += import_chunk)
    chunks.push_back([self_impl, run, first](std::function<void()> next) {
      const std::size_t last = std::min(first + import_chunk, run->payments.size());
      std::vector<domain::incoming_payment> chunk(run->payments.begin() + first, run->payments.begin() + last);
      self_impl->ask_within(
          import_chunk_timeout, self_impl->directory->get().matcher,
          [run, first, next](std::vector<payment_disposition>& out) {
            for (std::size_t k = 0; k < out.size(); ++k) {
              switch (out[k].kind) {
                case payment_disposition::matched:
                case payment_disposition::awaiting:
                  ++run->summary.matched;
                  break;
                case payment_disposition::exception:
                  ++run->summary.exceptions;
                  break;
                case payment_disposition::duplicate:
                  ++run->summary.duplicates;
                  break;
                case payment_disposition::failed:
                  run->summary.rejected.push_back(
                      {run->lines[first + k], "not recorded: the order did not answer in time; import the file again"});
                  break;
              }
            }
            next();
          },
          [run](const caf::error& e) {  // ends the sequence: the file is answered with the error
            run->done(failure<http::import_summary>(e));
          },
          match_atom::value, std::move(chunk));
    });
  run_in_turn(std::move(chunks), [run] {
    std::sort(run->summary.rejected.begin(), run->summary.rejected.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    run->done(std::move(run->summary));
  });
}

void engine::list_orders(persistence::order_filter filter, http::callback<persistence::order_page> done) {
  impl_->ask(
      impl_->directory->get().store, [done](persistence::order_page& p) { done(std::move(p)); },
      [done](const caf::error& e) { done(failure<persistence::order_page>(e)); }, list_atom::value, std::move(filter));
}

void engine::admin_order(domain::order_id id, http::callback<http::admin_order_details> done) {
  using details = http::admin_order_details;
  const auto s = impl_->directory->get();
  auto* self_impl = impl_.get();
  auto fail = [done](const caf::error& e) { done(failure<details>(e)); };
  impl_->ask(
      s.registry,
      [self_impl, s, id, done, fail](order_reply& reply) {
        auto result = std::make_shared<details>();
        result->order = std::move(reply.order);
        const auto ref = result->order.customer.value();
        self_impl->ask(
            s.store,
            [self_impl, s, id, result, done, fail](std::optional<persistence::customer_row>& customer) {
              result->customer = std::move(customer);
              self_impl->ask(
                  s.store,
                  [result, done](std::vector<persistence::stored_event>& events) {
                    result->events = std::move(events);
                    done(std::move(*result));
                  },
                  fail, load_atom::value, id);
            },
            fail, customer_atom::value, ref);
      },
      fail, get_atom::value, id);
}

void engine::dead_mail(http::callback<std::vector<persistence::outbox_entry>> done) {
  impl_->ask(
      impl_->directory->get().store, [done](std::vector<persistence::outbox_entry>& dead) { done(std::move(dead)); },
      [done](const caf::error& e) { done(failure<std::vector<persistence::outbox_entry>>(e)); }, dead_atom::value, 200);
}

void engine::retry_mail(std::int64_t id, http::callback<bool> done) {
  impl_->ask(
      impl_->directory->get().store, [done](bool retried) { done(retried); },
      [done](const caf::error& e) { done(failure<bool>(e)); }, retry_atom::value, id);
}

void engine::count_event(std::string type, http::callback<bool> done) {
  impl_->ask(
      impl_->directory->get().store, [done](bool ok) { done(ok); },
      [done](const caf::error& e) { done(failure<bool>(e)); }, event_atom::value, std::move(type),
      domain::to_unix_ms(wall_clock_now()));
}

void engine::kpis(domain::timestamp from, domain::timestamp to, http::callback<domain::kpi_report> done) {
  impl_->ask(
      impl_->directory->get().store,
      [done, from, to](persistence::kpi_inputs& in) {
        std::vector<domain::kpi_order> orders;
        orders.reserve(in.orders.size());
        for (const auto& row : in.orders) {
          domain::kpi_order o;
          o.placed_at = domain::from_unix_ms(row.placed_at_ms);
          o.total = domain::cents{row.total_cents};
          o.paid = row.payment_state == "paid" || row.payment_state == "overpaid";
          o.paid_at = domain::parse_rfc3339(row.paid_at);
          o.shipped_at = domain::parse_rfc3339(row.shipped_at);
          o.delivered = row.delivered;
          o.reviewed = row.reviewed;
          orders.push_back(o);
        }
        done(domain::compute_kpis(orders, in.checkouts_started, from, to));
      },
      [done](const caf::error& e) { done(failure<domain::kpi_report>(e)); }, kpi_atom::value, domain::to_unix_ms(from),
      domain::to_unix_ms(to));
}

namespace {

/// Prometheus text, one metric family at a time.
class prometheus_text {
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

void engine::engine_metrics(std::function<void(std::string)> done) {
  // Each source answers in turn; one that does not answer in time is left out
  // (ccc_up{source} says which), so a scrape never fails as a whole.
  auto text = std::make_shared<prometheus_text>();
  auto missing = std::make_shared<std::vector<std::string>>();
  std::vector<step> steps;
  auto* self_impl = impl_.get();
  const auto s = impl_->directory->get();
  auto skip = [missing](const char* source, std::function<void()> next) {
    return [missing, source, next](const caf::error&) {
      missing->push_back(source);
      next();
    };
  };
  steps.push_back([=](std::function<void()> next) {
    self_impl->ask(
        s.store,
        [text, next](persistence::metrics_snapshot& m) {
          text->family("ccc_orders", "gauge", "Orders by status (read model).");
          for (const auto& [status, n] : m.orders_by_status) text->sample("ccc_orders", n, "status=\"" + status + "\"");
          text->gauge("ccc_outbox_pending", "Emails waiting to be sent.", m.outbox_pending);
          text->gauge("ccc_outbox_dead", "Emails that failed every attempt.", m.outbox_dead);
          text->gauge("ccc_timers_due", "Timers due now and not yet delivered.", m.timers_due);
          text->gauge("ccc_payment_exceptions_open", "Payment exceptions waiting for the admin.",
                      m.payment_exceptions_open);
          next();
        },
        skip("database", next), metrics_atom::value);
  });
  steps.push_back([=](std::function<void()> next) {
    self_impl->ask(
        s.registry,
        [text, next](registry_stats& r) {
          text->gauge("ccc_order_actors_live", "Order actors in memory.", r.live_orders);
          text->counter("ccc_order_actors_spawned_total", "Order actors started.", r.spawned);
          text->counter("ccc_order_actors_passivated_total", "Idle order actors retired.", r.passivated);
          text->counter("ccc_order_actors_crashed_total", "Order actors that failed.", r.crashed);
          next();
        },
        skip("order_registry", next), status_atom::value);
  });
  steps.push_back([=](std::function<void()> next) {
    self_impl->ask(
        s.journal,
        [text, next](journal_stats& j) {
          text->counter("ccc_journal_batches_total", "Group-commit transactions.", j.batches);
          text->counter("ccc_journal_appends_total", "Decisions journaled (the mean batch size is appends / batches).",
                        j.appends);
          text->counter("ccc_journal_conflicts_total", "Appends that lost to another writer.", j.conflicts);
          text->gauge("ccc_journal_largest_batch", "The largest batch so far.", j.largest_batch);
          text->gauge("ccc_journal_queued", "Decisions waiting for the next batch.", j.queued);
          next();
        },
        skip("journal", next), status_atom::value);
  });
  steps.push_back([=](std::function<void()> next) {
    self_impl->ask(
        s.matcher,
        [text, next](matcher_stats& m) {
          text->family("ccc_payments_total", "counter", "Incoming payments by what the matcher made of them.");
          text->sample("ccc_payments_total", m.matched, "outcome=\"matched\"");
          text->sample("ccc_payments_total", m.awaiting, "outcome=\"awaiting\"");
          text->sample("ccc_payments_total", m.exceptions, "outcome=\"exception\"");
          text->sample("ccc_payments_total", m.duplicates, "outcome=\"duplicate\"");
          next();
        },
        skip("payment_matcher", next), status_atom::value);
  });
  for (const auto& [coin, watcher] : s.watchers) {
    const auto w = watcher;
    steps.push_back([=](std::function<void()> next) {
      self_impl->ask(
          w,
          [text, next](watcher_stats& st) {
            const std::string labels = "coin=\"" + st.coin + "\"";
            text->family("ccc_watcher_up", "gauge", "1 when the last poll reached the wallet.");
            text->sample("ccc_watcher_up", st.up ? 1 : 0, labels);
            text->family("ccc_watcher_height", "gauge", "The wallet's height at the last good poll.");
            text->sample("ccc_watcher_height", st.height, labels);
            next();
          },
          skip("watcher", next), status_atom::value);
    });
  }
  run_in_turn(std::move(steps), [text, missing, done] {
    text->family("ccc_source_up", "gauge", "0 for a part of the engine that did not answer this scrape.");
    for (const auto& m : *missing) text->sample("ccc_source_up", 0, "source=\"" + m + "\"");
    done(text->str());
  });
}

void engine::check_readiness(std::function<void(http::readiness)> done) {
  auto* self_impl = impl_.get();
  const auto s = impl_->directory->get();
  auto supervisor = impl_->supervisor;
  impl_->ask(
      s.store,
      [self_impl, supervisor, done](bool database) {
        self_impl->ask(
            supervisor,
            [database, done](health_report& h) {
              done(http::readiness{database, h.healthy});
            },
            [database, done](const caf::error&) {
              done(http::readiness{database, false});
            },
            status_atom::value);
      },
      [done](const caf::error&) {
        done(http::readiness{false, false});
      },
      ping_atom::value);
}

void engine::system_status(std::function<void(std::string)> done) {
  auto* self_impl = impl_.get();
  const auto s = impl_->directory->get();
  auto supervisor = impl_->supervisor;
  auto report = std::make_shared<nlohmann::json>();
  auto on_error = [done, report](const caf::error& e) {
    (*report)["error"] = to_string(e);
    done(report->dump());
  };
  impl_->ask(
      supervisor,
      [self_impl, s, report, done, on_error](health_report& h) {
        nlohmann::json children = nlohmann::json::array();
        for (const auto& c : h.children)
          children.push_back(
              {{"name", c.name}, {"state", c.state}, {"restarts", c.restarts}, {"last_error", c.last_error}});
        (*report)["supervisor"] = {{"healthy", h.healthy}, {"strategy", "rest_for_one"}, {"children", children}};
        self_impl->ask(
            s.registry,
            [self_impl, s, report, done, on_error](registry_stats& r) {
              (*report)["order_actors"] = {{"live", r.live_orders},
                                           {"spawned", r.spawned},
                                           {"passivated", r.passivated},
                                           {"crashed", r.crashed}};
              self_impl->ask(
                  s.journal,
                  [self_impl, s, report, done, on_error](journal_stats& j) {
                    (*report)["journal"] = {{"queued", j.queued},
                                            {"batches", j.batches},
                                            {"appends", j.appends},
                                            {"conflicts", j.conflicts},
                                            {"largest_batch", j.largest_batch}};
                    self_impl->ask(
                        s.timers,
                        [self_impl, s, report, done, on_error](timer_stats& t) {
                          (*report)["timers"] = {{"claimed", t.claimed},
                                                 {"delivered", t.delivered},
                                                 {"failed", t.failed},
                                                 {"in_flight", t.in_flight}};
                          self_impl->ask(
                              s.matcher,
                              [self_impl, s, report, done](matcher_stats& m) {
                                (*report)["payments"] = {{"seen", m.payments},
                                                         {"matched", m.matched},
                                                         {"awaiting", m.awaiting},
                                                         {"exceptions", m.exceptions},
                                                         {"duplicates", m.duplicates}};
                                self_impl->report_watchers(s, report, std::move(done));
                              },
                              on_error, status_atom::value);
                        },
                        on_error, status_atom::value);
                  },
                  on_error, status_atom::value);
            },
            on_error, status_atom::value);
      },
      on_error, status_atom::value);
}

}  // namespace actors
