// The checks of one setting: each reads a value the one way its key allows
// and fails naming the key, the value and what was expected.

#include "config/setting.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace config {

std::string env_name_for(const std::string& key) {
  std::string name = "ORDER_ENGINE_";
  for (char c : key) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string render(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (node.is_table()) return "{...}";
  if (node.is_array()) return "[...]";
  if (auto f = node.as_floating_point()) {
    // Shortest text that reads back as the same double: 162.35, not 162.34999999999999.
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, f->get());
    if (ec == std::errc{}) return std::string(buffer, end);
  }
  std::ostringstream out;
  node.visit([&out](const auto& v) { out << v; });
  return out.str();
}

std::string any_string(const setting& s) {
  auto text = s.text();
  if (!text) s.fail("expected a string");
  return *text;
}

std::vector<domain::ip_network> networks_of(const setting& s) {
  const auto items = s.strings();
  if (!items) s.fail("expected a list of networks such as [\"10.0.0.0/8\", \"::1\"] (or \"10.0.0.0/8, ::1\")");
  std::vector<domain::ip_network> networks;
  for (const auto& item : *items) {
    auto network = domain::ip_network::parse(item);
    if (!network) s.fail("'" + item + "' is not an IP address or network such as 10.0.0.0/8");
    networks.push_back(*network);
  }
  return networks;
}

std::string non_empty_string(const setting& s) {
  std::string text = any_string(s);
  if (text.empty()) s.fail("expected a non-empty string");
  return text;
}

std::int64_t integer_in(const setting& s, std::int64_t min, std::int64_t max, const std::string& what) {
  auto value = s.integer();
  if (!value || *value < min || *value > max) {
    s.fail("expected " + what + " " + std::to_string(min) + ".." + std::to_string(max));
  }
  return *value;
}

bool boolean(const setting& s) {
  auto value = s.boolean();
  if (!value) s.fail("expected true or false");
  return *value;
}

duration duration_of(const setting& s, bool zero_allowed) {
  auto text = s.text();
  std::optional<duration> value = text ? parse_duration(*text) : std::nullopt;
  if (!value) s.fail("expected a duration like \"500ms\", \"10s\", \"15m\", \"24h\" or \"7d\"");
  if (!zero_allowed && value->count() == 0) s.fail("expected a duration greater than 0");
  return *value;
}

std::int64_t rate_of(const setting& s) {
  auto text = s.text();
  std::optional<std::int64_t> value = text ? parse_rate_e8(*text) : std::nullopt;
  if (!value) {
    s.fail(s.is_float() ? "expected a quoted decimal string like \"162.35\": a float is not exact"
                        : "expected a positive decimal string with at most 8 decimals, like \"162.35\"");
  }
  return *value;
}

// "0.5" (a percentage, at most 2 decimals) or a whole number -> basis points.
int tolerance_bp_of(const setting& s) {
  std::optional<std::int64_t> bp;
  if (auto text = s.text()) {
    if (text->empty())
      bp = 0;  // parse_rate_e8 wants a positive rate; "" and "0" mean exact
    else if (*text == "0")
      bp = 0;
    else if (auto e8 = parse_rate_e8(*text); e8 && *e8 % 1'000'000 == 0)
      bp = *e8 / 1'000'000;
  } else if (auto whole = s.integer()) {
    bp = *whole * 100;
  }
  if (!bp || *bp < 0 || *bp > 10'000) s.fail("expected a percentage 0..100 with at most 2 decimals, like \"0.5\"");
  return static_cast<int>(*bp);
}

std::string url_of(const setting& s) {
  std::string url = any_string(s);
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() && url.compare(0, scheme.size(), scheme) == 0 &&
        url.find_first_of(" \t\r\n") == std::string::npos) {
      // Links are built as public_url + "/path".
      while (url.size() > scheme.size() + 1 && url.back() == '/') url.pop_back();
      return url;
    }
  }
  s.fail("expected an http:// or https:// URL");
}

std::string email_of(const setting& s) {
  std::string email = any_string(s);
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find_first_of(" \t\r\n<>") != std::string::npos) {
    s.fail("expected an email address");
  }
  return email;
}

std::string log_level_of(const setting& s) {
  std::string level = any_string(s);
  for (std::string_view known : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (level == known) return level;
  }
  s.fail("expected one of trace, debug, info, warn, error, critical, off");
}

std::string address_of(const setting& s) {
  std::string address = any_string(s);
  if (address.empty()) s.fail("expected a receiving address, not an empty string");
  if (address.find_first_of(" \t\r\n") != std::string::npos) s.fail("expected an address without spaces");
  return address;
}

std::string node_name_of(const setting& s) {
  std::string name = any_string(s);
  // It goes into log lines, Prometheus labels and the load balancer's
  // configuration unquoted: a plain word keeps it safe in all three.
  const bool plain =
      name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
      });
  if (!plain) s.fail("expected at most 63 letters, digits, '.', '_', ':' or '-'");
  return name;
}

std::string uri_scheme_of(const setting& s) {
  std::string scheme = any_string(s);
  const bool valid = !scheme.empty() && std::islower(static_cast<unsigned char>(scheme[0])) &&
                     std::all_of(scheme.begin(), scheme.end(), [](char c) {
                       return std::islower(static_cast<unsigned char>(c)) ||
                              std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                     });
  if (!valid) s.fail("expected a lower-case URI scheme like \"bitcoin\"");
  return scheme;
}

std::string admin_token_of(const setting& s) {
  std::string token = any_string(s);
  if (token.empty()) return token;  // the operator's bootstrap key is off: admins sign in
  if (auto weakness = admin_token_weakness(token)) {
    s.fail("too weak: " + *weakness + "; " + std::string(good_token_advice));
  }
  return token;
}

std::string smtp_url_of(const setting& s) {
  std::string url = any_string(s);
  if (!url.empty() && url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0)
    s.fail("expected smtp://host:port or smtps://host:port, or \"\" for the file drop");
  return url;
}

}  // namespace config
