#pragma once

// Throwaway TLS certificates for tests that serve or reach HTTPS on loopback:
// made with OpenSSL at test time, never checked in, gone with their directory.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace test_support {

struct tls_files {
  std::string cert;  // PEM certificate; self-signed, so also the CA file a client trusts it with
  std::string key;   // PEM private key, not encrypted
};

namespace detail {

struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct pkey_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

template <class Write>
void write_pem(const std::string& path, Write write) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(path.c_str(), "wb"), &std::fclose};
  if (!file || write(file.get()) != 1) throw std::runtime_error("cannot write " + path);
}

}  // namespace detail

/// A fresh P-256 key and a self-signed certificate for localhost and 127.0.0.1,
/// valid from a minute ago for a day, written to <dir>/<name>.crt and <name>.key.
inline tls_files make_self_signed(const std::filesystem::path& dir, const std::string& name = "server") {
  std::unique_ptr<EVP_PKEY, detail::pkey_deleter> key{EVP_EC_gen("P-256")};
  std::unique_ptr<X509, detail::x509_deleter> cert{X509_new()};
  if (!key || !cert) throw std::runtime_error("OpenSSL could not make a key");
  static long serial = 1;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (extension == nullptr || X509_add_ext(cert.get(), extension, -1) != 1)
      throw std::runtime_error("OpenSSL could not add a certificate extension");
    X509_EXTENSION_free(extension);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("OpenSSL could not sign");
  tls_files files{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string()};
  detail::write_pem(files.cert, [&](std::FILE* f) { return PEM_write_X509(f, cert.get()); });
  detail::write_pem(files.key, [&](std::FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return files;
}

}  // namespace test_support
