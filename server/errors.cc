// Status → HTTP status and TAXII error resource. Messages are the Status text, which
// callers write so that they never name an object the caller may not see.
#include "server/errors.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tansiq::server {
namespace {

std::string_view Title(http::status s) {
  switch (s) {
    case http::status::bad_request:
      return "Bad request";
    case http::status::unauthorized:
      return "Authentication required";
    case http::status::forbidden:
      return "Forbidden";
    case http::status::not_found:
      return "Not found";
    case http::status::method_not_allowed:
      return "Method not allowed";
    case http::status::not_acceptable:
      return "Not acceptable";
    case http::status::conflict:
      return "Conflict";
    case http::status::payload_too_large:
      return "Request too large";
    case http::status::unsupported_media_type:
      return "Unsupported media type";
    case http::status::unprocessable_entity:
      return "Unprocessable request";
    case http::status::too_many_requests:
      return "Too many requests";
    case http::status::service_unavailable:
      return "Service unavailable";
    default:
      return "Internal error";
  }
}

// The TAXII error resource; under /api/ it also carries docs/api.md's
// {"error": {"code", "message"}}.
std::string Body(http::status s, const Status& status, bool api = false) {
  boost::json::object o;
  if (api) {
    o["error"] =
        boost::json::object{{"code", static_cast<unsigned>(s)}, {"message", status.message()}};
  }
  o["title"] = Title(s);
  o["description"] = status.message();
  o["http_status"] = std::to_string(static_cast<unsigned>(s));
  return boost::json::serialize(o);
}

bool IsApi(const Call& call) { return call.path == "/api" || call.path.starts_with("/api/"); }

// A browser's own request (fetch from the web UI): a Basic challenge would pop up the
// browser's login dialog over the UI, so such 401s name only Bearer.
bool FromBrowserScript(const Request& req) {
  auto mode = req.find("Sec-Fetch-Mode");
  if (mode != req.end() && mode->value() != "navigate") return true;
  return req.find(http::field::cookie) != req.end() || req.find("X-CSRF-Token") != req.end();
}

void Decorate(Response& r, http::status s, const Status& status) {
  if (s == http::status::unauthorized) {
    r.insert(http::field::www_authenticate, "Basic realm=\"tansiq\", charset=\"UTF-8\"");
    r.insert(http::field::www_authenticate, "Bearer realm=\"tansiq\"");
  }
  if (s == http::status::too_many_requests || s == http::status::service_unavailable) {
    r.set(http::field::retry_after, "5");
  }
  (void)status;
}

}  // namespace

http::status HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return http::status::ok;
    case ErrorCode::kInvalidArgument:
      return http::status::bad_request;
    case ErrorCode::kUnauthenticated:
      return http::status::unauthorized;
    case ErrorCode::kPermissionDenied:
      return http::status::forbidden;
    case ErrorCode::kNotFound:
      return http::status::not_found;
    case ErrorCode::kMethodNotAllowed:
      return http::status::method_not_allowed;
    case ErrorCode::kNotAcceptable:
      return http::status::not_acceptable;
    case ErrorCode::kConflict:
      return http::status::conflict;
    case ErrorCode::kTooLarge:
      return http::status::payload_too_large;
    case ErrorCode::kUnsupportedMedia:
      return http::status::unsupported_media_type;
    case ErrorCode::kUnprocessable:
      return http::status::unprocessable_entity;
    case ErrorCode::kTooManyRequests:
      return http::status::too_many_requests;
    case ErrorCode::kUnavailable:
      return http::status::service_unavailable;
    case ErrorCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

Response ErrorResponse(const Call& call, const Status& status) {
  http::status s = HttpStatus(status.code());
  // An internal error's text may carry storage details: log it, send a generic text.
  Status shown = status.code() == ErrorCode::kInternal ? Internal("internal error") : status;
  const bool api = IsApi(call);
  Response r = MakeResponse(call, s, Body(s, shown, api),
                            api ? "application/json; charset=utf-8" : kTaxiiMediaType);
  Decorate(r, s, status);
  if (s == http::status::unauthorized && FromBrowserScript(call.request)) {
    r.erase(http::field::www_authenticate);
    r.set(http::field::www_authenticate, "Bearer realm=\"tansiq\"");
  }
  return r;
}

Response BareErrorResponse(unsigned version, const Status& status) {
  http::status s = HttpStatus(status.code());
  Response r{s, version};
  r.set(http::field::content_type, kTaxiiMediaType);
  r.set(http::field::server, "tansiq");
  r.body() = Body(s, status);
  r.keep_alive(false);
  r.prepare_payload();
  Decorate(r, s, status);
  return r;
}

}  // namespace tansiq::server
