#include "http/tls.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "http/server.hpp"

namespace http {

namespace ssl = boost::asio::ssl;

namespace {

// The reason OpenSSL gives, without the library name asio appends to it.
std::string reason_of(const boost::system::error_code& ec) {
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) return reason;
  }
  return ec.message();
}

bool is_key_mismatch(const boost::system::error_code& ec) {
  const auto code = static_cast<unsigned long>(ec.value());
  return ec && ec.category() == boost::asio::error::get_ssl_category() && ERR_GET_LIB(code) == ERR_LIB_X509 &&
         ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH;
}

// Before OpenSSL: "No such file or directory" says more than "system lib".
void require_readable(const std::string& path, const char* what) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr)
    throw tls_error("cannot read the TLS " + std::string(what) + " '" + path + "': " + std::strerror(errno));
  std::fclose(file);
}

}  // namespace

void check_tls_files(const std::string& cert, const std::string& key) {
  if (cert.empty() && key.empty()) return;
  make_tls_context(cert, key);
}

std::shared_ptr<ssl::context> make_tls_context(const std::string& cert, const std::string& key) {
  if (cert.empty() || key.empty()) {
    throw tls_error(std::string("TLS needs a certificate and its private key; the ") +
                    (cert.empty() ? "certificate" : "private key") + " is missing");
  }
  require_readable(cert, "certificate");
  require_readable(key, "private key");
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  // TLS 1.3 only: no older version, so none of their weak ciphers, renegotiation
  // or downgrade tricks; a TLS 1.2 client fails its handshake.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_3_VERSION) != 1)
    throw tls_error("this OpenSSL cannot be limited to TLS 1.3");
  // An encrypted key fails to load instead of OpenSSL asking for its passphrase
  // on the terminal of a service.
  context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string{}; });

  boost::system::error_code ec;
  context->use_certificate_chain_file(cert, ec);
  if (ec) throw tls_error("cannot use '" + cert + "' as the TLS certificate: " + reason_of(ec));
  context->use_private_key_file(key, ssl::context::pem, ec);
  if (is_key_mismatch(ec))
    throw tls_error("the private key '" + key + "' does not belong to the certificate '" + cert + "'");
  if (ec) throw tls_error("cannot use '" + key + "' as the TLS private key: " + reason_of(ec));
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    throw tls_error("the private key '" + key + "' does not belong to the certificate '" + cert + "'");
  ERR_clear_error();
  return context;
}

}  // namespace http
