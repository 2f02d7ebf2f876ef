#pragma once

// The shop's emails from the mustache templates in config/templates/.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mail {

struct rendered {
  std::string subject;  ///< one line, no HTML escaping
  std::string text;     ///< plain-text body, no HTML escaping
  std::string html;     ///< HTML body, every {{value}} HTML-escaped
};

/// Templates in one directory: <kind>.subject.mustache, <kind>.txt.mustache and
/// <kind>.html.mustache for every kind in kinds(). The data each kind receives is
/// described in config/templates/README.md. Thread-safe once constructed.
class renderer {
 public:
  /// Loads and checks every template of every kind; throws std::runtime_error naming
  /// the missing or broken file (and the line, for a broken one).
  explicit renderer(std::filesystem::path templates_dir);

  /// Throws std::invalid_argument for a kind not in kinds().
  rendered render(const std::string& kind, const nlohmann::json& data) const;

  static const std::vector<std::string>& kinds();

 private:
  struct templates {
    std::string subject, text, html;
  };
  std::filesystem::path dir_;
  std::map<std::string, templates> by_kind_;
};

}  // namespace mail
