// The REST API under /api/v1/ (JSON). Grows with search, dissemination and analysis.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "server/errors.h"
#include "server/taxii.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
constexpr std::string_view kJson = "application/json; charset=utf-8";
}  // namespace

void RegisterRest(Router& router, hub::Hub& hub) {
  router.Add(http::verb::get, "/api/v1/parties", [&hub](Call& call) -> awaitable<Response> {
    json::array out;
    for (const auto& p : hub.directory()->parties) {
      out.push_back(json::object{{"id", p.code}, {"name", p.name}, {"identity", p.identity_id}});
    }
    co_return MakeResponse(call, http::status::ok, json::serialize(out), kJson);
  });
  router.Add(http::verb::get, "/api/v1/whoami", [&hub](Call& call) -> awaitable<Response> {
    auto dir = hub.directory();
    const store::Party* party = dir->PartyByIndex(call.reader->party);
    json::array roles;
    for (auto& r : policy::RoleNames(call.reader->roles)) roles.push_back(json::value(r));
    json::object o{{"user", call.reader->user_name},
                   {"party", party ? party->code : ""},
                   {"roles", std::move(roles)}};
    co_return MakeResponse(call, http::status::ok, json::serialize(o), kJson);
  });
  router.Add(
      http::verb::get, "/healthz",
      [](Call& call) -> awaitable<Response> {
        co_return MakeResponse(call, http::status::ok, "{\"status\":\"ok\"}", kJson);
      },
      Router::Access::kPublic);
}

}  // namespace tansiq::server
