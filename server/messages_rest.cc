// REST routes of dissemination (issue 4): messages, acknowledgement, stream tickets, watch
// rules, metrics. The WebSocket stream itself is in stream.cc.
#include <boost/json.hpp>

#include "server/await.h"
#include "server/errors.h"
#include "server/messaging.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
constexpr std::size_t kMaxList = 200;

Result<std::size_t> SizeParam(const Call& call, std::string_view name, std::size_t fallback,
                              std::size_t max) {
  auto v = call.Param(name);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return fallback;
  auto n = ParseUintParam(name, **v, 0, max);
  if (!n.ok()) return n.status();
  return static_cast<std::size_t>(*n);
}

// 422 with the recipients outside the releasability as data, beside the usual error fields.
Response Refusal(const Call& call, const Status& status, const std::vector<std::string>& outside) {
  Response r = ErrorResponse(call, status);
  boost::system::error_code ec;
  json::value v = json::parse(r.body(), ec);
  if (ec || !v.is_object() || outside.empty()) return r;
  json::array names;
  for (const auto& n : outside) names.emplace_back(n);
  v.get_object()["outside"] = std::move(names);
  Response out = MakeResponse(call, r.result(), json::serialize(v), kJsonMediaType);
  return out;
}

Response Created(const Call& call, const std::string& id) {
  return MakeResponse(call, http::status::created, json::serialize(json::object{{"id", id}}),
                      kJsonMediaType);
}

Response NoContent(const Call& call) {
  Response r = MakeResponse(call, http::status::no_content, "", kJsonMediaType);
  return r;
}

}  // namespace

void RegisterMessaging(Router& router, Messaging& m) {
  router.Add(http::verb::post, "/api/v1/messages", [&m](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(hub::SendOutcome)> cb) {
      m.messenger.Send(reader, *body, std::move(cb));
    };
    hub::SendOutcome outcome = co_await Await<hub::SendOutcome>(start);
    if (!outcome.id.ok()) co_return Refusal(call, outcome.id.status(), outcome.outside);
    co_return Created(call, *outcome.id);
  });

  router.Add(http::verb::get, "/api/v1/messages", [&m](Call& call) -> awaitable<Response> {
    auto box = call.Param("box");
    if (!box.ok()) co_return ErrorResponse(call, box.status());
    const std::string which = box->value_or("inbox");
    if (which != "inbox" && which != "sent") {
      co_return ErrorResponse(call, InvalidArgument("box must be inbox or sent"));
    }
    auto limit = SizeParam(call, "limit", 50, kMaxList);
    if (!limit.ok()) co_return ErrorResponse(call, limit.status());
    auto offset = SizeParam(call, "offset", 0, 100'000);
    if (!offset.ok()) co_return ErrorResponse(call, offset.status());
    auto out = m.messenger.List(*call.reader, which == "sent", *limit, *offset);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return MakeResponse(call, http::status::ok, std::move(*out), kJsonMediaType);
  });

  router.Add(http::verb::get, "/api/v1/messages/{}", [&m](Call& call) -> awaitable<Response> {
    auto out = m.messenger.View(*call.reader, call.captures[0]);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return MakeResponse(call, http::status::ok, std::move(*out), kJsonMediaType);
  });

  auto state_change = [&m](bool ack) {
    return [&m, ack](Call& call) -> awaitable<Response> {
      const policy::Reader reader = *call.reader;
      std::string id = call.captures[0];
      auto start = [&](std::function<void(Status)> cb) {
        if (ack) {
          m.messenger.Acknowledge(reader, id, std::move(cb));
        } else {
          m.messenger.Read(reader, id, std::move(cb));
        }
      };
      Status s = co_await Await<Status>(start);
      if (!s.ok()) co_return ErrorResponse(call, s);
      co_return NoContent(call);
    };
  };
  router.Add(http::verb::post, "/api/v1/messages/{}/ack", state_change(true));
  router.Add(http::verb::post, "/api/v1/messages/{}/read", state_change(false));

  router.Add(http::verb::post, "/api/v1/stream/ticket", [&m](Call& call) -> awaitable<Response> {
    json::object o{{"ticket", m.tickets.Issue(*call.reader)},
                   {"expires_in", m.tickets.ttl() / 1'000'000}};
    co_return MakeResponse(call, http::status::ok, json::serialize(o), kJsonMediaType);
  });
  // Without an Upgrade header the stream URL is just a resource that needs one.
  router.Add(
      http::verb::get, "/api/v1/stream",
      [](Call& call) -> awaitable<Response> {
        co_return ErrorResponse(
            call, InvalidArgument("this is a WebSocket endpoint: send an Upgrade request"));
      },
      Router::Access::kPublic);

  router.Add(http::verb::post, "/api/v1/watches", [&m](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(Result<std::string>)> cb) {
      m.messenger.AddWatch(reader, *body, std::move(cb));
    };
    Result<std::string> id = co_await Await<Result<std::string>>(start);
    if (!id.ok()) co_return ErrorResponse(call, id.status());
    co_return Created(call, *id);
  });
  router.Add(http::verb::get, "/api/v1/watches", [&m](Call& call) -> awaitable<Response> {
    auto out = m.messenger.ListWatches(*call.reader);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return MakeResponse(call, http::status::ok, std::move(*out), kJsonMediaType);
  });
  router.Add(http::verb::delete_, "/api/v1/watches/{}", [&m](Call& call) -> awaitable<Response> {
    const policy::Reader reader = *call.reader;
    std::string id = call.captures[0];
    auto start = [&](std::function<void(Status)> cb) {
      m.messenger.DeleteWatch(reader, id, std::move(cb));
    };
    Status s = co_await Await<Status>(start);
    if (!s.ok()) co_return ErrorResponse(call, s);
    co_return NoContent(call);
  });
}

}  // namespace tansiq::server
