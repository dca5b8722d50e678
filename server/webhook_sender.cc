#include "server/webhook_sender.h"

#include <spdlog/spdlog.h>

#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace tansiq::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxAnswer = 64 * 1024;  // bytes of a receiver's answer we read

// The host for DNS and TLS: an IPv6 literal without its brackets.
std::string BareHost(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

std::string HostHeader(const dissem::WebhookUrl& u) {
  const std::uint16_t default_port = u.scheme == "https" ? 443 : 80;
  return u.port == default_port ? u.host : u.host + ":" + std::to_string(u.port);
}

template <typename Stream>
awaitable<unsigned> Exchange(Stream& stream, const hub::WebhookPost& p, const std::string& id,
                             std::chrono::milliseconds timeout, std::string& error) {
  http::request<http::string_body> req{http::verb::post, p.url.target, 11};
  req.set(http::field::host, HostHeader(p.url));
  req.set(http::field::user_agent, "tansiq-webhook/1");
  req.set(http::field::content_type, "application/json");
  req.set("X-Tansiq-Signature", p.signature);
  req.set("X-Tansiq-Timestamp", p.timestamp);
  req.set("X-Tansiq-Delivery", id);
  req.set("X-Tansiq-Recipient", p.recipient);
  req.keep_alive(false);
  req.body() = p.body;
  req.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto written = co_await http::async_write(stream, req, kTuple);
  if (std::get<0>(written)) {
    error = "sending: " + std::get<0>(written).message();
    co_return 0;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswer);
  auto answer = co_await http::async_read(stream, buffer, parser, kTuple);
  // A status line with an over-long body still tells the outcome.
  if (std::get<0>(answer) && !parser.is_header_done()) {
    error = "reading the answer: " + std::get<0>(answer).message();
    co_return 0;
  }
  co_return parser.get().result_int();
}

}  // namespace

WebhookSender::WebhookSender(hub::Webhooks& webhooks, const Clock& clock,
                             WebhookSenderOptions options)
    : webhooks_(webhooks),
      clock_(clock),
      options_(std::move(options)),
      tls_(ssl::context::tls_client),
      ioc_(1) {
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  tls_.set_default_verify_paths(ec);
  if (ec) spdlog::warn("webhooks: no system CA certificates: {}", ec.message());
  if (!options_.ca_file.empty()) {
    tls_.load_verify_file(options_.ca_file, ec);
    if (ec) spdlog::error("webhooks: --webhook-ca {}: {}", options_.ca_file, ec.message());
  }
  tls_.set_verify_mode(ssl::verify_peer);
}

WebhookSender::~WebhookSender() {
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

Status WebhookSender::Start() {
  auto pending = webhooks_.Pending();
  if (!pending.ok()) return pending.status();
  for (auto& d : *pending) Schedule(std::move(d));
  if (!pending->empty()) spdlog::info("webhooks: {} pending post(s) resumed", pending->size());
  work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
      ioc_.get_executor());
  thread_ = std::thread([this] { ioc_.run(); });
  return Status::Ok();
}

void WebhookSender::Schedule(store::WebhookDelivery delivery) {
  asio::co_spawn(ioc_, Run(std::move(delivery)), asio::detached);
}

awaitable<void> WebhookSender::Run(store::WebhookDelivery d) {
  auto ex = co_await asio::this_coro::executor;
  // A row scheduled twice (enqueued while start-up loaded the outbox) runs once.
  if (!scheduled_.insert(d.id).second) co_return;
  struct Unschedule {
    std::set<std::string>& set;
    std::string id;
    ~Unschedule() { set.erase(id); }
  } unschedule{scheduled_, d.id};
  for (;;) {
    const Micros wait = d.next_at - clock_.NowMicros();
    if (wait > 0) {
      asio::steady_timer timer(ex, std::chrono::microseconds(wait));
      auto waited = co_await timer.async_wait(kTuple);
      if (std::get<0>(waited)) co_return;  // shutting down: the row stays in the outbox
    }
    // One turn among the posts to this webhook (all coroutines run on ioc_'s one thread).
    while (in_flight_[d.webhook_id] >= std::max(1, options_.max_in_flight_per_webhook)) {
      asio::steady_timer turn(ex, std::chrono::milliseconds(20));
      auto waited = co_await turn.async_wait(kTuple);
      if (std::get<0>(waited)) co_return;
    }
    auto post = webhooks_.Prepare(d);
    std::string error;
    unsigned status = 0;
    if (!post.ok()) {
      const ErrorCode code = post.status().code();
      if (code == ErrorCode::kNotFound || code == ErrorCode::kUnprocessable) {
        if (code == ErrorCode::kUnprocessable) {
          spdlog::warn("webhook delivery {} dropped: {}", d.id, post.status().message());
        }
        webhooks_.Drop(d, code == ErrorCode::kUnprocessable);
        co_return;
      }
      error = post.status().message();  // a storage fault: try again later
    } else {
      ++in_flight_[d.webhook_id];
      status = co_await Post(*post, d.id, error);
      if (--in_flight_[d.webhook_id] == 0) in_flight_.erase(d.webhook_id);
      if (status >= 200 && status < 300) {
        webhooks_.Succeeded(d);
        co_return;
      }
      if (error.empty()) error = "HTTP " + std::to_string(status);
    }
    auto next = webhooks_.Failed(d, error);
    if (!next) co_return;
    d = std::move(*next);
  }
}

awaitable<unsigned> WebhookSender::Post(const hub::WebhookPost& post, const std::string& id,
                                        std::string& error) {
  auto ex = co_await asio::this_coro::executor;
  const std::string host = BareHost(post.url.host);
  tcp::resolver resolver(ex);
  asio::steady_timer guard(ex, options_.connect_timeout);
  guard.async_wait([&resolver](boost::system::error_code ec) {
    if (!ec) resolver.cancel();
  });
  auto resolved = co_await resolver.async_resolve(host, std::to_string(post.url.port), kTuple);
  guard.cancel();
  if (std::get<0>(resolved)) {
    error = "resolving " + host + ": " + std::get<0>(resolved).message();
    co_return 0;
  }
  // Only to addresses a webhook may reach (the allow-list matched the name; this checks where
  // the name leads now).
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : std::get<1>(resolved)) {
    if (dissem::WebhookAddressAllowed(entry.endpoint().address(), post.url.host)) {
      endpoints.push_back(entry.endpoint());
    } else {
      error = host + " resolves to " + entry.endpoint().address().to_string() +
              ", an address a webhook may not reach under this name";
    }
  }
  if (endpoints.empty()) {
    if (error.empty()) error = "resolving " + host + ": no address";
    spdlog::warn("webhook to {}: {}", post.url.normalized, error);
    co_return 0;
  }
  error.clear();
  beast::tcp_stream plain(ex);
  plain.expires_after(options_.connect_timeout);
  auto connected = co_await plain.async_connect(endpoints, kTuple);
  if (std::get<0>(connected)) {
    error = "connecting: " + std::get<0>(connected).message();
    co_return 0;
  }
  if (post.url.scheme != "https") {
    const unsigned status = co_await Exchange(plain, post, id, options_.response_timeout, error);
    boost::system::error_code ignored;
    plain.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return status;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(plain), tls_);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    error = "TLS: cannot set the server name";
    co_return 0;
  }
  stream.set_verify_callback(ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(options_.connect_timeout);
  auto shaken = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (std::get<0>(shaken)) {
    error = "TLS handshake: " + std::get<0>(shaken).message();
    co_return 0;
  }
  const unsigned status = co_await Exchange(stream, post, id, options_.response_timeout, error);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(kTuple);
  co_return status;
}

}  // namespace tansiq::server
