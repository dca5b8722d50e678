// Call helpers (server/call.h): responses, the JSON body, query parameters. The checks every
// handler shares, so a parameter means the same on TAXII, REST and analysis routes.
#include "server/call.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

namespace tansiq::server {

Response MakeResponse(const Call& call, http::status status, std::string body,
                      std::string_view content_type) {
  if (content_type.starts_with("application/json")) {
    // Text stored by one party is shown in another's browser: no raw markup even inside JSON
    // strings (the characters only occur inside strings, so the value is unchanged).
    std::string safe;
    safe.reserve(body.size());
    for (char c : body) {
      switch (c) {
        case '<':
          safe += "\\u003c";
          break;
        case '>':
          safe += "\\u003e";
          break;
        case '&':
          safe += "\\u0026";
          break;
        default:
          safe += c;
      }
    }
    body = std::move(safe);
  }
  Response r{status, call.request.version()};
  r.set(http::field::server, "tansiq");
  r.set(http::field::content_type, content_type);
  r.set(http::field::cache_control, "no-store");
  r.set("X-Content-Type-Options", "nosniff");
  r.keep_alive(call.request.keep_alive());
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

Result<boost::json::object> JsonObjectBody(const Call& call) {
  std::string_view ct = call.request[http::field::content_type];
  const std::string_view media = ct.substr(0, ct.find(';'));
  if (!boost::beast::iequals(media, "application/json")) {
    return Status(ErrorCode::kUnsupportedMedia, "Content-Type must be application/json");
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;
  boost::json::value v = boost::json::parse(call.request.body(), ec, {}, opts);
  if (ec) return InvalidArgument("request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("request body must be a JSON object");
  return std::move(v.get_object());
}

Result<std::optional<std::string>> Call::Param(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& [k, v] : query) {
    if (k != name) continue;
    if (value) return InvalidArgument("query parameter '" + std::string(name) + "' is repeated");
    value = v;
  }
  return value;
}

Status CheckParams(const Call& call, std::initializer_list<std::string_view> known) {
  std::set<std::string_view> seen;
  for (const auto& [k, v] : call.query) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return InvalidArgument("unknown query parameter '" + k + "'");
    }
    if (!seen.insert(k).second) return InvalidArgument("query parameter '" + k + "' is repeated");
  }
  return Status::Ok();
}

Result<std::uint64_t> ParseUintParam(std::string_view name, std::string_view value,
                                     std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  auto r = std::from_chars(value.data(), value.data() + value.size(), n);
  if (r.ec == std::errc() && r.ptr == value.data() + value.size() && n >= min && n <= max) {
    return n;
  }
  std::string what;
  if (max != std::numeric_limits<std::uint64_t>::max()) {
    what = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  } else if (min == 0) {
    what = "a non-negative integer";
  } else if (min == 1) {
    what = "a positive integer";
  } else {
    what = "an integer of at least " + std::to_string(min);
  }
  return InvalidArgument(std::string(name) + " must be " + what);
}

}  // namespace tansiq::server
