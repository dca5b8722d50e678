// Search use case: the user's query syntax (words, "phrases", -exclusion, OR, name:, type:)
// parsed into a store::SearchQuery, expanded through name keys, the alias registry and the
// gazetteer so a query in any script finds the others; results as the API's JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/hub.h"

namespace tansiq::hub {

struct SearchRequest {
  std::string q;
  std::vector<std::string> types;    // STIX types
  std::optional<Micros> since;       // modified >= since
  std::optional<Micros> until;       // modified <= until
  std::vector<std::string> parties;  // originating party codes
  std::vector<std::string> langs;    // STIX lang codes
  std::size_t limit = 20;            // 1..100
  std::size_t offset = 0;            // 0..10000
};

// Parses and expands; InvalidArgument with a message naming the problem for a bad query.
Result<store::SearchQuery> BuildSearch(const Hub& hub, const SearchRequest& request);

// Runs the search for `reader`, audits it, and returns
// {"total": N, "total_relation": "eq"|"gte", "hits": [{"id","type","name","score","snippet",
//   "created_by_ref","modified","lang","party"}], "facets": {"type": {...}, "party": {...},
//   "lang": {...}}, "facets_relation": "eq"|"gte"}; "gte" when more than the hub's
// search_total_bound() visible matches exist (total is then the bound, and the facets count
// the same newest `total` visible matches).
// Snippets are HTML-escaped text with matches in <mark>…</mark>, in the original script.
Result<std::string> Search(Hub& hub, const policy::Reader& reader, const SearchRequest& request);

}  // namespace tansiq::hub
