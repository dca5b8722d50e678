// The objects role of the Store: STIX object versions in collections, their governing heads,
// TAXII filters and paging, deletes with tombstones, and the visibility rule applied inside
// every read (policy/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "stix/search_text.h"

namespace tansiq::store {

// The governing state of one object: from its latest version across the hub.
struct ObjectHead {
  std::string id;
  std::string type;
  policy::Releasability releasability;
  std::vector<std::string> gate_refs;
  Micros latest_version = 0;
};

// One stored version, as read back.
struct VersionRow {
  std::int64_t seq = 0;  // storage order, unique hub-wide
  std::string id;
  std::string type;
  std::string spec_version;
  Micros version = 0;             // modified, else created, else date_added
  std::string version_text;       // the version timestamp as the object wrote it
  Micros date_added = 0;          // microseconds, strictly increasing hub-wide
  std::string json;               // compact JSON bytes as stored
  std::vector<std::string> refs;  // every identifier the version references
};

// A new version to store. The caller (hub/) has validated it and computed its
// releasability; `version` is nullopt for objects without created/modified.
struct NewVersion {
  std::string collection_id;
  std::string id;
  std::string type;
  std::string spec_version;
  std::optional<Micros> version;
  std::string version_text;  // as written in the object; empty when `version` is nullopt
  std::string json;
  std::vector<std::string> refs;
  std::vector<std::string> gate_refs;
  policy::Releasability releasability;
  // Searchable text, extracted by the caller off the writer thread; when absent the store
  // extracts it from `json` itself. Indexed in the same transaction when this version
  // becomes the object's latest.
  std::optional<stix::SearchText> search;
  // Backend work done ahead for `search` (SearchStore::PrepareSearch), or nullptr.
  std::shared_ptr<const void> prepared_search;
  // Set for the hub's derived objects (analysis/derive.h): the source object they come from,
  // whose governing version `version` must be. The store withdraws them — deletes every
  // version and keeps a tombstone — in the transaction that makes another version of the
  // source govern (a new version, a recall, a redaction, a deleted latest version) or deletes
  // the source, so nothing derived from text or releasability that no longer governs stays.
  std::string derived_from;
};

struct PutOutcome {
  Micros date_added = 0;
  bool duplicate = false;  // the same id and version was already in the collection
  Micros version = 0;
};

// TAXII filters over a collection's versions (TAXII 2.1 section 3.4).
struct VersionFilter {
  enum class Which { kLast, kFirst, kAll, kListed };
  std::optional<Micros> added_after;
  std::vector<std::string> ids;            // match[id]
  std::vector<std::string> types;          // match[type]
  Which which = Which::kLast;              // match[version]
  std::vector<Micros> versions;            // with kListed
  bool also_first = false;                 // with kListed: the first version too
  bool also_last = false;                  // with kListed: the last version too
  std::vector<std::string> spec_versions;  // match[spec_version]; empty: any
};

// Position after which a page continues: the last row returned.
struct Cursor {
  Micros date_added = 0;
  std::int64_t seq = 0;
};

struct Page {
  std::vector<VersionRow> rows;
  bool more = false;
};

// Which versions of one object a DELETE removes.
struct DeleteSelector {
  VersionFilter::Which which = VersionFilter::Which::kAll;
  std::vector<Micros> versions;
  std::vector<std::string> spec_versions;
  bool also_first = false;
  bool also_last = false;
};

// Object reads. Thread-safe; part of the Store aggregate (store.h).
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<std::optional<ObjectHead>> Head(std::string_view id) = 0;

  // Versions of `collection_id` that pass `filter` and are visible to `reader`
  // (policy::IsVisible), ascending by date_added, after `after`, at most `limit`.
  virtual Result<Page> ListVersions(const policy::Reader& reader, std::string_view collection_id,
                                    const VersionFilter& filter, std::optional<Cursor> after,
                                    std::size_t limit) = 0;

  // policy::IsVisible with this store's heads.
  virtual bool IsVisible(const policy::Reader& reader, std::string_view id) = 0;
  // Of `ids`, those the hub holds that `reader` may not see (references to strip).
  virtual Result<std::vector<std::string>> HiddenAmong(const policy::Reader& reader,
                                                       const std::vector<std::string>& ids) = 0;

  // Total stored versions (all collections), for status and benchmarks.
  virtual Result<std::int64_t> CountVersions() = 0;
};

// Object writes inside a write job; part of the WriteTxn aggregate (store.h).
class ObjectTxn {
 public:
  virtual ~ObjectTxn() = default;

  virtual Result<std::optional<ObjectHead>> GetHead(std::string_view id) = 0;
  // The JSON of the latest version of `id`, if stored (used to resolve marking-definitions).
  virtual Result<std::optional<std::string>> GetLatestJson(std::string_view id) = 0;
  // Stores `v` (idempotent for a known id and version in the collection), updates the head,
  // the search index and the situation counts in the same transaction.
  virtual Result<PutOutcome> PutVersion(const NewVersion& v) = 0;
  // Removes the selected versions of `id` from a collection; returns how many went. When no
  // version of `id` is left anywhere the hub keeps a tombstone: a head lookup for reading
  // (ObjectStore::IsVisible, HiddenAmong, gate targets) answers policy::ObjectHead::deleted,
  // so what is gated on it — derived objects, relationships, the hub's notices — stays
  // hidden; and the derived objects of `id` go with it.
  virtual Result<int> DeleteVersions(std::string_view collection_id, std::string_view id,
                                     const DeleteSelector& which) = 0;
  // The originating party of `id` if the hub deleted it and holds no version of it now
  // (a tombstone); only that party may store it again.
  virtual Result<std::optional<policy::PartyIndex>> DeletedBy(std::string_view id) = 0;
};

}  // namespace tansiq::store
