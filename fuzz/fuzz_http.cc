// libFuzzer target for the HTTP request path: any bytes → Boost.Beast request parser with the
// server's limits (header 16 KiB; body 1 MiB here) → the target's origin-form → the real
// router with the TAXII, REST, web UI (static files included), messaging and analysis
// handlers on a small
// temporary hub, each handler coroutine run to completion without sockets. This mirrors
// server.cc's Handle() except for authentication (argon2id per input would stall the
// fuzzer): every request runs as an officer of party "iq". A handler must never throw nor
// answer 500 on any input.
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
#include <boost/url/parse.hpp>

#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_hub.h"
#include "hub/auth.h"
#include "hub/web_session.h"
#include "server/analysis_rest.h"
#include "server/call.h"
#include "server/errors.h"
#include "server/messaging.h"
#include "server/paging.h"
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

server::Response Dispatch(Routes& routes, server::Call& call, const server::Request& req) {
  server::Router::Match m = routes.router.Find(req.method(), call.path, &call.captures);
  if (!m.handler) return server::ErrorResponse(call, NotFound("no such resource"));
  call.reader = fuzz::SharedHub().officer;
  asio::io_context io;
  std::optional<server::Response> response;
  asio::co_spawn(io, (*m.handler)(call), [&](std::exception_ptr e, server::Response r) {
    if (e) std::rethrow_exception(e);  // uncaught: libFuzzer reports the input
    response = std::move(r);
  });
  io.run();
  if (!response) {
    std::fprintf(stderr, "fuzz_http: handler did not complete\n");
    std::abort();
  }
  return std::move(*response);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)SharedRoutes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto req = Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!req) return 0;
  server::Call call{*req, {}, {}, {}, "fuzz", "http://localhost", std::nullopt};
  // As server.cc: raw brackets in the query (curl -g) are percent-encoded first.
  std::string raw(req->target());
  for (std::size_t i = raw.find_first_of("[]"); i != std::string::npos;
       i = raw.find_first_of("[]", i)) {
    raw.replace(i, 1, raw[i] == '[' ? "%5B" : "%5D");
  }
  auto target = boost::urls::parse_origin_form(raw);
  if (!target) return 0;
  call.path = std::string(target->path());
  for (auto p : target->params()) call.query.emplace_back(p.key, p.value);

  const server::Response response = Dispatch(SharedRoutes(), call, *req);
  if (response.result_int() >= 500) {
    std::fprintf(stderr, "fuzz_http: %d for %s %s\n%s\n", response.result_int(),
                 std::string(req->method_string()).c_str(), raw.c_str(), response.body().c_str());
    std::abort();
  }
  return 0;
}
