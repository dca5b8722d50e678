// libFuzzer target for the HTTP request path: any bytes → Boost.Beast request parser with the
// server's limits (header 16 KiB; body 1 MiB here) → the server's own dispatch
// (server/dispatch.h: target decoding and the UTF-8 check, routing, scope and rate limits,
// the handler) over the real router with the TAXII, REST, web UI (static files included),
// messaging and analysis handlers on a small temporary hub, run to completion without
// sockets. Only the authenticator differs from a session's (argon2id per input would stall
// the fuzzer): every request runs as an officer of party "iq", with the scope of a read or
// metrics token when the Authorization header is "Bearer read" / "Bearer metrics". The
// dispatch must answer every parsed request, never throw nor answer 500.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_hub.h"
#include "hub/auth.h"
#include "hub/web_session.h"
#include "server/analysis_rest.h"
#include "server/call.h"
#include "server/dispatch.h"
#include "server/errors.h"
#include "server/messaging.h"
#include "server/paging.h"
#include "server/rate_limit.h"
#include "server/router.h"
#include "server/server.h"
#include "server/taxii.h"
#include "server/web.h"

namespace {

using namespace tansiq;
namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1024 * 1024;

// The server's routes over the fuzz hub. Built once; read-only afterwards.
struct Routes {
  server::ServerOptions options;
  server::PageTokens tokens;
  hub::Authenticator auth;
  hub::WebSessions sessions;
  server::Messaging messaging;
  server::Router router;
  server::RateLimiter limiter{{}, {}};  // no limits: every input is dispatched
  Routes(hub::Hub& hub, const std::string& dir)
      : tokens(hub.key().DeriveKey("taxii-next")),
        auth(hub.store(), hub.clock()),
        sessions(hub.store(), hub.clock()),
        messaging(hub, NoTimer()) {
    if (!messaging.messenger.Start().ok()) std::abort();
    options.max_content_length = kBodyLimit;
    // A small built web UI, so static paths answer 200/304/400/404 (absent, / would be 503).
    options.web_root = dir + "/web";
    std::filesystem::create_directories(options.web_root + "/assets");
    std::ofstream(options.web_root + "/index.html") << "<!doctype html><title>t</title>";
    std::ofstream(options.web_root + "/assets/app-0a1b2c.js") << "export{};";
    server::RegisterTaxii(router, hub, options, tokens);
    server::RegisterRest(router, hub);
    server::RegisterWeb(router, hub, options, auth, sessions);
    server::RegisterMessaging(router, messaging);
    server::RegisterWebhooks(router, messaging);  // not started: no allow-list, so 422s
    server::RegisterAnalysis(router, hub);
  }
  // Deadlines are not what is fuzzed: no timer thread.
  static hub::MessagingOptions NoTimer() {
    hub::MessagingOptions o;
    o.start_timer = false;
    return o;
  }
};

Routes& SharedRoutes() {
  static Routes routes(*fuzz::SharedHub().hub, fuzz::SharedHub().dir);
  return routes;
}

// Parses `input` as one request; nullopt when Beast refuses it or it is incomplete.
std::optional<server::Request> Parse(std::string_view input) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!input.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(asio::buffer(input.data(), input.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return std::nullopt;
    if (used == 0) break;
    input.remove_prefix(used);
  }
  if (!parser.is_done()) {
    ec = {};
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

// The fuzz authenticator: the officer, with a token scope chosen by the Authorization header.
Result<server::Credential> Officer(const server::Call& call, server::Exchange*) {
  server::Credential c{.reader = fuzz::SharedHub().officer};
  const std::string_view auth = call.request[http::field::authorization];
  if (auth == "Bearer read") c.scope = hub::TokenScope::kRead;
  if (auth == "Bearer metrics") c.scope = hub::TokenScope::kMetrics;
  if (c.scope != hub::TokenScope::kFull) c.token_key = auth;
  return c;
}

// Runs the server's dispatch for `req` to completion.
server::Response Run(Routes& routes, const server::Request& req) {
  const server::Dispatcher dispatcher{routes.router, Officer, routes.limiter, false};
  server::Exchange x;
  const std::string client = "fuzz";  // outlives the coroutine, which keeps a reference
  asio::io_context io;
  std::optional<server::Response> response;
  asio::co_spawn(io, server::Dispatch(dispatcher, req, client, &x),
                 [&](std::exception_ptr e, server::Response r) {
                   if (e) std::rethrow_exception(e);  // uncaught: libFuzzer reports the input
                   response = std::move(r);
                 });
  io.run();
  if (!response) {  // every parsed request gets an answer
    std::fprintf(stderr, "fuzz_http: dispatch did not complete\n");
    std::abort();
  }
  return std::move(*response);
}

// Regression (issue 17): the fuzzed dispatch is the server's, so a query parameter that is
// not UTF-8 is refused with 400 before any handler sees it. Checked once at start.
void CheckRejectsBadUtf8() {
  for (std::string_view input : {"GET /taxii2/?x=%FF HTTP/1.1\r\nHost: h\r\n\r\n",
                                 "GET /api/v1/search?q=%C0%AF HTTP/1.1\r\nHost: h\r\n\r\n"}) {
    auto req = Parse(input);
    if (!req || Run(SharedRoutes(), *req).result_int() != 400) {
      std::fprintf(stderr, "fuzz_http: a non-UTF-8 query parameter was not refused with 400\n");
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)SharedRoutes();
  CheckRejectsBadUtf8();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto req = Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!req) return 0;
  const server::Response response = Run(SharedRoutes(), *req);
  if (response.result_int() >= 500) {
    std::fprintf(stderr, "fuzz_http: %d for %s %s\n%s\n", response.result_int(),
                 std::string(req->method_string()).c_str(), std::string(req->target()).c_str(),
                 response.body().c_str());
    std::abort();
  }
  return 0;
}
