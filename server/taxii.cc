// TAXII 2.1 handlers. Every listing goes through hub::ReadVersions (visibility inside the
// query, references stripped); every error text avoids naming what the caller may not see.
#include "server/taxii.h"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <set>

#include "hub/ingest.h"
#include "hub/read.h"
#include "server/await.h"
#include "server/errors.h"
#include "stix/identifier.h"
#include "stix/timestamp.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 10000;

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto c = s.find(sep);
    out.push_back(s.substr(0, c));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return out;
}

std::vector<std::string_view> SplitComma(std::string_view s) { return Split(s, ','); }

// Media range check: "type/subtype; version=2.1" against `wanted` ("application/taxii+json").
// A range with `q=0` refuses (RFC 9110 12.4.2); a `version` other than exactly 2.1 does not
// match (2.10 is not 2.1); a range without `version` means the latest, 2.1.
bool Accepts(std::string_view header, std::string_view wanted_type) {
  for (auto range : SplitComma(header)) {
    std::vector<std::string> parts;
    for (auto part : Split(range, ';')) {
      std::string t(part);
      boost::algorithm::trim(t);
      parts.push_back(std::move(t));
    }
    const std::string& type = parts.front();
    bool version_ok = true, refused = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      std::string key = parts[i].substr(0, eq), value;
      if (eq != std::string::npos) value = parts[i].substr(eq + 1);
      boost::algorithm::trim(key);
      boost::algorithm::trim(value);
      if (boost::iequals(key, "version")) version_ok = value == "2.1";
      if (boost::iequals(key, "q")) {
        double q = 1;
        auto r = std::from_chars(value.data(), value.data() + value.size(), q);
        refused = r.ec == std::errc() && q <= 0;
      }
    }
    if (refused) continue;
    if (type == "*/*" || boost::iequals(type, "application/*")) return true;
    if (boost::iequals(type, wanted_type) && version_ok) return true;
  }
  return false;
}

std::string MediaTypeOnly(std::string_view ct) {
  std::string s(ct.substr(0, ct.find(';')));
  boost::algorithm::trim(s);
  return s;
}

Status CheckContentType(const Request& req) {
  auto it = req.find(http::field::content_type);
  if (it == req.end()) {
    return {ErrorCode::kUnsupportedMedia, "Content-Type must be " + std::string(kTaxiiMediaType)};
  }
  std::string_view ct = it->value();
  std::string type = MediaTypeOnly(ct);
  std::string rest(ct.substr(std::min(ct.size(), type.size())));
  rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
  bool version_ok = rest.empty() || rest == ";" || boost::icontains(rest, "version=2.1");
  if (!boost::iequals(type, "application/taxii+json") || !version_ok) {
    return {ErrorCode::kUnsupportedMedia, "Content-Type must be " + std::string(kTaxiiMediaType)};
  }
  return Status::Ok();
}

Status CheckParams(const Call& call, std::initializer_list<std::string_view> allowed) {
  std::set<std::string_view> seen;
  for (const auto& [k, v] : call.query) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return InvalidArgument("unknown query parameter '" + k + "'");
    }
    if (!seen.insert(k).second) return InvalidArgument("query parameter '" + k + "' is repeated");
  }
  return Status::Ok();
}

// Parsed listing parameters shared by objects, object, manifest and versions.
struct Listing {
  store::VersionFilter filter;
  std::optional<store::Cursor> after;
  std::size_t limit = kDefaultLimit;
  std::string scope;
  std::string digest;
};

// match[version]: a comma list of first, last, all and timestamps (TAXII 2.1 3.4.3).
template <typename Selector>
Status ParseVersionSelector(std::string_view text, Selector* out) {
  using Which = store::VersionFilter::Which;
  bool first = false, last = false, all = false;
  std::vector<Micros> versions;
  const std::vector<std::string_view> values = SplitComma(text);
  for (auto v : values) {
    if (v == "first") {
      first = true;
    } else if (v == "last") {
      last = true;
    } else if (v == "all") {
      all = true;
    } else {
      auto ts = stix::ParseTimestamp(v);
      if (!ts.ok()) {
        return InvalidArgument("match[version]: '" + std::string(v) +
                               "' is not first, last, all or a timestamp");
      }
      versions.push_back(ts->micros);
    }
  }
  if (all && values.size() > 1) {
    return InvalidArgument("match[version]: 'all' cannot be combined with other values");
  }
  out->versions.clear();
  if (all) {
    out->which = Which::kAll;
  } else if (versions.empty() && first != last) {
    out->which = first ? Which::kFirst : Which::kLast;
  } else {
    out->which = Which::kListed;
    out->versions = std::move(versions);
    out->also_first = first;
    out->also_last = last;
  }
  return Status::Ok();
}

Result<Listing> ParseListing(const Call& call, const PageTokens& tokens, std::string scope,
                             bool allow_id_type, bool allow_version) {
  Listing l;
  l.scope = std::move(scope);
  l.digest = FilterDigest(call);
  for (const auto& [k, v] : call.query) {
    if (k == "limit") {
      std::size_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n == 0) {
        return InvalidArgument("limit must be a positive integer");
      }
      l.limit = std::min(n, kMaxLimit);
    } else if (k == "added_after") {
      auto ts = stix::ParseTimestamp(v);
      if (!ts.ok()) return InvalidArgument("added_after: " + ts.status().message());
      l.filter.added_after = ts->micros;
    } else if (k == "next") {
      auto c = tokens.Redeem(v, call.reader->user_id, l.scope, l.digest);
      if (!c.ok()) return c.status();
      l.after = *c;
    } else if (k == "match[id]" && allow_id_type) {
      for (auto id : SplitComma(v)) {
        if (!stix::IsValidIdentifier(id)) {
          return InvalidArgument("match[id]: '" + std::string(id) + "' is not a STIX identifier");
        }
        l.filter.ids.emplace_back(id);
      }
    } else if (k == "match[type]" && allow_id_type) {
      for (auto t : SplitComma(v)) {
        if (!stix::IsValidTypeName(t)) {
          return InvalidArgument("match[type]: '" + std::string(t) + "' is not a STIX type");
        }
        l.filter.types.emplace_back(t);
      }
    } else if (k == "match[version]" && allow_version) {
      TANSIQ_RETURN_IF_ERROR(ParseVersionSelector(v, &l.filter));
    } else if (k == "match[spec_version]") {
      for (auto sv : SplitComma(v)) {
        if (sv != "2.0" && sv != "2.1") {
          return InvalidArgument("match[spec_version]: '" + std::string(sv) +
                                 "' is not 2.0 or 2.1");
        }
        l.filter.spec_versions.emplace_back(sv);
      }
    }
  }
  return l;
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// X-TAXII-Date-Added-First/-Last, required on every 200 of objects, object, manifest and
// versions: the date_added of the page's first and last row. An empty page has neither, so both
// name its lower bound — where the page began: the previous page's last date_added (`next`),
// else `added_after`, else the epoch. That is the point a client resumes from: a poll that
// takes Date-Added-Last as its next added_after skips nothing (docs/api.md).
void DateHeaders(Response& r, const std::vector<store::VersionRow>& rows, const Listing& listing) {
  if (rows.empty()) {
    Micros bound = 0;
    if (listing.after) {
      bound = listing.after->date_added;
    } else if (listing.filter.added_after) {
      bound = *listing.filter.added_after;
    }
    r.set("X-TAXII-Date-Added-First", stix::FormatMicros(bound));
    r.set("X-TAXII-Date-Added-Last", stix::FormatMicros(bound));
    return;
  }
  r.set("X-TAXII-Date-Added-First", stix::FormatMicros(rows.front().date_added));
  r.set("X-TAXII-Date-Added-Last", stix::FormatMicros(rows.back().date_added));
}

json::object CollectionResource(const store::Collection& c, const policy::Reader& reader) {
  json::object o;
  o["id"] = c.id;
  o["title"] = c.title;
  if (!c.description.empty()) o["description"] = c.description;
  o["alias"] = c.alias;
  o["can_read"] = true;
  o["can_write"] = hub::CanWriteCollection(reader, c);
  o["media_types"] = json::array{std::string(kStixMediaType)};
  return o;
}

// The TAXII handlers, bound to one hub.
class Taxii {
 public:
  Taxii(hub::Hub& hub, const ServerOptions& options, const PageTokens& tokens)
      : hub_(hub), options_(options), tokens_(tokens) {}

  awaitable<Response> Discovery(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto dir = hub_.directory();
    std::string root = call.base_url + std::string(kApiRootPath);
    json::object o;
    o["title"] = dir->hub_name;
    o["description"] = "Tansiq coalition intelligence-sharing hub (TAXII 2.1)";
    o["default"] = root;
    o["api_roots"] = json::array{json::value(root)};
    co_return MakeResponse(call, http::status::ok, json::serialize(o));
  }

  awaitable<Response> ApiRoot(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto dir = hub_.directory();
    json::object o;
    o["title"] = dir->hub_name;
    o["description"] = "Objects shared by the parties of " + dir->hub_name;
    o["versions"] = json::array{std::string(kTaxiiMediaType)};
    o["max_content_length"] = options_.max_content_length;
    co_return MakeResponse(call, http::status::ok, json::serialize(o));
  }

  awaitable<Response> Collections(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    json::array list;
    for (const auto& c : hub_.directory()->collections) {
      if (hub::CanAccessCollection(*call.reader, c)) {
        list.push_back(CollectionResource(c, *call.reader));
      }
    }
    json::object o;
    if (!list.empty()) o["collections"] = std::move(list);  // TAXII 2.1: no empty lists
    co_return MakeResponse(call, http::status::ok, json::serialize(o));
  }

  awaitable<Response> Collection(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto c = Find(call);
    if (!c.ok()) co_return ErrorResponse(call, c.status());
    co_return MakeResponse(call, http::status::ok,
                           json::serialize(CollectionResource(*c, *call.reader)));
  }

  awaitable<Response> GetObjects(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {"added_after", "limit", "next", "match[id]", "match[type]",
                                       "match[version]", "match[spec_version]"}));
    co_return List(call, "objects", /*one_object=*/false, hub::ReadPurpose::kContent);
  }

  awaitable<Response> GetObject(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(
        call, {"added_after", "limit", "next", "match[version]", "match[spec_version]"}));
    co_return List(call, "object", /*one_object=*/true, hub::ReadPurpose::kContent);
  }

  awaitable<Response> Manifest(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {"added_after", "limit", "next", "match[id]", "match[type]",
                                       "match[version]", "match[spec_version]"}));
    co_return List(call, "manifest", /*one_object=*/false, hub::ReadPurpose::kMetadata);
  }

  awaitable<Response> Versions(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {"added_after", "limit", "next", "match[spec_version]"}));
    co_return List(call, "versions", /*one_object=*/true, hub::ReadPurpose::kMetadata);
  }

  awaitable<Response> PostObjects(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto c = Find(call);
    if (!c.ok()) co_return ErrorResponse(call, c.status());
    if (!hub::CanWriteCollection(*call.reader, *c)) {
      co_return ErrorResponse(call, PermissionDenied("you may not write to this collection"));
    }
    TANSIQ_CO_CHECK(CheckContentType(call.request));
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 64;
    json::value body = json::parse(call.request.body(), ec, {}, opts);
    if (ec) {
      co_return ErrorResponse(call,
                              InvalidArgument("request body is not valid JSON: " + ec.message()));
    }
    json::object* envelope = body.if_object();
    json::value* objects = envelope ? envelope->if_contains("objects") : nullptr;
    if (!objects || !objects->is_array()) {
      co_return ErrorResponse(
          call, InvalidArgument("request body must be a TAXII envelope with an 'objects' array"));
    }
    json::array list = std::move(objects->get_array());
    auto start = [this, &call, &c, &list](std::function<void(Result<hub::IngestReport>)> done) {
      hub::Ingest(hub_, *call.reader, *c, std::move(list), std::move(done));
    };
    Result<hub::IngestReport> report = co_await Await<Result<hub::IngestReport>>(start);
    if (!report.ok()) co_return ErrorResponse(call, report.status());
    co_return MakeResponse(call, http::status::accepted, std::move(report->status_json));
  }

  awaitable<Response> DeleteObject(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {"match[version]", "match[spec_version]"}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto c = Find(call);
    if (!c.ok()) co_return ErrorResponse(call, c.status());
    const std::string& id = call.captures.at(1);
    if (!stix::IsValidIdentifier(id)) co_return ErrorResponse(call, NotFound("no such object"));
    store::DeleteSelector which;
    which.which = store::VersionFilter::Which::kAll;
    if (auto v = call.Param("match[version]"); v.ok() && v->has_value()) {
      TANSIQ_CO_CHECK(ParseVersionSelector(**v, &which));
    }
    if (auto v = call.Param("match[spec_version]"); v.ok() && v->has_value()) {
      for (auto sv : SplitComma(**v)) which.spec_versions.emplace_back(sv);
    }
    auto start = [this, &call, &c, &id, &which](std::function<void(Status)> done) {
      hub::DeleteObject(hub_, *call.reader, *c, id, which, std::move(done));
    };
    Status s = co_await Await<Status>(start);
    if (!s.ok()) co_return ErrorResponse(call, s);
    co_return MakeResponse(call, http::status::ok, "");
  }

  awaitable<Response> GetStatus(Call& call) {
    TANSIQ_CO_CHECK(CheckParams(call, {}));
    TANSIQ_CO_CHECK(CheckAccept(call.request, "application/taxii+json"));
    auto s = hub_.store().GetStatus(call.captures.at(0));
    if (!s.ok()) co_return ErrorResponse(call, s.status());
    if (!s->has_value() || (*s)->owner_user != call.reader->user_id) {
      co_return ErrorResponse(call, NotFound("no such status resource"));
    }
    co_return MakeResponse(call, http::status::ok, (*s)->json);
  }

 private:
  Result<store::Collection> Find(const Call& call) {
    const auto dir = hub_.directory();  // holds the snapshot the pointer points into
    const store::Collection* c = dir->FindCollection(call.captures.at(0));
    if (!c || !hub::CanAccessCollection(*call.reader, *c)) {
      return NotFound("no such collection");
    }
    return *c;
  }

  Response List(Call& call, std::string_view kind, bool one_object, hub::ReadPurpose purpose) {
    if (Status s = CheckAccept(call.request, "application/taxii+json"); !s.ok()) {
      return ErrorResponse(call, s);
    }
    auto c = Find(call);
    if (!c.ok()) return ErrorResponse(call, c.status());
    std::string scope = std::string(kind) + ":" + c->id;
    std::string object_id;
    if (one_object) {
      object_id = call.captures.at(1);
      if (!stix::IsValidIdentifier(object_id))
        return ErrorResponse(call, NotFound("no such object"));
      scope += ":" + object_id;
    }
    auto listing = ParseListing(call, tokens_, scope, !one_object, kind != "versions");
    if (!listing.ok()) return ErrorResponse(call, listing.status());
    if (one_object) listing->filter.ids = {object_id};
    if (kind == "versions") listing->filter.which = store::VersionFilter::Which::kAll;
    auto page = hub::ReadVersions(hub_, *call.reader, *c, listing->filter, listing->after,
                                  listing->limit, purpose);
    if (!page.ok()) return ErrorResponse(call, page.status());
    if (one_object && page->rows.empty() && !listing->after && !page->more) {
      // Absent or invisible: 404, whatever the filters (never 403, never a hint).
      store::VersionFilter any;
      any.which = store::VersionFilter::Which::kAll;
      any.ids = {object_id};
      auto probe = hub_.store().ListVersions(*call.reader, c->id, any, std::nullopt, 1);
      if (!probe.ok()) return ErrorResponse(call, probe.status());
      if (probe->rows.empty()) return ErrorResponse(call, NotFound("no such object"));
    }
    std::string body = "{\"more\":" + Bool(page->more);
    if (page->more && page->next) {
      body += ",\"next\":\"" +
              tokens_.Issue(call.reader->user_id, scope, listing->digest, *page->next) + "\"";
    }
    if (!page->rows.empty()) {
      body += kind == "versions" ? ",\"versions\":[" : ",\"objects\":[";
      bool first = true;
      for (const auto& row : page->rows) {
        if (!first) body += ',';
        first = false;
        if (kind == "versions") {
          body += json::serialize(json::value(row.version_text));
        } else if (kind == "manifest") {
          json::object m;
          m["id"] = row.id;
          m["date_added"] = stix::FormatMicros(row.date_added);
          m["version"] = row.version_text;
          m["media_type"] = "application/stix+json;version=" + row.spec_version;
          body += json::serialize(m);
        } else {
          body += row.json;
        }
      }
      body += ']';
    }
    body += '}';
    Response r = MakeResponse(call, http::status::ok, std::move(body));
    DateHeaders(r, page->rows, *listing);
    return r;
  }

  hub::Hub& hub_;
  const ServerOptions& options_;
  const PageTokens& tokens_;
};

}  // namespace

Status CheckAccept(const Request& request, std::string_view media_type) {
  auto it = request.find(http::field::accept);
  if (it == request.end() || Accepts(it->value(), media_type)) return Status::Ok();
  return {ErrorCode::kNotAcceptable,
          "Accept must allow " + std::string(media_type) + ";version=2.1"};
}

void RegisterTaxii(Router& router, hub::Hub& hub, const ServerOptions& options,
                   const PageTokens& tokens) {
  auto t = std::make_shared<Taxii>(hub, options, tokens);
  auto bind = [t](awaitable<Response> (Taxii::*fn)(Call&)) {
    return [t, fn](Call& call) { return ((*t).*fn)(call); };
  };
  const std::string root(kApiRootPath);
  router.Add(http::verb::get, "/taxii2/", bind(&Taxii::Discovery));
  router.Add(http::verb::get, root, bind(&Taxii::ApiRoot));
  router.Add(http::verb::get, root + "collections/", bind(&Taxii::Collections));
  router.Add(http::verb::get, root + "collections/{}/", bind(&Taxii::Collection));
  router.Add(http::verb::get, root + "collections/{}/objects/", bind(&Taxii::GetObjects));
  router.Add(http::verb::post, root + "collections/{}/objects/", bind(&Taxii::PostObjects));
  router.Add(http::verb::get, root + "collections/{}/objects/{}/", bind(&Taxii::GetObject));
  router.Add(http::verb::delete_, root + "collections/{}/objects/{}/", bind(&Taxii::DeleteObject));
  router.Add(http::verb::get, root + "collections/{}/objects/{}/versions/", bind(&Taxii::Versions));
  router.Add(http::verb::get, root + "collections/{}/manifest/", bind(&Taxii::Manifest));
  router.Add(http::verb::get, root + "status/{}/", bind(&Taxii::GetStatus));
}

}  // namespace tansiq::server
