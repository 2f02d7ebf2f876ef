#include "chains/json_rpc_client.hpp"

#include <curl/curl.h>

#include "net/curl_support.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <utility>

namespace chains {
namespace {

using net::append_to_string;
using net::excerpt;
using net::init_curl_once;
using net::trimmed_base;
using net::without_credentials;

}  // namespace

struct json_rpc_client::connection {
  std::mutex mutex;
  CURL* handle = nullptr;
  curl_slist* headers = nullptr;

  connection() {
    init_curl_once();
    handle = curl_easy_init();
    if (handle == nullptr) throw std::runtime_error("libcurl could not create a handle");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    // No "Expect: 100-continue" round trip before a large body.
    headers = curl_slist_append(headers, "Expect:");
  }
  ~connection() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
  }
};

json_rpc_client::json_rpc_client(rpc_endpoint endpoint)
    : endpoint_(std::move(endpoint)), connection_(std::make_unique<connection>()) {
  endpoint_.base_url = trimmed_base(endpoint_.base_url);
}

json_rpc_client::~json_rpc_client() = default;
json_rpc_client::json_rpc_client(json_rpc_client&&) noexcept = default;
json_rpc_client& json_rpc_client::operator=(json_rpc_client&&) noexcept = default;

nlohmann::json json_rpc_client::call(const std::string& method, const nlohmann::json& params,
                                     std::optional<std::chrono::milliseconds> timeout) {
  const std::string where =
      method + " at " + (endpoint_.shown_as.empty() ? without_credentials(endpoint_.base_url) : endpoint_.shown_as) +
      ": ";
  const auto total = timeout.value_or(endpoint_.timeout);
  const auto connect = std::min(endpoint_.connect_timeout, total);
  const std::string url = endpoint_.base_url + endpoint_.path;
  const std::string request =
      nlohmann::json{{"jsonrpc", "2.0"}, {"id", "0"}, {"method", method}, {"params", params}}.dump();

  std::lock_guard<std::mutex> lock{connection_->mutex};
  CURL* h = connection_->handle;
  std::string body;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // called from worker threads
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, connection_->headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, total.count())));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, connect.count())));
  if (!endpoint_.user.empty()) {
    // monero-wallet-rpc --rpc-login speaks digest only (MD5, qop=auth).
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_DIGEST));
    curl_easy_setopt(h, CURLOPT_USERNAME, endpoint_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, endpoint_.password.c_str());
  }

  const CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // the buffer dies with this frame
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_COULDNT_CONNECT) {
      long os_errno = 0;
      curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED)
        throw rpc_error(rpc_error::kind::transport, where + "connection refused (" + detail + ")");
      throw rpc_error(rpc_error::kind::transport, where + "cannot connect (" + detail + ")");
    }
    if (code == CURLE_OPERATION_TIMEDOUT)
      throw rpc_error(rpc_error::kind::transport,
                      where + "timed out after " + std::to_string(total.count()) + " ms (" + detail + ")");
    throw rpc_error(rpc_error::kind::transport, where + detail);
  }

  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status == 401)
    throw rpc_error(rpc_error::kind::http_status,
                    where + "HTTP 401 Unauthorized (" +
                        (endpoint_.user.empty() ? std::string{"the server wants a login and none is configured"}
                                                : "wrong user or password for the server's --rpc-login") +
                        ")",
                    status);
  if (status != 200)
    throw rpc_error(rpc_error::kind::http_status, where + "HTTP " + std::to_string(status) + " " + excerpt(body),
                    status);

  auto reply = nlohmann::json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object())
    throw rpc_error(rpc_error::kind::bad_reply, where + "the reply is not a JSON object: " + excerpt(body), status);
  if (auto error = reply.find("error"); error != reply.end() && !error->is_null()) {
    int rpc_code = 0;
    std::string message = error->dump();
    if (error->is_object()) {
      if (auto c = error->find("code"); c != error->end() && c->is_number_integer()) rpc_code = c->get<int>();
      if (auto m = error->find("message"); m != error->end() && m->is_string()) message = m->get<std::string>();
    }
    throw rpc_error(rpc_error::kind::rpc, where + "error " + std::to_string(rpc_code) + ": " + message, status,
                    rpc_code);
  }
  auto result = reply.find("result");
  if (result == reply.end())
    throw rpc_error(rpc_error::kind::bad_reply, where + "the reply has neither result nor error: " + excerpt(body),
                    status);
  return std::move(*result);
}

}  // namespace chains
