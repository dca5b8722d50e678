// A validated STIX 2.1 object's facts that the hub indexes: id, type, version, references.
// Pure; the object itself stays a boost::json::object (custom properties kept verbatim).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::stix {

enum class Category { kDomainObject, kRelationship, kCyberObservable, kMetaObject, kCustom };

struct ObjectFacts {
  std::string id;
  std::string type;
  std::string spec_version;  // "2.1" (SCOs may omit it: then "2.1")
  Category category = Category::kCustom;
  std::optional<Micros> created;
  std::optional<Micros> modified;
  // The TAXII version: `modified`, else `created`, else nullopt (the store then uses
  // date_added).
  std::optional<Micros> version;
  std::string version_text;  // the timestamp string as written, for responses
  std::optional<std::string> created_by_ref;
  std::vector<std::string> object_marking_refs;
  bool revoked = false;
  std::optional<std::string> lang;
  // Refs whose invisibility hides the whole object: relationship source_ref/target_ref,
  // sighting sighting_of_ref. Other refs are stripped individually (see StripRefs).
  std::vector<std::string> gate_refs;
  // Every identifier referenced anywhere in the object (any *_ref / *_refs property at any
  // depth, extensions included, granular_markings[].marking_ref), de-duplicated.
  std::vector<std::string> all_refs;
};

// Validates `object` against STIX 2.1 (see validate.h) and extracts its facts.
Result<ObjectFacts> Inspect(const boost::json::object& object);

// Removes references for which `visible(id)` is false: single *_ref properties are removed,
// *_refs arrays lose those elements, granular_markings entries whose marking_ref is
// invisible are removed; recurses into nested objects and extensions.
// Returns false (and the caller must treat the whole object as invisible) when a reference
// the object cannot exist without would be removed: a gate ref, language-content's
// object_ref, or the last element of a required non-empty list (object_refs of report,
// grouping, note, opinion; observed-data's object_refs when it has no `objects`). An optional
// *_refs list or granular_markings that loses every element is removed entirely (STIX lists
// must not be empty). Only strings that are valid identifiers are treated as references.
// Returns true and leaves `object` unchanged when every reference is visible.
bool StripRefs(boost::json::object& object, const std::function<bool(std::string_view)>& visible);

}  // namespace tansiq::stix
