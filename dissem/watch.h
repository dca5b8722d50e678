// Watch rules (DESIGN.md "Dissemination": a new object that matches a user's rule — keyword,
// place, type, originator, group — becomes a message to them): parsing a rule from its request
// body or its stored form, and deciding whether a new object matches. Pure: the search syntax,
// the parties and the alias registry are the caller's lookups; so are the store-backed checks
// a match asks for (visibility, search, entity keys).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.h"
#include "dissem/message.h"
#include "dissem/recipients.h"
#include "policy/policy.h"

namespace tansiq::dissem {

inline constexpr std::size_t kMaxWatchListEntries = 50;
inline constexpr std::size_t kMaxWatchEntryBytes = 200;
inline constexpr std::size_t kMaxWatchTitleBytes = 300;  // of the object, in a notice's subject

// One watch rule: every criterion given must hold. Value type.
struct WatchRule {
  std::string query;                     // search syntax; empty: no keyword criterion
  std::vector<std::string> places;       // any of them (the caller expands by gazetteer)
  std::set<std::string> types;           // STIX types
  std::set<policy::PartyIndex> parties;  // originating parties
  std::set<std::string> group_keys;      // alias-registry keys: mentions any of them
  Precedence precedence = Precedence::kRoutine;
  // The rule as stored (JSON): what was given, with `group_keys` resolved at acceptance.
  std::string json;
};

// What parsing needs from the hub. Not owned; must outlive the call.
struct WatchLookups {
  // Checks (and may compile) a search query: `field` is "query" or "places", `q` the search
  // syntax (for places, PlacesQuery). An error is reported as "<field>: <message>" (400).
  std::function<Status(std::string_view field, const std::string& q)> check_search;
  PartyResolver party_of;  // a party code or identity id
  // Group names (any script, or keys) → their alias-registry keys, in order, no repeats;
  // an error (422) names the value.
  std::function<Result<std::vector<std::string>>(const std::vector<std::string>&)> resolve_groups;
};

// The search query of `places`: each place a phrase (quotes dropped), joined by OR.
std::string PlacesQuery(const std::vector<std::string>& places);

// Parses `body` {"query"?, "types"?, "places"?, "parties"?, "groups"?, "precedence"?} — as
// sent (`from_store` false: groups are resolved through the lookup) or as stored (true: its
// `group_keys` are taken as they are — alias keys are stable across registry versions, names
// may move). Errors are InvalidArgument (400) naming the field: unknown fields, lists that are
// not of non-empty strings of at most 200 bytes or hold more than 50, unknown parties, bad
// precedence, no criterion at all; the lookups' errors as they say.
Result<WatchRule> ParseWatch(const boost::json::object& body, bool from_store,
                             const WatchLookups& lookups);

// A new object as a rule looks at it.
struct WatchedObject {
  std::string_view type;
  policy::PartyIndex originator = 0;
};

// The store-backed checks a match may ask for, each only when the rule needs it, in this
// order (cheap first): visibility to the watcher, the rule's query, its places, its groups.
struct WatchChecks {
  std::function<bool()> visible;
  std::function<bool()> matches_query;
  std::function<bool()> matches_places;
  std::function<bool(const std::set<std::string>& group_keys)> mentions_any;
};

// Whether objects of `type` are watched at all (never messages or marking-definitions).
bool Watchable(std::string_view type);

// Whether `object` matches `rule`: every criterion the rule has holds, and the watcher may see
// the object.
bool WatchMatches(const WatchRule& rule, const WatchedObject& object, const WatchChecks& checks);

// A watch notice's subject ("Watch: <title>", the title cut to 300 bytes; the id when there
// is no title) and body ("<type> <id>").
struct WatchNotice {
  std::string subject;
  std::string body;
};
WatchNotice NoticeFor(std::string_view title, std::string_view type, std::string_view id);

}  // namespace tansiq::dissem
