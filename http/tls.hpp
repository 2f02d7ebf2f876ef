#pragma once

// Internal to http/: the server's TLS context (included by server.cpp and
// session.cpp only).

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace http {

/// A server context that speaks TLS 1.3 and nothing older, presenting the
/// certificate chain in `cert` (PEM, leaf first) with the private key in `key`
/// (PEM, not encrypted). Throws tls_error naming the file and the reason.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert, const std::string& key);

}  // namespace http
