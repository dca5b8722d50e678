// One HTTP exchange as handlers see it: the request, its parsed target, the authenticated
// caller, and helpers to build responses. Handlers never touch sockets.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>

#include "base/status.h"
#include "policy/policy.h"

namespace tansiq::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";
inline constexpr std::string_view kJsonMediaType = "application/json; charset=utf-8";  // /api/

struct Call {
  const Request& request;
  std::string path;                                        // decoded path
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<std::string> captures;                       // {param} segments of the route
  std::string client;                                      // peer address
  std::string base_url;                                    // "http(s)://host[:port]"
  std::optional<policy::Reader> reader;                    // set after authentication

  // The single value of query parameter `name`; error if repeated.
  Result<std::optional<std::string>> Param(std::string_view name) const;
};

// The request body of a JSON API call as a JSON object: 415 unless declared
// application/json, 400 for anything else than one JSON object (nesting ≤ 16).
Result<boost::json::object> JsonObjectBody(const Call& call);

// Rejects query parameters not in `known`, and repeated ones (400): a typo must not silently
// change the answer.
Status CheckParams(const Call& call, std::initializer_list<std::string_view> known);

// `value`, the text of query parameter `name`, as an integer from `min` to `max` (decimal
// digits only); else InvalidArgument "<name> must be …". The one integer parameter parser.
Result<std::uint64_t> ParseUintParam(std::string_view name, std::string_view value,
                                     std::uint64_t min = 0,
                                     std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// A response with `body` and content type, keep-alive as the request asked.
Response MakeResponse(const Call& call, http::status status, std::string body,
                      std::string_view content_type = kTaxiiMediaType);

}  // namespace tansiq::server
