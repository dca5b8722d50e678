// Handlers of the analysis endpoints: parameter parsing and JSON shapes; the work is in
// analysis::Service (per-reader, visibility inside every query).
#include "server/analysis_rest.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

#include "analysis/service.h"
#include "hub/account.h"
#include "hub/read.h"
#include "server/errors.h"
#include "stix/timestamp.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
constexpr Micros kDay = 86'400'000'000;

std::optional<std::string> Get(const Call& call, std::string_view name) {
  for (const auto& [k, v] : call.query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

// A STIX timestamp, or a day "YYYY-MM-DD" (its midnight UTC).
Result<Micros> Time(std::string_view name, const std::string& v) {
  std::string text = v.size() == 10 ? v + "T00:00:00Z" : v;
  auto t = stix::ParseTimestamp(text);
  if (!t.ok()) {
    return InvalidArgument(std::string(name) + " must be YYYY-MM-DD or a timestamp (" +
                           t.status().message() + ")");
  }
  return t->micros;
}

// The languages names and briefs come in (docs/api.md: any other `lang` is a 400).
constexpr std::string_view kLangMessage = "lang must be ar, en, ru or fa";
bool KnownLang(std::string_view v) { return v == "ar" || v == "en" || v == "ru" || v == "fa"; }

json::array Reasons(const std::vector<std::string>& reasons) {
  json::array a;
  for (const auto& r : reasons) a.push_back(json::value(r));
  return a;
}

Response Json(const Call& call, const json::value& v) {
  return MakeResponse(call, http::status::ok, json::serialize(v), kJsonMediaType);
}

}  // namespace

std::shared_ptr<analysis::Service> RegisterAnalysis(Router& router, hub::Hub& hub) {
  auto svc = std::make_shared<analysis::Service>(hub);
  analysis::Service::Start(svc);

  router.Add(http::verb::get, "/api/v1/objects/{}", [svc, &hub](Call& call) -> awaitable<Response> {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    auto body = svc->ObjectJson(*call.reader, call.captures.at(0));
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    Response r = MakeResponse(call, http::status::ok, std::move(*body), kJsonMediaType);
    // The originating party (its code): the author's party, or the party that contributed
    // third-party content (created_by_ref an identity of no party). Read after the visibility
    // check above, so it is only ever said of an object the caller reads.
    auto party = hub::OriginatingPartyCode(hub, call.captures.at(0));
    if (!party.ok()) co_return ErrorResponse(call, party.status());
    if (party->has_value()) r.set("X-Tansiq-Party", **party);
    co_return r;
  });

  router.Add(
      http::verb::get, "/api/v1/objects/{}/related", [svc](Call& call) -> awaitable<Response> {
        TANSIQ_CO_CHECK(CheckParams(call, {}));
        auto related = svc->Related(*call.reader, call.captures.at(0));
        if (!related.ok()) co_return ErrorResponse(call, related.status());
        json::array out;
        for (const auto& r : *related) {
          out.push_back(
              json::object{{"id", r.id}, {"score", r.score}, {"reasons", Reasons(r.reasons)}});
        }
        co_return Json(call, json::object{{"related", std::move(out)}});
      });

  // The names the two objects write differently (the correlation view marks them).
  router.Add(http::verb::get, "/api/v1/objects/{}/names", [svc](Call& call) -> awaitable<Response> {
    TANSIQ_CO_CHECK(CheckParams(call, {"with"}));
    auto with = Get(call, "with");
    if (!with) co_return ErrorResponse(call, InvalidArgument("with is required"));
    auto matches = svc->NameMatches(*call.reader, call.captures.at(0), std::string(*with));
    if (!matches.ok()) co_return ErrorResponse(call, matches.status());
    json::array out;
    for (const auto& m : *matches) {
      json::array a, b;
      for (const auto& w : m.a) a.push_back(json::value(w));
      for (const auto& w : m.b) b.push_back(json::value(w));
      out.push_back(json::object{{"key", m.key}, {"a", std::move(a)}, {"b", std::move(b)}});
    }
    co_return Json(call, json::object{{"matches", std::move(out)}});
  });

  router.Add(http::verb::get, "/api/v1/graph", [svc](Call& call) -> awaitable<Response> {
    TANSIQ_CO_CHECK(CheckParams(call, {"id", "depth"}));
    auto id = Get(call, "id");
    if (!id) co_return ErrorResponse(call, InvalidArgument("id is required"));
    int depth = 2;
    if (auto d = Get(call, "depth")) {
      auto n = ParseUintParam("depth", *d, 1, analysis::kMaxGraphDepth);
      if (!n.ok()) co_return ErrorResponse(call, n.status());
      depth = static_cast<int>(*n);
    }
    auto g = svc->GraphOf(*call.reader, *id, depth);
    if (!g.ok()) co_return ErrorResponse(call, g.status());
    json::array nodes, edges;
    for (const auto& n : g->nodes) {
      nodes.push_back(json::object{{"id", n.id}, {"type", n.type}, {"name", n.name}});
    }
    for (const auto& e : g->edges) {
      edges.push_back(json::object{{"source", e.source},
                                   {"target", e.target},
                                   {"score", e.score},
                                   {"reasons", Reasons(e.reasons)}});
    }
    co_return Json(call, json::object{{"nodes", std::move(nodes)}, {"edges", std::move(edges)}});
  });

  router.Add(http::verb::get, "/api/v1/situation", [svc, &hub](Call& call) -> awaitable<Response> {
    TANSIQ_CO_CHECK(CheckParams(call, {"from", "to", "bucket", "by", "lang"}));
    analysis::SituationRequest r;
    const Micros now = hub.clock().NowMicros();
    r.to = (now / kDay + 1) * kDay;
    if (auto v = Get(call, "to")) {
      auto t = Time("to", *v);
      if (!t.ok()) co_return ErrorResponse(call, t.status());
      r.to = *t;
    }
    r.from = r.to - 28 * kDay;
    if (auto v = Get(call, "from")) {
      auto t = Time("from", *v);
      if (!t.ok()) co_return ErrorResponse(call, t.status());
      r.from = *t;
    }
    if (auto v = Get(call, "bucket")) {
      if (*v == "day") {
        r.bucket = kDay;
      } else if (*v == "hour") {
        r.bucket = kDay / 24;
      } else if (*v == "week") {
        r.bucket = 7 * kDay;
      } else {
        co_return ErrorResponse(call, InvalidArgument("bucket must be hour, day or week"));
      }
    }
    if (auto v = Get(call, "by")) {
      using By = store::SituationQuery::By;
      if (*v == "place") {
        r.by = By::kPlace;
      } else if (*v == "type") {
        r.by = By::kType;
      } else if (*v == "party") {
        r.by = By::kParty;
      } else if (*v == "group") {
        r.by = By::kGroup;
      } else {
        co_return ErrorResponse(call, InvalidArgument("by must be place, type, party or group"));
      }
    }
    if (auto v = Get(call, "lang")) {
      if (!KnownLang(*v)) co_return ErrorResponse(call, InvalidArgument(std::string(kLangMessage)));
      r.lang = *v;
    }
    auto out = svc->Situation(*call.reader, r);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return Json(call, *out);
  });

  router.Add(http::verb::get, "/api/v1/brief", [svc, &hub](Call& call) -> awaitable<Response> {
    TANSIQ_CO_CHECK(CheckParams(call, {"date", "lang"}));
    Micros day = hub.clock().NowMicros() / kDay * kDay;
    if (auto v = Get(call, "date")) {
      if (v->size() != 10)
        co_return ErrorResponse(call, InvalidArgument("date must be YYYY-MM-DD"));
      auto t = Time("date", *v);
      if (!t.ok()) co_return ErrorResponse(call, t.status());
      day = *t;
    }
    std::string lang = "en";
    if (auto own = hub::UserLang(hub, call.reader->user_id); own.ok() && !own->empty()) {
      lang = *own;
    }
    if (auto v = Get(call, "lang")) {
      if (!KnownLang(*v)) co_return ErrorResponse(call, InvalidArgument(std::string(kLangMessage)));
      lang = *v;
    }
    auto out = svc->Brief(*call.reader, day, lang);
    if (!out.ok()) co_return ErrorResponse(call, out.status());
    co_return Json(call, *out);
  });
  return svc;
}

}  // namespace tansiq::server
