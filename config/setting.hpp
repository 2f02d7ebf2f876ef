#pragma once

// Internal to config/: one key's value as found in the environment or in the
// file, and the checks that turn it into a typed value (each names the key
// and the value when it fails).

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/scalars.hpp"
#include "config/secrets.hpp"

namespace config {

/// ORDER_ENGINE_ plus the key in upper case, dots as underscores.
std::string env_name_for(const std::string& key);
/// A TOML value as a person wrote it (for error messages).
std::string render(const toml::node& node);

// One key's value as found in the environment or in the file.
class setting {
 public:
  setting(std::string key, const toml::node* node, std::optional<std::string> env_value, std::string env_name)
      : key_(std::move(key)), node_(node), env_value_(std::move(env_value)), env_name_(std::move(env_name)) {}

  std::string shown() const { return env_value_ ? *env_value_ : render(*node_); }

  [[noreturn]] void fail(const std::string& reason) const {
    throw config_error(key_, shown(), env_value_ ? reason + " (from " + env_name_ + ")" : reason);
  }

  // The raw text when the value is a string (always so for env values).
  std::optional<std::string> text() const {
    if (env_value_) return env_value_;
    if (auto s = node_->as_string()) return s->get();
    return std::nullopt;
  }

  // A list: a TOML array of strings, or one string (always so in the
  // environment) with its items separated by commas.
  std::optional<std::vector<std::string>> strings() const {
    std::vector<std::string> out;
    auto split = [&out](const std::string& text) {
      for (std::size_t start = 0; start <= text.size();) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out.push_back(std::move(item));
        start = comma + 1;
      }
    };
    if (auto t = text()) {
      split(*t);
      return out;
    }
    const auto* array = node_->as_array();
    if (!array) return std::nullopt;
    for (const auto& element : *array) {
      const auto* s = element.as_string();
      if (!s) return std::nullopt;
      out.push_back(s->get());
    }
    return out;
  }

  std::optional<std::int64_t> integer() const {
    if (env_value_) return parse_int(*env_value_);
    if (auto i = node_->as_integer()) return i->get();
    return std::nullopt;
  }

  bool is_float() const { return !env_value_ && node_->is_floating_point(); }

  std::optional<bool> boolean() const {
    if (env_value_) {
      if (*env_value_ == "true" || *env_value_ == "1") return true;
      if (*env_value_ == "false" || *env_value_ == "0") return false;
      return std::nullopt;
    }
    if (auto b = node_->as_boolean()) return b->get();
    return std::nullopt;
  }

 private:
  std::string key_;
  const toml::node* node_;
  std::optional<std::string> env_value_;
  std::string env_name_;
};

// The checks, one per kind of value. Each returns the typed value or fails
// through setting::fail.
std::string any_string(const setting& s);
std::string non_empty_string(const setting& s);
std::vector<domain::ip_network> networks_of(const setting& s);  // a list of CIDR networks
std::int64_t integer_in(const setting& s, std::int64_t min, std::int64_t max, const std::string& what);
bool boolean(const setting& s);
duration duration_of(const setting& s, bool zero_allowed);
std::int64_t rate_of(const setting& s);  // a decimal exchange rate, x 1e8
int tolerance_bp_of(const setting& s);   // a percentage, in basis points
std::string url_of(const setting& s);
std::string email_of(const setting& s);
std::string log_level_of(const setting& s);
std::string address_of(const setting& s);
std::string uri_scheme_of(const setting& s);
std::string admin_token_of(const setting& s);  // "" or a token that passes admin_token_weakness
std::string smtp_url_of(const setting& s);
std::string node_name_of(const setting& s);  // "" or letters, digits, '.', '_', ':', '-'; at most 63

}  // namespace config
