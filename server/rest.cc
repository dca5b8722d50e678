// The REST API under /api/v1/ (JSON). Grows with search, dissemination and analysis.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>

#include "hub/audience.h"
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

// "ar-IQ" → "ar", "FA" → "fa"; "" for what is not a language tag.
std::string PrimaryLanguage(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    if (!std::isalpha(static_cast<unsigned char>(c)) || out.size() == 8) return "";
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// A party's name in `lang`, falling back to English (the coalition's common language), then to
// the name it was given; without a language, the name it was given.
const std::string& PartyNameIn(const store::Party& p, const std::string& lang) {
  if (lang.empty()) return p.name;
  if (auto it = p.names.find(lang); it != p.names.end()) return it->second;
  if (auto it = p.names.find("en"); it != p.names.end()) return it->second;
  return p.name;
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
  // Parties named in the reader's language (`lang`, a language tag: its primary subtag), else
  // in English, else by the name the hub was given (PartyNameIn); `names` has every language's.
  router.Add(http::verb::get, "/api/v1/parties", [&hub](Call& call) -> awaitable<Response> {
    for (const auto& [k, v] : call.query) {
      if (k != "lang")
        co_return ErrorResponse(call, InvalidArgument("unknown query parameter '" + k + "'"));
    }
    auto tag = call.Param("lang");
    if (!tag.ok()) co_return ErrorResponse(call, tag.status());
    const std::string lang = PrimaryLanguage(tag->value_or(""));
    json::array out;
    // A range-for does not extend the temporary snapshot's life (before C++23): hold it.
    const auto dir = hub.directory();
    for (const auto& p : dir->parties) {
      json::object names;
      for (const auto& [l, n] : p.names) names[l] = n;
      out.push_back(json::object{{"id", p.code},
                                 {"name", PartyNameIn(p, lang)},
                                 {"identity", p.identity_id},
                                 {"names", std::move(names)}});
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
  // Who reads an object now: for its originating party's writers only (a recall's preview).
  router.Add(
      http::verb::get, "/api/v1/objects/{}/audience", [&hub](Call& call) -> awaitable<Response> {
        auto a = hub::AudienceOf(hub, *call.reader, call.captures.at(0));
        if (!a.ok()) co_return ErrorResponse(call, a.status());
        json::array parties, recipients;
        for (const auto& p : a->parties) {
          json::array users;
          for (const auto& u : p.users) users.push_back(json::value(u));
          parties.push_back(
              json::object{{"id", p.code}, {"identity", p.identity}, {"users", std::move(users)}});
        }
        for (const auto& r : a->recipients) recipients.push_back(json::value(r));
        json::object o{{"red", a->red},
                       {"parties", std::move(parties)},
                       {"recipients", std::move(recipients)}};
        co_return MakeResponse(call, http::status::ok, json::serialize(o), kJsonMediaType);
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
