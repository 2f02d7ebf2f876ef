#pragma once

// A private Monero network on loopback for tests: monerod in regtest mode (offline,
// difficulty 1, blocks mined on request) and two monero-wallet-rpc processes,
//
//   - the CUSTOMER's: a full wallet (fixed seed) with coins: 200 blocks mined to it (80 would do for coins, but a chain
//   that short runs out of decoys after four transfers), so
//     that coinbase outputs are unlocked (60 blocks) and the chain holds enough
//     unlocked outputs for a ring of 16;
//   - the SHOP's: a VIEW-ONLY wallet generated from nothing but the address and private
//     view key of the shop's wallet (generate_from_keys), behind --rpc-login (HTTP
//     digest), as the engine meets it in production.
//
//   monero_test::monero_regtest net;            // ~5-10 s, see startup_report()
//   chains::monero_wallet_rpc shop{net.shop()};
//   auto sub = shop.create_address(0, "order");
//   auto txid = net.pay(sub.address, 1'000'000'000'000).txid;   // 1 XMR, in the pool
//   net.mine(1);                                                // 1 confirmation
//
// Everything lives in a fresh directory under $TMPDIR (removed afterwards unless
// CCC_MONERO_KEEP=1); ports are free loopback ports. Binaries: $MONEROD and
// $MONERO_WALLET_RPC, default `monerod` and `monero-wallet-rpc` on PATH.
//
// The processes are children that die with the thread that created them
// (PR_SET_PDEATHSIG): construct the harness on the test's main thread (a test body,
// SetUpTestSuite or a gtest Environment), never on a thread that ends before it.
// The destructor stops them: SIGTERM, then SIGKILL after 5 s.
//
// Header-only; links against ccc_chains (chains::json_rpc_client) and libc only.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chains/json_rpc_client.hpp"
#include "support/free_port.hpp"

namespace monero_test {

using namespace std::chrono_literals;

using test_support::free_port;

/// A child process whose stdout and stderr go to a file.
struct child_process {
  std::string name;
  pid_t pid = -1;
  std::filesystem::path output;

  /// The last `bytes` of its output, for error messages.
  std::string tail(std::size_t bytes = 2000) const {
    std::ifstream in{output, std::ios::binary};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    return text.size() > bytes ? text.substr(text.size() - bytes) : text;
  }
};

inline child_process spawn(const std::string& name, const std::vector<std::string>& args,
                           const std::filesystem::path& output) {
  // Everything the child touches is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string exec_failed = "cannot execute " + args.front() + "\n";
  const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || null < 0) {
    if (out >= 0) ::close(out);
    if (null >= 0) ::close(null);
    throw std::runtime_error("cannot open " + output.string());
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    ::close(null);
    throw std::runtime_error("fork failed for " + name);
  }
  if (pid == 0) {
    // A test binary killed by ctest's timeout must not leave a monerod behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    ::dup2(null, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(argv[0], argv.data());
    [[maybe_unused]] auto ignored = ::write(2, exec_failed.data(), exec_failed.size());
    ::_exit(127);
  }
  ::close(out);
  ::close(null);
  return child_process{name, pid, output};
}

/// SIGTERM to all at once, then SIGKILL to whoever is still there after `grace`.
inline void stop_all(std::vector<child_process>& children, std::chrono::milliseconds grace = 5s) {
  for (auto& c : children)
    if (c.pid > 0) ::kill(c.pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& c : children) {
    while (c.pid > 0) {
      int status = 0;
      if (::waitpid(c.pid, &status, WNOHANG) != 0) {
        c.pid = -1;
      } else if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(c.pid, SIGKILL);
        ::waitpid(c.pid, &status, 0);
        c.pid = -1;
      } else {
        std::this_thread::sleep_for(10ms);
      }
    }
  }
}

// Fixed regtest wallets (regtest uses mainnet's address format; these keys guard
// nothing anywhere else). Made once with monero-wallet-rpc create_wallet and
// query_key. The shop's full wallet, for the record, is the seed
//   "colony berries sneeze adventure trying catch isolated tamper agenda tiers pelican
//    ruined deodorant summon bowling sifting yacht tyrant soya bowling gables uphill
//    damp diplomat uphill"
// but only its address and view key are ever given to a wallet-rpc here.
inline constexpr const char* customer_wallet_seed =
    "wayside impel elbow academy jockey unquoted yields flippant incur also paper insult rising major jockey bubble "
    "ultimate tadpoles ravine muzzle shrugged olive etched gambit olive";
inline constexpr const char* customer_wallet_address =
    "46Gb3qJkbvzEkZK4pkJkeee7B6sb5FA7HYr5pZJb4EQ6iFHM3peynNcGiGPFp7ws7SKrCfr9yWQkgfS3LUcnK7625UjPUKV";
inline constexpr const char* shop_wallet_address =
    "47EwTFbo18RQ6MkQ9MmNpjS9qiX7isucPfwfAeEkk4mcSzMgAknSe4j6uFkWoXTa6v2baJr8Tu9By8Yy7KHzYz1iC6hU2Wm";
inline constexpr const char* shop_wallet_view_key = "01dbb4d589aee13b651ce2470e70d3558fb99b1126777f16ae148324c86f3702";

struct sent_transaction {
  std::string txid;
  std::uint64_t fee = 0;  ///< piconero, paid by the customer on top of the amounts
};

struct regtest_options {
  /// Mine 200 blocks to the customer during start-up (in parallel with opening the
  /// wallets; ~17 s, once: the chain is cached). Without, pay() fails until fund_customer() has run.
  bool fund_customer = true;
};

class monero_regtest {
 public:
  static constexpr std::uint64_t funding_blocks = 200;
  /// The chain height (number of blocks, genesis included) once the customer is funded.
  static constexpr std::uint64_t funded_height = funding_blocks + 1;

  explicit monero_regtest(regtest_options options = {})
      : options_(options), started_(std::chrono::steady_clock::now()) {
    try {
      start();
    } catch (...) {
      stop();
      throw;
    }
    startup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  }

  ~monero_regtest() { stop(); }

  monero_regtest(const monero_regtest&) = delete;
  monero_regtest& operator=(const monero_regtest&) = delete;

  /// The shop's view-only wallet, with its digest login: what the engine is given.
  chains::rpc_endpoint shop() const { return chains::rpc_endpoint{url(shop_port_), shop_user_, shop_password_}; }
  /// The customer's full wallet (no login).
  chains::rpc_endpoint customer() const { return chains::rpc_endpoint{url(customer_port_)}; }
  /// monerod's JSON-RPC (no login).
  chains::rpc_endpoint daemon() const { return chains::rpc_endpoint{url(daemon_port_)}; }

  /// The shop's primary address and private view key (what the view-only wallet was made from).
  const std::string& shop_address() const { return shop_address_; }
  const std::string& shop_view_key() const { return shop_view_key_; }
  const std::string& customer_address() const { return customer_address_; }
  const std::filesystem::path& directory() const { return dir_; }
  std::chrono::milliseconds startup_time() const { return startup_time_; }
  /// How long each start-up phase took, one line each.
  const std::string& startup_report() const { return report_; }

  /// Mines `blocks` blocks to `address` (default: the customer); returns the new chain height
  /// (the number of blocks, so the last block's height is this minus one).
  std::uint64_t mine(std::uint64_t blocks, std::string address = {}) {
    if (address.empty()) address = customer_address_;
    // Mining a block is quick, but a loaded machine (CI, two cores, a build beside
    // it) stalls monerod for seconds: the timeout only guards against a hang. A
    // retry could mine twice, so there is none.
    daemon_rpc_->call("generateblocks", {{"amount_of_blocks", blocks}, {"wallet_address", address}},
                      std::chrono::milliseconds{30000 + 500 * blocks});
    return daemon_height();
  }

  /// Mines the blocks that give the customer spendable coins, and lets its wallet see them.
  void fund_customer() {
    mine(funding_blocks);
    refresh_customer();
  }

  std::uint64_t daemon_height() { return daemon_rpc_->call("get_info").at("height").get<std::uint64_t>(); }

  /// The customer pays exact amounts (piconero) to addresses in one transaction, relayed
  /// to the daemon's pool. The fee comes on top.
  sent_transaction pay_many(const std::vector<std::pair<std::string, std::uint64_t>>& destinations,
                            std::uint64_t unlock_time = 0) {
    refresh_customer();  // sees the outputs that blocks mined since have unlocked
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [address, amount] : destinations) list.push_back({{"address", address}, {"amount", amount}});
    nlohmann::json params{{"destinations", list}, {"account_index", 0}, {"do_not_relay", false}};
    if (unlock_time != 0) params["unlock_time"] = unlock_time;
    const auto result = customer_rpc_->call("transfer", params, 60s);
    return {result.at("tx_hash").get<std::string>(), result.at("fee").get<std::uint64_t>()};
  }

  sent_transaction pay(const std::string& address, std::uint64_t piconero, std::uint64_t unlock_time = 0) {
    return pay_many({{address, piconero}}, unlock_time);
  }

  void refresh_customer() { customer_rpc_->call("refresh", nlohmann::json::object(), 60s); }
  void refresh_shop() { shop_rpc_->call("refresh", nlohmann::json::object(), 60s); }

  /// SIGKILL to the shop's wallet-rpc: a crash, nothing saved. Its port refuses connections
  /// until restart_shop_wallet_rpc().
  void kill_shop_wallet_rpc() {
    if (children_[2].pid <= 0) return;
    ::kill(children_[2].pid, SIGKILL);  // no SIGTERM first: its handler saves the wallet
    int status = 0;
    ::waitpid(children_[2].pid, &status, 0);
    children_[2].pid = -1;
  }

  /// Starts the shop's wallet-rpc again on the same port and login, opening the view-only
  /// wallet from its file (~2 s: see the RSA note in start()).
  void restart_shop_wallet_rpc() {
    if (children_[2].pid > 0) kill_shop_wallet_rpc();
    children_[2] = spawn_wallet_rpc("shop", shop_port_,
                                    {"--rpc-login", shop_user_ + ":" + shop_password_, "--wallet-file",
                                     wallet_dir("shop") + "/shop", "--password", ""});
    wait_until_answering(*shop_rpc_, "get_height", children_[2]);
  }

  /// A raw JSON-RPC client for the shop's wallet-rpc (for calls the typed client lacks).
  chains::json_rpc_client& shop_rpc() { return *shop_rpc_; }

 private:
  static std::string url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

  static std::string binary(const char* variable, const char* fallback) {
    const char* value = std::getenv(variable);
    return value != nullptr && *value != '\0' ? value : fallback;
  }

  static std::string random_hex(std::size_t length) {
    std::random_device device;
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out.push_back("0123456789abcdef"[device() % 16]);
    return out;
  }

  void start() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ccc-monero-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    for (const char* sub : {"daemon", "customer", "shop"}) std::filesystem::create_directories(dir_ / sub);

    daemon_port_ = free_port();
    do customer_port_ = free_port();
    while (customer_port_ == daemon_port_);
    do shop_port_ = free_port();
    while (shop_port_ == daemon_port_ || shop_port_ == customer_port_);
    shop_user_ = "shop";
    shop_password_ = random_hex(24);
    customer_address_ = customer_wallet_address;
    shop_address_ = shop_wallet_address;
    shop_view_key_ = shop_wallet_view_key;

    const auto cache = options_.fund_customer ? chain_cache() : std::filesystem::path{};
    bool from_cache = !cache.empty() && restore_chain(cache);
    children_.push_back(spawn_daemon(from_cache));
    children_.push_back(
        spawn_wallet_rpc("customer", customer_port_, {"--disable-rpc-login", "--wallet-dir", wallet_dir("customer")}));
    children_.push_back(spawn_wallet_rpc(
        "shop", shop_port_, {"--rpc-login", shop_user_ + ":" + shop_password_, "--wallet-dir", wallet_dir("shop")}));
    daemon_rpc_.emplace(chains::rpc_endpoint{url(daemon_port_)});
    customer_rpc_.emplace(chains::rpc_endpoint{url(customer_port_)});
    shop_rpc_.emplace(chains::rpc_endpoint{url(shop_port_), shop_user_, shop_password_});

    // On this thread: a respawned monerod must be a child of the thread that outlives it.
    try {
      wait_until_answering(*daemon_rpc_, "get_info", children_[0]);
    } catch (const std::exception& e) {
      if (!from_cache) throw;
      // A cached chain this monerod cannot open: forget it and mine afresh.
      std::error_code ignored;
      std::filesystem::remove_all(cache, ignored);
      std::filesystem::remove_all(dir_ / "daemon" / "fake", ignored);
      std::vector<child_process> dead{children_[0]};
      stop_all(dead);
      from_cache = false;
      const std::string why = e.what();
      lap("cached chain unusable, mining afresh: " + why.substr(0, why.find('\n')));
      children_[0] = spawn_daemon(false);
      wait_until_answering(*daemon_rpc_, "get_info", children_[0]);
    }
    lap(from_cache ? "monerod answering (funded chain from " + cache.string() + ")" : "monerod answering");

    // Three things at once: mining the customer's coins (~85 ms of RandomX per block,
    // unless the chain came from the cache) and opening each wallet (each costs
    // wallet-rpc an RSA key for a Bitmessage client it never uses, 1-3 s of CPU). The
    // fixed keys make this possible: the mining needs no wallet to know where to pay.
    std::vector<std::function<void()>> tasks{
        [this, &cache] {
          if (!options_.fund_customer) return;
          const auto height = daemon_height();
          if (height >= funded_height) return;
          mine(funded_height - height);
          lap(std::to_string(funded_height - height) + " blocks mined to the customer");
          if (!cache.empty()) store_chain(cache);
        },
        [this] {
          wait_until_answering(*customer_rpc_, "get_version", children_[1]);
          lap("customer wallet-rpc answering");
          customer_rpc_->call("restore_deterministic_wallet",
                              {{"filename", "customer"},
                               {"seed", customer_wallet_seed},
                               {"password", ""},
                               {"language", "English"},
                               {"restore_height", 0},
                               {"autosave_current", true}},
                              60s);
          lap("customer wallet open");
        },
        [this] {
          wait_until_answering(*shop_rpc_, "get_version", children_[2]);
          lap("shop wallet-rpc answering");
          const auto made = shop_rpc_->call("generate_from_keys",
                                            {{"filename", "shop"},
                                             {"address", shop_address_},
                                             {"viewkey", shop_view_key_},
                                             {"password", ""},
                                             {"restore_height", 0},
                                             {"autosave_current", true}},
                                            60s);
          if (made.at("address").get<std::string>() != shop_address_)
            throw std::runtime_error("the view-only wallet has another address: " + made.dump());
          lap("shop view-only wallet open");
        },
    };
    std::vector<std::exception_ptr> failures(tasks.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      threads.emplace_back([&, i] {
        try {
          tasks[i]();
        } catch (...) {
          failures[i] = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
    for (const auto& f : failures)
      if (f) std::rethrow_exception(f);
    if (options_.fund_customer) {
      refresh_customer();
      refresh_shop();
      lap("wallets scanned the chain");
    }
  }

  child_process spawn_daemon(bool keep_chain) {
    const auto d = (dir_ / "daemon").string();
    // SSL off everywhere: with "autodetect" each process (and each wallet opened)
    // first generates an RSA-4096 certificate, 1-3 s of CPU apiece.
    std::vector<std::string> args{binary("MONEROD", "monerod"),
                                  "--regtest",
                                  "--offline",
                                  "--fixed-difficulty",
                                  "1",
                                  "--non-interactive",
                                  "--data-dir",
                                  d,
                                  "--log-file",
                                  d + "/monerod.log",
                                  "--log-level",
                                  "0",
                                  "--rpc-bind-ip",
                                  "127.0.0.1",
                                  "--rpc-bind-port",
                                  std::to_string(daemon_port_),
                                  "--no-igd",
                                  "--no-zmq",
                                  "--disable-dns-checkpoints",
                                  "--check-updates",
                                  "disabled",
                                  "--rpc-ssl",
                                  "disabled",
                                  "--disable-rpc-ban"};
    // Regtest deletes its chain at start unless told not to.
    if (keep_chain) args.push_back("--keep-fakechain");
    return spawn("monerod", args, dir_ / "daemon" / "stdout.log");
  }

  // The funded chain (80 blocks to the fixed customer) is the same for every run but
  // costs ~7 s to mine: the first run keeps a copy of monerod's database (~330 KB) in
  // $TMPDIR, later runs start from it. Keyed by the monerod binary; CCC_MONERO_CHAIN_CACHE=0
  // turns it off. Returns an empty path when off or monerod cannot be found.
  std::filesystem::path chain_cache() const {
    const char* setting = std::getenv("CCC_MONERO_CHAIN_CACHE");
    if (setting != nullptr && std::string{setting} == "0") return {};
    std::filesystem::path monerod = binary("MONEROD", "monerod");
    if (monerod.filename() == monerod) {
      const char* path = std::getenv("PATH");
      std::stringstream dirs{path != nullptr ? path : ""};
      std::filesystem::path found;
      for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && std::filesystem::exists(std::filesystem::path{dir} / monerod)) {
          found = std::filesystem::path{dir} / monerod;
          break;
        }
      monerod = found;
    }
    struct stat info {};
    if (monerod.empty() || ::stat(monerod.c_str(), &info) != 0) return {};
    return std::filesystem::temp_directory_path() /
           ("ccc-monero-chain-v1-" + std::to_string(funding_blocks) + "-" + std::string{customer_wallet_address, 8} +
            "-" + std::to_string(info.st_size) + "-" + std::to_string(info.st_mtime));
  }

  bool restore_chain(const std::filesystem::path& cache) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(cache / "data.mdb", error)) return false;
    const auto lmdb = dir_ / "daemon" / "fake" / "lmdb";
    std::filesystem::create_directories(lmdb, error);
    if (!error) std::filesystem::copy_file(cache / "data.mdb", lmdb / "data.mdb", error);
    return !error;
  }

  // Right after mining, while monerod writes nothing: LMDB's file then holds every
  // committed block. Written aside and renamed, so a reader never sees half a copy
  // and two runs racing to store it both succeed.
  void store_chain(const std::filesystem::path& cache) {
    std::error_code error;
    const auto aside = cache.string() + ".tmp-" + std::to_string(::getpid()) + "-" + random_hex(6);
    std::filesystem::create_directories(aside, error);
    if (!error)
      std::filesystem::copy_file(dir_ / "daemon" / "fake" / "lmdb" / "data.mdb",
                                 std::filesystem::path{aside} / "data.mdb", error);
    if (!error) std::filesystem::rename(aside, cache, error);
    if (error) std::filesystem::remove_all(aside, error);
  }

  // "<ms since start-up began>: <what>", one line per phase, from any thread.
  void lap(const std::string& what) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
    std::lock_guard<std::mutex> lock{report_mutex_};
    report_ += "  " + std::to_string(ms) + " ms: " + what + "\n";
  }

  std::string wallet_dir(const std::string& name) const { return (dir_ / name).string(); }

  // `extra`: the login, and --wallet-dir (wallets made by RPC) or --wallet-file (open one).
  child_process spawn_wallet_rpc(const std::string& name, int port, const std::vector<std::string>& extra) {
    const auto w = wallet_dir(name);
    std::vector<std::string> args{binary("MONERO_WALLET_RPC", "monero-wallet-rpc"),
                                  "--daemon-address",
                                  "127.0.0.1:" + std::to_string(daemon_port_),
                                  "--trusted-daemon",
                                  "--rpc-bind-ip",
                                  "127.0.0.1",
                                  "--rpc-bind-port",
                                  std::to_string(port),
                                  "--log-file",
                                  w + "/wallet-rpc.log",
                                  "--log-level",
                                  "0",
                                  "--shared-ringdb-dir",
                                  w + "/ringdb",
                                  "--non-interactive",
                                  "--no-dns",
                                  "--disable-rpc-ban",
                                  "--rpc-ssl",
                                  "disabled",
                                  "--daemon-ssl",
                                  "disabled"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto output = dir_ / name / ("stdout-" + std::to_string(++spawned_) + ".log");
    return spawn("monero-wallet-rpc (" + name + ")", args, output);
  }

  // Polls, rather than sleeps: answers within ~1 s usually; a process that died says why.
  static void wait_until_answering(chains::json_rpc_client& rpc, const std::string& method,
                                   const child_process& child) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    std::string last_error;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(child.pid, &status, WNOHANG) == child.pid)
        throw std::runtime_error(child.name + " exited during start-up (status " + std::to_string(status) + "):\n" +
                                 child.tail());
      try {
        rpc.call(method, nlohmann::json::object(), 1s);
        return;
      } catch (const chains::rpc_error& e) {
        last_error = e.what();
      }
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error(child.name + " did not answer within 30 s: " + last_error + "\n" + child.tail());
  }

  void stop() {
    stop_all(children_);
    const char* keep = std::getenv("CCC_MONERO_KEEP");
    if (dir_.empty()) return;
    if (keep != nullptr && std::string{keep} == "1") return;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  regtest_options options_;
  std::filesystem::path dir_;
  int daemon_port_ = 0, customer_port_ = 0, shop_port_ = 0;
  std::string shop_user_, shop_password_;
  std::vector<child_process> children_;
  std::optional<chains::json_rpc_client> daemon_rpc_, customer_rpc_, shop_rpc_;
  std::string customer_address_, shop_address_, shop_view_key_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::milliseconds startup_time_{0};
  std::mutex report_mutex_;
  int spawned_ = 0;
  std::string report_;
};

}  // namespace monero_test
