// REST routes of webhooks (issue 4 item 5): register, list, delete. Posting is in
// webhook_sender.cc, the rules in hub/webhooks.cc.
#include <boost/json.hpp>

#include "server/await.h"
#include "server/errors.h"
#include "server/messaging.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {}  // namespace

void RegisterWebhooks(Router& router, Messaging& m) {
  router.Add(http::verb::post, "/api/v1/webhooks", [&m](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(Result<std::string>)> cb) {
      m.webhooks->Add(reader, *body, std::move(cb));
    };
    Result<std::string> created = co_await Await<Result<std::string>>(start);
    if (!created.ok()) co_return ErrorResponse(call, created.status());
    Response r = MakeResponse(call, http::status::created, std::move(*created), kJsonMediaType);
    r.set(http::field::cache_control, "no-store");  // the secret is shown once
    co_return r;
  });
  router.Add(http::verb::get, "/api/v1/webhooks", [&m](Call& call) -> awaitable<Response> {
    auto out = m.webhooks->List(*call.reader);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return MakeResponse(call, http::status::ok, std::move(*out), kJsonMediaType);
  });
  router.Add(http::verb::delete_, "/api/v1/webhooks/{}", [&m](Call& call) -> awaitable<Response> {
    const policy::Reader reader = *call.reader;
    std::string id = call.captures[0];
    auto start = [&](std::function<void(Status)> cb) {
      m.webhooks->Delete(reader, id, std::move(cb));
    };
    Status s = co_await Await<Status>(start);
    if (!s.ok()) co_return ErrorResponse(call, s);
    co_return MakeResponse(call, http::status::no_content, "", kJsonMediaType);
  });
}

}  // namespace tansiq::server
