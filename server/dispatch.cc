// The request dispatch: target, UTF-8, routing, authentication, scope, rate limits, handler.
#include "server/dispatch.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdint>

#include <unicode/utf8.h>
#include <boost/url/parse.hpp>

#include "server/errors.h"

namespace tansiq::server {
namespace {

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

}  // namespace

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

boost::asio::awaitable<Response> Dispatch(const Dispatcher& d, const Request& req,
                                          const std::string& client, Exchange* x) {
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
  call.base_url = std::string(d.tls ? "https://" : "http://") + std::string(host);

  Router::Match m = d.router.Find(req.method(), call.path, &call.captures);
  if (!m.route.empty()) x->route = m.route;
  if (!m.handler) {
    if (!m.path_known) co_return ErrorResponse(call, NotFound("no such resource"));
    Response r = ErrorResponse(
        call, {ErrorCode::kMethodNotAllowed,
               std::string(req.method_string()) + " is not allowed here; allowed: " + m.allow});
    r.set(http::field::allow, m.allow);
    co_return r;
  }
  if (m.access == Router::Access::kAuthenticated) {
    auto credential = d.authenticate(call, x);
    if (!credential.ok()) {
      x->detail = credential.status().message();
      co_return ErrorResponse(call, credential.status());
    }
    if (Status allowed = CheckScope(credential->scope, req.method(), call.path); !allowed.ok()) {
      x->detail = allowed.message();
      co_return ErrorResponse(call, allowed);
    }
    call.reader = credential->reader;
    x->user = credential->reader.user_name;
    const std::string& token_key = credential->token_key;
    const std::chrono::seconds wait = d.limiter.Take(credential->reader.user_id, token_key);
    if (wait.count() > 0) {
      x->detail = token_key.empty() ? "user rate limit" : "token or user rate limit";
      Response r =
          ErrorResponse(call, Status(ErrorCode::kTooManyRequests,
                                     "too many requests: " + x->detail + " reached; retry after " +
                                         std::to_string(wait.count()) + " s"));
      r.set(http::field::retry_after, std::to_string(wait.count()));
      co_return r;
    }
  }
  try {
    co_return co_await (*m.handler)(call);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", std::string(req.method_string()), m.route, e.what());
    co_return ErrorResponse(call, Internal(e.what()));
  }
}

}  // namespace tansiq::server
