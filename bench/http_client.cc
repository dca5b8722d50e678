// Blocking keep-alive HTTP/1.1 client used by taxii_bench's worker threads.
#include "bench/http_client.h"

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace tansiq::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string Endpoint::Parse(std::string_view url, Endpoint* out) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "not a URL: " + std::string(url);
  if (parsed->scheme() != "http") return "only http:// URLs are supported: " + std::string(url);
  out->host = std::string(parsed->host());
  out->port = parsed->has_port() ? std::string(parsed->port()) : "80";
  out->api_root = std::string(parsed->encoded_path());
  if (out->api_root.empty() || out->api_root.back() != '/') out->api_root += '/';
  return "";
}

std::string BasicAuthorization(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string raw = std::string(user) + ":" + std::string(password);
  std::string out = "Basic ";
  std::size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(raw[i]) << 16) |
                       (static_cast<unsigned char>(raw[i + 1]) << 8) |
                       static_cast<unsigned char>(raw[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == raw.size()) {
    const unsigned n = static_cast<unsigned char>(raw[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == raw.size()) {
    const unsigned n =
        (static_cast<unsigned char>(raw[i]) << 16) | (static_cast<unsigned char>(raw[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

HttpClient::HttpClient(const Endpoint& endpoint) : endpoint_(endpoint), stream_(io_) {}

bool HttpClient::EnsureConnected(std::string* error) {
  if (connected_) return true;
  beast::error_code ec;
  stream_.socket().close(ec);
  asio::ip::tcp::resolver resolver(io_);
  auto results = resolver.resolve(endpoint_.host, endpoint_.port, ec);
  if (!ec) stream_.connect(results, ec);
  if (ec) {
    *error = "connect " + endpoint_.host + ":" + endpoint_.port + ": " + ec.message();
    return false;
  }
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  buffer_.clear();
  connected_ = true;
  ++connects_;
  return true;
}

HttpResponse HttpClient::Request(http::verb method, std::string_view target,
                                 std::string_view body) {
  HttpResponse out;
  if (!EnsureConnected(&out.error)) return out;
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, endpoint_.host);
  req.set(http::field::accept, kTaxiiMediaType);
  if (!endpoint_.authorization.empty())
    req.set(http::field::authorization, endpoint_.authorization);
  if (!body.empty()) {
    req.set(http::field::content_type, kTaxiiMediaType);
    req.body() = std::string(body);
  }
  req.keep_alive(true);
  req.prepare_payload();

  beast::error_code ec;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ULL << 30);
  stream_.expires_after(std::chrono::seconds(endpoint_.timeout_seconds));
  http::async_write(stream_, req, [&](beast::error_code write_ec, std::size_t) {
    ec = write_ec;
    if (ec) return;
    http::async_read(stream_, buffer_, parser,
                     [&](beast::error_code read_ec, std::size_t) { ec = read_ec; });
  });
  io_.restart();
  io_.run();
  if (ec) {
    out.error = std::string(http::to_string(method)) + " " + std::string(target) + ": " +
                (ec == beast::error::timeout
                     ? "no answer within " + std::to_string(endpoint_.timeout_seconds) + " s"
                     : ec.message());
    connected_ = false;
    return out;
  }
  auto res = parser.release();
  out.status = static_cast<int>(res.result_int());
  if (!res.keep_alive()) connected_ = false;
  out.body = std::move(res.body());
  return out;
}

}  // namespace tansiq::bench
