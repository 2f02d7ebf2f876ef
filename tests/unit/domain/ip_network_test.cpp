#include "domain/ip_network.hpp"

#include <gtest/gtest.h>

namespace {

using domain::ip_network;

TEST(ip_network, an_ipv4_network_contains_its_addresses_and_no_other) {
  const auto n = ip_network::parse("10.1.0.0/16");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->contains("10.1.0.1"));
  EXPECT_TRUE(n->contains("10.1.255.255"));
  EXPECT_FALSE(n->contains("10.2.0.1"));
  EXPECT_TRUE(n->contains("::ffff:10.1.2.3"));  // as a dual-stack socket reports it
  EXPECT_FALSE(n->contains("2001:db8::1"));
  EXPECT_FALSE(n->contains("not an address"));
}

TEST(ip_network, prefixes_that_end_inside_a_byte_are_exact) {
  const auto n = ip_network::parse("192.168.1.64/26");  // .64 .. .127
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->contains("192.168.1.63"));
  EXPECT_TRUE(n->contains("192.168.1.64"));
  EXPECT_TRUE(n->contains("192.168.1.127"));
  EXPECT_FALSE(n->contains("192.168.1.128"));
}

TEST(ip_network, an_ipv6_network_and_a_single_address) {
  const auto n = ip_network::parse("2001:db8:aa::/48");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->contains("2001:db8:aa:1::5"));
  EXPECT_FALSE(n->contains("2001:db8:ab::5"));
  const auto one = ip_network::parse("127.0.0.1");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains("127.0.0.1"));
  EXPECT_FALSE(one->contains("127.0.0.2"));
  const auto all = ip_network::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("203.0.113.9"));
}

TEST(ip_network, malformed_networks_are_refused) {
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "example.com/8",
                          "10.0.0.0/8/8", "10.0.0.0/1a"})
    EXPECT_FALSE(ip_network::parse(bad)) << bad;
}

TEST(ip_network, a_list_is_comma_separated_and_all_or_nothing) {
  const auto list = domain::parse_networks(" 10.0.0.0/8, ::1 ,192.168.0.0/16");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 3u);
  EXPECT_TRUE(domain::in_any(*list, "::1"));
  EXPECT_TRUE(domain::in_any(*list, "192.168.3.4"));
  EXPECT_FALSE(domain::in_any(*list, "172.16.0.1"));
  EXPECT_TRUE(domain::parse_networks("")->empty());
  EXPECT_TRUE(domain::parse_networks("  ")->empty());
  EXPECT_FALSE(domain::parse_networks("10.0.0.0/8, nonsense"));
}

}  // namespace
