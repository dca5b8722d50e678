// The REST API under /api/v1/ (JSON). Grows with search, dissemination and analysis.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "hub/search.h"
#include "server/errors.h"
#include "server/taxii.h"
#include "stix/timestamp.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

std::vector<std::string> CommaList(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto c = v.find(',');
    if (c != 0) out.emplace_back(v.substr(0, c));
    if (c == std::string_view::npos) break;
    v.remove_prefix(c + 1);
  }
  return out;
}

Result<hub::SearchRequest> ParseSearchRequest(const Call& call) {
  hub::SearchRequest r;
  bool has_q = false;
  std::vector<std::string_view> seen;
  for (const auto& [k, v] : call.query) {
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      return InvalidArgument("query parameter '" + k + "' is repeated");
    }
    seen.push_back(k);
    if (k == "q") {
      r.q = v;
      has_q = true;
    } else if (k == "type") {
      r.types = CommaList(v);
    } else if (k == "party") {
      r.parties = CommaList(v);
    } else if (k == "lang") {
      r.langs = CommaList(v);
    } else if (k == "since" || k == "until") {
      auto ts = stix::ParseTimestamp(v);
      if (!ts.ok()) return InvalidArgument(k + ": " + ts.status().message());
      (k == "since" ? r.since : r.until) = ts->micros;
    } else if (k == "limit" || k == "offset") {
      auto n = ParseUintParam(k, v);
      if (!n.ok()) return n.status();
      (k == "limit" ? r.limit : r.offset) = static_cast<std::size_t>(*n);
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'");
    }
  }
  if (!has_q) return InvalidArgument("q is required");
  return r;
}
}  // namespace

void RegisterRest(Router& router, hub::Hub& hub) {
  router.Add(http::verb::get, "/api/v1/parties", [&hub](Call& call) -> awaitable<Response> {
    json::array out;
    // A range-for does not extend the temporary snapshot's life (before C++23): hold it.
    const auto dir = hub.directory();
    for (const auto& p : dir->parties) {
      out.push_back(json::object{{"id", p.code}, {"name", p.name}, {"identity", p.identity_id}});
    }
    co_return MakeResponse(call, http::status::ok, json::serialize(out), kJsonMediaType);
  });
  router.Add(http::verb::get, "/api/v1/search", [&hub](Call& call) -> awaitable<Response> {
    auto request = ParseSearchRequest(call);
    if (!request.ok()) co_return ErrorResponse(call, request.status());
    auto body = hub::Search(hub, *call.reader, *request);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    co_return MakeResponse(call, http::status::ok, std::move(*body), kJsonMediaType);
  });
  router.Add(http::verb::get, "/api/v1/whoami", [&hub](Call& call) -> awaitable<Response> {
    auto dir = hub.directory();
    const store::Party* party = dir->PartyByIndex(call.reader->party);
    json::array roles;
    for (auto& r : policy::RoleNames(call.reader->roles)) roles.push_back(json::value(r));
    json::object o{{"user", call.reader->user_name},
                   {"party", party ? party->code : ""},
                   {"roles", std::move(roles)}};
    co_return MakeResponse(call, http::status::ok, json::serialize(o), kJsonMediaType);
  });
}

}  // namespace tansiq::server
