// The hub's use cases over Store + policy + audit, shared by server/ (HTTP) and cli/:
// the directory of parties and collections, and access to the hub's key and auditor.
// Layering: server/, cli/ → hub/ → audit/ → store/ → policy/ → stix/ → base/.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/status.h"
#include "hub/events.h"
#include "hub/settings.h"
#include "policy/policy.h"
#include "store/store.h"
#include "text/alias_registry.h"
#include "text/gazetteer.h"

namespace tansiq::hub {

// The pseudo-party that originates the hub's own objects (its identity, the releasability
// extension-definition). No user belongs to it, so nobody can version or delete them.
inline constexpr policy::PartyIndex kHubParty = policy::kMaxParties - 1;
inline constexpr int kMaxMemberParties = policy::kMaxParties - 1;

inline constexpr std::string_view kCoalitionAlias = "coalition";

// A snapshot of the parties and collections. Immutable; shared between threads.
struct Directory {
  std::string hub_name;
  std::string hub_identity;  // the hub's own STIX identity id
  std::vector<store::Party> parties;
  std::vector<store::Collection> collections;
  policy::PartyMask all_parties = 0;

  std::optional<policy::PartyIndex> PartyOfIdentity(std::string_view identity_id) const;
  const store::Party* PartyByIndex(policy::PartyIndex index) const;
  const store::Party* PartyByCode(std::string_view code) const;
  // By UUID or by alias.
  const store::Collection* FindCollection(std::string_view id_or_alias) const;
  const store::Collection* Coalition() const;
};

// Whether `reader` may see a collection at all (shared, or their party's own), and write it.
bool CanAccessCollection(const policy::Reader& reader, const store::Collection& c);
bool CanWriteCollection(const policy::Reader& reader, const store::Collection& c);

// One open hub: the store, the signing key, the auditor, the directory. Thread-safe.
// Owned by main (or a test); outlives every server session and CLI command using it.
class Hub {
 public:
  struct Options {
    std::string db_path;
    const Clock* clock = nullptr;  // nullptr: the system clock
    // Folder with aliases/*.jsonl and gazetteer/{places,countries}.tsv; empty: $TANSIQ_DATA, else
    // the source tree's data/ (compiled in). Missing files disable those expansions, with a
    // warning.
    std::string data_dir;
  };
  // Opens an initialised hub (tansiq init must have run: the key file and directory exist).
  static Result<std::unique_ptr<Hub>> Open(const Options& options);

  store::Store& store() { return *store_; }
  const audit::HubKey& key() const { return key_; }
  audit::Auditor& auditor() { return *auditor_; }
  const Clock& clock() const { return *clock_; }
  // After-commit events of every write (correlation and watch rules subscribe).
  CommitFeed& commits() { return *commits_; }
  // Reference data, loaded on first use (most CLI commands never need it); nullptr when
  // missing. Immutable once loaded, shared by all threads.
  const text::AliasRegistry* aliases() const {
    LoadReferenceData();
    return aliases_ ? &*aliases_ : nullptr;
  }
  const text::Gazetteer* gazetteer() const {
    LoadReferenceData();
    return gazetteer_ ? &*gazetteer_ : nullptr;
  }
  // Countries (gazetteer/countries.tsv): search expands their names across languages; the
  // analysis never sees them (a country is no place of the situation picture). nullptr: none.
  const text::Gazetteer* countries() const {
    LoadReferenceData();
    return countries_ ? &*countries_ : nullptr;
  }

  // The current snapshot; Reload (every second under `tansiq serve`) replaces it. Keep the
  // shared_ptr in a local for as long as a Party or Collection pointer taken from it is used:
  // `const Party* p = hub.directory()->PartyByIndex(i);` dangles once the temporary is gone
  // (TSan caught exactly that in the login handler).
  std::shared_ptr<const Directory> directory() const;

  // The hub's settings (hub/settings.h): read from the database once at Open; `tansiq serve`
  // layers its flags on top with set_settings before serving.
  Settings settings() const;
  void set_settings(Settings settings);

  // Search bounds (store::SearchQuery::total_bound and rank_window), the settings' [search]
  // values, readable without a lock on every search. Values below 1 are taken as 1.
  std::size_t search_total_bound() const { return search_total_bound_.load(); }
  std::size_t search_rank_window() const { return search_rank_window_.load(); }
  void set_search_bounds(std::size_t total_bound, std::size_t rank_window) {
    search_total_bound_.store(std::max<std::size_t>(total_bound, 1));
    search_rank_window_.store(std::max<std::size_t>(rank_window, 1));
  }
  // Re-reads parties and collections (after an administrative change).
  Status Reload();

  // The reference data folder: Options::data_dir, else $TANSIQ_DATA, else the source tree's
  // data/ (compiled in).
  std::string data_dir() const;

  // Loads the alias registry and gazetteer from data_dir() (see Options), once.
  void LoadReferenceData() const;
  void LoadReferenceDataNow() const;

  // A fresh random STIX identifier of `type`.
  static std::string NewId(std::string_view type);
  // A fresh random (version 4) UUID, e.g. for collection and status ids.
  static std::string NewUuid();

 private:
  Hub() = default;
  const Clock* clock_ = nullptr;
  audit::HubKey key_;
  // Before store_, so it outlives the store: the store's destructor drains its write queue,
  // and queued read-audit jobs call the auditor (ThreadSanitizer caught the reverse order:
  // Auditor::Append on the writer thread while ~Hub deleted the auditor).
  std::unique_ptr<audit::Auditor> auditor_;
  std::unique_ptr<store::Store> store_;
  std::string data_dir_;
  std::atomic<std::size_t> search_total_bound_{store::SearchQuery::kDefaultTotalBound};
  std::atomic<std::size_t> search_rank_window_{store::SearchQuery::kDefaultRankWindow};
  mutable std::once_flag reference_once_;
  mutable std::optional<text::AliasRegistry> aliases_;  // set once, under reference_once_
  mutable std::optional<text::Gazetteer> gazetteer_;    // set once, under reference_once_
  mutable std::optional<text::Gazetteer> countries_;    // set once, under reference_once_
  mutable std::mutex mu_;
  std::shared_ptr<const Directory> directory_;  // guarded by mu_
  Settings settings_;                           // guarded by mu_
  // Last: destroyed first, so its thread has stopped before anything a listener uses goes.
  std::unique_ptr<CommitFeed> commits_ = std::make_unique<CommitFeed>();
};

// Path of the key file of the hub at `db_path`.
std::string KeyPath(const std::string& db_path);

}  // namespace tansiq::hub
