#include "domain/webhook.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <variant>

#include "domain/ip_network.hpp"
#include "domain/order.hpp"
#include "domain/order_json.hpp"
#include "domain/time.hpp"

namespace domain {
namespace {

constexpr std::string_view secret_prefix = "whsec_";

// Every alternative of order_event, by the name the journal stores, so a new
// event is offered to subscribers without a second list to keep.
template <std::size_t... I>
std::vector<std::string> event_names(std::index_sequence<I...>) {
  return {event_type(order_event{std::in_place_index<I>})...};
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
  std::vector<unsigned char> out(3 * text.size() / 4);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

const std::vector<ip_network>& private_networks() {
  static const std::vector<ip_network> networks = [] {
    std::vector<ip_network> list;
    for (const char* cidr : {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                             "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
                             "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"})
      list.push_back(*ip_network::parse(cidr));
    return list;
  }();
  return networks;
}

expected<webhook_target, target_error> malformed(std::string detail) {
  return target_error{target_problem::malformed, std::move(detail)};
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return host.front() != '.' && host.front() != '-';
}

}  // namespace

const std::vector<std::string>& webhook_event_types() {
  static const auto names = event_names(std::make_index_sequence<std::variant_size_v<order_event>>{});
  return names;
}

bool is_webhook_event_type(std::string_view type) {
  const auto& names = webhook_event_types();
  return std::find(names.begin(), names.end(), type) != names.end();
}

bool subscribes_to(const std::vector<std::string>& subscribed, std::string_view type) {
  return std::any_of(subscribed.begin(), subscribed.end(),
                     [type](const std::string& s) { return s == "*" || s == type; });
}

nlohmann::json webhook_payload(const webhook_event_facts& facts) {
  const auto at = timestamp{std::chrono::milliseconds{facts.occurred_at_ms}};
  return {{"type", facts.event_type},
          {"timestamp", format_rfc3339(at)},
          {"data",
           {{"order_id", facts.order_id},
            {"order_number", facts.order_number},
            {"event_seq", facts.seq},
            {"status", facts.status}}}};
}

nlohmann::json with_personal_data(nlohmann::json payload, const std::optional<webhook_customer>& customer) {
  auto& data = payload["data"];
  if (!customer || customer->erased) {
    data["customer"] = {{"erased", true}, {"name", nullptr}, {"email", nullptr}};
    data["shipping"] = nullptr;
    return payload;
  }
  data["customer"] = {{"erased", false}, {"name", customer->name}, {"email", customer->email}};
  data["shipping"] = customer->shipping ? shipping_json(*customer->shipping) : nlohmann::json(nullptr);
  return payload;
}

std::string webhook_secret_text(const std::vector<unsigned char>& key) {
  return std::string{secret_prefix} + base64(key.data(), key.size());
}

std::optional<std::vector<unsigned char>> webhook_secret_key(std::string_view secret) {
  if (secret.substr(0, secret_prefix.size()) != secret_prefix) return std::nullopt;
  auto key = unbase64(secret.substr(secret_prefix.size()));
  if (!key || key->size() < 24 || key->size() > 64) return std::nullopt;
  return key;
}

std::optional<std::string> webhook_signature(std::string_view secret, std::string_view id,
                                             std::int64_t timestamp_seconds, std::string_view body) {
  const auto key = webhook_secret_key(secret);
  if (!key) return std::nullopt;
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp_seconds)).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac.data(), &size);
  return "v1," + base64(mac.data(), size);
}

bool is_private_address(std::string_view address) {
  if (!ip_network::parse(address)) return true;
  return in_any(private_networks(), address);
}

expected<webhook_target, target_error> check_webhook_target(std::string_view url, bool allow_private) {
  if (url.empty() || url.size() > 2000) return malformed("url must be an http or https URL of at most 2000 characters");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return malformed("url must not contain spaces, control or non-ASCII characters");
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return malformed("url must start with http:// or https://");
  webhook_target target;
  target.url = std::string{url};
  target.scheme = lower(url.substr(0, colon));
  if (target.scheme != "http" && target.scheme != "https") return malformed("url must start with http:// or https://");
  if (url.find('#') != std::string_view::npos) return malformed("url must not have a fragment");
  const auto rest = url.substr(colon + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) return malformed("url must not carry a user name or password");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return malformed("url has an unclosed IPv6 address");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return malformed("url has text after its IPv6 address");
    if (!after.empty()) port = after.substr(1);
    if (!ip_network::parse(host) || host.find('/') != std::string_view::npos)
      return malformed("url has an invalid IPv6 address");
    target.host_is_address = true;
  } else {
    const auto last_colon = authority.rfind(':');
    if (last_colon != std::string_view::npos) {
      host = authority.substr(0, last_colon);
      port = authority.substr(last_colon + 1);
    }
    if (!is_host_name(host)) return malformed("url must name a host");
    target.host_is_address = ip_network::parse(host).has_value() && host.find('/') == std::string_view::npos;
  }
  target.host = lower(host);
  if (port.empty()) {
    target.port = target.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return malformed("url has an invalid port");
    target.port = std::stoi(std::string{port});
    if (target.port < 1 || target.port > 65535) return malformed("url has an invalid port");
  }
  if (!allow_private) {
    const bool local_name = target.host == "localhost" ||
                            (target.host.size() > 10 && target.host.substr(target.host.size() - 10) == ".localhost");
    if (local_name || (target.host_is_address && is_private_address(target.host)))
      return target_error{target_problem::private_address,
                          "url points at a loopback or private network; set webhooks.allow_private_targets to allow "
                          "it"};
  }
  return target;
}

std::chrono::milliseconds webhook_backoff(int failed_attempts, std::chrono::milliseconds retry_after,
                                          std::chrono::milliseconds retry_max) {
  auto wait = retry_after;
  for (int i = 1; i < failed_attempts && wait < retry_max; ++i) wait *= 2;
  return std::min(wait, retry_max);
}

}  // namespace domain
