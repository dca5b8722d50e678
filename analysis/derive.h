// The hub's own STIX objects for what extraction found in a source object: a `location` per
// place, an `identity` (individual) per person, an `intrusion-set` per armed group, and
// `relationship`s — the source `mentions` each, persons and groups `located-at` the place when
// the source names exactly one. Pure. Identifiers are derived from (source id, entity), so a
// new version of the source yields new versions of the same objects.
#pragma once

#include <array>

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "analysis/correlate.h"
#include "text/gazetteer.h"

namespace tansiq::analysis {

struct DerivedObject {
  std::string id;
  std::string type;
  boost::json::object json;
  std::vector<std::string> refs;       // every identifier it references
  std::vector<std::string> gate_refs;  // the source, and the ends of a relationship
};

// The secret derived ids are keyed with (the hub's, audit::HubKey::DeriveKey("derived-ids")).
using DerivedIdKey = std::array<unsigned char, 32>;

// Objects for `facts` of `source` (which must carry `modified` or `created`; otherwise none).
// `created_by` is the hub's analysis identity; `key` keys their ids (DerivedId). Markings
// (`object_marking_refs`) are copied from the source, so the derived objects carry exactly its
// releasability; their gate references include the source, so a recall of the source hides them at
// once.
std::vector<DerivedObject> Derive(const ObjectFacts& facts, const boost::json::object& source,
                                  const std::string& created_by, const text::Gazetteer* gazetteer,
                                  const DerivedIdKey& key);

// A deterministic STIX identifier "<type>--<uuid>" from `seed` (source id and entity), in the
// version 4 layout STIX SDOs use: keyed BLAKE2b under the hub's secret `key`, so nobody outside
// the hub can compute the id of a derived object — posting under a guessed id would otherwise
// reveal, by its refusal, which entities an object they may not read names.
std::string DerivedId(std::string_view type, std::string_view seed, const DerivedIdKey& key);

}  // namespace tansiq::analysis
