// What the listener, the sessions and Serve() share (server-internal): the router, the
// authenticators, TLS, limits, metrics and the registry shutdown uses to cancel sessions.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/mutex.h"
#include "hub/auth.h"
#include "hub/hub.h"
#include "hub/web_session.h"
#include "server/http_metrics.h"
#include "server/messaging.h"
#include "server/paging.h"
#include "server/rate_limit.h"
#include "server/router.h"
#include "server/server.h"
#include "server/tls.h"

namespace tansiq::server::internal {

// Lets shutdown cancel a session that is idle between requests. Touched only on the
// session's context (the registry holds it under Shared::mu).
struct SessionControl {
  std::function<void()> cancel;  // empty once the session ended
  bool busy = false;
};

// State every session shares. Owned by Serve(); outlives the io_contexts' work.
struct Shared {
  Shared(hub::Hub& h, const ServerOptions& o)
      : hub(h),
        options(o),
        auth(h),
        web_sessions(h),
        tokens(h.key().DeriveKey("taxii-next")),
        limiter(o.rate_per_user, o.rate_per_token) {}
  hub::Hub& hub;
  const ServerOptions& options;
  Router router;
  hub::Authenticator auth;
  hub::WebSessions web_sessions;  // the web UI's cookie sessions
  PageTokens tokens;
  std::unique_ptr<TlsContexts> tls;  // set: HTTPS only
  std::unique_ptr<Messaging> messaging;
  HttpMetrics http_metrics;
  RateLimiter limiter;
  std::atomic<bool> stopping{false};
  Mutex mu;
  std::list<std::pair<boost::asio::any_io_executor, std::shared_ptr<SessionControl>>> sessions
      TANSIQ_GUARDED_BY(mu);
};

// Accepts connections until the acceptor is closed, spreading them over `contexts` (one
// session per connection: TLS, or plain HTTP, as `s.tls` says).
boost::asio::awaitable<void> Listen(
    Shared& s, boost::asio::ip::tcp::acceptor& acceptor,
    std::vector<std::unique_ptr<boost::asio::io_context>>& contexts);

}  // namespace tansiq::server::internal
