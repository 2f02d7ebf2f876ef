#include "persistence/sealed_json.hpp"

#include <nlohmann/json.hpp>

#include "sealing/box.hpp"

namespace persistence::detail {
namespace {

using nlohmann::json;

constexpr const char* sealed_member = "$sealed";

bool is_sealed_value(const json& value) {
  return value.is_object() && value.size() == 1 && value.contains(sealed_member) && value.at(sealed_member).is_string();
}

std::string pointer_token(const std::string& key) {
  std::string token;
  for (char c : key) {
    if (c == '~')
      token += "~0";
    else if (c == '/')
      token += "~1";
    else
      token += c;
  }
  return token;
}

void open_in_place(json& value, const std::string& path, const sealing::secret_key* key, const std::string& context) {
  if (is_sealed_value(value)) {
    std::optional<std::string> plain;
    if (key) plain = sealing::open(*key, value.at(sealed_member).get<std::string>(), context + path);
    value = plain ? json(*plain) : json(nullptr);
    return;
  }
  if (value.is_object()) {
    for (auto& [member, inner] : value.items()) open_in_place(inner, path + "/" + pointer_token(member), key, context);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      open_in_place(value[i], path + "/" + std::to_string(i), key, context);
  }
}

}  // namespace

std::string seal_paths(const std::string& json_text, const std::vector<std::string>& paths,
                       const sealing::secret_key* key, const std::string& context) {
  if (paths.empty()) return json_text;
  auto doc = json::parse(json_text);
  for (const auto& path : paths) {
    const json::json_pointer pointer{path};
    if (!doc.contains(pointer) || !doc.at(pointer).is_string()) continue;
    auto& value = doc.at(pointer);
    if (key)
      value = json{{sealed_member, sealing::seal(*key, value.get<std::string>(), context + path)}};
    else
      value = nullptr;
  }
  return doc.dump();
}

bool may_hold_sealed_values(std::string_view json_text) {
  return json_text.find(sealed_member) != std::string_view::npos;
}

std::string open_sealed_values(const std::string& json_text, const sealing::secret_key* key,
                               const std::string& context) {
  if (!may_hold_sealed_values(json_text)) return json_text;
  auto doc = json::parse(json_text);
  open_in_place(doc, "", key, context);
  return doc.dump();
}

}  // namespace persistence::detail
