// STIX 2.1 object validation: the common-property rules of each category, driving the
// per-type tables in internal/*_rules.cc. No exceptions and no regex on this path.
#include "stix/validate.h"

#include <string>
#include <unordered_map>

#include "stix/identifier.h"
#include "stix/internal/rules.h"
#include "stix/timestamp.h"

namespace tansiq::stix {
namespace json = boost::json;
using internal::Ctx;
using internal::Kind;
using internal::PropSpec;
using internal::TypeRule;

namespace internal {

const TypeRule* FindTypeRule(std::string_view type) {
  static const std::unordered_map<std::string_view, const TypeRule*> kByType = [] {
    std::unordered_map<std::string_view, const TypeRule*> m;
    for (auto rules : {DomainObjectRules(), CyberObservableRules(), MetaObjectRules()}) {
      for (const TypeRule& r : rules) m.emplace(r.type, &r);
    }
    return m;
  }();
  const auto it = kByType.find(type);
  return it == kByType.end() ? nullptr : it->second;
}

Category CategoryOfType(std::string_view type) {
  const TypeRule* rule = FindTypeRule(type);
  return rule == nullptr ? Category::kCustom : rule->category;
}

}  // namespace internal

namespace {

// Common properties of SDOs, SROs, extension-definition, language-content and custom objects.
constexpr PropSpec kCoreCommon[] = {
    {.name = "created_by_ref", .kind = Kind::kIdentifier, .arg = "identity"},
    {.name = "labels", .kind = Kind::kStringList},
    {.name = "revoked", .kind = Kind::kBool},
    {.name = "confidence", .kind = Kind::kInteger, .min = 0, .max = 100},
    {.name = "lang", .kind = Kind::kNonEmptyString},
    {.name = "external_references", .kind = Kind::kExternalReferences},
    {.name = "object_marking_refs", .kind = Kind::kIdentifierList, .arg = "marking-definition"},
};

// Common properties of SCOs.
constexpr PropSpec kScoCommon[] = {
    {.name = "object_marking_refs", .kind = Kind::kIdentifierList, .arg = "marking-definition"},
    {.name = "defanged", .kind = Kind::kBool},
};

constexpr PropSpec kDefanged = {.name = "defanged", .kind = Kind::kBool};

// Property names STIX 2.1 reserves; no object may use them.
constexpr std::string_view kReservedNames[] = {"severity", "action", "username", "phone_numbers"};

// Custom property names: [a-z0-9_], 3 to 250 characters ("id" is the one shorter name).
bool IsValidPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status CheckPropertyNames(const Ctx& ctx, const json::object& object) {
  for (const auto& [key, value] : object) {
    const std::string_view name = key;
    if (name == "id") continue;
    if (!IsValidPropertyName(name)) {
      return ctx.Error(name.substr(0, 250),
                       "is not a valid property name ([a-z0-9_], 3-250 characters)");
    }
    for (std::string_view reserved : kReservedNames) {
      if (name == reserved) return ctx.Error(name, "is a reserved property name");
    }
    if (name.ends_with("_hex")) {
      const json::string* s = value.if_string();
      if (s == nullptr || !internal::IsHexString(*s))
        return ctx.Error(name, "must be a hex string");
    } else if (name.ends_with("_bin")) {
      const json::string* s = value.if_string();
      if (s == nullptr || !internal::IsBase64(*s)) return ctx.Error(name, "must be base64 binary");
    }
  }
  return Status::Ok();
}

// created/modified: millisecond precision, modified >= created.
Status CheckCreatedModified(const Ctx& ctx, const json::object& object, bool created_required,
                            bool modified_required) {
  Micros created = 0;
  bool has_created = false;
  for (std::string_view name : {"created", "modified"}) {
    const json::value* v = object.if_contains(name);
    const bool is_created = name == "created";
    if (v == nullptr) {
      if (is_created ? created_required : modified_required) return ctx.Error(name, "is required");
      continue;
    }
    const json::string* s = v->if_string();
    if (s == nullptr) return ctx.Error(name, "must be a timestamp string");
    Result<Timestamp> ts = ParseTimestamp(*s);
    if (!ts.ok()) return ctx.Error(name, "is not a valid timestamp (YYYY-MM-DDTHH:MM:SS.sssZ)");
    if (ts->fraction_digits < 3) return ctx.Error(name, "must be precise to the millisecond");
    if (is_created) {
      created = ts->micros;
      has_created = true;
    } else if (has_created && ts->micros < created) {
      return ctx.Error("'modified' is earlier than 'created'");
    }
  }
  return Status::Ok();
}

Status CheckSpecVersion(const Ctx& ctx, const json::object& object, bool required) {
  const json::value* v = object.if_contains("spec_version");
  if (v == nullptr) return required ? ctx.Error("spec_version", "is required") : Status::Ok();
  const json::string* s = v->if_string();
  if (s == nullptr || *s != "2.1") return ctx.Error("spec_version", "must be \"2.1\"");
  return Status::Ok();
}

}  // namespace

Status ValidateObject(const json::object& object) {
  const json::value* type_value = object.if_contains("type");
  const json::string* type_string = type_value != nullptr ? type_value->if_string() : nullptr;
  if (type_string == nullptr) return InvalidArgument("object: 'type' is required (a string)");
  const std::string_view type = *type_string;

  const json::value* id_value = object.if_contains("id");
  const json::string* id_string = id_value != nullptr ? id_value->if_string() : nullptr;
  const std::string_view label =
      (id_string != nullptr ? std::string_view(*id_string) : type).substr(0, 300);
  const Ctx ctx(label);

  if (!IsValidTypeName(type)) {
    return ctx.Error("type", "must be 3-250 characters of [a-z0-9-], starting with a letter");
  }
  if (type == "bundle") return ctx.Error("type", "bundle is an envelope, not an object");
  if (type == "action") return ctx.Error("type", "action is a reserved type name");
  if (id_string == nullptr) return ctx.Error("id", "is required");
  if (IdentifierType(*id_string) != type) {
    return ctx.Error("id", IsValidIdentifier(*id_string)
                               ? "must start with the object's type"
                               : "must be an identifier <type>--<uuid> (lower-case hex)");
  }
  TANSIQ_RETURN_IF_ERROR(CheckPropertyNames(ctx, object));

  const TypeRule* rule = internal::FindTypeRule(type);
  const Category category = rule != nullptr ? rule->category : Category::kCustom;
  switch (category) {
    case Category::kDomainObject:
    case Category::kRelationship:
      TANSIQ_RETURN_IF_ERROR(CheckSpecVersion(ctx, object, true));
      TANSIQ_RETURN_IF_ERROR(CheckCreatedModified(ctx, object, true, true));
      TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, kCoreCommon, object));
      break;
    case Category::kMetaObject: {
      const bool marking = type == "marking-definition";
      TANSIQ_RETURN_IF_ERROR(CheckSpecVersion(ctx, object, true));
      TANSIQ_RETURN_IF_ERROR(CheckCreatedModified(ctx, object, true, !marking));
      if (!marking) TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, kCoreCommon, object));
      break;
    }
    case Category::kCyberObservable:
      TANSIQ_RETURN_IF_ERROR(CheckSpecVersion(ctx, object, false));
      TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, kScoCommon, object));
      break;
    case Category::kCustom:
      TANSIQ_RETURN_IF_ERROR(CheckSpecVersion(ctx, object, false));
      TANSIQ_RETURN_IF_ERROR(CheckCreatedModified(ctx, object, false, false));
      TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, kCoreCommon, object));
      TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, std::span(&kDefanged, 1), object));
      break;
  }
  TANSIQ_RETURN_IF_ERROR(internal::CheckGranularMarkings(ctx, object));
  TANSIQ_RETURN_IF_ERROR(
      internal::CheckExtensions(ctx, object, /*definition_ids_only=*/type == "marking-definition"));
  if (rule == nullptr) return Status::Ok();

  TANSIQ_RETURN_IF_ERROR(internal::CheckProps(ctx, rule->props, object));
  if (rule->needs_any_prop && !object.contains("extensions") &&
      !internal::HasAnyProp(rule->props, object)) {
    return ctx.Error("needs at least one property defined for its type");
  }
  if (rule->extra != nullptr) TANSIQ_RETURN_IF_ERROR(rule->extra(ctx, object));
  return Status::Ok();
}

Status ValidateBundleEnvelope(const json::object& bundle) {
  const json::value* type = bundle.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string() != "bundle") {
    return InvalidArgument("bundle: 'type' must be \"bundle\"");
  }
  const json::value* id = bundle.if_contains("id");
  const json::string* id_string = id != nullptr ? id->if_string() : nullptr;
  if (id_string == nullptr || IdentifierType(*id_string) != "bundle") {
    return InvalidArgument("bundle: 'id' must be a bundle--<uuid> identifier");
  }
  const Ctx ctx{std::string_view(*id_string)};
  if (const json::value* objects = bundle.if_contains("objects")) {
    const json::array* a = objects->if_array();
    if (a == nullptr) return ctx.Error("objects", "must be a list");
    for (const json::value& o : *a) {
      if (!o.is_object()) return ctx.Error("objects", "must contain only JSON objects");
    }
  }
  return Status::Ok();
}

}  // namespace tansiq::stix
