// Route matching by path segments.
#include "server/router.h"

namespace tansiq::server {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

}  // namespace

bool Router::IsApiPath(std::string_view path) {
  static constexpr std::string_view kApiPrefixes[] = {
      "/api", "/taxii2", "/metrics", "/livez", "/readyz", "/healthz", "/health", "/version"};
  for (std::string_view api : kApiPrefixes) {
    if (path.starts_with(api) && (path.size() == api.size() || path[api.size()] == '/')) {
      return true;
    }
  }
  return false;
}

void Router::Add(http::verb method, std::string_view pattern, Handler handler, Access access) {
  Route r{method, std::string(pattern), {}, std::move(handler), access};
  for (auto s : Segments(pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

Router::Match Router::Find(http::verb method, std::string_view path,
                           std::vector<std::string>* captures) const {
  Match m;
  const auto parts = Segments(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::vector<std::string> caught;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (r.segments[i] == "{}") {
        caught.emplace_back(parts[i]);
      } else {
        ok = r.segments[i] == parts[i];
      }
    }
    if (!ok) continue;
    m.path_known = true;
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += std::string(http::to_string(r.method));
    if (r.method == method && !m.handler) {
      m.handler = &r.handler;
      m.access = r.access;
      m.route = r.pattern;
      *captures = std::move(caught);
    }
  }
  if (!m.path_known && fallback_ && !IsApiPath(path) &&
      (method == http::verb::get || method == http::verb::head)) {
    m.handler = &fallback_;
    m.access = Access::kPublic;
    m.route = "static";
  }
  return m;
}

}  // namespace tansiq::server
