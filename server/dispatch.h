// The one request dispatch beneath the sessions (session.cc) and the HTTP fuzz target
// (fuzz/fuzz_http.cc): the request target decoded (raw brackets encoded, query parameters
// well-formed UTF-8, else 400), routed (404; 405 with Allow), the caller authenticated when
// the route asks for it, the credential's scope and the rate limits checked, the handler
// run and an escaped exception turned into a 500.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "base/status.h"
#include "hub/auth.h"
#include "policy/policy.h"
#include "server/call.h"
#include "server/rate_limit.h"
#include "server/router.h"

namespace tansiq::server {

// What the access log and the metrics say of one exchange besides the response.
struct Exchange {
  std::string_view route = "-";  // the route template; "-" when none matched
  std::string user;              // the caller, or the name a failed Basic login gave
  std::string detail;            // why a 401/403/429 was refused (never a secret)
};

// Who a request's credential names and what it may do.
struct Credential {
  policy::Reader reader;
  std::string token_key;  // a Bearer token's rate-limit bucket; empty otherwise
  hub::TokenScope scope = hub::TokenScope::kFull;
};

// Authenticates the caller of `call`; may fill the exchange's `user` (e.g. a failed Basic
// login's name).
using Authenticator = std::function<Result<Credential>(const Call& call, Exchange* x)>;

// What the dispatch needs of the server; all outlive every request.
struct Dispatcher {
  const Router& router;
  Authenticator authenticate;
  RateLimiter& limiter;
  bool tls = false;  // the base URL's scheme
};

// Answers `req` from `client`; fills `x`. An exception a handler throws becomes a 500.
boost::asio::awaitable<Response> Dispatch(const Dispatcher& d, const Request& req,
                                          const std::string& client, Exchange* x);

// Well-formed UTF-8 (ICU's U8_NEXT: no overlong forms, no surrogates, nothing above U+10FFFF).
bool ValidUtf8(std::string_view s);

}  // namespace tansiq::server
