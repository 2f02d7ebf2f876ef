// The [webhooks] settings the sender reads: how many endpoints it sends to at once.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace {

config::engine_config load_text(const std::string& toml, std::map<std::string, std::string> env = {}) {
  static std::atomic<int> counter{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("ccc-webhooks-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".toml");
  std::ofstream(path) << toml;
  struct removed {
    std::filesystem::path p;
    ~removed() { std::filesystem::remove(p); }
  } cleanup{path};
  return config::load_config(path.string(), [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(webhooks_config, four_endpoints_are_sent_to_at_once_unless_webhooks_senders_says_otherwise) {
  EXPECT_EQ(load_text("").webhooks.senders, 4);
  EXPECT_EQ(load_text("[webhooks]\nsenders = 9\n").webhooks.senders, 9);
  EXPECT_EQ(load_text("", {{"ORDER_ENGINE_WEBHOOKS_SENDERS", "2"}}).webhooks.senders, 2);
}

TEST(webhooks_config, senders_is_between_1_and_64) {
  EXPECT_THROW(load_text("[webhooks]\nsenders = 0\n"), config::config_error) << "none would send nothing";
  EXPECT_THROW(load_text("[webhooks]\nsenders = 65\n"), config::config_error);
  EXPECT_THROW(load_text("[webhooks]\nsenders = \"four\"\n"), config::config_error);
}

}  // namespace
