// The server's TLS configuration: a modern "intermediate" profile (TLS 1.2 and 1.3, TLS 1.2
// only with forward-secret AEAD suites), HSTS, and certificates re-read on SIGHUP.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "base/mutex.h"
#include "base/status.h"

namespace tansiq::server {

// Mozilla's "intermediate" TLS 1.2 suites (ECDHE/DHE key exchange, AES-GCM or ChaCha20-Poly1305):
// no suite without forward secrecy (AES128-SHA and the other static-RSA ones are not offered).
// TLS 1.3 uses OpenSSL's defaults, all of which are forward secret.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// Sent on every response over TLS: browsers use HTTPS only for this host for two years.
inline constexpr std::string_view kHstsValue = "max-age=63072000";

// The answer to plain HTTP sent to the TLS port (as nginx does): a 400 that says to use https.
std::string PlainHttpOnTlsPortResponse();

// The current server TLS context, built from a certificate chain and a key file. Reload()
// builds a new one from the same files; sessions that started keep the context they began
// with (they hold the shared_ptr), new ones get the new one. Thread-safe. Owned by Serve().
class TlsContexts {
 public:
  // InvalidArgument naming the file when a certificate or key cannot be used.
  static Result<std::unique_ptr<TlsContexts>> Load(std::string cert_file, std::string key_file);

  std::shared_ptr<boost::asio::ssl::context> Current() const;
  // Re-reads both files; on failure the current context stays and the error is returned.
  Status Reload();

 private:
  TlsContexts(std::string cert_file, std::string key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

  const std::string cert_file_;
  const std::string key_file_;
  mutable Mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_ TANSIQ_GUARDED_BY(mu_);
};

}  // namespace tansiq::server
