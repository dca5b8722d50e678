// STIX 2.1 validation: every MUST of the specification that a single object can break.
// Pure; the error message names the property and the rule so clients can fix their input.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/status.h"

namespace tansiq::stix {

// Validates one object: common properties for its category (SDO, SRO, SCO, meta),
// required type-specific properties and their types, id format and type prefix,
// timestamp format and precision (created/modified at least milliseconds), modified >=
// created, enumerations where the spec makes them closed (e.g. identity_class is open,
// tlp-style definition_type is closed), *_ref/*_refs are identifiers of allowed types,
// object_marking_refs are marking-definition ids, granular_markings selectors that resolve
// in the object, extensions well-formed, custom property names ([a-z0-9_], 3-250 chars).
// Unknown custom properties, custom object types (x-...) and extensions are accepted.
// Returns InvalidArgument with a message such as
// "indicator--…: 'pattern' is required" or "…: 'modified' is earlier than 'created'".
Status ValidateObject(const boost::json::object& object);

// Validates a whole bundle ({"type":"bundle","id":"bundle--…","objects":[…]}) shallowly:
// envelope shape only; objects are validated one by one by the caller.
Status ValidateBundleEnvelope(const boost::json::object& bundle);

}  // namespace tansiq::stix
