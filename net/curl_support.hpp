#pragma once

// What every libcurl user of the engine needs (the SMTP transport, the chain
// clients), so that curl's headers stay in the .cpp files that use it.

#include <string>

namespace net {

/// curl_global_init once per process, before the first handle (it is not
/// thread-safe). Throws std::runtime_error when libcurl cannot initialise.
void init_curl_once();

/// "smtp://user:secret@host:25/x" -> "smtp://host:25/x": URLs end up in logs and errors.
std::string without_credentials(const std::string& url);

}  // namespace net
