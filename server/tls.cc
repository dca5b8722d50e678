// TLS contexts: the intermediate profile, loading and reloading certificate and key.
#include "server/tls.h"

#include <openssl/ssl.h>

namespace tansiq::server {
namespace ssl = boost::asio::ssl;

namespace {

Result<std::shared_ptr<ssl::context>> Build(const std::string& cert_file,
                                            const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX* raw = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(raw, kTls12Ciphers) != 1) {
    return Internal("cannot set the TLS protocol versions or cipher list");
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) return InvalidArgument("--tls-cert " + cert_file + ": " + ec.message());
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return InvalidArgument("--tls-key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(raw) != 1) {
    return InvalidArgument("--tls-key " + key_file + " does not match --tls-cert " + cert_file);
  }
  return ctx;
}

}  // namespace

std::string PlainHttpOnTlsPortResponse() {
  static constexpr std::string_view kBody =
      "400 Bad Request: this port speaks HTTPS; a plain HTTP request was sent to it. "
      "Use https:// instead of http://.\n";
  return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + std::string(kBody);
}

Result<std::unique_ptr<TlsContexts>> TlsContexts::Load(std::string cert_file,
                                                       std::string key_file) {
  auto ctx = Build(cert_file, key_file);
  if (!ctx.ok()) return ctx.status();
  std::unique_ptr<TlsContexts> out(new TlsContexts(std::move(cert_file), std::move(key_file)));
  {
    MutexLock lock(out->mu_);
    out->current_ = std::move(*ctx);
  }
  return out;
}

std::shared_ptr<ssl::context> TlsContexts::Current() const {
  MutexLock lock(mu_);
  return current_;
}

Status TlsContexts::Reload() {
  auto ctx = Build(cert_file_, key_file_);
  if (!ctx.ok()) return ctx.status();
  MutexLock lock(mu_);
  current_ = std::move(*ctx);
  return Status::Ok();
}

}  // namespace tansiq::server
