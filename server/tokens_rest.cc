// REST routes of API tokens: the JSON shapes (docs/api.md, Tokens); the rules are in
// hub/account.cc.
#include "server/tokens_rest.h"

#include <boost/json.hpp>

#include "hub/account.h"
#include "server/await.h"
#include "server/errors.h"
#include "stix/timestamp.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::int64_t kMaxExpiryDays = 3650;
constexpr Micros kDay = 86'400'000'000LL;

json::value Time(Micros at) {
  return at == 0 ? json::value(nullptr) : json::value(stix::FormatMicros(at));
}

json::object TokenJson(const hub::TokenSummary& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"party", t.party},
          {"label", t.label},
          {"scope", t.scope},
          {"created", Time(t.created)},
          {"expires", Time(t.expires)},
          {"last_used", Time(t.last_used)}};
}

// {"label" (or "name"), "scope"?: "full"|"read"|"metrics", "expires_days"?: 1-3650}.
Result<hub::TokenRequest> ParseRequest(const json::object& body, Micros now) {
  for (const auto& kv : body) {
    const std::string_view k = kv.key();
    if (k != "label" && k != "name" && k != "scope" && k != "expires_days") {
      return InvalidArgument("unknown field '" + std::string(k) + "'");
    }
  }
  hub::TokenRequest request;
  const json::value* label = body.if_contains("label");
  if (!label) label = body.if_contains("name");
  if (!label || !label->is_string()) return InvalidArgument("label: a string is required");
  request.label = std::string(label->get_string());
  if (const json::value* scope = body.if_contains("scope")) {
    auto parsed = scope->is_string() ? hub::ParseScope(scope->get_string()) : std::nullopt;
    if (!parsed) return InvalidArgument("scope: must be full, read or metrics");
    request.scope = *parsed;
  }
  if (const json::value* days = body.if_contains("expires_days"); days && !days->is_null()) {
    if (!days->is_int64() || days->get_int64() < 1 || days->get_int64() > kMaxExpiryDays) {
      return InvalidArgument("expires_days: must be a whole number from 1 to 3650");
    }
    request.expires = now + days->get_int64() * kDay;
  }
  return request;
}

}  // namespace

void RegisterTokens(Router& router, hub::Hub& hub) {
  router.Add(http::verb::post, "/api/v1/tokens", [&hub](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    auto request = ParseRequest(*body, hub.clock().NowMicros());
    if (!request.ok()) co_return ErrorResponse(call, request.status());
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(Result<hub::CreatedToken>)> done) {
      hub::CreateOwnToken(hub, reader, std::move(*request), std::move(done));
    };
    auto created = co_await Await<Result<hub::CreatedToken>>(start);
    if (!created.ok()) co_return ErrorResponse(call, created.status());
    json::object out = TokenJson(created->token);
    out["name"] = created->token.label;  // the field the first version of this route returned
    out["token"] = created->secret;
    Response r = MakeResponse(call, http::status::created, json::serialize(out), kJsonMediaType);
    r.set(http::field::cache_control, "no-store");  // the secret is shown once
    co_return r;
  });
  router.Add(http::verb::get, "/api/v1/tokens", [&hub](Call& call) -> awaitable<Response> {
    auto user = call.Param("user");
    if (!user.ok()) co_return ErrorResponse(call, user.status());
    auto tokens = hub::ListTokens(hub, *call.reader, user->value_or(""));
    if (!tokens.ok()) co_return ErrorResponse(call, tokens.status());
    json::array out;
    for (const auto& t : *tokens) out.push_back(TokenJson(t));
    co_return MakeResponse(call, http::status::ok, json::serialize(json::object{{"tokens", out}}),
                           kJsonMediaType);
  });
  router.Add(http::verb::delete_, "/api/v1/tokens/{}", [&hub](Call& call) -> awaitable<Response> {
    const policy::Reader reader = *call.reader;
    std::string id = call.captures[0];
    auto start = [&](std::function<void(Status)> done) {
      hub::RevokeToken(hub, reader, id, std::move(done));
    };
    Status s = co_await Await<Status>(start);
    if (!s.ok()) co_return ErrorResponse(call, s);
    co_return MakeResponse(call, http::status::no_content, "", kJsonMediaType);
  });
}

}  // namespace tansiq::server
