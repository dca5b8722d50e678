// TLP levels of marking-definition ids and the Tansiq releasability marking: parsing its
// property-extension and publishing its extension-definition. Pure.
#include "stix/markings.h"

#include <boost/json/array.hpp>

#include "stix/identifier.h"

namespace tansiq::stix {
namespace json = boost::json;

namespace {

// STIX 2.1 §7.2.1.4 TLP 1.0 marking-definition ids.
constexpr std::string_view kTlp1WhiteId =
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
constexpr std::string_view kTlp1GreenId =
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
constexpr std::string_view kTlp1AmberId =
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
constexpr std::string_view kTlp1RedId = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

int Rank(Tlp tlp) { return static_cast<int>(tlp); }  // enum order is strictness order

Status Malformed(std::string_view property, std::string_view rule) {
  std::string m = "releasability extension: '";
  m.append(property);
  m.append("' ");
  m.append(rule);
  return InvalidArgument(std::move(m));
}

}  // namespace

Tlp TlpOfMarking(std::string_view marking_id) {
  if (marking_id == kTlpClearId || marking_id == kTlp1WhiteId) return Tlp::kClear;
  if (marking_id == kTlpGreenId || marking_id == kTlp1GreenId) return Tlp::kGreen;
  if (marking_id == kTlpAmberId || marking_id == kTlp1AmberId) return Tlp::kAmber;
  if (marking_id == kTlpAmberStrictId) return Tlp::kAmberStrict;
  if (marking_id == kTlpRedId || marking_id == kTlp1RedId) return Tlp::kRed;
  return Tlp::kNone;
}

Tlp StrictestTlp(const std::vector<std::string>& marking_ids) {
  Tlp strictest = Tlp::kNone;
  for (const std::string& id : marking_ids) {
    const Tlp tlp = TlpOfMarking(id);
    if (Rank(tlp) > Rank(strictest)) strictest = tlp;
  }
  return strictest;
}

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
    case Tlp::kNone:
      break;
  }
  return "";
}

namespace {

// Strictness order: CLEAR < GREEN < AMBER < AMBER+STRICT < RED (kNone: not a TLP).
int Strictness(Tlp tlp) {
  switch (tlp) {
    case Tlp::kNone:
      return 0;
    case Tlp::kClear:
      return 1;
    case Tlp::kGreen:
      return 2;
    case Tlp::kAmber:
      return 3;
    case Tlp::kAmberStrict:
      return 4;
    case Tlp::kRed:
      return 5;
  }
  return 5;
}

}  // namespace

Status CheckGranularMarkings(const json::object& object,
                             const std::vector<std::string>& object_marking_refs) {
  const json::value* gms = object.if_contains("granular_markings");
  if (gms == nullptr || !gms->is_array()) return Status::Ok();
  const Tlp own = StrictestTlp(object_marking_refs);
  // Without a TLP of its own an object may be unmarked (its originator alone) or released by
  // a releasability marking (federable): only CLEAR and GREEN are surely no narrower.
  const int allowed = own == Tlp::kNone ? Strictness(Tlp::kGreen) : Strictness(own);
  const json::array& list = gms->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::object* gm = list[i].if_object();
    const json::value* ref = gm != nullptr ? gm->if_contains("marking_ref") : nullptr;
    if (ref == nullptr || !ref->is_string()) continue;  // a language entry (`lang`)
    const std::string where = "granular_markings[" + std::to_string(i) + "]: ";
    const Tlp tlp = TlpOfMarking(ref->get_string());
    if (tlp == Tlp::kNone) {
      return InvalidArgument(where +
                             "only TLP markings may be granular here; the hub enforces "
                             "releasability per object — mark the whole object, or post the "
                             "restricted text as an object of its own");
    }
    if (Strictness(tlp) > allowed) {
      return InvalidArgument(
          where + "TLP:" + std::string(TlpName(tlp)) +
          " is narrower than the object's own marking and the hub cannot withhold part of an "
          "object — mark the whole object, or post the restricted text as an object of its own");
    }
  }
  return Status::Ok();
}

Result<std::optional<Releasability>> ParseReleasability(const json::object& marking_definition) {
  const json::value* exts_value = marking_definition.if_contains("extensions");
  const json::object* exts = exts_value != nullptr ? exts_value->if_object() : nullptr;
  if (exts == nullptr) return std::optional<Releasability>();
  const json::value* ext_value = exts->if_contains(kReleasabilityExtensionId);
  if (ext_value == nullptr) return std::optional<Releasability>();
  const json::object* ext = ext_value->if_object();
  if (ext == nullptr) return Malformed(kReleasabilityExtensionId, "must be an object");
  if (const json::value* t = ext->if_contains("extension_type")) {
    if (!t->is_string() || t->get_string() != "property-extension") {
      return Malformed("extension_type", "must be \"property-extension\"");
    }
  }
  Releasability rel;
  if (const json::value* refs = ext->if_contains("releasable_to_refs")) {
    const json::array* a = refs->if_array();
    if (a == nullptr) return Malformed("releasable_to_refs", "must be a list of identity ids");
    rel.releasable_to_refs.reserve(a->size());
    for (const json::value& v : *a) {
      const json::string* s = v.if_string();
      if (s == nullptr || IdentifierType(*s) != "identity") {
        return Malformed("releasable_to_refs", "must contain only identity identifiers");
      }
      rel.releasable_to_refs.emplace_back(*s);
    }
  }
  if (const json::value* names = ext->if_contains("recipients")) {
    const json::array* a = names->if_array();
    if (a == nullptr) return Malformed("recipients", "must be a list of user names");
    rel.recipients.reserve(a->size());
    for (const json::value& v : *a) {
      const json::string* s = v.if_string();
      if (s == nullptr || s->empty()) {
        return Malformed("recipients", "must contain only non-empty user names");
      }
      rel.recipients.emplace_back(*s);
    }
  }
  return std::optional<Releasability>(std::move(rel));
}

namespace {

// The common properties of an object the hub or a party writes: type, spec_version, id,
// created_by_ref, created.
json::object Common(std::string_view type, std::string_view id, std::string_view created_by_ref,
                    std::string_view created) {
  return json::object{{"type", type},
                      {"spec_version", "2.1"},
                      {"id", id},
                      {"created_by_ref", created_by_ref},
                      {"created", created}};
}

}  // namespace

json::object ExtensionDefinition(std::string_view id, std::string_view hub_identity_id,
                                 std::string_view created, std::string_view name,
                                 std::string_view description, std::string_view schema,
                                 std::string_view extension_type) {
  json::object o = Common("extension-definition", id, hub_identity_id, created);
  o["modified"] = created;
  o["name"] = name;
  o["description"] = description;
  o["schema"] = schema;
  o["version"] = "1.0.0";
  o["extension_types"] = json::array{extension_type};
  return o;
}

json::object ReleasabilityMarkingDefinition(std::string_view id, std::string_view created_by_ref,
                                            std::string_view created, std::string_view name,
                                            const Releasability& releasability) {
  auto strings = [](const std::vector<std::string>& v) {
    json::array a;
    a.reserve(v.size());
    for (const std::string& s : v) a.emplace_back(s);
    return a;
  };
  json::object ext{{"extension_type", "property-extension"}};
  if (!releasability.releasable_to_refs.empty()) {
    ext["releasable_to_refs"] = strings(releasability.releasable_to_refs);
  }
  if (!releasability.recipients.empty()) ext["recipients"] = strings(releasability.recipients);
  json::object m = Common("marking-definition", id, created_by_ref, created);
  m["name"] = name;
  m["extensions"] = json::object{{kReleasabilityExtensionId, std::move(ext)}};
  return m;
}

json::object ReleasabilityExtensionDefinition(std::string_view hub_identity_id,
                                              std::string_view created) {
  return ExtensionDefinition(
      kReleasabilityExtensionId, hub_identity_id, created, "Tansiq releasability",
      "Names the parties (identity ids in releasable_to_refs) that may read objects carrying "
      "this marking and, for TLP:RED, the named user recipients (recipients).",
      "https://tansiq.example/schemas/releasability-v1.json", "property-extension");
}

std::string_view TlpMarkingId(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return kTlpClearId;
    case Tlp::kGreen:
      return kTlpGreenId;
    case Tlp::kAmber:
      return kTlpAmberId;
    case Tlp::kAmberStrict:
      return kTlpAmberStrictId;
    case Tlp::kRed:
      return kTlpRedId;
    case Tlp::kNone:
      break;
  }
  return {};
}

json::object MessageExtensionDefinition(std::string_view hub_identity_id,
                                        std::string_view created) {
  return ExtensionDefinition(
      kMessageExtensionId, hub_identity_id, created, "Tansiq dissemination message",
      "A message disseminated with a precedence (flash, immediate, priority, routine): "
      "subject, body, lang, object_refs, the recipients as addressed and the sender (from).",
      "https://tansiq.example/schemas/message-v1.json", "new-sdo");
}

}  // namespace tansiq::stix
