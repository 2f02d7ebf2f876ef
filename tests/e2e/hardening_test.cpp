// The engine facing an attacker: what it refuses before doing any work, and
// what it tells browsers so that its pages cannot be framed or fed script.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

TEST(hardening, an_admin_upload_without_the_token_is_refused_before_its_body_is_read) {
  engine_process engine;
  // 30 MB promised, 100 Continue asked for, no credential: the engine must not
  // grant the bulk limit or invite the body; it answers 401 from the headers.
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = test_support::first_answer_to(
      engine.port(),
      "POST /admin/api/payments/import HTTP/1.1\r\nHost: shop\r\nContent-Type: text/csv\r\n"
      "Content-Length: 30000000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{3});

  // With the token the same request is invited to send its body.
  const std::string invited = test_support::first_answer_to(
      engine.port(),
      "POST /admin/api/payments/import HTTP/1.1\r\nHost: shop\r\nContent-Type: text/csv\r\n"
      "Authorization: Bearer " +
          admin_token + "\r\nContent-Length: 30000000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(invited.rfind("HTTP/1.1 100", 0), 0u) << invited;
}

TEST(hardening, an_admin_read_without_the_token_is_401_and_with_it_200) {
  engine_process engine;
  auto refused = engine.get("/admin/api/orders");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.data()["type"], "unauthorized");
  EXPECT_EQ(engine.admin_get("/admin/api/orders").status, 200);
}

TEST(hardening, pages_forbid_framing_inline_script_and_sniffing) {
  engine_process engine;
  for (const std::string page : {"/", "/admin", "/orders/00000000-0000-4000-8000-000000000000"}) {
    auto res = engine.get(page);
    ASSERT_EQ(res.status, 200) << page;
    const auto csp = res.header("content-security-policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << page << ": " << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << page << ": " << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << page << ": " << csp;
    EXPECT_EQ(res.header("x-content-type-options"), "nosniff") << page;
    EXPECT_EQ(res.header("referrer-policy"), "no-referrer") << page;
    EXPECT_FALSE(res.header("permissions-policy").empty()) << page;
  }
  EXPECT_EQ(engine.get("/api/products").header("x-content-type-options"), "nosniff");
}

TEST(hardening, the_storefronts_own_urls_privacy_included_answer_its_index_and_nothing_else_does) {
  engine_process engine;
  const std::string storefront = engine.get("/").body;
  ASSERT_NE(storefront.find("/js/app.js"), std::string::npos) << storefront;
  // A direct load or a reload of a storefront page gets the single-page app.
  for (const std::string page :
       {"/privacy", "/cart", "/checkout", "/products/HP-64XL-BLK", "/orders/00000000-0000-4000-8000-000000000000"}) {
    auto res = engine.get(page);
    ASSERT_EQ(res.status, 200) << page;
    EXPECT_EQ(res.header("content-type"), "text/html; charset=utf-8") << page;
    EXPECT_EQ(res.body, storefront) << page;
    EXPECT_NE(res.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos) << page;
  }
  // Only that path: no prefix match that would make every /privacy… a page.
  for (const std::string other : {"/privacy/anything", "/privacy-policy", "/privacyx"}) {
    auto res = engine.get(other);
    EXPECT_EQ(res.status, 404) << other;
    EXPECT_EQ(res.data()["type"], "not_found") << other;
  }
}

TEST(hardening, a_cross_site_form_post_places_no_order) {
  engine_process engine;
  // A form on another site can send a JSON-looking body, but only as a form or
  // text type: refused with 415, and nothing is written.
  for (const std::string type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data"}) {
    auto res = send(engine.port(), "POST", "/api/orders", checkout_body().dump(), {{"Content-Type", type}});
    EXPECT_EQ(res.status, 415) << type;
    EXPECT_EQ(res.data()["type"], "unsupported_media_type") << type;
  }
  EXPECT_EQ(engine.admin_get("/admin/api/orders").data()["orders"].size(), 0u);
  // The same body as application/json places the order.
  EXPECT_EQ(engine.post("/api/orders", checkout_body()).status, 201);
  EXPECT_EQ(engine.admin_get("/admin/api/orders").data()["orders"].size(), 1u);
}

TEST(hardening, checkouts_over_the_limit_get_429_with_retry_after_and_place_nothing) {
  engine_process engine{
      {{"ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE", "3"}, {"ORDER_ENGINE_LIMITS_CHECKOUT_BURST", "3"}}};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(engine.post("/api/orders", checkout_body()).status, 201) << i;
  auto refused = engine.post("/api/orders", checkout_body());
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.data()["type"], "rate_limited");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(engine.admin_get("/admin/api/orders").data()["orders"].size(), 3u);
  EXPECT_EQ(engine.get("/api/products").status, 200);  // only checkout is limited this tightly
}

TEST(hardening, the_back_office_answers_only_the_networks_it_is_allowed_from) {
  engine_process elsewhere{{{"ORDER_ENGINE_ADMIN_ALLOW_FROM", "10.0.0.0/8, 2001:db8::/32"}}};
  // From 127.0.0.1, outside the list: 403 before the token is even looked at.
  for (const std::string path : {"/admin/api/orders", "/admin", "/admin/index.html", "/metrics"}) {
    auto res = elsewhere.get(path, bearer(admin_token));
    EXPECT_EQ(res.status, 403) << path;
    EXPECT_EQ(res.data()["type"], "forbidden") << path;
  }
  EXPECT_EQ(elsewhere.get("/api/products").status, 200);  // the storefront is for everyone
  EXPECT_EQ(elsewhere.get("/").status, 200);

  engine_process here{{{"ORDER_ENGINE_ADMIN_ALLOW_FROM", "127.0.0.0/8"}}};
  EXPECT_EQ(here.admin_get("/admin/api/orders").status, 200);
  EXPECT_EQ(here.get("/metrics").status, 200);
  EXPECT_EQ(here.get("/admin/api/orders").status, 401);  // allowed to ask, still needs the token
}

}  // namespace
