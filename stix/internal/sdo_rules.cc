// Rule tables for the 19 STIX 2.1 Domain Objects and the 2 Relationship Objects: required
// and typed type-specific properties, plus the cross-property MUSTs (time order, location).
#include "stix/internal/rules.h"

namespace tansiq::stix::internal {
namespace json = boost::json;

namespace {

constexpr PropSpec kAttackPattern[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "aliases", .kind = Kind::kStringListOrEmpty},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
};

constexpr PropSpec kCampaign[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
    {.name = "objective", .kind = Kind::kString},
};

constexpr PropSpec kCourseOfAction[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
};

constexpr PropSpec kGrouping[] = {
    {.name = "name", .kind = Kind::kString},
    {.name = "description", .kind = Kind::kString},
    {.name = "context", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "object_refs", .kind = Kind::kIdentifierList, .required = true},
};

constexpr PropSpec kIdentity[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "roles", .kind = Kind::kStringList},
    {.name = "identity_class", .kind = Kind::kString},
    {.name = "sectors", .kind = Kind::kStringList},
    {.name = "contact_information", .kind = Kind::kString},
};

constexpr PropSpec kIncident[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
};

constexpr PropSpec kIndicator[] = {
    {.name = "name", .kind = Kind::kString},
    {.name = "description", .kind = Kind::kString},
    {.name = "indicator_types", .kind = Kind::kStringList},
    {.name = "pattern", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "pattern_type", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "pattern_version", .kind = Kind::kString},
    {.name = "valid_from", .kind = Kind::kTimestamp, .required = true},
    {.name = "valid_until", .kind = Kind::kTimestamp},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
};

constexpr PropSpec kInfrastructure[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "infrastructure_types", .kind = Kind::kStringList},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
};

constexpr PropSpec kIntrusionSet[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
    {.name = "goals", .kind = Kind::kStringList},
    {.name = "resource_level", .kind = Kind::kString},
    {.name = "primary_motivation", .kind = Kind::kString},
    {.name = "secondary_motivations", .kind = Kind::kStringList},
};

constexpr PropSpec kLocation[] = {
    {.name = "name", .kind = Kind::kString},
    {.name = "description", .kind = Kind::kString},
    {.name = "latitude", .kind = Kind::kNumber, .min = -90, .max = 90},
    {.name = "longitude", .kind = Kind::kNumber, .min = -180, .max = 180},
    {.name = "precision", .kind = Kind::kNumber, .min = 0},
    {.name = "region", .kind = Kind::kString},
    {.name = "country", .kind = Kind::kString},
    {.name = "administrative_area", .kind = Kind::kString},
    {.name = "city", .kind = Kind::kString},
    {.name = "street_address", .kind = Kind::kString},
    {.name = "postal_code", .kind = Kind::kString},
};

constexpr PropSpec kMalware[] = {
    {.name = "name", .kind = Kind::kString},
    {.name = "description", .kind = Kind::kString},
    {.name = "malware_types", .kind = Kind::kStringList},
    {.name = "is_family", .kind = Kind::kBool, .required = true},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
    {.name = "operating_system_refs", .kind = Kind::kIdentifierList, .arg = "software"},
    {.name = "architecture_execution_envs", .kind = Kind::kStringList},
    {.name = "implementation_languages", .kind = Kind::kStringList},
    {.name = "capabilities", .kind = Kind::kStringList},
    {.name = "sample_refs", .kind = Kind::kIdentifierList, .arg = "file|artifact"},
};

constexpr PropSpec kMalwareAnalysis[] = {
    {.name = "product", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "version", .kind = Kind::kString},
    {.name = "host_vm_ref", .kind = Kind::kIdentifier, .arg = "software"},
    {.name = "operating_system_ref", .kind = Kind::kIdentifier, .arg = "software"},
    {.name = "installed_software_refs", .kind = Kind::kIdentifierList, .arg = "software"},
    {.name = "configuration_version", .kind = Kind::kString},
    {.name = "modules", .kind = Kind::kStringList},
    {.name = "analysis_engine_version", .kind = Kind::kString},
    {.name = "analysis_definition_version", .kind = Kind::kString},
    {.name = "submitted", .kind = Kind::kTimestamp},
    {.name = "analysis_started", .kind = Kind::kTimestamp},
    {.name = "analysis_ended", .kind = Kind::kTimestamp},
    {.name = "result_name", .kind = Kind::kString},
    {.name = "result", .kind = Kind::kString},
    {.name = "analysis_sco_refs", .kind = Kind::kIdentifierList, .arg = "@sco"},
    {.name = "sample_ref", .kind = Kind::kIdentifier, .arg = "file|network-traffic|artifact"},
};

constexpr PropSpec kNote[] = {
    {.name = "abstract", .kind = Kind::kString},
    {.name = "content", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "authors", .kind = Kind::kStringList},
    {.name = "object_refs", .kind = Kind::kIdentifierList, .required = true},
};

constexpr PropSpec kObservedData[] = {
    {.name = "first_observed", .kind = Kind::kTimestamp, .required = true},
    {.name = "last_observed", .kind = Kind::kTimestamp, .required = true},
    {.name = "number_observed",
     .kind = Kind::kInteger,
     .required = true,
     .min = 1,
     .max = 999999999},
    {.name = "objects", .kind = Kind::kDictionary},
    {.name = "object_refs", .kind = Kind::kIdentifierList, .arg = "@sco-sro"},
};

constexpr PropSpec kOpinion[] = {
    {.name = "explanation", .kind = Kind::kString},
    {.name = "authors", .kind = Kind::kStringList},
    {.name = "opinion",
     .kind = Kind::kEnum,
     .required = true,
     .arg = "strongly-disagree|disagree|neutral|agree|strongly-agree"},
    {.name = "object_refs", .kind = Kind::kIdentifierList, .required = true},
};

constexpr PropSpec kReport[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "report_types", .kind = Kind::kStringList},
    {.name = "published", .kind = Kind::kTimestamp, .required = true},
    {.name = "object_refs", .kind = Kind::kIdentifierList, .required = true},
};

constexpr PropSpec kThreatActor[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "threat_actor_types", .kind = Kind::kStringList},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
    {.name = "roles", .kind = Kind::kStringList},
    {.name = "goals", .kind = Kind::kStringList},
    {.name = "sophistication", .kind = Kind::kString},
    {.name = "resource_level", .kind = Kind::kString},
    {.name = "primary_motivation", .kind = Kind::kString},
    {.name = "secondary_motivations", .kind = Kind::kStringList},
    {.name = "personal_motivations", .kind = Kind::kStringList},
};

constexpr PropSpec kTool[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "tool_types", .kind = Kind::kStringList},
    {.name = "aliases", .kind = Kind::kStringList},
    {.name = "kill_chain_phases", .kind = Kind::kKillChainPhases},
    {.name = "tool_version", .kind = Kind::kString},
};

constexpr PropSpec kVulnerability[] = {
    {.name = "name", .kind = Kind::kString, .required = true},
    {.name = "description", .kind = Kind::kString},
};

constexpr PropSpec kRelationship[] = {
    {.name = "relationship_type", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "source_ref", .kind = Kind::kIdentifier, .required = true, .arg = "@not-sro-meta"},
    {.name = "target_ref", .kind = Kind::kIdentifier, .required = true, .arg = "@not-sro-meta"},
    {.name = "start_time", .kind = Kind::kTimestamp},
    {.name = "stop_time", .kind = Kind::kTimestamp},
};

constexpr PropSpec kSighting[] = {
    {.name = "description", .kind = Kind::kString},
    {.name = "first_seen", .kind = Kind::kTimestamp},
    {.name = "last_seen", .kind = Kind::kTimestamp},
    {.name = "count", .kind = Kind::kInteger, .min = 0, .max = 999999999},
    {.name = "sighting_of_ref", .kind = Kind::kIdentifier, .required = true, .arg = "@sdo"},
    {.name = "observed_data_refs", .kind = Kind::kIdentifierList, .arg = "observed-data"},
    {.name = "where_sighted_refs", .kind = Kind::kIdentifierList, .arg = "identity|location"},
    {.name = "summary", .kind = Kind::kBool},
};

Status SeenOrder(const Ctx& ctx, const json::object& o) {
  return CheckOrder(ctx, o, "first_seen", "last_seen", false);
}

Status IndicatorExtra(const Ctx& ctx, const json::object& o) {
  return CheckOrder(ctx, o, "valid_from", "valid_until", true);
}

Status LocationExtra(const Ctx& ctx, const json::object& o) {
  const bool lat = o.contains("latitude");
  const bool lon = o.contains("longitude");
  if (lat != lon) return ctx.Error(lat ? "longitude" : "latitude", "is required with the other");
  if (o.contains("precision") && !lat) {
    return ctx.Error("precision", "requires latitude and longitude");
  }
  if (!lat && !o.contains("region") && !o.contains("country")) {
    return ctx.Error("needs region, country, or latitude and longitude");
  }
  return Status::Ok();
}

Status MalwareExtra(const Ctx& ctx, const json::object& o) {
  const json::value* fam = o.if_contains("is_family");
  if (fam != nullptr && fam->is_bool() && fam->get_bool() && !o.contains("name")) {
    return ctx.Error("name", "is required when is_family is true");
  }
  return SeenOrder(ctx, o);
}

Status MalwareAnalysisExtra(const Ctx& ctx, const json::object& o) {
  if (!o.contains("result") && !o.contains("analysis_sco_refs")) {
    return ctx.Error("needs 'result' or 'analysis_sco_refs'");
  }
  return Status::Ok();
}

Status ObservedDataExtra(const Ctx& ctx, const json::object& o) {
  const bool objects = o.contains("objects");
  const bool refs = o.contains("object_refs");
  if (objects == refs) return ctx.Error("needs exactly one of 'objects', 'object_refs'");
  if (objects) {
    const json::object* dict = o.if_contains("objects")->if_object();
    if (dict == nullptr) return ctx.Error("objects", "must be a dictionary");
    for (const auto& [key, value] : *dict) {
      const json::object* sco = value.if_object();
      const json::value* type = sco != nullptr ? sco->if_contains("type") : nullptr;
      if (type == nullptr || !type->is_string()) {
        std::string path = "objects.";
        path.append(key.data(), std::min<size_t>(key.size(), 100));
        return ctx.Error(path, "must be an object with a 'type'");
      }
    }
  }
  return CheckOrder(ctx, o, "first_observed", "last_observed", false);
}

Status RelationshipExtra(const Ctx& ctx, const json::object& o) {
  const json::value* t = o.if_contains("relationship_type");
  const json::string* type = t != nullptr ? t->if_string() : nullptr;
  if (type == nullptr) return ctx.Error("relationship_type", "is required");
  for (char c : *type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return ctx.Error("relationship_type", "must contain only [a-z0-9-]");
    }
  }
  return CheckOrder(ctx, o, "start_time", "stop_time", true);
}

constexpr TypeRule kRules[] = {
    {"attack-pattern", Category::kDomainObject, kAttackPattern},
    {"campaign", Category::kDomainObject, kCampaign, SeenOrder},
    {"course-of-action", Category::kDomainObject, kCourseOfAction},
    {"grouping", Category::kDomainObject, kGrouping},
    {"identity", Category::kDomainObject, kIdentity},
    {"incident", Category::kDomainObject, kIncident},
    {"indicator", Category::kDomainObject, kIndicator, IndicatorExtra},
    {"infrastructure", Category::kDomainObject, kInfrastructure, SeenOrder},
    {"intrusion-set", Category::kDomainObject, kIntrusionSet, SeenOrder},
    {"location", Category::kDomainObject, kLocation, LocationExtra},
    {"malware", Category::kDomainObject, kMalware, MalwareExtra},
    {"malware-analysis", Category::kDomainObject, kMalwareAnalysis, MalwareAnalysisExtra},
    {"note", Category::kDomainObject, kNote},
    {"observed-data", Category::kDomainObject, kObservedData, ObservedDataExtra},
    {"opinion", Category::kDomainObject, kOpinion},
    {"report", Category::kDomainObject, kReport},
    {"threat-actor", Category::kDomainObject, kThreatActor, SeenOrder},
    {"tool", Category::kDomainObject, kTool},
    {"vulnerability", Category::kDomainObject, kVulnerability},
    {"relationship", Category::kRelationship, kRelationship, RelationshipExtra},
    {"sighting", Category::kRelationship, kSighting, SeenOrder},
};

}  // namespace

std::span<const TypeRule> DomainObjectRules() { return kRules; }

}  // namespace tansiq::stix::internal
