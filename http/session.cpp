// One HTTP connection from accept to close: (TLS handshake,) read, screen, hand
// to the handler, write, keep alive or linger. One class on purpose, over 500
// lines: its steps chain into each other on one strand, and the reader must see
// the whole chain. A template over its stream, so that plain HTTP and HTTPS run
// the very same chain; the few steps TLS adds are `if constexpr (tls)`.

#include "http/session.hpp"

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include "http/problem.hpp"
#include "http/request_head.hpp"

namespace http {

namespace beast = boost::beast;
namespace bh = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view server_name = "ccc-order-engine";
// After an error answer the client may still be sending a body we will not read;
// closing with unread data would reset the connection and could destroy our answer
// before the client reads it, so drain for at most this long first.
constexpr auto linger_limit = std::chrono::seconds{2};
constexpr std::size_t read_chunk = 8192;
// Under TLS the browser is told to come back over HTTPS only, for a year.
constexpr std::string_view hsts = "max-age=31536000";
// request_timeout 0 means "no limit"; a day is as good as none.
constexpr auto no_request_timeout = std::chrono::hours{24};

// The Date header changes once a second; format it once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached = 0;
  thread_local char text[64];
  thread_local std::size_t length = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = now;
  }
  return {text, length};
}

// Beast 1.74 speaks boost::string_view.
beast::string_view beast_view(std::string_view text) {
  return {text.data(), text.size()};
}

}  // namespace

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One connection. Everything runs on the connection's strand except the responder,
// which may be called from any thread and posts back to the strand.
template <class Stream>
class http_session : public session_base, public std::enable_shared_from_this<http_session<Stream>> {
  static constexpr bool tls = std::is_same_v<Stream, tls_stream>;
  using std::enable_shared_from_this<http_session>::shared_from_this;
  using std::enable_shared_from_this<http_session>::weak_from_this;

 public:
  http_session(tcp::socket&& socket, std::shared_ptr<session_context> ctx, std::string peer, std::string client)
      : stream_(open_stream(std::move(socket), *ctx)),
        ctx_(std::move(ctx)),
        request_timer_(stream_.get_executor()),
        remote_address_(std::move(peer)),
        admitted_as_(std::move(client)) {
    ++ctx_->connections;
  }

  ~http_session() {
    ctx_->release(admitted_as_);
    if (counted_in_flight_) ctx_->count_down(ctx_->in_flight);
    if (counted_connection_) ctx_->count_down(ctx_->connections);
    std::lock_guard lock(ctx_->sessions_mutex);
    ctx_->sessions.erase(this);
  }

  void run() {
    {
      std::lock_guard lock(ctx_->sessions_mutex);
      ctx_->sessions.emplace(this, weak_from_this());
    }
    // The accept completed on the listener's strand; continue on ours.
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::on_run, shared_from_this()));
  }

  void stop() override {
    net::post(stream_.get_executor(), beast::bind_front_handler(&http_session::on_stop, shared_from_this()));
  }

 private:
  enum class phase { reading, screening, handling, writing, lingering, closed };

  static Stream open_stream(tcp::socket&& socket, session_context& ctx) {
    if constexpr (tls) {
      return Stream(std::move(socket), *ctx.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  // Timeouts and the socket live on the TCP layer, under TLS too.
  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

  void on_run() {
    if constexpr (tls) {
      // Before the first request, and with the same time as one: a client that
      // cannot speak TLS 1.3 (or speaks plain HTTP) fails here and gets no answer.
      tcp_layer().expires_after(ctx_->options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&http_session::on_handshake, shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      fail(ec, "tls handshake");
      return close_socket();
    }
    handshaken_ = true;
    do_read();
  }

  void do_read() {
    if (ctx_->stopping) return do_close(false);
    phase_ = phase::reading;
    parser_.emplace();
    bulk_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(ctx_->options.header_limit));
    // Beast checks a Content-Length against the limit while it parses the header,
    // before we know the path: start with the larger limit and apply the path's
    // own in on_header.
    parser_->body_limit(static_cast<std::uint64_t>(std::max(ctx_->options.body_limit, ctx_->options.bulk_body_limit)));
    if (!first_request_ && buffer_.size() == 0) {
      // Between requests the client may idle for idle_timeout; once it starts
      // a request it has read_timeout to finish it.
      tcp_layer().expires_after(ctx_->options.idle_timeout);
      stream_.async_read_some(buffer_.prepare(read_chunk),
                              beast::bind_front_handler(&http_session::on_idle_read, shared_from_this()));
      return;
    }
    first_request_ = false;
    do_read_request();
  }

  void on_idle_read(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      fail(ec, "idle read");
      return close_socket();
    }
    buffer_.commit(bytes);
    do_read_request();
  }

  void do_read_request() {
    tcp_layer().expires_after(ctx_->options.read_timeout);
    bh::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
  }

  // Once the header is in, before any of the body is read: the request is
  // screened (rate limit, the api's header screen), and only a request that
  // passes gets its path's body limit, timeout and 100 Continue.
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& header = parser_->get();
    head_ = header.method() == bh::verb::head;
    keep_alive_ = header.keep_alive();
    version_ = header.version();
    head_request_ = request_head(header, remote_address_, ctx_->options.trusted_proxies);
    if (!head_request_) return refuse_early(problem(problem_type::bad_request, "malformed request target"));
    // Beast frames a body only by Content-Length or a final "chunked"; any other
    // Transfer-Encoding it reads as no body, and the body's bytes would become the
    // next request (smuggling past a proxy that framed it otherwise): refused, closed.
    if (header.count(bh::field::transfer_encoding) > 0 && !parser_->chunked()) {
      keep_alive_ = false;
      return send(problem(problem_type::bad_request, "unsupported Transfer-Encoding"), true, true);
    }
    if (ctx_->limiter.enabled()) {
      auto verdict = ctx_->limiter.acquire(client_key(head_request_->remote_address));
      if (!verdict.allowed) {
        auto res = problem(problem_type::rate_limited,
                           "too many requests from " + head_request_->remote_address + ", retry later");
        res.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after.count()));
        return refuse_early(std::move(res));
      }
    }
    if (!ctx_->options.screen_headers) return on_screened({});
    phase_ = phase::screening;
    // The verdict may come from another thread; back on our strand (at once
    // when the screen answers from here). Holding the session: nothing else
    // does while the screen looks things up.
    ctx_->options.screen_headers(*head_request_, [self = shared_from_this()](screen_verdict verdict) {
      net::dispatch(self->stream_.get_executor(),
                    [self, verdict = std::move(verdict)]() mutable { self->on_screened(std::move(verdict)); });
    });
  }

  void on_screened(screen_verdict verdict) {
    if (phase_ == phase::closed) return;
    phase_ = phase::reading;
    if (verdict.refusal) return refuse_early(std::move(*verdict.refusal));
    head_request_->who = std::move(verdict.who);
    const auto& header = parser_->get();
    bulk_ = is_bulk(head_request_->path);
    const auto limit = bulk_ ? ctx_->options.bulk_body_limit : ctx_->options.body_limit;
    if (const auto length = parser_->content_length(); length && *length > limit)
      return on_read_error(bh::error::body_limit);
    parser_->body_limit(static_cast<std::uint64_t>(limit));  // for chunked bodies, checked as they arrive
    if (bulk_) tcp_layer().expires_after(std::max(ctx_->options.read_timeout, ctx_->options.bulk_request_timeout));
    // A client that asked to be told first (curl does for bodies over 1 KiB)
    // would otherwise wait a second before it sends the body.
    if (beast::iequals(header[bh::field::expect], "100-continue")) {
      interim_.emplace(bh::status::continue_, header.version());
      bh::async_write(stream_, *interim_,
                      beast::bind_front_handler(&http_session::on_continue_sent, shared_from_this()));
      return;
    }
    read_body();
  }

  // Answers a request whose body was not read: a request without a body keeps
  // its connection; one with a body we will not read ends it.
  void refuse_early(response res) {
    if (parser_->is_done()) return send(std::move(res), false, false);
    keep_alive_ = false;
    send(std::move(res), true, true);
  }

  void on_continue_sent(beast::error_code ec, std::size_t) {
    interim_.reset();
    if (ec) {
      fail(ec, "write 100 Continue");
      return close_socket();
    }
    read_body();
  }

  void read_body() {
    bh::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  bool is_bulk(const std::string& path) const {
    for (const auto& bulk : ctx_->options.bulk_paths)
      if (path == bulk) return true;
    return false;
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto req = parser_->release();
    phase_ = phase::handling;
    request r = std::move(*head_request_);
    head_request_.reset();
    r.body = std::move(req.body());
    current_ = r.method + ' ' + r.path;
    if (ctx_->options.max_in_flight > 0 && ctx_->in_flight >= ctx_->options.max_in_flight) {
      // Work piles up faster than it is done: refuse at the door rather than
      // queue without bound behind the engine.
      auto res = problem(problem_type::unavailable, "the shop is busy, retry in a moment");
      res.headers.emplace_back("Retry-After", "1");
      return send(std::move(res), false, false);
    }

    ++ctx_->in_flight;
    counted_in_flight_ = true;
    const std::uint64_t seq = ++last_seq_;
    pending_.store(seq);
    const auto limit = bulk_ ? ctx_->options.bulk_request_timeout : ctx_->options.request_timeout;
    auto timeout = limit.count() > 0
                       ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit)
                       : std::chrono::duration_cast<std::chrono::steady_clock::duration>(no_request_timeout);
    // The pending wait also keeps this session alive while the handler works: the
    // responder only holds a weak reference.
    request_timer_.expires_after(timeout);
    request_timer_.async_wait(beast::bind_front_handler(&http_session::on_request_timeout, shared_from_this(), seq));

    responder respond = [weak = weak_from_this(), gate = ctx_->gate, seq](response res) {
      std::shared_lock lock(gate->mutex);
      if (!gate->open) return;
      auto self = weak.lock();
      if (!self || !self->claim(seq)) return;
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->on_response(std::move(res)); });
    };

    try {
      ctx_->on_request(std::move(r), std::move(respond));
    } catch (const std::exception& e) {
      spdlog::error("http handler failed on {}: {}", current_, e.what());
      if (claim(seq)) on_response(problem(problem_type::internal, "the server failed to answer"));
    } catch (...) {
      spdlog::error("http handler failed on {}: unknown exception", current_);
      if (claim(seq)) on_response(problem(problem_type::internal, "the server failed to answer"));
    }
  }

  void on_read_error(beast::error_code ec) {
    // The client closed between requests: the normal end of a keep-alive connection.
    if (ec == bh::error::end_of_stream) return do_close(false);
    keep_alive_ = false;
    head_ = false;
    version_ = 11;
    if (ec == bh::error::body_limit) {
      const auto limit = bulk_ ? ctx_->options.bulk_body_limit : ctx_->options.body_limit;
      return send(problem(problem_type::payload_too_large, "the body exceeds " + std::to_string(limit) + " bytes"),
                  true, true);
    }
    if (ec == bh::error::header_limit) {
      return send(problem(problem_type::headers_too_large,
                          "the headers exceed " + std::to_string(ctx_->options.header_limit) + " bytes"),
                  true, true);
    }
    if (is_parse_error(ec) && ec != bh::error::partial_message) {
      fail(ec, "parse");
      return send(problem(problem_type::bad_request, "the request is not valid HTTP/1.1"), true, true);
    }
    fail(ec, "read");
    close_socket();
  }

  // Exactly one of the handler's answer, the 500 for its exception and the 503 for
  // its silence wins; whoever takes `seq` out of pending_ answers.
  bool claim(std::uint64_t seq) { return pending_.compare_exchange_strong(seq, 0); }

  void on_request_timeout(std::uint64_t seq, beast::error_code ec) {
    if (ec == net::error::operation_aborted || !claim(seq)) return;
    spdlog::warn("http handler did not answer {} within {} ms", current_, ctx_->options.request_timeout.count());
    on_response(problem(problem_type::unavailable, "the request was not answered in time"));
  }

  void on_response(response res) {
    request_timer_.cancel();
    send(std::move(res), false, false);
  }

  // `close`: end the connection after this answer; `linger`: drain what the client
  // still sends first (error answers sent before the request was fully read).
  void send(response res, bool close, bool linger) {
    const bool keep_alive = keep_alive_ && !close && !ctx_->stopping;
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(res.status));
    res_.set(bh::field::server, beast_view(server_name));
    res_.set(bh::field::date, beast_view(http_date()));
    if (!res.content_type.empty()) res_.set(bh::field::content_type, res.content_type);
    std::string_view declared_length;
    for (const auto& [name, value] : res.headers) {
      if (beast::iequals(name, "content-length")) {
        declared_length = value;
        continue;
      }
      res_.insert(name, value);
    }
    // Set here, where TLS is known to be on, so that every answer carries it,
    // the session's own refusals included; plain HTTP must not send it.
    if constexpr (tls) res_.set(bh::field::strict_transport_security, beast_view(hsts));
    res_.keep_alive(keep_alive);
    const bool bodiless_status = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
    if (!bodiless_status) {
      if (head_) {
        res_.set(bh::field::content_length,
                 declared_length.empty() ? std::to_string(res.body.size()) : std::string(declared_length));
      } else {
        res_.body() = std::move(res.body);
        res_.content_length(res_.body().size());
      }
    }
    phase_ = phase::writing;
    tcp_layer().expires_after(ctx_->options.read_timeout);
    bh::async_write(stream_, res_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), !keep_alive, linger));
  }

  void on_write(bool close, bool linger, beast::error_code ec, std::size_t) {
    if (counted_in_flight_) {
      counted_in_flight_ = false;
      ctx_->count_down(ctx_->in_flight);
    }
    if (ec) {
      fail(ec, "write");
      return close_socket();
    }
    if (close) return do_close(linger);
    do_read();
  }

  void do_close(bool linger) {
    if constexpr (tls) {
      if (handshaken_) {
        // TLS says goodbye first: our close_notify tells the client the answer
        // is whole. Its own in return is not awaited (TLS does not ask for it,
        // and a client that never sends one would hold the connection); the
        // send is bounded, for a client that reads nothing any more.
        handshaken_ = false;
        phase_ = phase::lingering;
        SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
        tcp_layer().expires_after(linger_limit);
        stream_.async_shutdown(beast::bind_front_handler(&http_session::on_tls_shutdown, shared_from_this(), linger));
        return;
      }
    }
    beast::error_code ec;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger || ctx_->stopping) return close_socket();
    phase_ = phase::lingering;
    buffer_.consume(buffer_.size());
    tcp_layer().expires_after(linger_limit);
    do_linger();
  }

  // A client already gone ends the TLS shutdown with an error: the TCP close
  // (and the linger) go on as usual.
  void on_tls_shutdown(bool linger, beast::error_code ec) {
    if (phase_ == phase::closed) return;
    if (ec) fail(ec, "tls shutdown");
    do_close(linger);
  }

  // What the client still sends is read from the TCP layer and thrown away
  // (under TLS too: none of it matters any more).
  void do_linger() {
    tcp_layer().async_read_some(buffer_.prepare(read_chunk),
                                beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
  }

  void on_linger(beast::error_code ec, std::size_t) {
    if (ec) return close_socket();  // EOF, timeout or reset: all mean done
    do_linger();
  }

  void on_stop() {
    // Mid-exchange sessions close after writing their answer (send and do_read
    // check `stopping`); waiting ones have nothing to lose.
    if (phase_ == phase::reading || phase_ == phase::lingering) close_socket();
  }

  void close_socket() {
    if (phase_ == phase::closed) return;
    phase_ = phase::closed;
    beast::error_code ec;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp_layer().close();
    if (counted_connection_) {
      counted_connection_ = false;
      ctx_->count_down(ctx_->connections);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;  // lives as long as the connection: no allocation per request
  std::shared_ptr<session_context> ctx_;
  std::optional<bh::request_parser<bh::string_body>> parser_;  // fresh per request, as Beast requires
  std::optional<request> head_request_;                        // the request in hand, from its header
  bh::response<bh::string_body> res_;                          // must outlive async_write
  net::steady_timer request_timer_;
  std::string remote_address_;
  std::string admitted_as_;  // the client key its connection place was taken for
  std::string current_;      // "METHOD path" of the request being handled, for failure logs
  phase phase_ = phase::reading;
  bool first_request_ = true;
  bool handshaken_ = false;                              // TLS is up: closing starts with its shutdown
  bool bulk_ = false;                                    // the request in hand is on one of options.bulk_paths
  std::optional<bh::response<bh::empty_body>> interim_;  // "100 Continue" while it is being written
  bool head_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool counted_in_flight_ = false;
  bool counted_connection_ = true;
  std::uint64_t last_seq_ = 0;
  std::atomic<std::uint64_t> pending_{0};  // seq of the request awaiting its answer, 0 when none
};

void start_session(tcp::socket socket, std::shared_ptr<session_context> ctx, std::string peer, std::string client) {
  if (ctx->tls) {
    std::make_shared<http_session<tls_stream>>(std::move(socket), std::move(ctx), std::move(peer), std::move(client))
        ->run();
  } else {
    std::make_shared<http_session<plain_stream>>(std::move(socket), std::move(ctx), std::move(peer), std::move(client))
        ->run();
  }
}

}  // namespace http
