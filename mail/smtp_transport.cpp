#include <curl/curl.h>

#include "net/curl_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "mail/transport.hpp"

namespace mail {
namespace {

using net::init_curl_once;
using net::without_credentials;

// What the SMTP server answered last with a 4xx or 5xx code, kept so that a failure
// names the server's own reason ("550 5.1.1 <x@y>: mailbox unavailable").
struct session_log {
  std::string last_error_reply;
};

int debug_callback(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;  // never our own commands: AUTH carries the password
  auto* log = static_cast<session_log*>(user);
  std::string_view text{data, size};
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.size() >= 3 && (line[0] == '4' || line[0] == '5') && std::isdigit(static_cast<unsigned char>(line[1])) &&
        std::isdigit(static_cast<unsigned char>(line[2])))
      log->last_error_reply = std::string{line};
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}

struct upload {
  std::string_view rest;
};

size_t read_callback(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<upload*>(user);
  const size_t n = std::min(size * count, source->rest.size());
  std::memcpy(buffer, source->rest.data(), n);
  source->rest.remove_prefix(n);
  return n;
}

// Failures that a retry cannot cure: the configuration or the server's certificate is
// wrong, or the server said no for good. Everything else (no route, refused, timeouts,
// a dropped connection) may pass.
bool permanent(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return true;
    default:
      return false;
  }
}

// An SMTP path is sent inside a command line: a line break would start a command of
// the sender's choosing.
void check_path(const std::string& address, const char* role) {
  if (address.empty() || address.find_first_of("\r\n<> ") != std::string::npos)
    throw send_error(std::string{"invalid "} + role + " address for SMTP: '" + address + "'", false);
}

int reply_code(const std::string& reply) {
  if (reply.size() < 3) return 0;
  return (reply[0] - '0') * 100 + (reply[1] - '0') * 10 + (reply[2] - '0');
}

struct easy_deleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using easy_handle = std::unique_ptr<CURL, easy_deleter>;

// Idle handles, each keeping its SMTP connection open: the next message goes out
// with MAIL FROM on a connection that has already said EHLO (and STARTTLS, AUTH)
// instead of opening one of its own. A handle is used by one thread at a time;
// as many are kept as were ever busy at once.
class handle_pool {
 public:
  easy_handle take() {
    {
      const std::lock_guard lock{mutex_};
      if (!idle_.empty()) {
        easy_handle h = std::move(idle_.back());
        idle_.pop_back();
        curl_easy_reset(h.get());  // keeps the connection, forgets the last message's options
        return h;
      }
    }
    return easy_handle{curl_easy_init()};
  }

  void give_back(easy_handle h) {
    const std::lock_guard lock{mutex_};
    idle_.push_back(std::move(h));
  }

 private:
  std::mutex mutex_;
  std::vector<easy_handle> idle_;
};

class smtp_transport final : public transport {
 public:
  explicit smtp_transport(smtp_options options) : options_(std::move(options)) {}

  void send(const message& m, const std::string& mime) override {
    easy_handle handle = handles_.take();
    if (!handle) throw send_error("libcurl could not create a handle", true);
    CURL* h = handle.get();

    std::unique_ptr<curl_slist, slist_deleter> recipients;
    for (const auto& to : m.to) {
      check_path(address_of(to), "recipient");
      const auto bracketed = "<" + address_of(to) + ">";
      curl_slist* grown = curl_slist_append(recipients.get(), bracketed.c_str());
      if (grown == nullptr) throw send_error("out of memory listing recipients", true);
      recipients.release();
      recipients.reset(grown);
    }
    if (!recipients) throw send_error("the message has no recipient", false);
    const auto sender_address = options_.envelope_from.empty() ? address_of(m.from) : options_.envelope_from;
    check_path(sender_address, "sender");
    const auto sender = "<" + sender_address + ">";

    upload body{mime};
    session_log log;
    char error_buffer[CURL_ERROR_SIZE] = {};
    const long response_timeout_s = static_cast<long>((options_.timeout.count() + 999) / 1000);

    curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // called from worker threads
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_callback);
    curl_easy_setopt(h, CURLOPT_READDATA, &body);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, std::max(1L, response_timeout_s));
    // A hard cap, so that a server trickling replies cannot hold a mailer thread forever.
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count() * 4));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds debug_callback, prints nothing
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_callback);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &log);
    if (options_.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }

    const CURLcode result = curl_easy_perform(h);
    if (result == CURLE_OK) {
      handles_.give_back(std::move(handle));
      return;
    }
    // A failed handle closes with its connection: whatever state the server's
    // side of it is in, the next message starts a conversation of its own.

    const int code = reply_code(log.last_error_reply);
    std::string reason = "SMTP " + without_credentials(options_.url) + ": " +
                         (error_buffer[0] != '\0' ? std::string{error_buffer} : curl_easy_strerror(result));
    if (!log.last_error_reply.empty()) reason += " (server said: " + log.last_error_reply + ")";
    const bool transient = code >= 500 ? false : code >= 400 ? true : !permanent(result);
    throw send_error(reason, transient, code);
  }

  std::string describe() const override {
    return without_credentials(options_.url) + (options_.starttls ? " (STARTTLS)" : "") +
           (options_.username.empty() ? "" : " as " + options_.username);
  }

 private:
  smtp_options options_;
  handle_pool handles_;
};

}  // namespace

std::unique_ptr<transport> make_smtp_transport(smtp_options options) {
  const auto& url = options.url;
  if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0)
    throw std::invalid_argument("mail SMTP URL must start with smtp:// or smtps://: " + without_credentials(url));
  if (options.timeout.count() <= 0) throw std::invalid_argument("mail SMTP timeout must be positive");
  init_curl_once();
  return std::make_unique<smtp_transport>(std::move(options));
}

}  // namespace mail
