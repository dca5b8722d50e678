// The built single-page app (web/dist), served at /: files with their content types, ETags
// and caching (hashed assets under assets/ are immutable), index.html for SPA routes, the
// security headers (CSP without inline script, nosniff, no referrer, no framing) on every
// HTML page, and a page saying how to build the UI when the folder is absent.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "server/call.h"

namespace tansiq::server {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

// Immutable; shared by all sessions. Reads files on each request (the folder may be rebuilt
// while the server runs).
class StaticSite {
 public:
  explicit StaticSite(std::filesystem::path root) : root_(std::move(root)) {}

  // A GET or HEAD no route claimed. /api/... and /taxii2/... stay JSON 404s; a path with
  // "." or ".." segments, encoded slashes or backslashes, or NUL is a 400; a missing file
  // whose name has an extension is a 404; any other path is an SPA route: index.html.
  Response Serve(const Call& call) const;

 private:
  std::filesystem::path root_;
};

// The content type for a file name's extension (application/octet-stream when unknown).
std::string_view ContentTypeOf(std::string_view file_name);

}  // namespace tansiq::server
