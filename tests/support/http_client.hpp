#pragma once

// A small blocking HTTP/1.1 client (and HTTPS) for tests that drive a real
// server on loopback: one request per fresh connection. Beast stays in http_client.cpp,
// compiled once, so a test file that talks HTTP does not instantiate it again.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace test_support {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json data() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// One request on a fresh connection to 127.0.0.1:port. A non-empty body is sent
/// as application/json unless `headers` names a Content-Type.
http_reply http_send(int port, const std::string& method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});

/// The same over HTTPS: TLS 1.3 or older as the server allows, its certificate
/// verified against `ca_file` (a self-signed one is its own CA) and its name
/// against 127.0.0.1. Throws when the handshake fails.
http_reply https_send(int port, const std::string& ca_file, const std::string& method, const std::string& target,
                      const std::string& body = "", const std::map<std::string, std::string>& headers = {});

/// Writes `bytes` as they are on a fresh connection and returns what the server
/// answers up to the end of its first header block ("" when it closes first).
std::string first_answer_to(int port, const std::string& bytes);

}  // namespace test_support
