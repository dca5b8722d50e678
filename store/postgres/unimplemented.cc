// The roles the PostgreSQL backend does not implement yet (issue 14): search, analysis, and
// Backup. Every call fails closed with kUnavailable, and the conformance suite does not run
// these roles against PostgreSQL; the CLI does not offer the backend until it passes every
// role (store/README.md). PutVersion stores versions without indexing them (the search role's
// job), so a search on PostgreSQL answers kUnavailable, never a partial index.
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

Status NotYet(std::string_view role) {
  return Unavailable(std::string("the PostgreSQL backend does not implement the ") +
                     std::string(role) + " role yet");
}

}  // namespace

Status PgWriteTxn::PutAnalysis(const AnalysisRecord&) { return NotYet("analysis"); }

Status PgStore::Backup(const std::string&) {
  return Unavailable("back up a PostgreSQL hub with pg_dump or pg_basebackup");
}

Result<SearchResult> PgStore::Search(const policy::Reader&, const SearchQuery&) {
  return NotYet("search");
}
Result<bool> PgStore::MatchesSearch(const SearchQuery&, std::string_view) {
  return NotYet("search");
}

Result<std::optional<AnalysisRecord>> PgStore::Analysis(std::string_view) {
  return NotYet("analysis");
}
Result<KeyPostings> PgStore::Postings(const policy::Reader&, std::string_view, std::size_t) {
  return NotYet("analysis");
}
Result<std::vector<AnalysisRecord>> PgStore::AnalysedBetween(const policy::Reader&, Micros, Micros,
                                                             std::size_t) {
  return NotYet("analysis");
}
Result<SituationCounts> PgStore::Situation(const policy::Reader&, const SituationQuery&) {
  return NotYet("analysis");
}
Result<std::vector<Store::UnanalysedRow>> PgStore::Unanalysed(std::string_view, int,
                                                              std::string_view, std::size_t) {
  return NotYet("analysis");
}

}  // namespace tansiq::store::internal
