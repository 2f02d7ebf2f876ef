#pragma once

// Internal to http/: a Beast request header -> the request the handlers see,
// without its body. Apart from the session so that it can be driven directly
// (the HTTP fuzz target feeds it whatever Beast's parser accepts).

#include <optional>
#include <string>
#include <vector>

#include <boost/beast/http/message.hpp>

#include "domain/ip_network.hpp"
#include "http/message.hpp"

namespace http {

/// The request as the handler will see it, without its body. nullopt when the
/// target cannot be parsed. `peer` is the connection's address; remote_address
/// is the client as client_address() finds it.
std::optional<request> request_head(const boost::beast::http::request_header<>& header, const std::string& peer,
                                    const std::vector<domain::ip_network>& trusted_proxies);

/// `peer`, unless it is one of `trusted_proxies`: then the rightmost entry of
/// X-Forwarded-For that is not a trusted proxy (the leftmost when all are).
std::string client_address(const boost::beast::http::request_header<>& header, const std::string& peer,
                           const std::vector<domain::ip_network>& trusted_proxies);

}  // namespace http
