#include "http/static_files.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <utility>

namespace http {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_html(std::string_view mime) {
  return mime.substr(0, 9) == "text/html";
}

// The path must name something below root using plain segments only. Encoded
// forms are checked too: the path arrives decoded once, so "%2e" here was "%252e"
// on the wire, which no honest client sends.
std::optional<fs::path> relative_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return std::nullopt;
  auto lowered = lower(path);
  for (std::string_view encoded : {"%2e", "%2f", "%5c", "%00"}) {
    if (lowered.find(encoded) != std::string::npos) return std::nullopt;
  }
  fs::path rel;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    auto segment = path.substr(pos, end - pos);
    // Dot-files (.env, .git) are never part of the site; ".." and "." are refused
    // rather than resolved so that no request can even name the parent.
    if (!segment.empty()) {
      if (segment.front() == '.') return std::nullopt;
      rel /= std::string(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return rel;
}

bool inside(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

}  // namespace

std::string_view mime_type(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 15> types{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
  }};
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  auto ext = lower(file_name.substr(dot));
  for (const auto& [suffix, type] : types) {
    if (ext == suffix) return type;
  }
  return "application/octet-stream";
}

std::optional<response> serve_static(const std::string& root, const std::string& path, bool head) {
  auto rel = relative_path(path);
  if (!rel) return std::nullopt;

  std::error_code ec;
  auto canonical_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  // canonical() resolves symlinks, so a link inside web/ pointing elsewhere fails
  // the containment check below.
  auto file = fs::canonical(canonical_root / *rel, ec);
  if (ec || !inside(canonical_root, file)) return std::nullopt;
  if (fs::is_directory(file, ec)) {
    file = fs::canonical(file / "index.html", ec);
    if (ec || !inside(canonical_root, file)) return std::nullopt;
  }
  if (!fs::is_regular_file(file, ec)) return std::nullopt;

  response res;
  res.content_type = std::string(mime_type(file.filename().native()));
  // Pages, scripts and styles change together when the shop is updated: a browser
  // must not run yesterday's script against today's page. Images may be cached.
  const bool code = is_html(res.content_type) || res.content_type.rfind("text/javascript", 0) == 0 ||
                    res.content_type.rfind("text/css", 0) == 0;
  res.headers.emplace_back("Cache-Control", code ? "no-cache" : "public, max-age=3600");
  if (head) {
    auto size = fs::file_size(file, ec);
    if (ec) return std::nullopt;
    res.headers.emplace_back("Content-Length", std::to_string(size));
    return res;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  auto size = fs::file_size(file, ec);
  if (ec) return std::nullopt;
  res.body.resize(size);
  in.read(res.body.data(), static_cast<std::streamsize>(size));
  res.body.resize(static_cast<std::size_t>(in.gcount()));
  return res;
}

}  // namespace http
