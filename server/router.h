// Route table: (method, path pattern) → handler coroutine. Patterns are literal segments
// and "{}" captures; a trailing slash is optional, as TAXII clients differ.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/call.h"

namespace tansiq::server {

using Handler = std::function<boost::asio::awaitable<Response>(Call&)>;

// Immutable after setup; shared read-only by all sessions.
class Router {
 public:
  enum class Access { kAuthenticated, kPublic };

  void Add(http::verb method, std::string_view pattern, Handler handler,
           Access access = Access::kAuthenticated);

  struct Match {
    const Handler* handler = nullptr;
    Access access = Access::kAuthenticated;
    bool path_known = false;  // some route has this path (for 405 vs 404)
    std::string allow;        // methods allowed on this path
    // The matched route's pattern ("/taxii2/hub/collections/{}/objects/"), "static" for the
    // fallback, empty when nothing matched: what logs and metrics name (never the path).
    std::string_view route;
  };
  Match Find(http::verb method, std::string_view path, std::vector<std::string>* captures) const;

  // The public handler for a GET or HEAD whose path no route knows (the web UI's static
  // files); without one such requests are 404. Paths under an API prefix (kApiPrefixes)
  // never reach it: an unknown API path is a JSON 404, never the web app.
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // "/api", "/taxii2" and the operators' endpoints, each with everything under it.
  static bool IsApiPath(std::string_view path);

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Access access;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace tansiq::server
