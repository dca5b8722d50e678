// Data markings that decide releasability: TLP 2.0 (and 1.0 mapped to 2.0) and the Tansiq
// releasability marking (a marking-definition with a property-extension). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.h"

namespace tansiq::stix {

enum class Tlp { kNone, kClear, kGreen, kAmber, kAmberStrict, kRed };

// The OASIS TLP 2.0 marking-definition ids.
inline constexpr std::string_view kTlpClearId =
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
inline constexpr std::string_view kTlpGreenId =
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
inline constexpr std::string_view kTlpAmberId =
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
inline constexpr std::string_view kTlpAmberStrictId =
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
inline constexpr std::string_view kTlpRedId =
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

// The Tansiq releasability extension (a property-extension on marking-definition).
inline constexpr std::string_view kReleasabilityExtensionId =
    "extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b";

// The Tansiq dissemination message: a new SDO type defined by the hub's extension-definition,
// so messages are STIX objects that carry markings and federate like any other.
inline constexpr std::string_view kMessageType = "x-tansiq-message";
inline constexpr std::string_view kMessageExtensionId =
    "extension-definition--3f8c1e52-6b1d-4f7e-9a0c-2d5b7e91c4a8";

// The TLP 2.0 marking-definition id of a level; empty for kNone.
std::string_view TlpMarkingId(Tlp tlp);

// TLP level of a marking-definition id: TLP 2.0 ids and the STIX 2.1 TLP 1.0 ids
// (white → CLEAR, green, amber, red). kNone for any other id.
Tlp TlpOfMarking(std::string_view marking_id);

// The strictest TLP among the given marking ids (RED > AMBER+STRICT > AMBER > GREEN > CLEAR),
// kNone when none is a TLP marking.
Tlp StrictestTlp(const std::vector<std::string>& marking_ids);

std::string_view TlpName(Tlp tlp);  // "clear", "green", "amber", "amber+strict", "red", ""

// Granular markings the hub cannot honour (issue 16): releasability is enforced per object
// version, not per property, so a granular marking that would narrow who reads part of an
// object is refused rather than silently ignored. Refused: a granular `marking_ref` that is
// not a TLP marking (a releasability marking cannot cover part of an object), and a TLP
// stricter than the object's own strictest TLP (an object without TLP — unmarked, or marked
// by a releasability marking only — accepts only CLEAR and GREEN). Language entries (`lang`)
// and TLP no stricter than the object's are accepted (they narrow nothing). InvalidArgument
// naming the entry and what to do instead; OK for objects without granular_markings.
Status CheckGranularMarkings(const boost::json::object& object,
                             const std::vector<std::string>& object_marking_refs);

// The contents of a Tansiq releasability marking-definition.
struct Releasability {
  std::vector<std::string> releasable_to_refs;  // party identity ids
  std::vector<std::string> recipients;          // user names (for TLP:RED)
};

// If `marking_definition` carries the releasability extension, returns its contents;
// std::nullopt for any other marking-definition. An error when the extension is present
// but malformed (wrong types, ids that are not identity ids).
Result<std::optional<Releasability>> ParseReleasability(
    const boost::json::object& marking_definition);

// A Tansiq releasability marking-definition: `id` (a marking-definition id), created by
// `created_by_ref` at `created` (a STIX timestamp string), named `name`, releasing to
// `releasability` (empty lists are left out). The one builder of this object, for every
// writer (web compose, messages, the CLI's --release-to, the demo).
boost::json::object ReleasabilityMarkingDefinition(std::string_view id,
                                                   std::string_view created_by_ref,
                                                   std::string_view created, std::string_view name,
                                                   const Releasability& releasability);

// One of the hub's published extension-definitions (version 1.0.0, one extension type), created
// by `hub_identity_id` at `created`; the releasability, message and provenance ones below.
boost::json::object ExtensionDefinition(std::string_view id, std::string_view hub_identity_id,
                                        std::string_view created, std::string_view name,
                                        std::string_view description, std::string_view schema,
                                        std::string_view extension_type);

// The hub's published extension-definition object for the releasability marking,
// created by `hub_identity_id` at `created` (a STIX timestamp string).
boost::json::object ReleasabilityExtensionDefinition(std::string_view hub_identity_id,
                                                     std::string_view created);

// The hub's published extension-definition of the x-tansiq-message SDO.
boost::json::object MessageExtensionDefinition(std::string_view hub_identity_id,
                                               std::string_view created);

}  // namespace tansiq::stix
