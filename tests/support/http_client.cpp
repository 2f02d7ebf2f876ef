#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cctype>
#include <chrono>

namespace test_support {

namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {

// One exchange on a connected stream, plain or TLS.
template <class Stream>
http_reply exchange(Stream& stream, const std::string& method, const std::string& target, const std::string& body,
                    const std::map<std::string, std::string>& headers) {
  beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(method), target, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    if (!headers.count("Content-Type")) req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::http::read(stream, buffer, parser);
  auto res = parser.release();
  http_reply out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name{field.name_string()};
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string{field.value()};
  }
  out.body = res.body();
  return out;
}

asio::ip::tcp::endpoint loopback(int port) {
  return {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
}

}  // namespace

http_reply http_send(int port, const std::string& method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  beast::tcp_stream stream{io};
  stream.expires_after(std::chrono::seconds{30});
  stream.connect(loopback(port));
  auto out = exchange(stream, method, target, body, headers);
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

http_reply https_send(int port, const std::string& ca_file, const std::string& method, const std::string& target,
                      const std::string& body, const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  tls.load_verify_file(ca_file);
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{io, tls};
  stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{30});
  beast::get_lowest_layer(stream).connect(loopback(port));
  stream.handshake(asio::ssl::stream_base::client);
  auto out = exchange(stream, method, target, body, headers);
  beast::error_code ec;
  stream.shutdown(ec);  // close_notify both ways; the server may already be gone
  return out;
}

std::string first_answer_to(int port, const std::string& bytes) {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  asio::write(socket, asio::buffer(bytes));
  std::string answer;
  boost::system::error_code ec;
  asio::read_until(socket, asio::dynamic_buffer(answer), "\r\n\r\n", ec);
  return answer;
}

}  // namespace test_support
