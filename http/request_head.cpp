#include "http/request_head.hpp"

#include <string_view>
#include <utility>

namespace http {

namespace bh = boost::beast::http;

namespace {

// Beast 1.74 speaks boost::string_view.
std::string_view std_view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

void lower_into(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  for (char c : text) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
}

}  // namespace

std::optional<request> request_head(const bh::request_header<>& header, const std::string& peer,
                                    const std::vector<domain::ip_network>& trusted_proxies) {
  auto target = parse_target(std_view(header.target()));
  if (!target) return std::nullopt;
  request r;
  r.method = std::string(std_view(header.method_string()));
  r.target = std::string(std_view(header.target()));
  r.path = std::move(target->path);
  r.query = std::move(target->query);
  for (const auto& field : header) {
    std::string name;
    lower_into(name, std_view(field.name_string()));
    auto [it, inserted] = r.headers.try_emplace(std::move(name), std_view(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second.append(field.value().data(), field.value().size());
    }
  }
  r.remote_address = client_address(header, peer, trusted_proxies);
  return r;
}

std::string client_address(const bh::request_header<>& header, const std::string& peer,
                           const std::vector<domain::ip_network>& trusted_proxies) {
  if (!domain::in_any(trusted_proxies, peer)) return peer;
  std::string forwarded;
  for (auto [it, end] = header.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!forwarded.empty()) forwarded += ',';
    forwarded.append(it->value().data(), it->value().size());
  }
  // Each proxy appends the peer it saw: from the right, the first entry that
  // is not one of ours is the client; what lies left of it is the client's
  // own claim.
  std::string_view rest = forwarded;
  std::string_view leftmost;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    auto entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    if (entry.empty()) continue;
    if (!domain::in_any(trusted_proxies, entry)) return std::string(entry);
    leftmost = entry;
  }
  return leftmost.empty() ? peer : std::string(leftmost);
}

}  // namespace http
