// Listener, sessions and shutdown. One coroutine per connection on its own strand; every
// read has a timeout and a body limit; SIGINT/SIGTERM stop accepting, cancel idle sessions
// and let busy ones finish (their writes included) before Serve() returns.
#include "server/server.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <list>
#include <mutex>
#include <thread>

#include <unicode/utf8.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include "analysis/scheduler.h"
#include "hub/admin.h"
#include "hub/auth.h"
#include "server/analysis_rest.h"
#include "server/errors.h"
#include "server/messaging.h"
#include "server/paging.h"
#include "server/router.h"
#include "server/taxii.h"
#include "server/tokens_rest.h"
#include "server/web.h"

namespace tansiq::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Lets shutdown cancel a session that is idle between requests. Touched only on the
// session's strand (the registry holds it under Shared::mu).
struct SessionControl {
  std::function<void()> cancel;  // empty once the session ended
  bool busy = false;
};

// State every session shares. Owned by Serve(); outlives the io_context's work.
struct Shared {
  Shared(hub::Hub& h, const ServerOptions& o)
      : hub(h),
        options(o),
        auth(h.store(), h.clock()),
        web_sessions(h.store(), h.clock()),
        tokens(h.key().DeriveKey("taxii-next")) {}
  hub::Hub& hub;
  const ServerOptions& options;
  Router router;
  hub::Authenticator auth;
  hub::WebSessions web_sessions;  // the web UI's cookie sessions
  PageTokens tokens;
  std::optional<ssl::context> tls;
  std::unique_ptr<Messaging> messaging;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::list<std::pair<asio::any_io_executor, std::shared_ptr<SessionControl>>> sessions;
};

// Well-formed UTF-8 (ICU's U8_NEXT: no overlong forms, no surrogates, nothing above U+10FFFF).
bool ValidUtf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto n = static_cast<std::int32_t>(s.size());  // a request target is at most kilobytes
  for (std::int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

bool ValidHost(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']')) {
      return false;
    }
  }
  return true;
}

// Authorization (Basic or Bearer) when present, else the web UI's session cookie (which
// brings the CSRF and Origin checks). `*scope`: what the credential may do (a token's scope;
// kFull for a password or a session).
Result<policy::Reader> Authenticate(Shared& s, const Call& call, hub::TokenScope* scope) {
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
  if (beast::iequals(scheme, "Bearer") && !cred.empty()) return s.auth.Bearer(cred, client, scope);
  if (beast::iequals(scheme, "Basic") && !cred.empty() && cred.size() < 1024) {
    std::string raw(cred.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), cred.data(),
                          cred.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) == 0) {
      raw.resize(len);
      auto colon = raw.find(':');
      if (colon != std::string::npos) {
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
  auto reader = Authenticate(s, call, &scope);
  if (reader.ok() && scope != hub::TokenScope::kFull) {
    // The stream carries acknowledgements: a state change.
    return Result<policy::Reader>(PermissionDenied("a " + std::string(hub::ScopeName(scope)) +
                                                   " token cannot open the stream"));
  }
  return reader;
}

// What a token of `scope` may call: a read-only token GET and HEAD, a metrics token GET
// /metrics only. PermissionDenied otherwise.
Status CheckScope(hub::TokenScope scope, http::verb method, std::string_view path) {
  const bool read = method == http::verb::get || method == http::verb::head;
  switch (scope) {
    case hub::TokenScope::kFull:
      return Status::Ok();
    case hub::TokenScope::kRead:
      if (read) return Status::Ok();
      return PermissionDenied("this token is read-only");
    case hub::TokenScope::kMetrics:
      if (read && (path == "/metrics" || path == "/metrics/")) return Status::Ok();
      return PermissionDenied("this token may only read /metrics");
  }
  return PermissionDenied("unknown token scope");
}

awaitable<Response> Handle(Shared& s, const Request& req, const std::string& client) {
  Call call{req, {}, {}, {}, client, {}, std::nullopt};
  // Clients (curl -g, some TAXII tools) send match[...] with raw brackets: encode them.
  std::string raw(req.target());
  for (std::size_t i = raw.find_first_of("[]"); i != std::string::npos;
       i = raw.find_first_of("[]", i)) {
    raw.replace(i, 1, raw[i] == '[' ? "%5B" : "%5D");
  }
  auto target = boost::urls::parse_origin_form(raw);
  if (!target) co_return ErrorResponse(call, InvalidArgument("malformed request target"));
  call.path = std::string(target->path());
  for (auto p : target->params()) {
    if (!ValidUtf8(p.key) || !ValidUtf8(p.value)) {
      co_return ErrorResponse(call, InvalidArgument("a query parameter is not valid UTF-8"));
    }
    call.query.emplace_back(p.key, p.value);
  }
  std::string_view host = req[http::field::host];
  if (!ValidHost(host)) host = "localhost";
  call.base_url = std::string(s.tls ? "https://" : "http://") + std::string(host);

  Router::Match m = s.router.Find(req.method(), call.path, &call.captures);
  if (!m.handler) {
    if (!m.path_known) co_return ErrorResponse(call, NotFound("no such resource"));
    Response r = ErrorResponse(
        call, {ErrorCode::kMethodNotAllowed,
               std::string(req.method_string()) + " is not allowed here; allowed: " + m.allow});
    r.set(http::field::allow, m.allow);
    co_return r;
  }
  if (m.access == Router::Access::kAuthenticated) {
    hub::TokenScope scope;
    auto reader = Authenticate(s, call, &scope);
    if (!reader.ok()) co_return ErrorResponse(call, reader.status());
    TANSIQ_CO_CHECK(CheckScope(scope, req.method(), call.path));
    call.reader = *reader;
  }
  try {
    co_return co_await (*m.handler)(call);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", std::string(req.method_string()), call.path, e.what());
    co_return ErrorResponse(call, Internal(e.what()));
  }
}

template <typename Stream>
awaitable<void> RunSession(Shared& s, Stream& stream, std::string client,
                           std::shared_ptr<SessionControl> control) {
  beast::flat_buffer buffer;
  for (;;) {
    if (s.stopping) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(s.options.max_content_length);
    beast::get_lowest_layer(stream).expires_after(s.options.read_timeout);
    // No structured bindings of co_await results: GCC 12 destroys them twice in coroutines.
    auto read = co_await http::async_read(stream, buffer, parser, kTuple);
    const beast::error_code ec = std::get<0>(read);
    if (ec) {
      if (ec == http::error::body_limit) {
        Response r = BareErrorResponse(
            11,
            {ErrorCode::kTooLarge, "request body exceeds max_content_length (" +
                                       std::to_string(s.options.max_content_length) + " bytes)"});
        co_await http::async_write(stream, r, kTuple);
      } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        Response r = BareErrorResponse(11, InvalidArgument("malformed HTTP request"));
        co_await http::async_write(stream, r, kTuple);
      }
      break;
    }
    if (auto caller = StreamCaller(s, parser.get(), client)) {
      if (!caller->ok()) {
        Response r = BareErrorResponse(parser.get().version(), caller->status());
        co_await http::async_write(stream, r, kTuple);
        break;
      }
      // A stream is idle between frames: shutdown cancels it like an idle keep-alive.
      co_await RunStream(s.messaging->messenger, s.messaging->streams, s.messaging->limits, stream,
                         parser.get(), **caller);
      break;
    }
    control->busy = true;
    Response res = co_await Handle(s, parser.get(), client);
    if (s.stopping) res.keep_alive(false);
    beast::get_lowest_layer(stream).expires_after(s.options.read_timeout);
    auto written = co_await http::async_write(stream, res, kTuple);
    const beast::error_code wec = std::get<0>(written);
    control->busy = false;
    if (wec || !res.keep_alive()) break;
  }
}

// Registers a session for shutdown and removes it when it ends. Lives in the session frame.
class Registration {
 public:
  Registration(Shared& s, asio::any_io_executor ex)
      : s_(s), control_(std::make_shared<SessionControl>()) {
    std::lock_guard lock(s_.mu);
    s_.sessions.emplace_back(std::move(ex), control_);
  }
  ~Registration() {
    control_->cancel = nullptr;
    std::lock_guard lock(s_.mu);
    s_.sessions.remove_if([&](const auto& e) { return e.second == control_; });
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  const std::shared_ptr<SessionControl>& control() const { return control_; }

 private:
  Shared& s_;
  std::shared_ptr<SessionControl> control_;
};

// One coroutine per kind of stream, each straight-line.
awaitable<void> PlainSession(Shared& s, tcp::socket socket) {
  std::string client = socket.remote_endpoint().address().to_string();
  Registration registration(s, socket.get_executor());
  beast::tcp_stream stream(std::move(socket));
  SessionControl* control = registration.control().get();
  control->cancel = [&stream, control] {
    if (!control->busy) stream.cancel();
  };
  co_await RunSession(s, stream, client, registration.control());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> TlsSession(Shared& s, tcp::socket socket) {
  std::string client = socket.remote_endpoint().address().to_string();
  Registration registration(s, socket.get_executor());
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *s.tls);
  SessionControl* control = registration.control().get();
  control->cancel = [&stream, control] {
    if (!control->busy) beast::get_lowest_layer(stream).cancel();
  };
  beast::get_lowest_layer(stream).expires_after(s.options.read_timeout);
  auto handshake = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
  if (std::get<0>(handshake)) co_return;
  co_await RunSession(s, stream, client, registration.control());
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(kTuple);
}

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

Status WritePortFile(const std::string& path, unsigned short port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) return Unavailable("cannot write " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Unavailable("cannot write " + path);
  return Status::Ok();
}

}  // namespace

Status Serve(hub::Hub& hub, const ServerOptions& options) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return InvalidArgument("bad listen address '" + options.host + "'");
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (!tls && !address.is_loopback() && !options.insecure) {
    return InvalidArgument(
        "refusing plain HTTP on a non-loopback address: give --tls-cert and --tls-key, or "
        "--insecure");
  }
  Shared s(hub, options);
  if (tls) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
    s.tls->use_certificate_chain_file(options.tls_cert, ec);
    if (ec) return InvalidArgument("--tls-cert " + options.tls_cert + ": " + ec.message());
    s.tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) return InvalidArgument("--tls-key " + options.tls_key + ": " + ec.message());
  }
  // Bound before anything below writes to the database (messaging, webhooks, the scheduler
  // recover and record state): a server that cannot listen leaves the hub as it was.
  int n = options.threads > 0 ? options.threads
                              : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < n; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  asio::io_context& ioc = *contexts[0];
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                       ": " + ec.message());
  (void)hub.aliases();  // load reference data now, not in the first search request
  // The hub's settings, read once when it opened, with the serve flags layered on top.
  hub::Settings settings = hub.settings();
  if (options.flash_ack) settings.flash_ack = *options.flash_ack;
  if (options.immediate_ack) settings.immediate_ack = *options.immediate_ack;
  if (options.webhook_allow) settings.webhook_allow = *options.webhook_allow;
  if (options.brief_hour) settings.brief_hour = *options.brief_hour;
  if (options.search_total_bound) settings.search_total_bound = *options.search_total_bound;
  if (options.search_rank_window) settings.search_rank_window = *options.search_rank_window;
  hub.set_settings(settings);
  RegisterTaxii(s.router, hub, options, s.tokens);
  RegisterRest(s.router, hub);
  hub::MessagingOptions messaging;
  auto& ack = messaging.policy.ack_deadline;
  ack[dissem::Index(dissem::Precedence::kFlash)] =
      std::chrono::duration_cast<std::chrono::microseconds>(settings.flash_ack).count();
  ack[dissem::Index(dissem::Precedence::kImmediate)] =
      std::chrono::duration_cast<std::chrono::microseconds>(settings.immediate_ack).count();
  messaging.tick_interval = options.deadline_check;
  hub::WebhookOptions webhooks;
  webhooks.allow = settings.webhook_allow;
  if (options.webhook_retry_initial) {
    webhooks.retry.initial = options.webhook_retry_initial->count() * 1000;
  }
  if (options.webhook_retry_max) {
    webhooks.retry.max_interval = options.webhook_retry_max->count() * 1000;
  }
  if (options.webhook_max_attempts > 0) webhooks.retry.max_attempts = options.webhook_max_attempts;
  WebhookSenderOptions sender;
  sender.connect_timeout = options.webhook_timeout;
  sender.response_timeout = options.webhook_timeout;
  sender.ca_file = options.webhook_ca;
  s.messaging = std::make_unique<Messaging>(hub, messaging, std::move(webhooks), std::move(sender));
  RegisterMessaging(s.router, *s.messaging);
  RegisterWebhooks(s.router, *s.messaging);
  RegisterWeb(s.router, hub, options, s.auth, s.web_sessions);
  RegisterTokens(s.router, hub);
  // The correlator subscribes to the commit feed before the watch matcher (Messaging::Start):
  // listeners run in order, so an object's entity keys are stored when watch rules with
  // `groups` are matched against it.
  auto analysis_service = RegisterAnalysis(s.router, hub);
  TANSIQ_RETURN_IF_ERROR(s.messaging->Start());
  // The daily brief and trend alerts: destroyed (thread stopped, sends done) before `s`,
  // whose Messenger it sends through.
  analysis::SchedulerOptions scheduling;
  TANSIQ_RETURN_IF_ERROR(analysis::LoadBriefConfig(hub, scheduling));
  scheduling.interval = options.deadline_check;
  analysis::Scheduler scheduler(hub, *analysis_service, s.messaging->messenger, scheduling);
  scheduler.Start();
  if (scheduling.brief_hour >= 0) {
    spdlog::info("daily brief at {:02}:00 UTC", scheduling.brief_hour);
  }

  const unsigned short port = acceptor.local_endpoint().port();
  if (!options.port_file.empty()) TANSIQ_RETURN_IF_ERROR(WritePortFile(options.port_file, port));
  spdlog::info("tansiq serving {}://{}:{}/taxii2/", tls ? "https" : "http", options.host, port);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& sec, int sig) {
    if (sec) return;
    spdlog::info("signal {}: finishing in-flight requests", sig);
    s.stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    std::lock_guard lock(s.mu);
    for (auto& [ex, control] : s.sessions) {
      asio::post(ex, [control = control] {
        if (control->cancel) control->cancel();
      });
    }
  });
  asio::co_spawn(ioc, Listen(s, acceptor, contexts), asio::detached);

  // Contexts other than the acceptor's would return at once with no sessions yet: keep them
  // alive until shutdown starts.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    guards.push_back(asio::make_work_guard(*contexts[i]));
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    threads.emplace_back([&contexts, i] { contexts[i]->run(); });
  }
  ioc.run();  // returns once the acceptor is closed and its sessions have ended
  guards.clear();
  for (auto& t : threads) t.join();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace tansiq::server
