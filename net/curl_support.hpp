#pragma once

// What every libcurl user of the engine needs (the SMTP transport, the chain
// clients), so that curl's headers stay in the .cpp files that use it.

#include <cstddef>
#include <string>

namespace net {

/// curl_global_init once per process, before the first handle (it is not
/// thread-safe). Throws std::runtime_error when libcurl cannot initialise.
void init_curl_once();

/// "smtp://user:secret@host:25/x" -> "smtp://host:25/x": URLs end up in logs and errors.
std::string without_credentials(const std::string& url);

/// A CURLOPT_WRITEFUNCTION that appends the body to the std::string in
/// CURLOPT_WRITEDATA.
std::size_t append_to_string(char* data, std::size_t size, std::size_t count, void* user);

/// The first 200 characters of a reply body on one line, for an error message.
std::string excerpt(const std::string& body);

/// The URL without trailing slashes, so that paths can be appended with one.
std::string trimmed_base(std::string url);

}  // namespace net
