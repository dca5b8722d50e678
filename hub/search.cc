// Query parsing, expansion and the search response.
#include "hub/search.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "stix/identifier.h"
#include "stix/timestamp.h"
#include "text/alias_registry.h"
#include "text/analyzer.h"
#include "text/gazetteer.h"
#include "text/name_key.h"

namespace tansiq::hub {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxQueryBytes = 1024;
constexpr std::size_t kMaxItems = 32;
constexpr std::size_t kMaxExpansions = 40;

struct Item {
  std::string text;
  bool phrase = false;
  bool negated = false;
  std::string field;  // "", "name" or "type"
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether `text` has a word the index could hold (the analyzer's exact terms, as the store
// indexes and queries them).
bool HasWords(std::string_view text) {
  static const text::Analyzer kAnalyzer;
  return !kAnalyzer.Analyze(text, text::Lang::kUnknown, text::Field::kExact).empty();
}

// Splits the query into items; `or_before[i]` says item i was joined to i-1 by OR.
Status Tokenize(std::string_view q, std::vector<Item>* items, std::vector<bool>* or_before) {
  bool pending_or = false;
  std::size_t i = 0;
  while (i < q.size()) {
    if (IsSpace(q[i])) {
      ++i;
      continue;
    }
    Item item;
    if (q[i] == '-' && i + 1 < q.size() && !IsSpace(q[i + 1])) {
      item.negated = true;
      ++i;
    }
    for (std::string_view field : {"name:", "type:"}) {
      if (q.substr(i, field.size()) == field) {
        item.field = std::string(field.substr(0, field.size() - 1));
        i += field.size();
        break;
      }
    }
    if (i < q.size() && q[i] == '"') {
      auto close = q.find('"', i + 1);
      if (close == std::string_view::npos) return InvalidArgument("unterminated \"phrase\"");
      item.text = std::string(q.substr(i + 1, close - i - 1));
      item.phrase = true;
      i = close + 1;
    } else {
      std::size_t start = i;
      while (i < q.size() && !IsSpace(q[i])) ++i;
      item.text = std::string(q.substr(start, i - start));
    }
    if (!item.phrase && !item.negated && item.field.empty() && item.text == "OR") {
      if (items->empty() || pending_or) return InvalidArgument("OR needs a term on each side");
      pending_or = true;
      continue;
    }
    if (item.text.empty()) {
      return InvalidArgument(item.phrase ? "empty \"phrase\"" : "a term is empty");
    }
    if (item.field != "type" && !HasWords(item.text)) {
      // Punctuation, symbols or invisible marks alone ("Mosul - Baghdad", "؟", U+202E) match
      // nothing: left out, so that a query of nothing else is refused (BuildSearch) rather than
      // answered — or stored as a watch — that can never match.
      continue;
    }
    if (items->size() == kMaxItems) {
      return InvalidArgument("at most " + std::to_string(kMaxItems) + " terms");
    }
    or_before->push_back(pending_or);
    items->push_back(std::move(item));
    pending_or = false;
  }
  if (pending_or) return InvalidArgument("OR needs a term on each side");
  return Status::Ok();
}

std::vector<std::string> NameKeys(std::string_view text) {
  std::vector<std::string> keys;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i == start) break;
    std::string key = text::PhoneticKey(text.substr(start, i - start));
    if (key.size() >= 3) keys.push_back(std::move(key));
  }
  return keys;
}

// `text` without a trailing Latin possessive ('s, ’s).
std::string_view WithoutPossessive(std::string_view text) {
  for (std::string_view suffix : {std::string_view("'s"), std::string_view("\u2019s")}) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      return text.substr(0, text.size() - suffix.size());
    }
  }
  return text;
}

// The ways one typed term may match: as typed, by name keys, by its aliases, place and country
// names.
store::SearchClause Expand(const Hub& hub, const Item& item) {
  const bool names_only = item.field == "name";
  store::SearchClause clause;
  clause.any.push_back({item.text, names_only, {}});
  // "Baghdad's" names what "Baghdad" names (the analyzer drops the possessive from the term).
  const std::string_view name = WithoutPossessive(item.text);
  std::vector<std::string> others;
  if (const text::AliasRegistry* aliases = hub.aliases()) {
    if (auto group = aliases->Find(name)) {
      for (const auto& n : aliases->Names(*group)) others.push_back(n);
    }
  }
  for (const text::Gazetteer* places : {hub.gazetteer(), hub.countries()}) {
    if (places == nullptr) continue;
    if (const text::Place* place = places->Find(name)) {
      for (const auto* names : {&place->ar, &place->en, &place->fa, &place->ru}) {
        others.insert(others.end(), names->begin(), names->end());
      }
      break;  // a town before a country of the same name (the gazetteer is searched first)
    }
  }
  // Name keys join spellings no rule lists (al-Khafaji ~ الخفاجي ~ Хафаджи); when the
  // registry or gazetteer knows the term, its names are better than a consonant skeleton. A
  // phrase keeps its word order, which keys do not: no keys for phrases.
  if (others.empty() && !item.phrase) {
    if (auto keys = NameKeys(name); !keys.empty()) {
      clause.any.push_back({"", names_only, std::move(keys)});
    }
  }
  for (auto& n : others) {
    if (clause.any.size() > kMaxExpansions) break;
    if (n != item.text) clause.any.push_back({std::move(n), names_only, {}});
  }
  return clause;
}

std::string EscapeSnippet(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\x02':
        out += "<mark>";
        break;
      case '\x03':
        out += "</mark>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Result<store::SearchQuery> BuildSearch(const Hub& hub, const SearchRequest& r) {
  if (r.q.size() > kMaxQueryBytes) {
    return InvalidArgument("q is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  if (r.limit < 1 || r.limit > 100) return InvalidArgument("limit must be 1..100");
  if (r.offset > 10000) return InvalidArgument("offset must be 0..10000");
  std::vector<Item> items;
  std::vector<bool> or_before;
  TANSIQ_RETURN_IF_ERROR(Tokenize(r.q, &items, &or_before));
  // Several plain words that together name a known group or place (حزب الله, Islamic State,
  // Deir ez-Zor) are searched as that one name.
  if (items.size() > 1) {
    bool plain = true;
    std::string joined;
    for (std::size_t i = 0; i < items.size(); ++i) {
      plain &= !items[i].phrase && !items[i].negated && items[i].field.empty() && !or_before[i];
      joined += (i ? " " : "") + items[i].text;
    }
    const bool known = (hub.aliases() && hub.aliases()->Find(joined)) ||
                       (hub.gazetteer() && hub.gazetteer()->Find(joined)) ||
                       (hub.countries() && hub.countries()->Find(joined));
    if (plain && known) {
      items = {Item{joined, true, false, ""}};
      or_before = {false};
    }
  }
  store::SearchQuery q;
  q.limit = r.limit;
  q.offset = r.offset;
  q.total_bound = hub.search_total_bound();
  q.rank_window = hub.search_rank_window();
  q.since = r.since;
  q.until = r.until;
  q.langs = r.langs;
  q.types = r.types;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    const bool joined = or_before[i];
    if (item.field == "type") {
      if (item.negated || joined || (i + 1 < items.size() && or_before[i + 1])) {
        return InvalidArgument("type: is a filter: it cannot be negated or OR-ed");
      }
      if (!stix::IsValidTypeName(item.text)) {
        return InvalidArgument("type:" + item.text + " is not a STIX type name");
      }
      q.types.push_back(item.text);
      continue;
    }
    if (item.negated && (joined || (i + 1 < items.size() && or_before[i + 1]))) {
      return InvalidArgument("an -exclusion cannot be part of an OR");
    }
    store::SearchClause clause = Expand(hub, item);
    if (item.negated) {
      q.none.push_back(std::move(clause));
    } else if (joined && !q.all.empty()) {
      for (auto& t : clause.any) q.all.back().any.push_back(std::move(t));
    } else {
      q.all.push_back(std::move(clause));
    }
  }
  if (q.all.empty()) return InvalidArgument("the query needs at least one term to search for");
  for (const auto& t : q.types) {
    if (!stix::IsValidTypeName(t)) return InvalidArgument("type " + t + " is not a STIX type");
  }
  auto dir = hub.directory();
  // The hub's own objects — derived entities (one per source document, which is itself a
  // hit) and notices — are no search results; TAXII, related and graph serve them.
  if (!dir->hub_identity.empty()) q.exclude_creators.push_back(dir->hub_identity);
  for (const auto& code : r.parties) {
    const store::Party* p = dir->PartyByCode(code);
    if (!p) return InvalidArgument("party " + code + " is not a party of this hub");
    q.originators.push_back(p->index);
  }
  return q;
}

Result<std::string> Search(Hub& hub, const policy::Reader& reader, const SearchRequest& request) {
  auto query = BuildSearch(hub, request);
  if (!query.ok()) return query.status();
  auto result = hub.store().Search(reader, *query);
  if (!result.ok()) return result.status();
  auto dir = hub.directory();
  auto party_code = [&](policy::PartyIndex p) {
    const store::Party* party = dir->PartyByIndex(p);
    return party ? party->code : std::string("hub");
  };
  json::array hits;
  std::string ids;
  for (const auto& h : result->hits) {
    hits.push_back(json::object{{"id", h.id},
                                {"type", h.type},
                                {"name", h.title},
                                {"score", h.score},
                                {"snippet", EscapeSnippet(h.snippet)},
                                {"created_by_ref", h.created_by_ref},
                                {"modified", stix::FormatMicros(h.modified)},
                                {"lang", h.lang},
                                {"party", party_code(h.originator)}});
    ids += (ids.empty() ? "" : " ") + h.id;
  }
  json::object facets;
  for (const auto& [name, values] : result->facets) {
    json::object f;
    for (const auto& [value, count] : values) {
      std::string key = value;
      if (name == "party") key = party_code(std::stoi(value));
      f[key] = count;
    }
    facets[name] = std::move(f);
  }
  // "gte": more visible matches exist than the hub's total bound; facets count the same set.
  const char* relation = result->total_exact ? "eq" : "gte";
  json::object out{{"total", result->total},
                   {"total_relation", relation},
                   {"hits", std::move(hits)},
                   {"facets", facets},
                   {"facets_relation", relation}};
  const store::Party* party = dir->PartyByIndex(reader.party);
  hub.auditor().Record(hub.store(), {{reader.user_name, party ? party->code : "-", "object.search",
                                      request.q + " → " + ids, "ok"}});
  return json::serialize(out);
}

}  // namespace tansiq::hub
