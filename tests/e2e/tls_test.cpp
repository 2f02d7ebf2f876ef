// The real binary serving HTTPS itself: the storefront and a checkout over TLS
// 1.3 with HSTS, nothing for plain HTTP on that port, and TLS files that cannot
// serve refused at start-up with exit 2 and a reason.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "e2e/engine_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_files.hpp"

using namespace e2e;

namespace {

std::map<std::string, std::string> tls_env(const test_support::tls_files& files) {
  return {{"ORDER_ENGINE_HTTP_TLS_CERT", files.cert}, {"ORDER_ENGINE_HTTP_TLS_KEY", files.key}};
}

TEST(tls_e2e, the_engine_serves_the_storefront_and_its_checkout_over_https) {
  test_support::temp_dir dir{"ccc-e2e-tls"};
  const auto files = test_support::make_self_signed(dir.path());
  engine_process engine{tls_env(files)};  // its requests go over HTTPS, trusting `files.cert`

  auto page = engine.get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type").rfind("text/html", 0), 0u);
  EXPECT_EQ(page.header("strict-transport-security"), "max-age=31536000");

  auto placed = engine.post("/api/orders", checkout_body());
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(placed.header("strict-transport-security"), "max-age=31536000");
  const auto order = placed.data();
  auto seen = engine.get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"]));
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.data()["number"], order["number"]);

  // Plain HTTP on the TLS port: no HTTP answer at all.
  const auto answer = test_support::first_answer_to(engine.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(answer.find("HTTP/"), std::string::npos) << answer;
}

std::map<std::string, std::string> start_up_env() {
  return {{"ORDER_ENGINE_DATABASE_URL", "postgresql://nobody@/nothing?host=/nonexistent"},
          {"ORDER_ENGINE_ADMIN_TOKEN", admin_token},
          {"ORDER_ENGINE_HTTP_PORT", std::to_string(free_port())}};
}

TEST(tls_e2e, a_key_that_is_not_the_certificates_stops_start_up_with_exit_2_and_the_reason) {
  test_support::temp_dir dir{"ccc-e2e-tls"};
  const auto shop = test_support::make_self_signed(dir.path(), "shop");
  const auto other = test_support::make_self_signed(dir.path(), "other");
  auto env = start_up_env();
  env["ORDER_ENGINE_HTTP_TLS_CERT"] = shop.cert;
  env["ORDER_ENGINE_HTTP_TLS_KEY"] = other.key;
  const auto run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("does not belong to the certificate"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("http.tls_key"), std::string::npos) << run.output;
}

TEST(tls_e2e, a_certificate_without_its_key_stops_start_up_with_exit_2_naming_the_setting) {
  test_support::temp_dir dir{"ccc-e2e-tls"};
  const auto shop = test_support::make_self_signed(dir.path(), "shop");
  auto env = start_up_env();
  env["ORDER_ENGINE_HTTP_TLS_CERT"] = shop.cert;
  const auto run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("http.tls_key"), std::string::npos) << run.output;
}

TEST(tls_e2e, an_unreadable_key_file_stops_start_up_with_exit_2_naming_it) {
  test_support::temp_dir dir{"ccc-e2e-tls"};
  const auto shop = test_support::make_self_signed(dir.path(), "shop");
  auto env = start_up_env();
  env["ORDER_ENGINE_HTTP_TLS_CERT"] = shop.cert;
  env["ORDER_ENGINE_HTTP_TLS_KEY"] = (dir.path() / "missing.key").string();
  const auto run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("missing.key"), std::string::npos) << run.output;
}

}  // namespace
