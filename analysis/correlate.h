// Correlation, pure part: the entity keys of one STIX object (what links it to others), and the
// scoring of shared keys — rare values weigh more than common ones (IDF-like), values shared by
// too many objects link nothing (fan-out cap), a shared time window only adds to other reasons.
// The store keeps the keys (Store::PutAnalysis); hub-level code reads postings per reader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "analysis/extract.h"
#include "base/clock.h"
#include "stix/search_text.h"
#include "store/store.h"

namespace tansiq::analysis {

// Key prefixes:
//   obs:<type>:<value>  observable value (SCO value, file hash, indicator pattern constant)
//   grp:<alias key>     armed group / organisation through the alias registry (any script)
//   nk:<phonetic key>   a person or unregistered actor name (text::PhoneticKey, any script)
//   place:<gazetteer id>, gov:<governorate id>
inline constexpr std::string_view kPlacePrefix = "place:";
inline constexpr std::string_view kGovPrefix = store::kGovKeyPrefix;
inline constexpr std::string_view kGroupPrefix = store::kGroupKeyPrefix;

// What analysis knows of one object.
struct ObjectFacts {
  std::string id;
  std::string type;
  std::string name;
  Micros at = 0;                  // event time
  std::vector<std::string> keys;  // sorted, distinct
  Extraction extraction;          // from its prose (empty for objects without any)
  bool has_prose = false;
};

// The version of what Analyse gives for an object, text/'s name keys and normalisation
// included. Bump it with any change that gives some object other facts (keys, name, event
// time): the backfill then analyses every stored object again (store::AnalysisRecord,
// Unanalysed), replacing each record in place. correlate_test pins a sample's facts to it.
inline constexpr int kFactsVersion = 1;

// Facts of `object` (its search text extracted by stix::ExtractSearchText). `version`: the
// stored version time (fallback event time).
ObjectFacts Analyse(const boost::json::object& object, const stix::SearchText& text, Micros version,
                    const Extractor& extractor, const text::AliasRegistry* aliases);

// Scoring constants (see analysis/README.md).
inline constexpr double kReferenceCorpus = 1000.0;  // K in ln(1 + K / df)
inline constexpr double kMinLinkScore = 5.0;        // below: no link
inline constexpr std::size_t kFanOut = 50;          // a key on more visible objects: ignored
inline constexpr std::size_t kMaxRelated = 20;
inline constexpr Micros kTimeWindow = 3LL * 86'400'000'000;  // ±3 days
inline constexpr double kTimeBonus = 0.5;
inline constexpr double kNearKm = 50.0;

// Weight of a shared key carried by `df` visible objects (df ≥ 1, the start object included):
// kind factor × ln(1 + K / df). `near`: a place within kNearKm rather than the same place.
double KeyWeight(std::string_view key, std::size_t df, bool near = false);

// A reason as the API shows it: "group:isis", "place:iq-mosul", "near:iq-tal-afar",
// "name:hfj", "value:ipv4-addr:198.51.100.7", "time:±3d".
std::string Reason(std::string_view key, bool near = false);

}  // namespace tansiq::analysis
