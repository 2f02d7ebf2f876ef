#include "net/webhook_post.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "net/curl_support.hpp"

namespace net {
namespace {

// A receiver's answer matters for its status only: a few KiB say why it
// refused, and a receiver that streams more cannot keep the sender busy.
constexpr std::size_t answer_cap = 4096;

struct attempt {
  const webhook_request* request = nullptr;
  std::string refused;  // the address may_connect refused
  std::string answer;
};

std::string address_of(const curl_sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  }
  return text;
}

curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* a = static_cast<attempt*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const auto text = address_of(address);
  if (text.empty() || (a->request->may_connect && !a->request->may_connect(text))) {
    a->refused = text.empty() ? "an address of an unknown family" : text;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::size_t keep_the_start(char* data, std::size_t size, std::size_t count, void* user) {
  auto* a = static_cast<attempt*>(user);
  const std::size_t n = size * count;
  if (a->answer.size() < answer_cap) a->answer.append(data, std::min(n, answer_cap - a->answer.size()));
  return n;
}

}  // namespace

webhook_answer post_webhook(const webhook_request& request) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), &curl_easy_cleanup};
  if (!curl) return {0, "libcurl could not make a handle"};
  curl_slist* raw_headers = nullptr;
  for (const auto& [name, value] : request.headers)
    raw_headers = curl_slist_append(raw_headers, (name + ": " + value).c_str());
  raw_headers = curl_slist_append(raw_headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers{raw_headers, &curl_slist_free_all};

  attempt a;
  a.request = &request;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "order-engine-webhooks/1");
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &open_checked_socket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &a);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_the_start);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
  const CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  webhook_answer answer;
  answer.status = static_cast<int>(status);
  if (!a.refused.empty()) {
    answer.error = "refused to connect to " + a.refused + ": a loopback or private address";
  } else if (code != CURLE_OK && status == 0) {
    answer.error = curl_easy_strerror(code);
  } else if (status < 200 || status > 299) {
    answer.error = "HTTP " + std::to_string(status) + (a.answer.empty() ? "" : ": " + excerpt(a.answer));
  }
  return answer;
}

}  // namespace net
