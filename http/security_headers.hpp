#pragma once

// What every answer tells the browser so that the shop's pages cannot be
// framed, sniffed into another type, or made to run script that is not the
// shop's own files.

#include "http/message.hpp"

namespace http {

/// nosniff on every response; on HTML also the Content-Security-Policy (no
/// inline script, no framing), Referrer-Policy (order links carry their access
/// token) and Permissions-Policy. A header the response sets itself is kept.
void add_security_headers(response& res);

}  // namespace http
