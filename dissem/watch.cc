// Watch rules: parsing and matching (pure).
#include "dissem/watch.h"

#include <boost/json.hpp>

#include "stix/markings.h"

namespace tansiq::dissem {
namespace {

namespace json = boost::json;

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// A list of non-empty strings under `key` (absent or null: empty).
Result<std::vector<std::string>> List(const json::object& body, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return InvalidArgument(std::string(key) + ": must be a list of strings");
  for (const auto& e : v->get_array()) {
    if (!e.is_string() || e.get_string().empty() || e.get_string().size() > kMaxWatchEntryBytes) {
      return InvalidArgument(std::string(key) + ": must be a list of non-empty strings");
    }
    out.emplace_back(e.get_string());
  }
  if (out.size() > kMaxWatchListEntries) {
    return InvalidArgument(std::string(key) + ": at most " + std::to_string(kMaxWatchListEntries) +
                           " entries");
  }
  return out;
}

}  // namespace

std::string PlacesQuery(const std::vector<std::string>& places) {
  std::string q;
  for (const auto& p : places) {
    std::string quoted;
    for (char c : p) {
      if (c != '"') quoted += c;
    }
    q += (q.empty() ? "" : " OR ") + ("\"" + quoted + "\"");
  }
  return q;
}

Result<WatchRule> ParseWatch(const json::object& body, bool from_store,
                             const WatchLookups& lookups) {
  WatchRule rule;
  json::object stored;
  for (const auto& [key, value] : body) {
    if (key != "query" && key != "types" && key != "places" && key != "parties" &&
        key != "groups" && key != "precedence" && !(from_store && key == "group_keys")) {
      return InvalidArgument("unknown field '" + std::string(key) + "'");
    }
  }
  auto check = [&](std::string_view field, const std::string& q) -> Status {
    if (!lookups.check_search) return Status::Ok();
    Status s = lookups.check_search(field, q);
    if (!s.ok()) return InvalidArgument(std::string(field) + ": " + s.message());
    return s;
  };
  if (const json::value* q = body.if_contains("query"); q && !q->is_null()) {
    if (!q->is_string()) return InvalidArgument("query: must be a string");
    if (!q->get_string().empty()) {
      rule.query = std::string(q->get_string());
      TANSIQ_RETURN_IF_ERROR(check("query", rule.query));
      stored["query"] = rule.query;
    }
  }
  auto types = List(body, "types");
  if (!types.ok()) return types.status();
  rule.types.insert(types->begin(), types->end());
  if (!types->empty()) stored["types"] = Strings(*types);
  auto parties = List(body, "parties");
  if (!parties.ok()) return parties.status();
  for (const auto& p : *parties) {
    std::optional<policy::PartyIndex> index = lookups.party_of ? lookups.party_of(p) : std::nullopt;
    if (!index) return InvalidArgument("parties: unknown party '" + p + "'");
    rule.parties.insert(*index);
  }
  if (!parties->empty()) stored["parties"] = Strings(*parties);
  auto places = List(body, "places");
  if (!places.ok()) return places.status();
  if (!places->empty()) {
    TANSIQ_RETURN_IF_ERROR(check("places", PlacesQuery(*places)));
    rule.places = *places;
    stored["places"] = Strings(*places);
  }
  auto groups = List(body, "groups");
  if (!groups.ok()) return groups.status();
  if (!groups->empty()) {
    std::vector<std::string> keys;
    if (from_store) {
      auto stored_keys = List(body, "group_keys");
      if (!stored_keys.ok()) return stored_keys.status();
      keys = std::move(*stored_keys);
    } else {
      if (!lookups.resolve_groups) return Unprocessable("groups: no alias registry");
      auto resolved = lookups.resolve_groups(*groups);
      if (!resolved.ok()) return resolved.status();
      keys = std::move(*resolved);
    }
    if (keys.empty()) return InvalidArgument("groups: no resolved group keys");
    rule.group_keys.insert(keys.begin(), keys.end());
    stored["groups"] = Strings(*groups);
    stored["group_keys"] = Strings(keys);
  }
  if (const json::value* p = body.if_contains("precedence"); p && !p->is_null()) {
    if (!p->is_string()) return InvalidArgument("precedence: must be a string");
    auto prec = ParsePrecedence(p->get_string());
    if (!prec.ok()) return InvalidArgument("precedence: " + prec.status().message());
    rule.precedence = *prec;
  }
  stored["precedence"] = PrecedenceName(rule.precedence);
  if (rule.query.empty() && rule.places.empty() && rule.types.empty() && rule.parties.empty() &&
      rule.group_keys.empty()) {
    return InvalidArgument("a watch needs at least one of query, types, places, parties, groups");
  }
  rule.json = json::serialize(stored);
  return rule;
}

bool Watchable(std::string_view type) {
  return type != stix::kMessageType && type != "marking-definition";
}

bool WatchMatches(const WatchRule& rule, const WatchedObject& object, const WatchChecks& checks) {
  if (!Watchable(object.type)) return false;
  if (!rule.types.empty() && !rule.types.contains(std::string(object.type))) return false;
  if (!rule.parties.empty() && !rule.parties.contains(object.originator)) return false;
  if (!checks.visible || !checks.visible()) return false;
  if (!rule.query.empty() && !(checks.matches_query && checks.matches_query())) return false;
  if (!rule.places.empty() && !(checks.matches_places && checks.matches_places())) return false;
  if (!rule.group_keys.empty() && !(checks.mentions_any && checks.mentions_any(rule.group_keys))) {
    return false;
  }
  return true;
}

WatchNotice NoticeFor(std::string_view title, std::string_view type, std::string_view id) {
  std::string t(title.empty() ? id : title);
  if (t.size() > kMaxWatchTitleBytes) t.resize(kMaxWatchTitleBytes);
  return {"Watch: " + t, std::string(type) + " " + std::string(id)};
}

}  // namespace tansiq::dissem
