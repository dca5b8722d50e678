// The search role of the Store: full-text search over the latest version of every object,
// per reader (visibility inside the query), with the bounds, ranking, snippets and facets of
// docs/api.md. The index is written by ObjectTxn::PutVersion in the version's transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "stix/search_text.h"

namespace tansiq::store {

// One way a search may match: the words as typed (analysed like documents), optionally only
// in name fields, or script-neutral name keys (text::PhoneticKey of each word, in order).
struct SearchTerm {
  std::string text;                    // empty when only name keys are given
  bool names_only = false;             // match name fields only (query syntax name:)
  std::vector<std::string> name_keys;  // each word's key; matched near each other
};

// Terms of which any may match (the user's OR, and expansions: name keys, aliases).
struct SearchClause {
  std::vector<SearchTerm> any;
};

// A full-text search: every clause of `all` matches and no clause of `none` does; the other
// fields filter. Built by hub/ from the user's query; backends compile it to their own
// query language. Results only count what the reader may see.
struct SearchQuery {
  std::vector<SearchClause> all;
  std::vector<SearchClause> none;
  std::vector<std::string> types;
  std::optional<Micros> since;  // modified >= since
  std::optional<Micros> until;  // modified <= until
  std::vector<policy::PartyIndex> originators;
  std::vector<std::string> langs;
  // Objects whose created_by_ref is one of these are left out (hits, totals, facets): the
  // hub's derived entities (analysis/derive.h), one per source document, would otherwise
  // stand above the documents they come from.
  std::vector<std::string> exclude_creators;
  std::size_t limit = 20;
  std::size_t offset = 0;
  // Bounds that keep a frequent word's cost flat in the corpus size (issue 3; the way
  // Elasticsearch bounds track_total_hits). Visible matches are counted, newest first, up to
  // total_bound: beyond it SearchResult::total_exact is false and total == total_bound.
  // While the visible matches are at most rank_window they are all ranked by BM25; beyond
  // it the order is tiered (see SearchResult). Both at least 1.
  std::size_t total_bound = kDefaultTotalBound;
  std::size_t rank_window = kDefaultRankWindow;
  static constexpr std::size_t kDefaultTotalBound = 1'000;
  static constexpr std::size_t kDefaultRankWindow = 500;
};

struct SearchHit {
  std::string id;
  std::string type;
  std::string title;
  std::string snippet;  // original text; matches between \x02 and \x03
  std::string created_by_ref;
  std::string lang;
  policy::PartyIndex originator = 0;
  Micros modified = 0;
  double score = 0;  // higher is better
};

// The order of hits: with at most rank_window visible matches, all of them by BM25 (score
// descending, then oldest first). With more: tier 1, the visible matches among the newest
// total_bound that have a query word in a name field (the newest rank_window of them), by
// BM25; then the other visible
// matches in windows of rank_window, newest window first, each window by BM25. Stable across
// pages while the index does not change.
struct SearchResult {
  // Visible matches counted, newest first, up to SearchQuery::total_bound; total_exact is
  // false when more exist (then total == total_bound).
  std::int64_t total = 0;
  bool total_exact = true;
  std::vector<SearchHit> hits;
  // facet name ("type", "party", "lang") → value → count, over the same visible matches that
  // `total` counts (every visible match when total_exact).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::int64_t>>>> facets;
};

// Search reads. Thread-safe; part of the Store aggregate (store.h).
class SearchStore {
 public:
  virtual ~SearchStore() = default;

  // Analyses searchable text on the caller's thread, so the writer thread only stores it;
  // put the result in NewVersion::prepared_search. Optional: nullptr means "do it at write".
  virtual std::shared_ptr<const void> PrepareSearch(const stix::SearchText& text) {
    (void)text;
    return nullptr;
  }

  // Full-text search over the latest version of every object the reader may see in a
  // collection they may access. InvalidArgument when `all` is empty.
  virtual Result<SearchResult> Search(const policy::Reader& reader, const SearchQuery& q) = 0;
  // Whether the latest version of object `id` matches the text clauses of `q` (all/none; the
  // filters and paging are ignored, and so is visibility: the caller decides that). Used to
  // match watch rules against a newly stored object.
  virtual Result<bool> MatchesSearch(const SearchQuery& q, std::string_view id) = 0;
};

}  // namespace tansiq::store
