// http.tls_cert and http.tls_key: both or neither, and files the engine can read;
// whether the two belong together is the TLS library's to say (http/ tests it).

#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/temp_dir.hpp"

namespace {

using config::config_error;

struct tls_settings : ::testing::Test {
  test_support::temp_dir dir{"ccc-config-tls"};
  std::string cert = (dir.path() / "shop.crt").string();
  std::string key = (dir.path() / "shop.key").string();

  void SetUp() override {
    // Only readability is checked here, not the PEM inside.
    dir.write("shop.crt", "-----BEGIN CERTIFICATE-----\n");
    dir.write("shop.key", "-----BEGIN PRIVATE KEY-----\n");
    dir.write("engine.toml", "");
  }

  config::engine_config load(std::map<std::string, std::string> env) const {
    return config::load_config((dir.path() / "engine.toml").string(),
                               [env](const std::string& name) -> std::optional<std::string> {
                                 auto it = env.find(name);
                                 if (it == env.end()) return std::nullopt;
                                 return it->second;
                               });
  }

  config_error error_of(std::map<std::string, std::string> env) const {
    try {
      load(std::move(env));
    } catch (const config_error& e) {
      return e;
    }
    ADD_FAILURE() << "the configuration loaded";
    return config_error("none", "", "none");
  }
};

TEST_F(tls_settings, neither_set_is_plain_http_by_default) {
  const auto c = load({});
  EXPECT_EQ(c.http.tls_cert, "");
  EXPECT_EQ(c.http.tls_key, "");
}

TEST_F(tls_settings, both_set_from_the_environment_are_taken) {
  const auto c = load({{"ORDER_ENGINE_HTTP_TLS_CERT", cert}, {"ORDER_ENGINE_HTTP_TLS_KEY", key}});
  EXPECT_EQ(c.http.tls_cert, cert);
  EXPECT_EQ(c.http.tls_key, key);
}

TEST_F(tls_settings, both_set_in_the_file_are_taken) {
  dir.write("engine.toml", "[http]\ntls_cert = \"" + cert + "\"\ntls_key = \"" + key + "\"\n");
  EXPECT_EQ(load({}).http.tls_key, key);
}

TEST_F(tls_settings, a_certificate_without_its_key_is_an_error_naming_the_key) {
  const auto e = error_of({{"ORDER_ENGINE_HTTP_TLS_CERT", cert}});
  EXPECT_EQ(e.key(), "http.tls_key");
  EXPECT_NE(std::string(e.what()).find("http.tls_cert"), std::string::npos) << e.what();
}

TEST_F(tls_settings, a_key_without_its_certificate_is_an_error_naming_the_certificate) {
  const auto e = error_of({{"ORDER_ENGINE_HTTP_TLS_KEY", key}});
  EXPECT_EQ(e.key(), "http.tls_cert");
}

TEST_F(tls_settings, a_file_that_does_not_exist_is_named_with_its_path) {
  const std::string missing = (dir.path() / "missing.key").string();
  const auto e = error_of({{"ORDER_ENGINE_HTTP_TLS_CERT", cert}, {"ORDER_ENGINE_HTTP_TLS_KEY", missing}});
  EXPECT_EQ(e.key(), "http.tls_key");
  EXPECT_EQ(e.value(), missing);
  EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
}

TEST_F(tls_settings, a_directory_or_an_empty_file_is_not_a_certificate) {
  EXPECT_EQ(error_of({{"ORDER_ENGINE_HTTP_TLS_CERT", dir.path().string()}, {"ORDER_ENGINE_HTTP_TLS_KEY", key}}).key(),
            "http.tls_cert");
  dir.write("empty.crt", "");
  const auto e = error_of(
      {{"ORDER_ENGINE_HTTP_TLS_CERT", (dir.path() / "empty.crt").string()}, {"ORDER_ENGINE_HTTP_TLS_KEY", key}});
  EXPECT_EQ(e.key(), "http.tls_cert");
  EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
}

}  // namespace
