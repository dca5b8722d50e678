// Rule tables for the STIX 2.1 meta objects: marking-definition (statement, TLP 1.0, TLP 2.0
// and the Tansiq releasability extension), extension-definition and language-content.
#include <string>

#include "stix/internal/rules.h"
#include "stix/markings.h"

namespace tansiq::stix::internal {
namespace json = boost::json;

namespace {

constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

constexpr PropSpec kMarkingDefinition[] = {
    {.name = "name", .kind = Kind::kString},
    {.name = "created_by_ref", .kind = Kind::kIdentifier, .arg = "identity"},
    {.name = "external_references", .kind = Kind::kExternalReferences},
    {.name = "object_marking_refs", .kind = Kind::kIdentifierList, .arg = "marking-definition"},
    {.name = "definition_type", .kind = Kind::kNonEmptyString},
    {.name = "definition", .kind = Kind::kObject},
};

constexpr PropSpec kExtensionDefinition[] = {
    {.name = "created_by_ref", .kind = Kind::kIdentifier, .required = true, .arg = "identity"},
    {.name = "name", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "description", .kind = Kind::kString},
    {.name = "schema", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "version", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "extension_types",
     .kind = Kind::kEnumList,
     .required = true,
     .arg = "new-sdo|new-sco|new-sro|property-extension|toplevel-property-extension"},
    {.name = "extension_properties", .kind = Kind::kStringList},
};

constexpr PropSpec kLanguageContent[] = {
    {.name = "object_ref", .kind = Kind::kIdentifier, .required = true, .arg = "@not-lc"},
    {.name = "object_modified", .kind = Kind::kTimestamp},
    {.name = "contents", .kind = Kind::kDictionary, .required = true},
};

// The TLP 1.0 marking-definitions of STIX 2.1 §7.2.1.4 are fixed objects.
Status CheckTlp1(const Ctx& ctx, const json::object& o, const json::object& definition) {
  static constexpr std::pair<std::string_view, std::string_view> kTlp1[] = {
      {"white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
      {"green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
      {"amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
      {"red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
  };
  const json::value* tlp = definition.if_contains("tlp");
  const json::string* level = tlp != nullptr ? tlp->if_string() : nullptr;
  if (level == nullptr) return ctx.Error("definition.tlp", "must be white, green, amber or red");
  for (const auto& [name, id] : kTlp1) {
    if (*level != name) continue;
    const json::value* obj_id = o.if_contains("id");
    if (obj_id == nullptr || !obj_id->is_string() || obj_id->get_string() != id) {
      return ctx.Error("id", "of a TLP marking-definition must be the STIX-defined TLP id");
    }
    return Status::Ok();
  }
  return ctx.Error("definition.tlp", "must be white, green, amber or red");
}

Status MarkingDefinitionExtra(const Ctx& ctx, const json::object& o) {
  const json::value* type = o.if_contains("definition_type");
  const json::value* definition = o.if_contains("definition");
  if ((type == nullptr) != (definition == nullptr)) {
    return ctx.Error(type == nullptr ? "definition_type" : "definition",
                     "is required with the other");
  }
  if (type == nullptr && !o.contains("extensions")) {
    return ctx.Error("needs 'definition_type' and 'definition', or 'extensions'");
  }
  if (type != nullptr) {
    const std::string_view t = type->get_string();
    const json::object& def = definition->get_object();
    if (t == "statement") {
      const json::value* st = def.if_contains("statement");
      if (st == nullptr || !st->is_string()) {
        return ctx.Error("definition.statement", "is required and must be a string");
      }
    } else if (t == "tlp") {
      TANSIQ_RETURN_IF_ERROR(CheckTlp1(ctx, o, def));
    }
  }
  if (const json::value* exts = o.if_contains("extensions")) {
    const json::object* e = exts->if_object();
    if (e == nullptr) return Status::Ok();  // reported by CheckExtensions
    if (const json::value* tlp2 = e->if_contains(kTlp2ExtensionId)) {
      const json::object* t = tlp2->if_object();
      static constexpr PropSpec kLevel = {.name = "tlp_2_0",
                                          .kind = Kind::kEnum,
                                          .required = true,
                                          .arg = "clear|green|amber|amber+strict|red"};
      if (t != nullptr) {
        const std::string path = "extensions." + std::string(kTlp2ExtensionId);
        TANSIQ_RETURN_IF_ERROR(CheckProps(ctx, std::span(&kLevel, 1), *t, path));
      }
    }
    Result<std::optional<Releasability>> rel = ParseReleasability(o);
    if (!rel.ok()) return ctx.Error(rel.status().message());
  }
  return Status::Ok();
}

Status ExtensionDefinitionExtra(const Ctx& ctx, const json::object& o) {
  if (!o.contains("extension_properties")) return Status::Ok();
  for (const json::value& t : o.if_contains("extension_types")->get_array()) {
    if (t.get_string() == "toplevel-property-extension") return Status::Ok();
  }
  return ctx.Error("extension_properties",
                   "is only allowed with extension type toplevel-property-extension");
}

Status LanguageContentExtra(const Ctx& ctx, const json::object& o) {
  for (const auto& [lang, value] : o.if_contains("contents")->get_object()) {
    if (lang.empty() || !value.is_object() || value.get_object().empty()) {
      return ctx.Error("contents", "must map language tags to non-empty dictionaries");
    }
  }
  return CheckOrder(ctx, o, "created", "modified", false);
}

constexpr TypeRule kRules[] = {
    {"marking-definition", Category::kMetaObject, kMarkingDefinition, MarkingDefinitionExtra},
    {"extension-definition", Category::kMetaObject, kExtensionDefinition, ExtensionDefinitionExtra},
    {"language-content", Category::kMetaObject, kLanguageContent, LanguageContentExtra},
};

}  // namespace

std::span<const TypeRule> MetaObjectRules() { return kRules; }

}  // namespace tansiq::stix::internal
