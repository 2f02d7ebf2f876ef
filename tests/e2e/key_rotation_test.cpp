// `order_engine keys rotate` on the real binary while the shop sells: the
// master key is replaced under a running engine, customers keep checking out
// throughout, and afterwards nothing is missing: every order, every
// customer's email, every confirmation mail, an admin's second factor, and a
// restarted engine with the same file still opens it all.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "e2e/engine_process.hpp"
#include "sealing/box.hpp"
#include "sealing/key_file.hpp"

using namespace e2e;

namespace {

struct placed_order {
  std::string id;
  std::string email;
};

/// Clients checking out one order after another (`pause` between two of a
/// client's), each order a new customer with an address of its own, until stopped.
class checkout_load {
 public:
  checkout_load(const engine_process& engine, std::string tag, int clients,
                std::chrono::milliseconds pause = std::chrono::milliseconds{0})
      : engine_(engine), tag_(std::move(tag)), pause_(pause) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  ~checkout_load() { stop(); }

  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::size_t placed() const { return placed_count_; }
  std::vector<placed_order> orders() const {
    std::lock_guard lock{mutex_};
    return orders_;
  }
  std::vector<std::string> failures() const {
    std::lock_guard lock{mutex_};
    return failures_;
  }

 private:
  void run(int client) {
    for (int i = 0; !stop_; ++i) {
      const auto email = tag_ + "-" + std::to_string(client) + "-" + std::to_string(i) + "@example.com";
      auto body = checkout_body();
      body["customer"] = {{"name", "Customer " + tag_ + " " + std::to_string(client)}, {"email", email}};
      try {
        auto r = engine_.post("/api/orders", body);
        std::lock_guard lock{mutex_};
        if (r.status == 201) {
          orders_.push_back({r.data()["id"].get<std::string>(), email});
          ++placed_count_;
        } else {
          failures_.push_back(std::to_string(r.status) + " " + r.body);
        }
      } catch (const std::exception& e) {
        std::lock_guard lock{mutex_};
        failures_.push_back(e.what());
      }
      std::this_thread::sleep_for(pause_);
    }
  }

  const engine_process& engine_;
  std::string tag_;
  std::chrono::milliseconds pause_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> placed_count_{0};
  mutable std::mutex mutex_;
  std::vector<placed_order> orders_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

/// How many .eml files of the drop directory are addressed to each recipient.
std::map<std::string, int> mail_by_recipient(const std::filesystem::path& dir) {
  std::map<std::string, int> out;
  if (!std::filesystem::exists(dir)) return out;
  const std::regex to{"^To: [^\\r\\n]*<([^>]+)>", std::regex::multiline};
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".eml") continue;
    std::ifstream in{f.path()};
    std::ostringstream text;
    text << in.rdbuf();
    const auto mail = text.str();
    std::smatch m;
    if (std::regex_search(mail, m, to)) ++out[m[1].str()];
  }
  return out;
}

std::int64_t count(const std::string& url, const std::string& sql, const std::string& parameter) {
  pqxx::connection db{url};
  pqxx::read_transaction txn{db};
  return txn.exec_params(sql, parameter)[0][0].as<std::int64_t>();
}

finished_run rotate(const engine_process& engine) {
  return run_to_exit(engine.environment(), {"keys", "rotate"});
}

std::string totp_secret_in(const std::string& output) {
  std::smatch m;
  return std::regex_search(output, m, std::regex{"secret: ([A-Z2-7]+)"}) ? m[1].str() : "";
}

/// The current code, as an authenticator app computes it (Debian's oathtool).
std::string oathtool_code(const std::string& secret) {
  FILE* pipe = ::popen(("oathtool --totp -b " + secret).c_str(), "r");
  char line[32] = {};
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  std::string code = read ? line : "";
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  return code;
}

const std::string password = "a long and varied passphrase";

reply sign_in(const engine_process& engine, const std::string& secret) {
  return engine.post("/admin/api/session",
                     {{"email", "ada@example.com"}, {"password", password}, {"code", oathtool_code(secret)}});
}

/// Every order loads in the admin view with its customer's email in the clear.
void expect_every_order_readable(const engine_process& engine, const std::vector<placed_order>& orders) {
  int wrong = 0;
  for (const auto& order : orders) {
    auto r = engine.admin_get("/admin/api/orders/" + order.id);
    if (r.status == 200 && r.data()["customer"]["email"] == order.email) continue;
    if (++wrong <= 3) ADD_FAILURE() << order.id << ": " << r.status << " " << r.body.substr(0, 300);
  }
  EXPECT_EQ(wrong, 0) << "of " << orders.size() << " orders";
}

TEST(key_rotation, key_rotation_under_load_loses_no_order_and_no_email) {
  engine_process engine{{{"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"}, {"ORDER_ENGINE_MAIL_BATCH", "500"}}};
  const auto key_file = engine.master_key_file();
  const auto old_key = sealing::read_key_file(key_file).at(0);
  const auto old_id = sealing::key_id(old_key);

  // Customers from before: more rows than one rewrap transaction takes.
  checkout_load before{engine, "before", 4};
  ASSERT_TRUE(eventually([&] { return before.placed() >= 1100; }, std::chrono::seconds{120}));
  before.stop();

  // The rotation, with clients checking out from its start to its end (a
  // few hundred a second: every order is checked afterwards, mail included).
  // Meanwhile the admin reads the customers from before, each rewrapped at
  // some point of it: every one opens at every moment.
  checkout_load during{engine, "during", 3, std::chrono::milliseconds{5}};
  const auto earlier = before.orders();
  std::atomic<bool> rotated{false};
  std::size_t reads = 0;
  std::vector<std::string> unreadable;
  std::thread admin{[&] {
    for (std::size_t i = 0; !rotated; ++i, ++reads) {
      const auto& order = earlier[i % earlier.size()];
      auto r = engine.admin_get("/admin/api/orders/" + order.id);
      if (r.status != 200 || r.data()["customer"]["email"] != order.email)
        unreadable.push_back(order.id + ": " + std::to_string(r.status) + " " + r.body.substr(0, 200));
    }
  }};
  const auto placed_before = during.placed();
  const auto started = std::chrono::steady_clock::now();
  const auto rotation = rotate(engine);
  const auto took = std::chrono::steady_clock::now() - started;
  const auto placed_during = during.placed() - placed_before;
  rotated = true;
  admin.join();
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  during.stop();
  std::cout << "rotation of " << before.placed()
            << "+ customers: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms, "
            << placed_during << " checkouts and " << reads << " admin reads meanwhile\n"
            << rotation.output;
  ASSERT_EQ(rotation.exit_code, 0) << rotation.output;
  EXPECT_GT(placed_during, 100u) << "the load did not overlap the rotation";
  EXPECT_GT(reads, 100u);
  EXPECT_TRUE(unreadable.empty()) << unreadable.size() << " reads failed, first: " << unreadable.front();
  for (const auto* load : {&before, &during})
    EXPECT_TRUE(load->failures().empty()) << load->failures().size() << " failed, first: " << load->failures().front();

  // One key in the file, a new one; no row names the old one; no key printed.
  const auto keys_after = sealing::read_key_file(key_file);
  ASSERT_EQ(keys_after.size(), 1u);
  const auto new_id = sealing::key_id(keys_after[0]);
  EXPECT_NE(new_id, old_id);
  EXPECT_NE(rotation.output.find(new_id), std::string::npos) << rotation.output;
  for (const auto& key : {old_key, keys_after[0]})
    EXPECT_EQ(rotation.output.find(sealing::to_base64({reinterpret_cast<const char*>(key.data()), sealing::key_size})),
              std::string::npos)
        << "a key was printed";
  const auto url = engine.database().url();
  EXPECT_EQ(count(url, "select count(*) from customer_keys where split_part(wrapped_key, ':', 1) = $1", old_id), 0);
  EXPECT_EQ(count(url, "select count(*) from engine_secrets where name = 'root_key' and split_part(value, ':', 1) = $1",
                  new_id),
            1);

  // Every order answered 201 is there with its customer's email, and its
  // confirmation went out exactly once.
  auto orders = before.orders();
  for (auto& o : during.orders()) orders.push_back(std::move(o));
  EXPECT_EQ(count(url, "select count(*) from customer_keys where split_part(wrapped_key, ':', 1) = $1", new_id),
            static_cast<std::int64_t>(orders.size()));
  expect_every_order_readable(engine, orders);
  std::map<std::string, int> mail;
  const bool all_sent = eventually(
      [&] {
        mail = mail_by_recipient(engine.mail_drop());
        return mail.size() >= orders.size();
      },
      std::chrono::seconds{60});
  EXPECT_TRUE(all_sent) << mail.size() << " of " << orders.size() << " customers got mail";
  int missing = 0, repeated = 0;
  for (const auto& order : orders) {
    const auto n = mail.count(order.email) ? mail.at(order.email) : 0;
    missing += n == 0;
    repeated += n > 1;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(repeated, 0);
  EXPECT_TRUE(engine.admin_get("/admin/api/mail/dead").data()["messages"].empty());

  // A restarted engine with the same file opens it all.
  ASSERT_EQ(engine.stop(), 0);
  engine.start();
  expect_every_order_readable(engine, orders);
}

TEST(key_rotation, an_admins_second_factor_and_the_customers_order_links_survive_it) {
  engine_process engine;
  const auto added = run_to_exit(engine.environment(), {"admin", "add", "ada@example.com"}, password + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  const auto secret = totp_secret_in(added.output);
  ASSERT_FALSE(secret.empty()) << added.output;
  auto order = engine.post("/api/orders", checkout_body()).data();
  const std::string id = order["id"], token = order["access_token"];

  const auto rotation = rotate(engine);
  ASSERT_EQ(rotation.exit_code, 0) << rotation.output;
  ASSERT_EQ(engine.stop(), 0);
  engine.start();  // derives every key from the root key anew, unwrapped by the new master key

  EXPECT_EQ(sign_in(engine, secret).status, 201) << "the authenticator app still signs Ada in";
  EXPECT_EQ(engine.get("/api/orders/" + id, bearer(token)).status, 200) << "the email's link still opens the order";
  // The command line opens the rotated file too.
  const auto reset = run_to_exit(engine.environment(), {"admin", "reset-2fa", "ada@example.com"});
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(sign_in(engine, totp_secret_in(reset.output)).status, 201);
}

TEST(key_rotation, a_missing_or_foreign_key_file_is_exit_2_and_changes_nothing) {
  engine_process engine;
  ASSERT_EQ(engine.post("/api/orders", checkout_body()).status, 201);
  auto env = engine.environment();
  const auto url = engine.database().url();
  const auto old_id = sealing::key_id(sealing::read_key_file(engine.master_key_file()).at(0));

  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = "/nonexistent/master.key";
  auto missing = run_to_exit(env, {"keys", "rotate"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/master.key"), std::string::npos) << missing.output;

  test_support::master_key_file foreign;
  const auto foreign_before = sealing::read_key_file(foreign.path());
  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = foreign.path();
  auto other = run_to_exit(env, {"keys", "rotate"});
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("do not open this database's keys"), std::string::npos) << other.output;
  EXPECT_EQ(sealing::read_key_file(foreign.path()), foreign_before) << "the foreign file is left as it was";

  { std::ofstream{engine.master_key_file(), std::ios::app} << "not a key\n"; }
  auto malformed = run_to_exit(engine.environment(), {"keys", "rotate"});
  EXPECT_EQ(malformed.exit_code, 2) << malformed.output;
  EXPECT_NE(malformed.output.find("line 2"), std::string::npos) << malformed.output;

  EXPECT_EQ(run_to_exit(engine.environment(), {"keys", "spin"}).exit_code, 2);
  EXPECT_EQ(count(url, "select count(*) from customer_keys where split_part(wrapped_key, ':', 1) = $1", old_id), 1);
}

}  // namespace
