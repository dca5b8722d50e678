// Blocking keep-alive HTTP/1.1 client (Boost.Beast) for the benchmark's worker threads, plus
// the endpoint description (host, port, API root, credentials) that every workload targets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

namespace tansiq::bench {

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

// Where a TAXII 2.1 server lives and how to authenticate. Plain HTTP only.
struct Endpoint {
  std::string host;
  std::string port;
  std::string api_root;       // path of the API root, ending in '/'
  std::string authorization;  // full Authorization header value, may be empty
  int timeout_seconds = 120;  // per request (write + read); a hung server fails the request

  // Parses "http://host:port/path/"; the path is the API root. Returns an error text or "".
  static std::string Parse(std::string_view url, Endpoint* out);
};

// "Basic base64(user:password)".
std::string BasicAuthorization(std::string_view user, std::string_view password);

struct HttpResponse {
  int status = 0;  // 0: transport error (see error)
  std::string body;
  std::string error;  // transport error text, empty on success
};

// One persistent connection. Owned by a single thread; not thread-safe. Reconnects lazily
// after the server closes the connection or a transport error. Each request runs the
// connection's own io_context until done, so the per-request timeout applies.
class HttpClient {
 public:
  explicit HttpClient(const Endpoint& endpoint);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request with TAXII Accept (and Content-Type when there is a body).
  HttpResponse Request(boost::beast::http::verb method, std::string_view target,
                       std::string_view body = {});

  // Requests that had to open a new connection (1 for a healthy keep-alive run).
  std::uint64_t connects() const { return connects_; }

 private:
  bool EnsureConnected(std::string* error);

  const Endpoint& endpoint_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  std::uint64_t connects_ = 0;
};

}  // namespace tansiq::bench
