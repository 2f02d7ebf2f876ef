// A parsed Beast header -> the request the handlers see: target, headers and
// the client behind trusted proxies, without a socket.

#include "http/request_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace {

namespace bh = boost::beast::http;

std::vector<domain::ip_network> proxies() {
  return *domain::parse_networks("10.0.0.0/8");
}

TEST(request_head, decodes_the_target_and_joins_repeated_headers_under_lower_case_names) {
  bh::request_header<> h;
  h.method(bh::verb::get);
  h.target("/api/orders/a%20b?token=x%2By");
  h.insert("Accept", "text/html");
  h.insert("ACCEPT", "application/json");
  auto r = http::request_head(h, "203.0.113.9", proxies());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/api/orders/a b");
  EXPECT_EQ(r->query.at("token"), "x+y");
  EXPECT_EQ(r->headers.at("accept"), "text/html, application/json");
  EXPECT_EQ(r->remote_address, "203.0.113.9");
}

TEST(request_head, a_malformed_target_is_no_request) {
  bh::request_header<> h;
  h.method(bh::verb::get);
  h.target("/a%zz");
  EXPECT_FALSE(http::request_head(h, "203.0.113.9", proxies()));
}

TEST(request_head, behind_trusted_proxies_the_rightmost_untrusted_forwarded_address_is_the_client) {
  bh::request_header<> h;
  h.insert("X-Forwarded-For", "198.51.100.1, 203.0.113.9");
  h.insert("X-Forwarded-For", "10.1.1.1");
  EXPECT_EQ(http::client_address(h, "10.0.0.2", proxies()), "203.0.113.9");
  EXPECT_EQ(http::client_address(h, "192.0.2.7", proxies()), "192.0.2.7");
}

TEST(request_head, when_every_forwarded_address_is_a_proxy_the_leftmost_is_the_client) {
  bh::request_header<> h;
  h.insert("X-Forwarded-For", " 10.9.9.9 ,, 10.1.1.1 ");
  EXPECT_EQ(http::client_address(h, "10.0.0.2", proxies()), "10.9.9.9");
}

}  // namespace
