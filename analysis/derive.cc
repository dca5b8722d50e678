// Derived STIX objects for extracted entities.
#include "analysis/derive.h"

#include <array>
#include <cstdint>

#include <sodium.h>

#include "stix/identifier.h"

namespace tansiq::analysis {
namespace json = boost::json;

std::string DerivedId(std::string_view type, std::string_view seed, const DerivedIdKey& key) {
  std::array<std::uint8_t, 16> bytes{};
  crypto_generichash(bytes.data(), bytes.size(),
                     reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), key.data(),
                     key.size());
  return stix::MakeIdentifier(type, bytes);
}

std::vector<DerivedObject> Derive(const ObjectFacts& facts, const json::object& source,
                                  const std::string& created_by, const text::Gazetteer* gazetteer,
                                  const DerivedIdKey& key) {
  std::vector<DerivedObject> out;
  const json::value* ts = source.if_contains("modified");
  if (!ts || !ts->is_string()) ts = source.if_contains("created");
  if (!ts || !ts->is_string() || facts.id.empty()) return out;
  const json::value* markings = source.if_contains("object_marking_refs");
  std::vector<std::string> marking_ids;
  if (markings && markings->is_array()) {
    for (const auto& m : markings->get_array()) {
      if (m.is_string()) marking_ids.emplace_back(m.get_string());
    }
  }
  auto base = [&](std::string_view type, const std::string& id) {
    json::object o;
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = id;
    o["created"] = *ts;
    o["modified"] = *ts;
    o["created_by_ref"] = created_by;
    if (!marking_ids.empty()) o["object_marking_refs"] = *markings;
    return o;
  };
  auto add = [&](std::string_view type, const std::string& id, json::object o,
                 std::vector<std::string> gates) {
    DerivedObject d{id, std::string(type), std::move(o), {created_by}, {facts.id}};
    for (const auto& m : marking_ids) d.refs.push_back(m);
    for (auto& g : gates) {
      d.refs.push_back(g);
      if (g != facts.id) d.gate_refs.push_back(std::move(g));
    }
    out.push_back(std::move(d));
  };
  auto mention = [&](const std::string& target, std::string_view rel_type,
                     const std::string& from) {
    const std::string id = DerivedId(
        "relationship", facts.id + "|" + std::string(rel_type) + "|" + from + "|" + target, key);
    json::object o = base("relationship", id);
    o["relationship_type"] = rel_type;
    o["source_ref"] = from;
    o["target_ref"] = target;
    add("relationship", id, std::move(o), {from, target});
  };

  std::vector<std::string> place_ids;
  if (gazetteer) {
    for (const auto& p : facts.extraction.places) {
      const text::Place* place = gazetteer->ById(p.place_id);
      if (!place) continue;
      const std::string id = DerivedId("location", facts.id + "|place|" + p.place_id, key);
      json::object o = base("location", id);
      o["name"] = place->Name(text::Lang::kEn);
      o["latitude"] = place->lat;
      o["longitude"] = place->lon;
      o["country"] = place->country;
      if (!place->governorate.empty() && place->kind != text::PlaceKind::kGovernorate) {
        if (const text::Place* gov = gazetteer->ById(place->governorate)) {
          o["administrative_area"] = gov->Name(text::Lang::kEn);
        }
      }
      o["description"] = "\"" + p.text + "\" in " + facts.id;
      add("location", id, std::move(o), {});
      place_ids.push_back(id);
      mention(id, "mentions", facts.id);
    }
  }
  std::vector<std::string> actor_ids;
  for (const auto& g : facts.extraction.groups) {
    const std::string id = DerivedId("intrusion-set", facts.id + "|group|" + g.group_key, key);
    json::object o = base("intrusion-set", id);
    o["name"] = g.canonical;
    if (g.text != g.canonical) o["aliases"] = json::array{json::value(g.text)};
    o["description"] = "\"" + g.text + "\" in " + facts.id;
    add("intrusion-set", id, std::move(o), {});
    actor_ids.push_back(id);
    mention(id, "mentions", facts.id);
  }
  for (const auto& p : facts.extraction.persons) {
    const std::string id = DerivedId("identity", facts.id + "|person|" + p.key + "|" + p.name, key);
    json::object o = base("identity", id);
    o["name"] = p.name;
    o["identity_class"] = "individual";
    o["roles"] = json::array{json::value(p.title)};
    o["description"] = "\"" + p.title + " " + p.name + "\" in " + facts.id;
    add("identity", id, std::move(o), {});
    actor_ids.push_back(id);
    mention(id, "mentions", facts.id);
  }
  if (place_ids.size() == 1) {
    for (const auto& a : actor_ids) mention(place_ids[0], "located-at", a);
  }
  return out;
}

}  // namespace tansiq::analysis
