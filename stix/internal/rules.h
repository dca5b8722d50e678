// Private to stix/: the per-type rule tables that validate.cc drives, and the property
// checks they share. Tables are constexpr data, looked up once per object; no regex.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/status.h"
#include "stix/object.h"

namespace tansiq::stix::internal {

// What a property's value must be.
enum class Kind : unsigned char {
  kAny,                // present is enough
  kString,             // any string
  kNonEmptyString,     // a string with at least one character
  kStringList,         // non-empty array of strings
  kStringListOrEmpty,  // array of strings, possibly empty
  kBool,
  kInteger,             // JSON integer within [min, max]
  kNumber,              // JSON number within [min, max]
  kTimestamp,           // STIX timestamp, any precision
  kIdentifier,          // identifier whose type `arg` allows (see RefTypeAllowed)
  kIdentifierList,      // non-empty array of such identifiers
  kEnum,                // a string, one of the '|'-separated values in `arg`
  kEnumList,            // non-empty array of such strings
  kKillChainPhases,     // non-empty array of {kill_chain_name, phase_name}
  kExternalReferences,  // non-empty array of external-reference objects
  kHashes,              // hashes dictionary
  kDictionary,          // non-empty JSON object
  kObject,              // any JSON object
  kObjectList,          // non-empty array of JSON objects
  kHex,                 // even number of hex digits
  kBinary,              // base64
};

inline constexpr double kNoMin = -1e300;
inline constexpr double kNoMax = 1e300;

// One property of an object type: its name, what its value must be, whether it is required.
struct PropSpec {
  std::string_view name;
  Kind kind = Kind::kAny;
  bool required = false;
  // kIdentifier(List): allowed target types "a|b", "" for any, or a class: "@sdo" (an SDO
  // or custom type), "@sco" (an SCO or custom type), "@sco-sro" (not an SDO or meta object),
  // "@not-sro-meta" (not an SRO or meta object), "@not-lc" (not language-content or bundle).
  // kEnum(List): the allowed values "a|b|c".
  std::string_view arg = {};
  double min = kNoMin;
  double max = kNoMax;
};

// Builds error Statuses that name the object and the property.
class Ctx {
 public:
  explicit Ctx(std::string_view label) : label_(label) {}
  // "<label>: '<prop>' <rule>".
  Status Error(std::string_view prop, std::string_view rule) const;
  // "<label>: <text>".
  Status Error(std::string_view text) const;

 private:
  std::string_view label_;
};

using ExtraCheck = Status (*)(const Ctx& ctx, const boost::json::object& object);

// The rules of one STIX object type.
struct TypeRule {
  std::string_view type;
  Category category;
  std::span<const PropSpec> props;
  ExtraCheck extra = nullptr;  // cross-property rules the table cannot say
  // SCOs such as process: at least one of `props` (or `extensions`) must be present.
  bool needs_any_prop = false;
};

// Rules of a predefined SCO extension ("archive-ext", ...).
struct ExtensionRule {
  std::string_view name;
  std::span<const PropSpec> props;
  bool needs_any_prop = false;
};

std::span<const TypeRule> DomainObjectRules();          // sdo_rules.cc: 19 SDOs + 2 SROs
std::span<const TypeRule> CyberObservableRules();       // sco_rules.cc: 18 SCOs
std::span<const ExtensionRule> PredefinedExtensions();  // sco_rules.cc
std::span<const TypeRule> MetaObjectRules();            // meta_rules.cc

// The rule of a spec-defined type; nullptr for custom and unknown types.
const TypeRule* FindTypeRule(std::string_view type);

// Category of a type name; kCustom for types the spec does not define.
Category CategoryOfType(std::string_view type);

// True when an identifier of `type` may appear where `arg` (PropSpec::arg) allows.
bool RefTypeAllowed(std::string_view arg, std::string_view type);

// Checks one property value against its spec; `path` names it in errors.
Status CheckValue(const Ctx& ctx, std::string_view path, const PropSpec& spec,
                  const boost::json::value& value);

// Checks every spec in `props` against `object`: required ones present, present ones typed.
Status CheckProps(const Ctx& ctx, std::span<const PropSpec> props,
                  const boost::json::object& object, std::string_view prefix = {});

// True when at least one of `props` is present in `object`.
bool HasAnyProp(std::span<const PropSpec> props, const boost::json::object& object);

// `later` >= `earlier` (or > when `strict`) when both timestamps are present.
Status CheckOrder(const Ctx& ctx, const boost::json::object& object, std::string_view earlier,
                  std::string_view later, bool strict);

// granular_markings: entries well-formed and every selector resolving in `object`.
Status CheckGranularMarkings(const Ctx& ctx, const boost::json::object& object);

// True when `selector` ("a.b.[0].c") names a property or list element present in `object`.
bool SelectorResolves(const boost::json::object& object, std::string_view selector);

// extensions: a non-empty dictionary keyed by extension-definition ids (values carry a
// valid extension_type) or, unless `definition_ids_only`, by "...-ext" names.
Status CheckExtensions(const Ctx& ctx, const boost::json::object& object, bool definition_ids_only);

bool IsHexString(std::string_view s);
bool IsBase64(std::string_view s);

}  // namespace tansiq::stix::internal
