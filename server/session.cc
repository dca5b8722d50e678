// Connections: the accept loop, TLS detection, and the HTTP exchange loop of one session —
// read with a timeout and a body limit, dispatch (dispatch.h: route, authenticate, scope and
// rate limits, the handler), answer (with Date, and HSTS under TLS), then write the access
// log line and the request metrics.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include "hub/auth.h"
#include "server/dispatch.h"
#include "server/errors.h"
#include "server/http_date.h"
#include "server/internal/shared.h"
#include "server/logging.h"
#include "server/stream.h"
#include "server/web.h"

namespace tansiq::server::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Authorization (Basic or Bearer) when present, else the web UI's session cookie (which
// brings the CSRF and Origin checks). Fills `x->user` with a Basic login's name,
// `token_key` with a Bearer token's hash (its rate-limit bucket) and `*scope` with what the
// credential may do (a token's scope; kFull for a password or a session).
Result<policy::Reader> Authenticate(Shared& s, const Call& call, Exchange* x,
                                    std::string* token_key, hub::TokenScope* scope) {
  *scope = hub::TokenScope::kFull;
  const Request& req = call.request;
  const std::string& client = call.client;
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return AuthenticateCookie(s.web_sessions, call);
  std::string_view v = it->value();
  auto space = v.find(' ');
  std::string_view scheme = v.substr(0, space);
  std::string_view cred = space == std::string_view::npos ? "" : v.substr(space + 1);
  while (!cred.empty() && cred.front() == ' ') cred.remove_prefix(1);
  if (beast::iequals(scheme, "Bearer") && !cred.empty()) {
    if (token_key) *token_key = hub::TokenHash(cred);
    return s.auth.Bearer(cred, client, scope);
  }
  if (beast::iequals(scheme, "Basic") && !cred.empty() && cred.size() < 1024) {
    std::string raw(cred.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), cred.data(),
                          cred.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) == 0) {
      raw.resize(len);
      auto colon = raw.find(':');
      if (colon != std::string::npos) {
        if (x && ValidUtf8(raw.substr(0, colon))) x->user = raw.substr(0, std::min(colon, 64ul));
        return s.auth.Password(std::string_view(raw).substr(0, colon),
                               std::string_view(raw).substr(colon + 1), client);
      }
    }
  }
  return Status(ErrorCode::kUnauthenticated, "malformed Authorization header");
}

constexpr std::string_view kStreamPath = "/api/v1/stream";

// The caller of a stream upgrade: a browser's single-use ticket (?ticket=), else the usual
// Authorization header. nullopt when `req` is not an upgrade to the stream.
std::optional<Result<policy::Reader>> StreamCaller(Shared& s, const Request& req,
                                                   const std::string& client) {
  if (!beast::websocket::is_upgrade(req)) return std::nullopt;
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return std::nullopt;
  std::string path(target->path());
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path != kStreamPath) return std::nullopt;
  auto params = target->params();
  if (auto it = params.find("ticket"); it != params.end()) {
    auto reader = s.messaging->tickets.Redeem((*it).value);
    if (!reader) {
      return Result<policy::Reader>(
          Status(ErrorCode::kUnauthenticated, "stream ticket unknown, used or expired"));
    }
    return Result<policy::Reader>(*reader);
  }
  // Without a ticket only an Authorization header: a browser's cookie never opens the stream.
  if (req.find(http::field::authorization) == req.end()) {
    return Result<policy::Reader>(Status(ErrorCode::kUnauthenticated,
                                         "the stream needs a ticket or an Authorization header"));
  }
  const Call call{req, {}, {}, {}, client, {}, std::nullopt};
  hub::TokenScope scope;
  auto reader = Authenticate(s, call, nullptr, nullptr, &scope);
  if (reader.ok() && scope != hub::TokenScope::kFull) {
    // The stream carries acknowledgements: a state change.
    return Result<policy::Reader>(PermissionDenied("a " + std::string(hub::ScopeName(scope)) +
                                                   " token cannot open the stream"));
  }
  return reader;
}

// Headers every response carries: Date (clients correct their clock skew with it, e.g. for
// TAXII added_after) and, over TLS, HSTS.
void Finish(Shared& s, Response& r) {
  r.set(http::field::date, HttpDate(s.hub.clock().NowMicros()));
  if (s.tls) r.set(http::field::strict_transport_security, kHstsValue);
}

// The access log line and metrics of one exchange; security events for refusals.
void Record(Shared& s, const std::string& client, std::string_view method, const Exchange& x,
            unsigned status, std::size_t bytes, std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.http_metrics.Observe(method, x.route, status, seconds, bytes);
  LogAccess({Str("client", client), Str("method", std::string(method)),
             Str("route", std::string(x.route)), Num("status", status),
             Str("user", x.user.empty() ? "-" : x.user),
             Num("latency_us", static_cast<std::int64_t>(seconds * 1e6)),
             Num("bytes", static_cast<std::int64_t>(bytes))});
  std::string_view event;
  if (status == 401) event = "auth_failed";
  if (status == 403) event = "forbidden";
  if (status == 429) event = "throttled";
  if (event.empty()) return;
  std::vector<LogField> fields{Str("client", client), Str("method", std::string(method)),
                               Str("route", std::string(x.route)),
                               Str("user", x.user.empty() ? "-" : x.user)};
  if (!x.detail.empty()) fields.push_back(Str("reason", x.detail));
  LogSecurity(event, fields);
}

template <typename Stream>
awaitable<void> RunSession(Shared& s, Stream& stream, beast::flat_buffer& buffer,
                           std::string client, std::shared_ptr<SessionControl> control) {
  const Dispatcher dispatcher{s.router,
                              [&s](const Call& call, Exchange* x) -> Result<Credential> {
                                Credential c;
                                auto reader = Authenticate(s, call, x, &c.token_key, &c.scope);
                                if (!reader.ok()) return reader.status();
                                c.reader = *reader;
                                return c;
                              },
                              s.limiter, s.tls != nullptr};
  for (;;) {
    if (s.stopping) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(s.options.max_content_length);
    beast::get_lowest_layer(stream).expires_after(s.options.read_timeout);
    // No structured bindings of co_await results: GCC 12 destroys them twice in coroutines.
    auto read = co_await http::async_read(stream, buffer, parser, kTuple);
    const beast::error_code ec = std::get<0>(read);
    const auto start = std::chrono::steady_clock::now();
    if (ec) {
      std::optional<Response> r;
      if (ec == http::error::body_limit) {
        r = BareErrorResponse(11, {ErrorCode::kTooLarge,
                                   "request body exceeds max_content_length (" +
                                       std::to_string(s.options.max_content_length) + " bytes)"});
      } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        r = BareErrorResponse(11, InvalidArgument("malformed HTTP request"));
      }
      if (r) {
        Finish(s, *r);
        co_await http::async_write(stream, *r, kTuple);
        Record(s, client, "-", Exchange{}, r->result_int(), r->body().size(), start);
      }
      break;
    }
    if (auto caller = StreamCaller(s, parser.get(), client)) {
      Exchange x{.route = kStreamPath};
      if (!caller->ok()) {
        Response r = BareErrorResponse(parser.get().version(), caller->status());
        Finish(s, r);
        co_await http::async_write(stream, r, kTuple);
        x.detail = caller->status().message();
        Record(s, client, "GET", x, r.result_int(), r.body().size(), start);
        break;
      }
      x.user = (*caller)->user_name;
      Record(s, client, "GET", x, 101, 0, start);
      // A stream is idle between frames: shutdown cancels it like an idle keep-alive.
      co_await RunStream(s.messaging->messenger, s.messaging->streams, s.messaging->limits, stream,
                         parser.get(), **caller);
      break;
    }
    control->busy = true;
    Exchange x;
    Response res = co_await Dispatch(dispatcher, parser.get(), client, &x);
    if (s.stopping) res.keep_alive(false);
    Finish(s, res);
    beast::get_lowest_layer(stream).expires_after(s.options.read_timeout);
    auto written = co_await http::async_write(stream, res, kTuple);
    const beast::error_code wec = std::get<0>(written);
    control->busy = false;
    Record(s, client, parser.get().method_string(), x, res.result_int(), res.body().size(), start);
    if (wec || !res.keep_alive()) break;
  }
}

// Registers a session for shutdown and removes it when it ends. Lives in the session frame.
class Registration {
 public:
  Registration(Shared& s, asio::any_io_executor ex)
      : s_(s), control_(std::make_shared<SessionControl>()) {
    MutexLock lock(s_.mu);
    s_.sessions.emplace_back(std::move(ex), control_);
  }
  ~Registration() {
    control_->cancel = nullptr;
    MutexLock lock(s_.mu);
    s_.sessions.remove_if([&](const auto& e) { return e.second == control_; });
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  const std::shared_ptr<SessionControl>& control() const { return control_; }

 private:
  Shared& s_;
  std::shared_ptr<SessionControl> control_;
};

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  return ec ? "-" : peer.address().to_string();
}

// One coroutine per kind of stream, each straight-line.
awaitable<void> PlainSession(Shared& s, tcp::socket socket) {
  std::string client = PeerAddress(socket);
  Registration registration(s, socket.get_executor());
  beast::tcp_stream stream(std::move(socket));
  SessionControl* control = registration.control().get();
  control->cancel = [&stream, control] {
    if (!control->busy) stream.cancel();
  };
  beast::flat_buffer buffer;
  co_await RunSession(s, stream, buffer, client, registration.control());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Answers plain HTTP sent to the TLS port: reads the request head (so closing does not reset
// the connection under the answer), then a 400 saying to use https.
awaitable<void> RefusePlainHttp(Shared& s, beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                const std::string& client) {
  const auto start = std::chrono::steady_clock::now();
  http::request_parser<http::empty_body> parser;
  parser.header_limit(16 * 1024);
  auto read = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)read;  // a malformed head gets the same answer
  const std::string answer = PlainHttpOnTlsPortResponse();
  co_await asio::async_write(stream, asio::buffer(answer), kTuple);
  Exchange x{.detail = "plain HTTP on the TLS port"};
  Record(s, client, "-", x, 400, 0, start);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> TlsSession(Shared& s, tcp::socket socket) {
  std::string client = PeerAddress(socket);
  Registration registration(s, socket.get_executor());
  SessionControl* control = registration.control().get();
  beast::tcp_stream tcp_stream(std::move(socket));
  control->cancel = [&tcp_stream, control] {
    if (!control->busy) tcp_stream.cancel();
  };
  beast::flat_buffer buffer;
  tcp_stream.expires_after(s.options.read_timeout);
  auto detected = co_await beast::async_detect_ssl(tcp_stream, buffer, kTuple);
  if (std::get<0>(detected)) co_return;
  if (!std::get<1>(detected)) {
    co_await RefusePlainHttp(s, tcp_stream, buffer, client);
    co_return;
  }
  // The context current now (SIGHUP may swap in another for later connections).
  const std::shared_ptr<ssl::context> context = s.tls->Current();
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *context);
  control->cancel = [&stream, control] {
    if (!control->busy) beast::get_lowest_layer(stream).cancel();
  };
  auto handshake = co_await stream.async_handshake(ssl::stream_base::server, buffer.data(), kTuple);
  if (std::get<0>(handshake)) co_return;
  buffer.consume(std::get<1>(handshake));
  co_await RunSession(s, stream, buffer, client, registration.control());
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(kTuple);
}

}  // namespace
}  // namespace tansiq::server::internal

namespace tansiq::server::internal {

// One io_context per thread, each run by exactly one thread: a session lives on one
// context, so its handlers never run concurrently and need no strand.
awaitable<void> Listen(Shared& s, tcp::acceptor& acceptor,
                       std::vector<std::unique_ptr<asio::io_context>>& contexts) {
  std::size_t next = 0;
  for (;;) {
    asio::io_context& ioc = *contexts[next++ % contexts.size()];
    auto accepted = co_await acceptor.async_accept(ioc.get_executor(), kTuple);
    const beast::error_code ec = std::get<0>(accepted);
    if (ec) {
      if (s.stopping || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept: {}", ec.message());
      continue;
    }
    auto& socket = std::get<1>(accepted);
    // Responses and pushed frames are small and latency-bound (a FLASH must not wait for
    // Nagle's algorithm to meet a delayed ACK): send segments at once.
    beast::error_code nodelay;
    socket.set_option(tcp::no_delay(true), nodelay);
    auto ex = socket.get_executor();
    if (s.tls) {
      asio::co_spawn(ex, TlsSession(s, tcp::socket(std::move(socket))), asio::detached);
    } else {
      asio::co_spawn(ex, PlainSession(s, tcp::socket(std::move(socket))), asio::detached);
    }
  }
}

}  // namespace tansiq::server::internal
