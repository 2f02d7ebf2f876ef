#pragma once

// An IP network in CIDR notation ("10.0.0.0/8", "2001:db8::/32", or one
// address), and whether an address is in it: which peers are the shop's own
// proxies. Pure: parsing only, no lookups.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domain {

class ip_network {
 public:
  /// nullopt for anything that is not an IPv4 or IPv6 address with an optional
  /// /prefix in range (0..32 or 0..128).
  static std::optional<ip_network> parse(std::string_view cidr);

  /// Whether `address` (IPv4, IPv6, or IPv4-mapped IPv6) lies in this network.
  bool contains(std::string_view address) const;

 private:
  bool v6_ = false;
  std::array<unsigned char, 16> bytes_{};
  int prefix_ = 0;
};

/// A comma-separated list of networks ("10.0.0.0/8, ::1"); nullopt when any
/// entry does not parse. An empty or blank list is an empty vector.
std::optional<std::vector<ip_network>> parse_networks(std::string_view list);

/// Whether `address` lies in any of `networks`.
bool in_any(const std::vector<ip_network>& networks, std::string_view address);

}  // namespace domain
