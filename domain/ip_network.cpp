#include "domain/ip_network.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace domain {
namespace {

struct parsed_address {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
};

std::optional<parsed_address> parse_address(std::string_view text) {
  const std::string s{text};
  parsed_address out;
  if (inet_pton(AF_INET, s.c_str(), out.bytes.data()) == 1) return out;
  if (inet_pton(AF_INET6, s.c_str(), out.bytes.data()) == 1) {
    out.v6 = true;
    // ::ffff:a.b.c.d is the IPv4 client a dual-stack socket reports.
    static constexpr unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(out.bytes.data(), v4_mapped, 12) == 0) {
      std::memmove(out.bytes.data(), out.bytes.data() + 12, 4);
      std::memset(out.bytes.data() + 4, 0, 12);
      out.v6 = false;
    }
    return out;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<ip_network> ip_network::parse(std::string_view cidr) {
  cidr = trim(cidr);
  const auto slash = cidr.find('/');
  const auto address = parse_address(cidr.substr(0, slash));
  if (!address) return std::nullopt;
  ip_network n;
  n.v6_ = address->v6;
  n.bytes_ = address->bytes;
  const int max = n.v6_ ? 128 : 32;
  n.prefix_ = max;
  if (slash != std::string_view::npos) {
    const auto digits = cidr.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max) return std::nullopt;
    n.prefix_ = prefix;
  }
  return n;
}

bool ip_network::contains(std::string_view text) const {
  const auto address = parse_address(trim(text));
  if (!address || address->v6 != v6_) return false;
  const int whole = prefix_ / 8;
  if (std::memcmp(address->bytes.data(), bytes_.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (address->bytes[static_cast<std::size_t>(whole)] & mask) == (bytes_[static_cast<std::size_t>(whole)] & mask);
}

std::optional<std::vector<ip_network>> parse_networks(std::string_view list) {
  std::vector<ip_network> out;
  while (!trim(list).empty()) {
    const auto comma = list.find(',');
    auto network = ip_network::parse(list.substr(0, comma));
    if (!network) return std::nullopt;
    out.push_back(*network);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool in_any(const std::vector<ip_network>& networks, std::string_view address) {
  for (const auto& n : networks)
    if (n.contains(address)) return true;
  return false;
}

}  // namespace domain
