// The analysis role of the Store: what correlation knows of each analysed object (entity keys,
// event time), the per-reader postings of a key, and the situation counts — every read
// filtered by visibility inside the query, like search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "store/objects.h"

namespace tansiq::store {

// What correlation and the situation picture know of one analysed object (analysis/): its
// type and display name, when it happened, and its entity keys — "grp:isis", "nk:hfj",
// "place:iq-mosul", "gov:iq-gov-nineveh", "obs:ipv4-addr:198.51.100.7" (analysis/correlate.h).
// The prefixes of entity keys that more than analysis/ reads: the situation counts (by place
// through the governorate, by group) and the watch rules' groups.
inline constexpr std::string_view kGovKeyPrefix = "gov:";
inline constexpr std::string_view kGroupKeyPrefix = "grp:";

struct AnalysisRecord {
  std::string id;
  std::string type;
  std::string name;
  Micros at = 0;     // event time: published, first_seen, valid_from, created, else the version
  Micros added = 0;  // when the hub analysed it (set by the store)
  std::vector<std::string> keys;
  // The analysis that produced it (analysis::kFactsVersion): a record of another version is
  // analysed again by the backfill (Unanalysed), and replaced.
  int analysis_version = 0;
};

// The objects carrying one entity key that a reader may see, most recent event first.
struct KeyPostings {
  std::vector<std::string> ids;  // at most the limit asked for
  // More visible objects carry the key than were returned, or the key is on more objects than
  // a read scans (AnalysisStore::kMaxPostingScan): either way it is too common to link on.
  bool more = false;
};

// Counts over what a reader may see, for the situation picture.
struct SituationQuery {
  enum class By { kPlace, kGroup, kType, kParty };
  Micros from = 0;  // event time, inclusive
  Micros to = 0;    // exclusive
  Micros bucket = 86'400'000'000;
  By by = By::kPlace;
  // Count every row through the rule instead of the per-day pre-aggregation (used by tests
  // that prove both equal; the answer is the same, only slower).
  bool per_row = false;
};

// The granularity of the situation pre-aggregation: windows whose `from` and `bucket` are whole
// UTC days use it for their whole days.
inline constexpr Micros kSituationDay = 86'400'000'000;

struct SituationCell {
  std::string key;    // governorate id, group key, STIX type, or party index (decimal)
  Micros bucket = 0;  // start of the bucket
  std::int64_t count = 0;
};

struct SituationCounts {
  std::int64_t total = 0;            // distinct visible analysed objects in [from, to)
  std::vector<SituationCell> cells;  // ordered by key, then bucket
};

// Analysis reads. Thread-safe; part of the Store aggregate (store.h). Every read is filtered
// by visibility inside the query, like Search: collection access, party clauses, then
// policy::IsVisible.
class AnalysisStore {
 public:
  virtual ~AnalysisStore() = default;

  // Rows a Postings read examines at most per key before calling it common.
  static constexpr std::size_t kMaxPostingScan = 20'000;

  // What analysis recorded for `id`, whoever may see it (callers check visibility first).
  virtual Result<std::optional<AnalysisRecord>> Analysis(std::string_view id) = 0;
  // Objects with entity key `key` that `reader` may see, newest event first, at most `limit`.
  virtual Result<KeyPostings> Postings(const policy::Reader& reader, std::string_view key,
                                       std::size_t limit) = 0;
  // Analysed objects `reader` may see that the hub analysed in [from, to), newest first.
  virtual Result<std::vector<AnalysisRecord>> AnalysedBetween(const policy::Reader& reader,
                                                              Micros from, Micros to,
                                                              std::size_t limit) = 0;
  // Per-reader counts by event time bucket and dimension.
  virtual Result<SituationCounts> Situation(const policy::Reader& reader,
                                            const SituationQuery& q) = 0;
  // The correlator's backfill (objects stored while nothing analysed them, or analysed by
  // another version of the analysis), NOT a read path: the latest version of objects without an
  // analysis record of `analysis_version`, whoever may see them, except relationships,
  // sightings, marking and extension definitions and objects created by `skip_created_by` (the
  // hub's own). One row per object (one of its collections), in id order from after
  // `after_id` (the last id of the previous call; "" to start), at most `limit`. Callers must
  // never hand the rows to a user.
  struct UnanalysedRow {
    VersionRow version;
    std::string collection_id;
  };
  virtual Result<std::vector<UnanalysedRow>> Unanalysed(std::string_view skip_created_by,
                                                        int analysis_version,
                                                        std::string_view after_id,
                                                        std::size_t limit) = 0;
};

// Analysis writes inside a write job; part of the WriteTxn aggregate (store.h).
class AnalysisTxn {
 public:
  virtual ~AnalysisTxn() = default;
  // Replaces what is known of `r.id` for analysis (its keys included); `added` is set to the
  // transaction's Now().
  virtual Status PutAnalysis(const AnalysisRecord& r) = 0;
};

}  // namespace tansiq::store
