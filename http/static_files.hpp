#pragma once

// Files of the storefront and admin pages (web/).

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace http {

/// The file at the decoded request `path` under `root`, or nullopt when there is none
/// or the path tries to leave `root` (`..`, encoded dots, backslashes, NUL, dot-files,
/// symlinks pointing outside). A directory serves its index.html. `head` leaves the
/// body empty and reports the size in a Content-Length header.
/// Reads the file synchronously: meant for the small files of web/, which the page
/// cache keeps warm.
std::optional<response> serve_static(const std::string& root, const std::string& path, bool head);

/// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view mime_type(std::string_view file_name);

}  // namespace http
