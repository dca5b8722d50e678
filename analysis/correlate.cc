// Entity keys of STIX objects and the weights of shared keys.
#include "analysis/correlate.h"

#include <algorithm>
#include <cmath>

#include "stix/timestamp.h"
#include "text/name_key.h"

namespace tansiq::analysis {
namespace {
namespace json = boost::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const json::string* Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

// SCO types whose `value` identifies them.
bool ValueObservable(std::string_view type) {
  return type == "ipv4-addr" || type == "ipv6-addr" || type == "domain-name" || type == "url" ||
         type == "email-addr" || type == "mac-addr";
}

// Constants of an indicator pattern compared for equality: [ipv4-addr:value = '1.2.3.4'],
// [file:hashes.'SHA-256' = '…'], [domain-name:value = 'x'].
void PatternKeys(std::string_view pattern, std::vector<std::string>& keys) {
  std::size_t pos = 0;
  while ((pos = pattern.find(':', pos)) != std::string_view::npos) {
    std::size_t b = pos;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(pattern[b - 1])) ||
                     pattern[b - 1] == '-' || pattern[b - 1] == '_')) {
      --b;
    }
    const std::string_view type = pattern.substr(b, pos - b);
    std::size_t eq = pattern.find('=', pos);
    std::size_t q1 = eq == std::string_view::npos ? eq : pattern.find('\'', eq);
    if (eq == std::string_view::npos || q1 == std::string_view::npos || q1 < eq) {
      ++pos;
      continue;
    }
    const std::string_view path = pattern.substr(pos + 1, eq - pos - 1);
    std::size_t q2 = pattern.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) break;
    const std::string_view value = pattern.substr(q1 + 1, q2 - q1 - 1);
    if (path.find("hashes") != std::string_view::npos) {
      keys.push_back("obs:hash:" + Lower(value));
    } else if (ValueObservable(type)) {
      keys.push_back("obs:" + std::string(type) + ":" + Lower(value));
    }
    pos = q2 + 1;
  }
}

Micros EventTime(const json::object& o, Micros version) {
  for (const char* k : {"published", "first_seen", "valid_from", "first_observed", "created"}) {
    if (const json::string* s = Str(o, k)) {
      if (auto t = stix::ParseTimestamp(*s); t.ok()) return t->micros;
    }
  }
  return version;
}

bool IsActorType(std::string_view type) {
  return type == "intrusion-set" || type == "threat-actor" || type == "campaign" ||
         type == "identity" || type == "malware" || type == "tool";
}

void NameKeys(std::string_view name, const text::AliasRegistry* aliases, bool person,
              std::vector<std::string>& keys) {
  if (name.empty()) return;
  if (aliases && !person) {
    if (auto g = aliases->Find(name)) {
      keys.push_back(std::string(kGroupPrefix) + aliases->Key(*g));
      return;
    }
  }
  std::string k = text::PhoneticKey(name);
  if (k.size() >= 3) keys.push_back("nk:" + k);
}

}  // namespace

ObjectFacts Analyse(const json::object& object, const stix::SearchText& text, Micros version,
                    const Extractor& extractor, const text::AliasRegistry* aliases) {
  ObjectFacts f;
  if (const json::string* id = Str(object, "id")) f.id = std::string(*id);
  if (const json::string* type = Str(object, "type")) f.type = std::string(*type);
  f.name = text.title;
  f.at = EventTime(object, version);
  std::vector<std::string>& keys = f.keys;

  // Observables.
  if (ValueObservable(f.type)) {
    if (const json::string* v = Str(object, "value")) {
      keys.push_back("obs:" + f.type + ":" + Lower(*v));
    }
  }
  if (const json::value* h = object.if_contains("hashes"); h && h->is_object()) {
    for (const auto& kv : h->get_object()) {
      if (kv.value().is_string()) keys.push_back("obs:hash:" + Lower(kv.value().get_string()));
    }
  }
  if (f.type == "indicator") {
    if (const json::string* p = Str(object, "pattern")) PatternKeys(*p, keys);
  }

  // Names of actors, persons and places.
  const bool person = f.type == "identity" && Str(object, "identity_class") &&
                      *Str(object, "identity_class") == "individual";
  if (IsActorType(f.type)) {
    if (const json::string* n = Str(object, "name")) NameKeys(*n, aliases, person, keys);
    if (const json::value* a = object.if_contains("aliases"); a && a->is_array()) {
      for (const auto& v : a->get_array()) {
        if (v.is_string()) NameKeys(v.get_string(), aliases, person, keys);
      }
    }
  }
  if (f.type == "location" && extractor.gazetteer()) {
    const text::Place* place = nullptr;
    for (const char* k : {"name", "city", "region", "administrative_area"}) {
      if (const json::string* n = Str(object, k); n && !place)
        place = extractor.gazetteer()->Find(*n);
    }
    const json::value* lat = object.if_contains("latitude");
    const json::value* lon = object.if_contains("longitude");
    if (!place && lat && lon && lat->is_number() && lon->is_number()) {
      auto near =
          extractor.gazetteer()->Within(lat->to_number<double>(), lon->to_number<double>(), 25.0);
      for (const auto& d : near) {
        if (d.place->kind != text::PlaceKind::kGovernorate) {
          place = d.place;
          break;
        }
      }
    }
    if (place) {
      keys.push_back(std::string(kPlacePrefix) + place->id);
      const std::string& gov =
          place->kind == text::PlaceKind::kGovernorate ? place->id : place->governorate;
      if (!gov.empty()) keys.push_back(std::string(kGovPrefix) + gov);
    }
  }

  // Prose: reports, notes, opinions, descriptions of anything.
  if (!text.body.empty()) {
    f.has_prose = true;
    const text::Lang lang = text::DetectLang(
        text.body, text.lang.empty() ? std::nullopt : std::optional<std::string_view>(text.lang));
    f.extraction = extractor.Extract(text.body, lang, f.at);
    for (const auto& p : f.extraction.places) {
      keys.push_back(std::string(kPlacePrefix) + p.place_id);
      if (!p.governorate.empty()) keys.push_back(std::string(kGovPrefix) + p.governorate);
    }
    for (const auto& g : f.extraction.groups) {
      keys.push_back(std::string(kGroupPrefix) + g.group_key);
    }
    for (const auto& p : f.extraction.persons) {
      if (p.key.size() >= 3) keys.push_back("nk:" + p.key);
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return f;
}

double KeyWeight(std::string_view key, std::size_t df, bool near) {
  double factor = 1.0;
  if (key.substr(0, kPlacePrefix.size()) == kPlacePrefix) factor = near ? 0.4 : 0.8;
  if (key.substr(0, kGovPrefix.size()) == kGovPrefix) factor = 0.5;
  return factor *
         std::log(1.0 + kReferenceCorpus / static_cast<double>(std::max<std::size_t>(df, 1)));
}

std::string Reason(std::string_view key, bool near) {
  auto after = [&](std::string_view p) { return std::string(key.substr(p.size())); };
  if (key.substr(0, kPlacePrefix.size()) == kPlacePrefix) {
    return (near ? "near:" : "place:") + after(kPlacePrefix);
  }
  if (key.substr(0, kGovPrefix.size()) == kGovPrefix) return "governorate:" + after(kGovPrefix);
  if (key.substr(0, kGroupPrefix.size()) == kGroupPrefix) return "group:" + after(kGroupPrefix);
  if (key.substr(0, 3) == "nk:") return "name:" + after("nk:");
  if (key.substr(0, 4) == "obs:") return "value:" + after("obs:");
  return std::string(key);
}

}  // namespace tansiq::analysis
