// AliasRegistry: JSON Lines parsing, same_as merging and the name index.
#include "text/alias_registry.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace tansiq::text {
namespace {

namespace json = boost::json;

struct Record {
  std::string id;
  std::string canonical;
  std::vector<AliasName> names;
  std::string source;
  std::vector<std::string> same_as;
  std::string where;  // "file:line" for errors
};

Status LineError(std::string_view file, std::size_t line, std::string_view what) {
  return InvalidArgument(std::string(file) + ":" + std::to_string(line) + ": " + std::string(what));
}

Result<std::string> RequiredString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    return InvalidArgument("\"" + std::string(key) + "\" must be a non-empty string");
  }
  return std::string(v->get_string());
}

Result<Record> ParseRecord(std::string_view line) {
  std::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) return InvalidArgument("invalid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("a record must be a JSON object");
  const json::object& o = v.get_object();
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    if (k != "id" && k != "canonical" && k != "names" && k != "source" && k != "same_as") {
      return InvalidArgument("unknown field \"" + std::string(k) + "\"");
    }
  }
  Record r;
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"id", &r.id},
                          {"canonical", &r.canonical},
                          {"source", &r.source}}) {
    Result<std::string> s = RequiredString(o, key);
    if (!s.ok()) return s.status();
    *out = std::move(s).value();
  }
  const json::value* names = o.if_contains("names");
  if (names == nullptr || !names->is_object() || names->get_object().empty()) {
    return InvalidArgument("\"names\" must be a non-empty object of language -> names");
  }
  for (const auto& kv : names->get_object()) {
    if (kv.key().empty()) return InvalidArgument("empty language tag in \"names\"");
    if (!kv.value().is_array() || kv.value().get_array().empty()) {
      return InvalidArgument("\"names\"." + std::string(kv.key()) + " must be a non-empty array");
    }
    for (const json::value& n : kv.value().get_array()) {
      if (!n.is_string() || n.get_string().empty()) {
        return InvalidArgument("\"names\"." + std::string(kv.key()) +
                               " must hold non-empty strings");
      }
      r.names.push_back({std::string(n.get_string()), std::string(kv.key())});
    }
  }
  if (const json::value* same = o.if_contains("same_as")) {
    if (!same->is_array()) return InvalidArgument("\"same_as\" must be an array of ids");
    for (const json::value& s : same->get_array()) {
      if (!s.is_string() || s.get_string().empty()) {
        return InvalidArgument("\"same_as\" must hold non-empty strings");
      }
      r.same_as.emplace_back(s.get_string());
    }
  }
  return r;
}

// The language under which a record lists its canonical name, "und" if it does not.
std::string CanonicalLang(const Record& r) {
  for (const AliasName& n : r.names) {
    if (n.name == r.canonical) return n.lang;
  }
  return "und";
}

std::size_t FindRoot(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

// Ranks: the group's canonical name, a curated name, a MISP-derived (any other) name.
constexpr int kRankCanonical = 0;
constexpr int kRankCurated = 1;
constexpr int kRankDerived = 2;

}  // namespace

Result<AliasRegistry> AliasRegistry::Parse(std::string_view jsonl) {
  const AliasFile file{"aliases", jsonl};
  return Parse(std::span<const AliasFile>(&file, 1));
}

Result<AliasRegistry> AliasRegistry::Parse(std::span<const AliasFile> files) {
  std::vector<Record> records;
  std::unordered_map<std::string, std::size_t> index_of;
  for (const AliasFile& file : files) {
    std::size_t line_no = 0;
    std::string_view rest = file.text;
    while (!rest.empty()) {
      const std::size_t eol = rest.find('\n');
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      const std::size_t first = line.find_first_not_of(" \t");
      if (first == std::string_view::npos || line[first] == '#') continue;
      Result<Record> r = ParseRecord(line);
      if (!r.ok()) return LineError(file.name, line_no, r.status().message());
      r->where = std::string(file.name) + ":" + std::to_string(line_no);
      if (!index_of.emplace(r->id, records.size()).second) {
        return LineError(file.name, line_no, "duplicate id \"" + r->id + "\"");
      }
      records.push_back(std::move(r).value());
    }
  }

  std::vector<std::size_t> parent(records.size());
  std::iota(parent.begin(), parent.end(), 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    for (const std::string& other : records[i].same_as) {
      auto it = index_of.find(other);
      if (it == index_of.end()) {
        return InvalidArgument(records[i].where + ": unknown same_as id \"" + other + "\"");
      }
      const std::size_t a = FindRoot(parent, i);
      const std::size_t b = FindRoot(parent, it->second);
      // The smaller index stays the root, so components keep file order.
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  std::vector<std::vector<std::size_t>> components;
  std::unordered_map<std::size_t, std::size_t> component_of_root;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::size_t root = FindRoot(parent, i);
    auto [it, added] = component_of_root.emplace(root, components.size());
    if (added) components.emplace_back();
    components[it->second].push_back(i);
  }

  AliasRegistry reg;
  reg.groups_.reserve(components.size());
  for (const std::vector<std::size_t>& members : components) {
    const auto gid = static_cast<GroupId>(reg.groups_.size());
    auto leader_it = std::find_if(members.begin(), members.end(),
                                  [&](std::size_t i) { return records[i].source == "curated"; });
    const Record& leader = records[leader_it == members.end() ? members.front() : *leader_it];
    Group g;
    g.id = leader.id;
    g.canonical = leader.canonical;
    std::vector<std::size_t> order{static_cast<std::size_t>(&leader - records.data())};
    for (std::size_t i : members) {
      if (i != order.front()) order.push_back(i);
    }
    auto add_name = [&](const AliasName& n) {
      // The first name listed per language, also when another language listed it first.
      if (std::none_of(g.first_in_lang.begin(), g.first_in_lang.end(),
                       [&](const AliasName& f) { return f.lang == n.lang; })) {
        g.first_in_lang.push_back(n);
      }
      if (std::find(g.names.begin(), g.names.end(), n.name) != g.names.end()) return;
      g.names.push_back(n.name);
      g.names_with_lang.push_back(n);
    };
    add_name({leader.canonical, CanonicalLang(leader)});
    const std::string canonical_key = internal::LookupKey(g.canonical);
    reg.index_.Add(g.canonical, gid, kRankCanonical);
    for (std::size_t i : order) {
      const Record& r = records[i];
      if (std::find(g.sources.begin(), g.sources.end(), r.source) == g.sources.end()) {
        g.sources.push_back(r.source);
      }
      reg.by_id_.emplace(r.id, gid);
      const int rank = r.source == "curated" ? kRankCurated : kRankDerived;
      auto index_name = [&](const AliasName& n) {
        add_name(n);
        const bool is_canonical = internal::LookupKey(n.name) == canonical_key;
        reg.index_.Add(n.name, gid, is_canonical ? kRankCanonical : rank);
      };
      index_name({r.canonical, CanonicalLang(r)});
      for (const AliasName& n : r.names) index_name(n);
    }
    reg.name_count_ += g.names.size();
    reg.groups_.push_back(std::move(g));
  }
  return reg;
}

std::vector<GroupId> AliasRegistry::FindAll(std::string_view name) const {
  std::vector<GroupId> out;
  for (const internal::NameIndex::Hit& h : index_.Exact(name)) out.push_back(h.target);
  return out;
}

std::optional<GroupId> AliasRegistry::Find(std::string_view name) const {
  const std::vector<internal::NameIndex::Hit> hits = index_.Exact(name);
  if (hits.empty()) return std::nullopt;
  if (hits.size() > 1 && hits[1].rank == hits[0].rank) return std::nullopt;  // ambiguous
  return hits.front().target;
}

std::vector<AliasMatch> AliasRegistry::FindSimilar(std::string_view name, std::size_t limit) const {
  std::vector<AliasMatch> out;
  for (internal::NameIndex::SimilarHit& h : index_.Similar(name, limit)) {
    out.push_back({h.target, std::move(h.name), h.score});
  }
  return out;
}

std::optional<GroupId> AliasRegistry::ById(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

Result<GroupId> AliasRegistry::Resolve(std::string_view name) const {
  if (auto g = Find(name)) return *g;
  if (auto g = ById(name)) return *g;
  const std::vector<GroupId> all = FindAll(name);
  if (all.empty()) return NotFound("unknown group '" + std::string(name) + "'");
  std::string names;
  for (std::size_t i = 0; i < all.size() && i < 5; ++i) {
    names += (i ? ", " : "") + Canonical(all[i]) + " (" + Key(all[i]) + ")";
  }
  return InvalidArgument("ambiguous group '" + std::string(name) + "': " + names);
}

const std::string& AliasRegistry::NameIn(GroupId id, std::string_view lang) const {
  const Group& g = groups_.at(id);
  for (const AliasName& n : g.first_in_lang) {
    if (n.lang == lang) return n.name;
  }
  return g.canonical;
}

}  // namespace tansiq::text
