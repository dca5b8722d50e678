// Static files of the web UI, with SPA fallback, caching and security headers.
#include "server/static_site.h"

#include <sodium.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

#include "server/errors.h"
#include "server/router.h"

namespace tansiq::server {
namespace fs = std::filesystem;
namespace {

constexpr std::uintmax_t kMaxFile = 64ull * 1024 * 1024;

constexpr std::string_view kNotBuilt = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tansiq — web UI not built</title></head>
<body><h1>The Tansiq web UI is not built</h1>
<p>The server is running: TAXII 2.1 is at <a href="/taxii2/">/taxii2/</a> and the REST API
under /api/v1/. To get the web UI, build it and restart the server:</p>
<pre>cmake --preset default &amp;&amp; cmake --build --preset default
# or by hand:
cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>then run <code>tansiq serve --web-root web/dist</code> (the default is the build's
web/dist).</p></body></html>
)html";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decoded segments of the request's raw path, or nullopt for a path that could step
// outside the folder or name something odd: "." / ".." (also percent-encoded), encoded
// "/" or "\", a raw "\", NUL or control characters, bad percent-encoding.
std::optional<std::vector<std::string>> SafeSegments(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= target.size()) {
    std::size_t slash = target.find('/', i);
    std::string_view raw = target.substr(i, slash == std::string_view::npos ? slash : slash - i);
    std::string seg;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      char c = raw[k];
      if (c == '%') {
        if (k + 2 >= raw.size()) return std::nullopt;
        int hi = HexDigit(raw[k + 1]), lo = HexDigit(raw[k + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        c = static_cast<char>(hi * 16 + lo);
        k += 2;
      }
      const auto u = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) return std::nullopt;
      seg += c;
    }
    if (seg == "." || seg == "..") return std::nullopt;
    if (!seg.empty()) {
      if (seg.front() == '.') return std::nullopt;  // hidden files
      out.push_back(std::move(seg));
    }
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return out;
}

bool IsHtml(std::string_view content_type) { return content_type.starts_with("text/html"); }

Response Base(const Call& call, http::status status, std::string_view content_type) {
  Response r{status, call.request.version()};
  r.set(http::field::server, "tansiq");
  r.set(http::field::content_type, content_type);
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "no-referrer");
  if (IsHtml(content_type)) {
    r.set("Content-Security-Policy", kContentSecurityPolicy);
    r.set("X-Frame-Options", "DENY");
  }
  r.keep_alive(call.request.keep_alive());
  return r;
}

Response WithBody(const Call& call, Response r, std::string body) {
  if (call.request.method() == http::verb::head) {
    r.content_length(body.size());
  } else {
    r.body() = std::move(body);
    r.prepare_payload();
  }
  return r;
}

std::optional<std::string> ReadFile(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  auto size = fs::file_size(p, ec);
  if (ec || size > kMaxFile) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return std::move(ss).str();
}

std::string ETagOf(std::string_view content) {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return "\"" + std::string(hex) + "\"";
}

// Whether If-None-Match names `etag` (or is "*").
bool NotModified(const Request& req, std::string_view etag) {
  auto it = req.find(http::field::if_none_match);
  if (it == req.end()) return false;
  std::string_view v = it->value();
  if (v == "*") return true;
  while (!v.empty()) {
    auto comma = v.find(',');
    std::string_view one = v.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.starts_with("W/")) one.remove_prefix(2);
    if (one == etag) return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view ContentTypeOf(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext;
  for (char c : name.substr(dot + 1)) {
    ext += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"mp3", "audio/mpeg"},
      {"ogg", "audio/ogg"},
      {"wav", "audio/wav"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Response StaticSite::Serve(const Call& call) const {
  // The APIs keep their JSON 404s (the router does not fall back for them either).
  if (Router::IsApiPath(call.path)) return ErrorResponse(call, NotFound("no such resource"));
  auto segments = SafeSegments(call.request.target());
  if (!segments) {
    Response r = Base(call, http::status::bad_request, "text/plain; charset=utf-8");
    return WithBody(call, std::move(r), "bad path\n");
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(root_, ec);
  const fs::path index = root / "index.html";
  if (ec || !fs::is_regular_file(index, ec)) {
    Response r = Base(call, http::status::service_unavailable, "text/html; charset=utf-8");
    r.set(http::field::cache_control, "no-store");
    return WithBody(call, std::move(r), std::string(kNotBuilt));
  }

  fs::path file = root;
  for (const auto& s : *segments) file /= s;
  bool found = !segments->empty() && fs::is_regular_file(file, ec);
  if (found) {
    // A symbolic link may not lead outside the folder.
    const fs::path real = fs::canonical(file, ec);
    auto rel = ec ? fs::path() : real.lexically_relative(root);
    found = !ec && !rel.empty() && *rel.begin() != "..";
  }
  bool spa_route = false;
  if (!found) {
    if (!segments->empty() && segments->back().find('.') != std::string::npos) {
      Response r = Base(call, http::status::not_found, "text/plain; charset=utf-8");
      r.set(http::field::cache_control, "no-cache");
      return WithBody(call, std::move(r), "not found\n");
    }
    file = index;
    spa_route = true;
  }
  auto content = ReadFile(file);
  if (!content) {
    Response r = Base(call, http::status::not_found, "text/plain; charset=utf-8");
    return WithBody(call, std::move(r), "not found\n");
  }
  const std::string_view type = ContentTypeOf(file.filename().string());
  const bool hashed = !spa_route && segments->size() >= 2 && (*segments)[0] == "assets";
  const std::string etag = ETagOf(*content);
  const std::string_view cache =
      hashed ? "public, max-age=31536000, immutable" : "no-cache";  // no-cache: revalidate
  if (NotModified(call.request, etag)) {
    Response r = Base(call, http::status::not_modified, type);
    r.set(http::field::etag, etag);
    r.set(http::field::cache_control, cache);
    return r;
  }
  Response r = Base(call, http::status::ok, type);
  r.set(http::field::etag, etag);
  r.set(http::field::cache_control, cache);
  return WithBody(call, std::move(r), std::move(*content));
}

}  // namespace tansiq::server
